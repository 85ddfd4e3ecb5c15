"""The generator's command line as the tests call it, and what they do with its packages."""

from __future__ import annotations

import contextlib
import importlib
import io
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from paperspace_deployments_toolkit.generator import cli as generator_cli
from support.paths import ROOT


def run_generator(
    *args: str | Path, cwd: Path = ROOT, preexec_fn: Callable[[], None] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """The generator's command line with ``args`` in ``cwd``: called in this process
    (``cli.main(argv)``, as the command calls it), or as the ``python -m`` child process users
    start when the test caps the process (``preexec_fn``) or bounds its time."""
    argv = [str(a) for a in args]
    if preexec_fn is not None or timeout is not None:
        return run_generator_process(*argv, cwd=cwd, preexec_fn=preexec_fn, timeout=timeout)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = generator_cli.main(argv)
    return subprocess.CompletedProcess(["deployments-generator", *argv], code, out.getvalue(), err.getvalue())


def run_generator_process(
    *args: str | Path, cwd: Path = ROOT, preexec_fn: Callable[[], None] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m paperspace_deployments_toolkit.generator`` in a child process (the end-to-end layer)."""
    return subprocess.run(
        [sys.executable, "-m", "paperspace_deployments_toolkit.generator", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=preexec_fn,
        timeout=timeout,
        check=False,
    )


@contextmanager
def imported(package: str, directory: Path) -> Iterator[ModuleType]:
    """``package``, generated into ``directory``, imported; forgotten again afterwards."""
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[name]


def mypy_strict(directory: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` run in ``directory`` on ``targets`` (a generated package, a user program)."""
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *targets]
    return subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False)


def generate_package(tmp_path_factory: pytest.TempPathFactory, spec: Path, package: str) -> tuple[Path, str]:
    """``spec`` generated as ``package`` into a new directory: the directory and the warnings printed."""
    out = tmp_path_factory.mktemp(package)
    result = run_generator("generate", "--spec", spec, "--out", out, "--package", package)
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def user_program_type_checks(directory: Path, package: str, program: str) -> None:
    """A user program of ``package`` (written beside it) and the package pass ``mypy --strict``."""
    (directory / "user_program.py").write_text(textwrap.dedent(program), encoding="utf-8")
    result = mypy_strict(directory, package, "user_program.py")
    assert result.returncode == 0, result.stdout
