"""Load: read a YAML or JSON document and remember the line of every node.

The line map is what lets every later stage name ``FILE:LINE`` for a JSON pointer. YAML is a
superset of JSON, so one loader serves both; a document that is JSON is read by the json module
(a hundred times faster on a large spec), and its line map is built only if something needs a
line. On a spec of 5,000 operations that is most of the time a run spent loading.

A spec is untrusted input, so nothing here trusts its size or shape (see :mod:`.limits`): the
file is read only up to the size limit; a YAML document's events are scanned for depth, node count
(YAML aliases expanded) and duplicate keys before a node is composed; a JSON document is checked
the same way after the json module has read it. Every walker below is iterative, and what reaches
the later stages is the JSON data model: string keys, no recursive structures, no lone surrogates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .errors import SpecError, SpecErrors, to_pointer
from .limits import Limits

Path_ = tuple[str | int, ...]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is several times faster


class _Loader(_Base):  # type: ignore[misc]
    """Safe loading with JSON's data model: timestamps stay strings, as a JSON reader sees them."""


def _no_json_equivalent(loader: Any, node: yaml.Node) -> NoReturn:
    message = f"the YAML type !!{node.tag.rsplit(':', 1)[-1]} has no JSON equivalent"
    raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)


def _int(loader: Any, node: yaml.ScalarNode) -> int:
    try:
        return int(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))
    except ValueError as exc:  # more digits than Python converts (sys.get_int_max_str_digits)
        message = f"an integer too long to read: {exc}"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
_Loader.add_constructor("tag:yaml.org,2002:int", _int)
for _tag in ("binary", "set", "omap", "pairs"):  # bytes, sets and tuples would break every later stage
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _no_json_equivalent)


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


def located(doc: SourceDocument, path: Path_, message: str) -> SpecError:
    """A problem at ``path`` of ``doc``, at the line its origin gives."""
    file, line = doc.origin.locate(path)
    return SpecError(file, line, to_pointer(path), message)


def load_document(path: Path, display_name: str | None = None, limits: Limits | None = None) -> SourceDocument:
    """Parse ``path``; a syntax error, or a limit of ``limits`` exceeded, becomes a
    :class:`SpecError` at the line it is on."""
    name = display_name or str(path)
    limits = limits or Limits()
    text = _read(path, name, limits)
    if text.lstrip().startswith("{"):
        document = _load_json(text, name, limits)
        if document is not None:
            return document
    return _load_yaml(text, name, limits)


def _fail(name: str, line: int, path: Path_, message: str) -> NoReturn:
    raise SpecErrors([SpecError(name, line, to_pointer(path), message)])


