"""The lock: what a generation was made from, written beside it as ``generator.lock.json``.

It records a SHA-256 of every input (the upstream spec, each overlay, each template and runtime
module, the generator's own source) and the versions of the tools that shape the output
(datamodel-code-generator, ruff), and a SHA-256 of every file written. With it, ``check`` says
precisely which input changed since the generation, and ``generate`` with unchanged inputs and an
untouched output is a no-op that renders nothing.

Paths in the lock are named as the generated files' headers name their spec: relative to the
working directory (``make`` runs from the project root), so the file holds no machine's absolute
paths and is the same on every machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from .render import TEMPLATES
from .write import IGNORED_PARTS, IGNORED_SUFFIXES

LOCK_NAME = "generator.lock.json"
GENERATOR_SOURCE = Path(__file__).resolve().parent
SHAPING_TOOLS = ("datamodel-code-generator", "ruff")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files_under(root: Path, prefix: str = "") -> list[tuple[str, Path]]:
    """Each file below ``root`` by its ``/``-separated path relative to it, in order."""
    found: list[tuple[str, Path]] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name in IGNORED_PARTS or entry.name.endswith(IGNORED_SUFFIXES):
            continue
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            found += _files_under(entry, f"{name}/")
        elif entry.is_file():
            found.append((name, entry))
    return found


def input_fingerprint(
    spec_files: tuple[Path, ...],
    overlays: tuple[Path, ...],
    template_dirs: tuple[Path, ...],
    display: Callable[[Path], str],
) -> dict[str, Any]:
    """Every input's hash by its display path (each file of the spec), and the generator's own fingerprint."""
    inputs = {f"spec {display(spec)}": _sha256(spec) for spec in spec_files}
    inputs.update({f"overlay {display(p)}": _sha256(p) for p in overlays})
    for directory in template_dirs:
        # the toolkit's own templates are named alike wherever it is installed; a user's directory
        # outside the working directory is named by its path, not alone
        prefix = "templates" if directory == TEMPLATES else display(directory)
        inputs.update({f"template {prefix}/{name}": _sha256(p) for name, p in _files_under(directory)})
    source = hashlib.sha256()
    for name, path in _files_under(GENERATOR_SOURCE):
        source.update(name.encode() + b"\0" + path.read_bytes())
    tools = {name: _version(name) for name in SHAPING_TOOLS}
    return {"inputs": inputs, "generator": {"source": source.hexdigest(), **tools}}


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def output_hashes(root: Path) -> dict[str, str]:
    return {name: _sha256(p) for name, p in _files_under(root) if name != LOCK_NAME}


def lock_text(fingerprint: dict[str, Any], root: Path) -> str:
    """The lock of the generation in ``root`` made from ``fingerprint``."""
    return json.dumps({**fingerprint, "outputs": output_hashes(root)}, indent=2, sort_keys=True) + "\n"


def read_lock(out: Path) -> dict[str, Any] | None:
    try:
        lock = json.loads((out / LOCK_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return lock if isinstance(lock, dict) else None


def changed_inputs(lock: dict[str, Any], fingerprint: dict[str, Any]) -> list[str]:
    """Each input or tool that differs from what the lock records, in words."""
    was, now = lock.get("inputs") or {}, fingerprint["inputs"]
    lines = [f"changed: {name}" for name in sorted(was.keys() & now.keys()) if was[name] != now[name]]
    lines += [f"new input: {name}" for name in sorted(now.keys() - was.keys())]
    lines += [f"input gone: {name}" for name in sorted(was.keys() - now.keys())]
    old_generator, new_generator = lock.get("generator") or {}, fingerprint["generator"]
    if old_generator.get("source") != new_generator["source"]:
        lines.append("changed: the generator's source (generator/)")
    for tool in SHAPING_TOOLS:
        if old_generator.get(tool) != new_generator[tool]:
            lines.append(f"changed: {tool} {old_generator.get(tool)} -> {new_generator[tool]}")
    return lines


def edited_outputs(lock: dict[str, Any], out: Path) -> list[str]:
    """Each generated file that is no longer what the generation wrote, in words."""
    was, now = lock.get("outputs") or {}, output_hashes(out)
    lines = [f"edited by hand: {name}" for name in sorted(was.keys() & now.keys()) if was[name] != now[name]]
    lines += [f"missing: {name}" for name in sorted(was.keys() - now.keys())]
    lines += [f"not generated (extra): {name}" for name in sorted(now.keys() - was.keys())]
    return lines
