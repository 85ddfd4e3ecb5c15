"""Format and write: ruff over the rendered files in a scratch directory, then an atomic swap.

The output directory is replaced as a whole only once everything before succeeded, so a failed
run leaves the previous generation exactly as it was.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

LINE_LENGTH = 120
# what Python and build tools leave in a package directory; never part of a generation
IGNORED_PARTS = ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache")
IGNORED_SUFFIXES = (".pyc", ".egg-info")


class FormatError(Exception):
    pass


def _ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found is None:
            raise FormatError("ruff is not installed: it comes with the toolkit (pip install <clone>)") from None
        return found


def write_tree(files: dict[str, str], root: Path) -> None:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


def format_tree(root: Path) -> None:
    """Drop unused imports, sort imports, format; config files around ``root`` are ignored."""
    ruff = _ruff()
    common = ["--isolated", "--line-length", str(LINE_LENGTH), "--target-version", "py311"]
    steps = [
        [ruff, "check", "--fix", "--exit-zero", "--select", "F401,I", *common, str(root)],
        [ruff, "format", *common, str(root)],
    ]
    for command in steps:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise FormatError(f"ruff failed on the generated code:\n{result.stdout}{result.stderr}")


def scratch_dir_beside(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    scratch.chmod(0o755)  # mkdtemp's 0700 would survive the swap and hide the package from others
    return scratch


MARKER = ".generator-output"
MARKER_TEXT = "Written by the project's generator, which replaces this directory as a whole on every run.\n"


def unsafe_output_reason(out: Path) -> str | None:
    """Why ``out`` must not be replaced, or None. Only an absent or empty directory, or one an
    earlier generation wrote (it holds the marker file), is ever replaced."""
    resolved = out.resolve()
    if out.is_symlink() and not resolved.exists():
        return f"--out {out} is a symbolic link to {resolved}, which does not exist"
    if resolved == Path(resolved.anchor) or Path.cwd().resolve().is_relative_to(resolved):
        return f"--out {out} is the working directory or one of its parents"
    if not out.exists():
        return None
    if not out.is_dir():
        return f"--out {out} is not a directory"
    if any(out.iterdir()) and not (out / MARKER).is_file():
        return f"--out {out} is not empty and was not written by this generator (no {MARKER}); choose another directory"
    return None


def real_output_path(out: Path) -> Path:
    """The directory ``out`` names: a symbolic link is followed, so the generation replaces the
    directory it points to and the link stays as it was."""
    return out.resolve() if out.is_symlink() else out


def swap_into_place(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new``: two renames, so ``out`` is never half-written."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    try:
        new.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)  # put the previous generation back
        raise
    if old is not None:
        remove_tree(old)


def _ignored(path: Path) -> bool:
    return any(part in IGNORED_PARTS or part.endswith(IGNORED_SUFFIXES) for part in path.parts)


def tree_files(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not _ignored(relative):
            found[relative.as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return found


def compare_trees(expected: Path, actual: Path, max_lines: int = 40) -> list[str]:
    """A short summary of how ``actual`` differs from ``expected``; empty when they are equal."""
    want, have = tree_files(expected), tree_files(actual)
    summary = [f"missing: {name}" for name in sorted(want.keys() - have.keys())]
    summary += [f"not generated (extra): {name}" for name in sorted(have.keys() - want.keys())]
    for name in sorted(want.keys() & have.keys()):
        if want[name] != have[name]:
            diff = list(difflib.unified_diff(have[name].splitlines(), want[name].splitlines(), lineterm="", n=0))
            changed = sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))
            summary.append(f"stale: {name} ({changed} lines differ)")
            summary.extend(f"    {line}" for line in diff[2:8])
    return summary[:max_lines]


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


__all__ = [
    "FormatError",
    "compare_trees",
    "format_tree",
    "remove_tree",
    "scratch_dir_beside",
    "swap_into_place",
    "write_tree",
]