def _read(path: Path, name: str, limits: Limits) -> str:
    """The file's text with universal newlines (as ``Path.read_text``), never more than the limit."""
    too_big = f"over the limit of {limits.max_bytes:,} bytes (--max-spec-bytes)"
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:  # refused before a byte is read
            _fail(name, 0, (), f"the file is {size:,} bytes, {too_big}")
        with path.open("rb") as file:
            raw = file.read(limits.max_bytes + 1)  # a pipe or device has no size to stat
    except OSError as exc:
        _fail(name, 0, (), f"cannot read the file: {exc}")
    if len(raw) > limits.max_bytes:
        _fail(name, 0, (), f"the file is {too_big}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        _fail(name, raw.count(b"\n", 0, exc.start) + 1, (), f"cannot read the file: {exc}")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# ---------------------------------------------------------------------------------------------
# JSON: the json module reads it; the checks run on the data, and only a document that fails one
# is read again, as YAML events, to find the line.


class _DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def _load_json(text: str, name: str, limits: Limits) -> SourceDocument | None:
    """The document read by the json module, or None when it is not JSON after all."""
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except (_DuplicateKey, RecursionError):
        _locate_problem(text, name, limits, None, "a duplicate key, or nesting deeper than the json module reads")
    except ValueError:
        return None  # not JSON after all: YAML reads it, or says where it is broken
    problem = tree_problem(data, limits, surrogates=_may_hold_surrogates(text))
    if problem is not None:
        _locate_problem(text, name, limits, data, problem)
    return SourceDocument(name, data, Origin(build=lambda: _line_map(_compose(_as_yaml(text), name), name)))


def tree_problem(data: Any, limits: Limits, surrogates: bool) -> str | None:
    """What is wrong with a document the json module read: depth, size or a lone surrogate.

    Level by level, without paths: this runs on every JSON spec and must stay cheap (0.03 s on a
    spec of 5,000 operations); where the problem is, the event scan finds out.
    """
    level, depth, nodes = [data], 0, 0
    while level:
        depth += 1
        nodes += len(level)
        below: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                nodes += len(value)
                below.extend(value.values())
                if surrogates and (found := _SURROGATE.search("".join(value))):
                    return _surrogate_message(ord(found[0]))
            elif isinstance(value, list):
                below.extend(value)
            elif surrogates and isinstance(value, str) and (found := _SURROGATE.search(value)):
                return _surrogate_message(ord(found[0]))
        if nodes > limits.max_nodes:
            return f"the document has more than {limits.max_nodes:,} nodes (--max-nodes)"
        if depth >= limits.max_depth and any(isinstance(v, dict | list) for v in below):
            return _too_deep(limits)
        level = below
    return None


def _locate_problem(text: str, name: str, limits: Limits, data: Any, problem: str) -> NoReturn:
    """Raise the problem found in what the json module read, located by the YAML event scan."""
    try:
        _scan(_as_yaml(text), name, limits)
    except SpecErrors as located:
        error = located.errors[0]
        if not error.message.startswith("not valid YAML/JSON"):
            if "surrogate" in error.message:  # libyaml stops at the escape, before the node has a path
                path, message = _surrogate_at(data)
                error = SpecError(error.file, error.line, to_pointer(path), message)
            raise SpecErrors([error]) from None
    # the YAML reading of this JSON found nothing (the two differ in corner cases): no line, then
    path, message = _surrogate_at(data) if "surrogate" in problem else ((), problem)
    _fail(name, 0, path, message)


def _surrogate_at(data: Any) -> tuple[Path_, str]:
    """The path of the first string, key or value, holding a lone surrogate, and what to say."""
    for path, value in walk(data):
        if path and isinstance(path[-1], str) and (found := _SURROGATE.search(path[-1])):
            return path[:-1], f"the key {_quoted(path[-1])} {_surrogate_message(ord(found[0]))}"
        if isinstance(value, str) and (found := _SURROGATE.search(value)):
            return path, _surrogate_message(ord(found[0]))
    return (), "a string holds a lone surrogate"


_SURROGATE_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")


def _may_hold_surrogates(text: str) -> bool:
    """Whether an escape in ``text`` may decode to a surrogate (a lone one is an error)."""
    return _SURROGATE_ESCAPE.search(text) is not None


# what JSON holds as it is but YAML refuses (DEL, C1 controls, noncharacters) or counts as a line
# break (NEL, U+2028, U+2029); a space in their place keeps every JSON line and column where it is
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _as_yaml(text: str) -> str:
    """JSON text the YAML parser reads as JSON does: an escaped surrogate pair (an emoji as
    ``\\ud83d\\ude00``) is one character in JSON but two invalid escapes in YAML, and characters
    YAML refuses or breaks lines at become spaces."""
    text = _NOT_YAML.sub(" ", text)
    if not _may_hold_surrogates(text):
        return text

    def joined(found: re.Match[str]) -> str:
        high, low = int(found[2], 16), int(found[3], 16)
        return f"{found[1]}\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"

    return _JSON_PAIR.sub(joined, text)


# ---------------------------------------------------------------------------------------------
# YAML: scan the events, then compose and construct what passed.


def _load_yaml(text: str, name: str, limits: Limits) -> SourceDocument:
    _scan(text, name, limits)
    node = _compose(text, name)
    loader = _Loader("")
    try:
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        _fail(name, _line_of(exc), (), f"not valid YAML/JSON: {exc.problem}")
    finally:
        loader.dispose()
    origin = Origin(build=lambda: _line_map(node, name))
    data, collision = _with_string_keys(data)
    if collision is not None:
        path, key = collision
        _fail(name, origin.locate(path)[1], path, f"duplicate key {_quoted(key)} once keys are read as strings")
    return SourceDocument(name, data, origin)


def _line_of(exc: yaml.MarkedYAMLError) -> int:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark is not None else 0


def _compose(text: str, name: str) -> yaml.Node | None:
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        _fail(name, _line_of(exc), (), f"not valid YAML/JSON: {exc.problem}")
    except yaml.YAMLError as exc:
        _fail(name, 0, (), f"not valid YAML/JSON: {exc}")
    return node


class _Frame:
    """An open mapping or sequence of the event scan."""

    __slots__ = ("anchor", "first_lines", "height", "is_map", "key", "size", "want_key")

    def __init__(self, is_map: bool, anchor: str | None) -> None:
        self.is_map = is_map
        self.anchor = anchor
        self.size = 1  # nodes in it so far, itself included, aliases expanded
        self.height = 1  # its depth counted from it
        self.want_key = True  # a mapping: the next node is a key
        self.key: str | int = -1  # where its current node is: a key, an index; -1 names no path
        self.first_lines: dict[str, int] = {}  # a mapping: the line of each scalar key


class _Problem(Exception):
    def __init__(self, line: int, path: Path_, message: str) -> None:
        super().__init__(message)
        self.line, self.path, self.message = line, path, message


class _EventScan:
    """Depth, node count (aliases expanded), duplicate keys, recursive aliases and lone surrogates,
    from the parser's events, before a node is composed. Memory is the open nesting and one entry
    per anchor; time is one step per event, however many nodes an alias stands for, so an alias
    bomb is refused at the alias that crosses the limit."""

    def __init__(self, limits: Limits, surrogates: bool) -> None:
        self.limits = limits
        self.surrogates = surrogates
        self.stack: list[_Frame] = []
        self.nodes = 0
        self.anchors: dict[str, tuple[int, int]] = {}  # anchor -> (size, height) once complete
        self.open_anchors: set[str] = set()

    def path(self) -> Path_:
        """The path of the node the scan is at (of a key: the path its value will have)."""
        return tuple(frame.key for frame in self.stack if frame.key != -1)

    def next_path(self) -> Path_:
        """The path of the node after the one the scan is at (the parser stopped reading it)."""
        if not self.stack:
            return ()
        outer, top = tuple(frame.key for frame in self.stack[:-1] if frame.key != -1), self.stack[-1]
        if not top.is_map:
            return (*outer, int(top.key) + 1)
        return outer if top.want_key or top.key == -1 else (*outer, top.key)  # a key: its mapping

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self.scalar(event)
        elif isinstance(event, yaml.AliasEvent):
            self.alias(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.next_node(None)
            self.count(event, 1, 1)
            self.stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), event.anchor))
            if event.anchor:
                self.open_anchors.add(event.anchor)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = self.stack.pop()
            if frame.anchor:
                self.open_anchors.discard(frame.anchor)
                self.anchors[frame.anchor] = (frame.size, frame.height)
            self.completed(frame.size, frame.height)

    def next_node(self, scalar_key: str | None) -> bool:
        """Move the parent on to the node starting now; whether that node is a mapping key."""
        if not self.stack:
            return False
        parent = self.stack[-1]
        if not parent.is_map:
            parent.key = int(parent.key) + 1
            return False
        parent.want_key = not parent.want_key
        if parent.want_key:
            return False
        parent.key = -1 if scalar_key is None else scalar_key  # a key that is not a scalar names no path
        return True

    def count(self, event: yaml.NodeEvent, size: int, height: int) -> None:
        """Count a node of ``size`` nodes and ``height`` levels at the scan's position."""
        self.nodes += size
        if len(self.stack) + height > self.limits.max_depth:
            raise _Problem(_line(event), self.path(), _too_deep(self.limits))
        if self.nodes > self.limits.max_nodes:
            alias = f"alias *{event.anchor} stands for {size:,} nodes; with it " if size > 1 else ""
            message = f"{alias}the document has more than {self.limits.max_nodes:,} nodes (--max-nodes)"
            raise _Problem(_line(event), self.path(), message)

    def completed(self, size: int, height: int) -> None:
        if self.stack:
            parent = self.stack[-1]
            parent.size += size
            parent.height = max(parent.height, height + 1)

    def scalar(self, event: yaml.ScalarEvent) -> None:
        is_key = self.next_node(event.value)
        self.count(event, 1, 0)
        line = _line(event)
        if self.surrogates and (found := _SURROGATE.search(event.value)):
            message = _surrogate_message(ord(found[0]))
            if is_key:  # a pointer with the surrogate in it could not be printed either
                raise _Problem(line, self.path()[:-1], f"the key {_quoted(event.value)} {message}")
            raise _Problem(line, self.path(), message)
        if is_key and not (event.implicit[0] and event.value == "<<"):  # plain merge keys may repeat
            seen = self.stack[-1].first_lines
            if event.value in seen:  # YAML 1.2 and JSON forbid it; PyYAML would keep the last one
                message = (
                    f"duplicate key {_quoted(event.value)} (first at line {seen[event.value]}): keys must be unique"
                )
                raise _Problem(line, self.path(), message)
            seen[event.value] = line
        if event.anchor:
            self.anchors[event.anchor] = (1, 0)
        self.completed(1, 0)

    def alias(self, event: yaml.AliasEvent) -> None:
        self.next_node(None)
        anchor = event.anchor or ""
        if anchor in self.open_anchors:
            message = f"alias *{anchor} is inside the node it names: a recursive structure, which JSON cannot hold"
            raise _Problem(_line(event), self.path(), message)
        size, height = self.anchors.get(anchor, (1, 0))  # an unknown anchor: the composer says so
        self.count(event, size, height)
        self.completed(size, height)


