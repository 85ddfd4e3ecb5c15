"""Load: read a YAML or JSON document and remember the line of every node.

The line map is what lets every later stage name ``FILE:LINE`` for a JSON pointer. YAML is a
superset of JSON, so one loader serves both; a document that is JSON is read by the json module
(a hundred times faster on a large spec), and its line map is built only if something needs a
line. On a spec of 5,000 operations that is most of the time a run spent loading.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError, SpecErrors

Path_ = tuple[str | int, ...]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is several times faster


class _Loader(_Base):  # type: ignore[misc]
    """Safe loading with JSON's data model: timestamps stay strings, as a JSON reader sees them."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class Origin:
    """Where each node of a document came from: (file, 1-based line) by path of keys, built on
    first use when it is given as a function."""

    def __init__(
        self,
        by_path: dict[Path_, tuple[str, int]] | None = None,
        build: Callable[[], dict[Path_, tuple[str, int]]] | None = None,
    ) -> None:
        self._by_path = by_path
        self._build = build

    @property
    def by_path(self) -> dict[Path_, tuple[str, int]]:
        if self._by_path is None:
            self._by_path = self._build() if self._build is not None else {}
            self._build = None
        return self._by_path

    def locate(self, path: Path_) -> tuple[str, int]:
        """The origin of the nearest node at or above ``path`` that has one."""
        for end in range(len(path), -1, -1):
            found = self.by_path.get(path[:end])
            if found is not None:
                return found
        return ("<unknown>", 0)


@dataclass
class SourceDocument:
    display_name: str
    data: Any
    origin: Origin


def load_document(path: Path, display_name: str | None = None) -> SourceDocument:
    """Parse ``path``; a syntax error becomes a :class:`SpecError` at the line YAML reports."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecErrors([SpecError(name, 0, "", f"cannot read the file: {exc}")]) from exc
    if text.lstrip().startswith("{"):
        try:
            return SourceDocument(name, json.loads(text), Origin(build=lambda: _line_map(_compose(text, name), name)))
        except ValueError:
            pass  # not JSON after all: YAML reads it, or says where it is broken
    node = _compose(text, name)
    loader = _Loader("")
    try:
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return SourceDocument(name, _with_string_keys(data), Origin(build=lambda: _line_map(node, name)))


def _compose(text: str, name: str) -> yaml.Node | None:
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise SpecErrors([SpecError(name, line, "", f"not valid YAML/JSON: {exc.problem}")]) from exc
    except yaml.YAMLError as exc:
        raise SpecErrors([SpecError(name, 0, "", f"not valid YAML/JSON: {exc}")]) from exc
    return node


def _line_map(node: yaml.Node | None, name: str) -> dict[Path_, tuple[str, int]]:
    lines: dict[Path_, tuple[str, int]] = {}
    if node is not None:
        _record_lines(node, (), name, lines)
    return lines


def _record_lines(node: yaml.Node, path: Path_, name: str, out: dict[Path_, tuple[str, int]]) -> None:
    out[path] = (name, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key, str):  # pragma: no cover - composer keys are scalars
                continue
            _record_lines(value_node, (*path, key), name, out)
            # a key's own line is where a reader looks for it, even if its value starts later
            out[(*path, key)] = (name, key_node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), name, out)


def walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every node of a JSON-like tree with its path, parents before children."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))


def _with_string_keys(value: Any) -> Any:
    """JSON has only string keys; YAML reads an unquoted ``200:`` as an int."""
    if isinstance(value, dict):
        return {str(k): _with_string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_string_keys(v) for v in value]
    return value
