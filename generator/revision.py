"""A spec as it was at a git revision: ``generator diff HEAD~3 spec/api.yml`` (``make diff OLD=...``).

The files of the new spec's directory at that revision are extracted into a temporary directory
(all of them: a multi-file spec refers to its neighbours), and the old spec is the file of the
same name there. git is asked, never the network; a revision git does not know is a located error.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import SpecError, SpecErrors


@contextlib.contextmanager
def spec_at_revision(revision: str, new_spec: Path) -> Iterator[Path]:
    """The spec at ``new_spec``'s path as of ``revision``, in a directory removed on exit."""
    if revision.startswith("-") or not revision.strip():  # git would read it as an option
        raise SpecErrors([_problem(revision, "no such file, and not a git revision (it starts with '-')")])
    if not hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
        raise SpecErrors([_problem(revision, "reading a git revision needs Python 3.11.4 or later")])
    directory = new_spec.resolve().parent
    top = _git(directory, revision, "rev-parse", "--show-toplevel").decode().strip()
    # the commit it names, checked as a revision and nothing else; only that id reaches git then
    verified = _git(
        directory, revision, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    commit = verified.decode().strip()
    inside = directory.relative_to(Path(top).resolve()).as_posix()
    tree = _git(Path(top), revision, "archive", "--format=tar", f"{commit}:{inside}" if inside != "." else commit)
    with (
        tempfile.TemporaryDirectory(prefix="spec-at-revision-") as scratch,
        tarfile.open(fileobj=io.BytesIO(tree)) as tar,
    ):
        tar.extractall(scratch, filter="data")  # no path outside the directory, no links out, no devices
        old = Path(scratch) / new_spec.name
        if not old.is_file():
            raise SpecErrors([_problem(revision, f"{new_spec.name} did not exist in {inside or '.'} at {revision}")])
        yield old


def _git(directory: Path, revision: str, *command: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(directory), *command], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpecErrors([_problem(revision, f"no such file, and git could not be asked ({exc})")]) from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        why = said[0] if said else f"git knows no such commit (exit {done.returncode})"
        raise SpecErrors([_problem(revision, f"neither a file nor a git revision of {directory} ({why})")])
    return done.stdout


def _problem(revision: str, message: str) -> SpecError:
    return SpecError(revision, 0, "", message)