_LIBYAML_DEPTH = 1000  # the deepest flow collection libyaml reads


def _too_deep(limits: Limits) -> str:
    return f"nested deeper than the limit of {limits.max_depth} (--max-depth)"


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _quoted(key: str, limit: int = 80) -> str:
    """A key as a message shows it: quoted, escaped, and cut short (a key may be megabytes long)."""
    shown = repr(key[:limit])
    return shown if len(key) <= limit else shown[:-1] + "..." + shown[-1]


def _surrogate_message(code: int) -> str:
    return f"holds a lone surrogate U+{code:04X}, which no UTF-8 file can hold"


def _scan(text: str, name: str, limits: Limits) -> None:
    """Raise :class:`SpecErrors` at the first event that exceeds a limit or is not JSON's data model."""
    scan = _EventScan(limits, surrogates=_may_hold_surrogates(text))
    try:
        for event in yaml.parse(text, Loader=_Loader):
            scan.feed(event)
    except _Problem as problem:
        _fail(name, problem.line, problem.path, problem.message)
    except yaml.MarkedYAMLError as exc:
        code = _escaped_surrogate(text, exc.problem_mark)
        if code is not None:  # libyaml refuses the escape itself, as "invalid Unicode character escape code"
            _fail(name, _line_of(exc), scan.next_path(), _surrogate_message(code))
        if "maximum nesting depth" in str(exc.problem) and limits.max_depth < _LIBYAML_DEPTH:
            # libyaml reads ahead in flow style ([[[...) and stops at its own limit before an event
            # that deep reaches the scan
            _fail(name, _line_of(exc), scan.next_path(), _too_deep(limits))
        _fail(name, _line_of(exc), (), f"not valid YAML/JSON: {exc.problem}")
    except yaml.YAMLError as exc:
        _fail(name, 0, (), f"not valid YAML/JSON: {exc}")


