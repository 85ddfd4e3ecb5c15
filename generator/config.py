"""The generator's defaults: ``[tool.deployments-generator]`` of the nearest ``pyproject.toml``.

The generator knows no project of its own; what a project generates, from which spec and
overlays, and where to, is said once in its ``pyproject.toml`` (as the conformance suite reads
``[tool.deployments-contract]``), and flags override it::

    [tool.deployments-generator]
    spec = "spec/paperspace-deployments-api-openapi.yml"
    overlays = ["spec/overlays"]        # files, or directories whose *.yaml/*.yml apply in name order
    out = "generated"
    package = "paperspace_deployments"
    templates = []                      # directories of template overrides, searched first

Paths are relative to the ``pyproject.toml`` that names them, so a command means the same thing
from any subdirectory. The nearest ``pyproject.toml`` upwards from the working directory that has
the table is the one read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_TABLE = "deployments-generator"
_KEYS = ("spec", "overlays", "out", "package", "templates")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Defaults:
    spec: Path | None = None
    overlays: tuple[Path, ...] = ()
    out: Path | None = None
    package: str | None = None
    templates: tuple[Path, ...] = ()
    source: str = ""  # "<path> [tool.deployments-generator]", for messages; "" when none was read
    root: Path | None = None  # the directory of that pyproject.toml: where input names start


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` from ``start`` upwards that has the table (as ruff and pytest
    look for their own); a project's file without it does not hide one above it."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return candidate
    return None


def _has_table(path: Path) -> bool:
    """Whether the file names the table (a cheap test; the file is parsed, and refused, in full later)."""
    try:
        return f"[tool.{CONFIG_TABLE}" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def read_defaults(start: Path | None = None) -> Defaults:
    """The defaults the nearest ``pyproject.toml`` above ``start`` (the working directory) gives."""
    path = find_pyproject((start or Path.cwd()).absolute())
    if path is None:
        return Defaults()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not TOML: {exc}") from None
    tool = data.get("tool")
    table = tool.get(CONFIG_TABLE) if isinstance(tool, dict) else None
    where = f"{path} [tool.{CONFIG_TABLE}]"
    if table is None:
        return Defaults()
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_KEYS)})")
    base = path.parent

    def text(key: str) -> str | None:
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise ConfigError(f"{where}: {key} must be a non-empty string, not {value!r}")
        return value

    def texts(key: str) -> list[str]:
        value: Any = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{where}: {key} must be a list of non-empty strings, not {value!r}")
        return value

    spec, out, package = text("spec"), text("out"), text("package")
    overlays: list[Path] = []
    for entry in texts("overlays"):
        named = base / entry
        if named.is_dir():
            overlays += sorted(p for p in named.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
        elif named.is_file():
            overlays.append(named)
        else:
            raise ConfigError(f"{where}: overlays: {entry!r} is neither a file nor a directory")
    return Defaults(
        spec=base / spec if spec else None,
        overlays=tuple(overlays),
        out=base / out if out else None,
        package=package,
        templates=tuple(base / t for t in texts("templates")),
        source=where,
        root=base,
    )