def _escaped_surrogate(text: str, mark: Any) -> int | None:
    """The surrogate escaped where a parse error points, if it points at one (the hex digits)."""
    lines = text.split("\n")
    if mark is None or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    digits = re.match(r"[0-9a-fA-F]{4,8}", line[mark.column :])
    if digits is None or not line[: mark.column].endswith(("\\u", "\\U")):
        return None
    code = int(digits[0][:4] if line[: mark.column].endswith("\\u") else digits[0][:8], 16)
    return code if 0xD800 <= code <= 0xDFFF else None


# ---------------------------------------------------------------------------------------------
# Walkers: iterative, as a document of any depth may reach them before it is refused.


def _line_map(node: yaml.Node | None, name: str) -> dict[Path_, tuple[str, int]]:
    lines: dict[Path_, tuple[str, int]] = {}
    stack: list[tuple[yaml.Node, Path_]] = [] if node is None else [(node, ())]
    if node is not None:
        lines[()] = (name, node.start_mark.line + 1)
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node.value, str):  # a complex key names no path
                    # a key's own line is where a reader looks for it, even if its value starts later
                    lines[(*path, key_node.value)] = (name, key_node.start_mark.line + 1)
                    stack.append((value_node, (*path, key_node.value)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*path, index)] = (name, item.start_mark.line + 1)
                stack.append((item, (*path, index)))
    return lines


def walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every node of a JSON-like tree with its path, parents before children, in document order."""
    stack: list[tuple[Path_, Any]] = [(path, value)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, index), value[index]) for index in range(len(value) - 1, -1, -1))


def _with_string_keys(value: Any) -> tuple[Any, tuple[Path_, str] | None]:
    """A copy with string keys, as JSON has (YAML reads an unquoted ``200:`` as an int), and the
    first two keys that became the same string (``true:`` and ``'True':``), if any.

    A node an alias names twice is copied twice: every later stage sees a tree, as from JSON.
    """
    result = _shell(value)
    stack: list[tuple[Any, Any, Path_]] = [(value, result, ())] if result is not value else []
    while stack:
        source, target, path = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            child = _shell(item)
            if isinstance(source, dict):
                key = str(key)
                if key in target:
                    return result, ((*path, key), key)
                target[key] = child
            else:
                target.append(child)
            if child is not item:
                stack.append((item, child, (*path, key)))
    return result, None


def _shell(value: Any) -> Any:
    """An empty container to fill for a mapping or sequence; anything else as it is."""
    if isinstance(value, dict):
        return {}
    if isinstance(value, list):
        return []
    return value
