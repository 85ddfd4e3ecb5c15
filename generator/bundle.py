"""Bundle: a spec split over files (relative ``$ref``s) read as one document, every node still
located in the file it came from.

A large API is commonly kept as ``openapi.yaml`` plus ``paths/``, ``schemas/`` and
``parameters/`` files that refer to each other with relative references (``./schemas/Pet.yaml``,
``../openapi.yaml#/components/parameters/limit``). Every later stage reads one document, so the
references to other files are resolved here, the way bundlers of the field do it:

- a component that is a whole reference to another file (``components/schemas/Pet: {$ref:
  ./schemas/Pet.yaml}``) takes that file's content under its own name;
- another schema reached from a schema position (under a ``schema`` key or in
  ``components/schemas``) becomes a component schema of its own, named after the pointer's last
  token or the file's stem (made unique), so it is one model however many places use it;
- anything else (a path item, a parameter, a response) is written out where it is referred to;
- each target is placed once: a second reference to it, or a recursive one, becomes a local
  reference to where it was placed.

References inside another file are relative to that file (``#/...`` names that file). The spec is
untrusted: a reference may not leave the directory tree of the spec (symbolic links resolved), a
remote reference (``http://...``) is refused (the generator never goes to the network), and what
is read in total is bounded by the same limits as one file: every problem is an error at the
``FILE:LINE`` of the reference. Every file read is reported, so the lock covers them all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .errors import SpecError, SpecErrors, pointer_tokens, to_pointer
from .limits import Limits
from .loader import Origin, Path_, SourceDocument, load_document, tree_problem, walk
from .naming import unique

# files one spec may consist of: real multi-file specs have tens to a few thousand (DigitalOcean's:
# 2,907); what they hold together is bounded by --max-spec-bytes anyway
MAX_FILES = 10_000
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")  # http:, https:, file:, urn:, //host
# a quick look for a reference to another file: a single-file spec is not parsed twice
_EXTERNAL_REF = re.compile(r"""["']?\$ref["']?\s*:\s*["']?(?!#)[^\s"',}]""")

Target = tuple[Path, str]  # a resolved file and a JSON pointer in it ("" for the whole file)
# a part to walk: where it is in the bundle, the node, its file, and what is written out around it
_Work = tuple[Path_, Any, Path, dict[Target, str]]


@dataclass(frozen=True)
class _Mount:
    """Content of ``source`` at ``source_path``, placed at ``path`` of the bundled document."""

    path: Path_
    source: SourceDocument
    source_path: Path_


class BundledOrigin(Origin):
    """Where each node of a bundled document came from: the file and line of the part it is in."""

    def __init__(self, mounts: list[_Mount]) -> None:
        super().__init__(build=self._merged)
        self._mounts = mounts

    def _merged(self) -> dict[Path_, tuple[str, int]]:
        merged: dict[Path_, tuple[str, int]] = {}
        for mount in self._mounts:  # in the order placed: a part placed later inside another wins
            cut = len(mount.source_path)
            for path, found in mount.source.origin.by_path.items():
                if path[:cut] == mount.source_path:
                    merged[(*mount.path, *path[cut:])] = found
        return merged

    def locate(self, path: Path_) -> tuple[str, int]:
        for mount in reversed(self._mounts):  # the innermost part holding the path
            if path[: len(mount.path)] == mount.path:
                return mount.source.origin.locate((*mount.source_path, *path[len(mount.path) :]))
        return ("<unknown>", 0)


@dataclass
class Bundle:
    """A spec's document with other files' content in it, and every file read."""

    document: SourceDocument
    files: tuple[Path, ...]


def might_refer_to_other_files(path: Path, limits: Limits) -> bool:
    """Whether the spec's text has a reference that is not local (cheap: no parsing)."""
    try:
        with path.open("rb") as file:
            text = file.read(limits.max_bytes + 1).decode("utf-8", errors="replace")
    except OSError:
        return False
    return _EXTERNAL_REF.search(text) is not None


def load_bundled(path: Path, display: Callable[[Path], str], limits: Limits, home: Path | None = None) -> Bundle:
    """The spec at ``path`` with every file it refers to bundled in; raises :class:`SpecErrors`.

    ``home`` is the directory tree references may read (``--spec-root``; the spec's directory by
    default): a layout that keeps its root file in ``reference/`` beside ``models/`` names their
    parent."""
    root = load_document(path, display(path), limits)
    tree = (home or path.parent).resolve()
    if not path.resolve().is_relative_to(tree):
        raise SpecErrors([SpecError(display(path), 0, "", f"the spec is not inside --spec-root {display(tree)}")])
    if not might_refer_to_other_files(path, limits):
        return Bundle(root, (path,))
    return _Bundler(path, root, display, limits, home=tree).run()


@dataclass
class _Bundler:
    path: Path
    root: SourceDocument
    display: Callable[[Path], str]
    limits: Limits
    home: Path = Path()  # the directory tree references may read, resolved
    data: Any = None
    mounts: list[_Mount] = field(default_factory=list)
    documents: dict[Path, SourceDocument] = field(default_factory=dict)
    placed: dict[Target, str] = field(default_factory=dict)  # target → the local reference to it
    errors: list[SpecError] = field(default_factory=list)
    bytes_read: int = 0
    too_many: bool = False  # MAX_FILES reached (said once)
    nodes_written: int = 0  # nodes of other files written out so far
    too_big: bool = False  # the node limit reached (said once)

    def run(self) -> Bundle:
        self.documents[self.path.resolve()] = self.root
        self.bytes_read = self.path.stat().st_size
        self.data = copy.deepcopy(self.root.data)
        self.mounts.append(_Mount((), self.root, ()))
        self.origin = BundledOrigin(self.mounts)
        whole_components = self._whole_components()
        work: list[_Work] = [((), self.data, self.path.resolve(), {})]
        while work:
            prefix, node, file, ancestry = work.pop()
            refs = [((*prefix, *at), sub) for at, sub in walk(node) if isinstance(sub, dict) and "$ref" in sub]
            for at, holder in reversed(refs):  # document order, as the work list pops from the end
                work += self._resolve(at, holder, file, whole_components, ancestry)
        if self.errors:
            raise SpecErrors(self.errors)
        problem = tree_problem(self.data, self.limits, surrogates=False)
        if problem is not None:
            raise SpecErrors([SpecError(self.root.display_name, 0, "", f"once its files are bundled, {problem}")])
        files = tuple(sorted(self.documents, key=lambda p: (p != self.path.resolve(), str(p))))
        return Bundle(SourceDocument(self.root.display_name, self.data, self.origin), files)

    def _whole_components(self) -> dict[Target, Path_]:
        """Components that are a whole reference to another file: they take its content."""
        found: dict[Target, Path_] = {}
        components = self.data.get("components") if isinstance(self.data, dict) else None
        for section, entries in (components or {}).items() if isinstance(components, dict) else ():
            for name, node in entries.items() if isinstance(entries, dict) else ():
                ref = node.get("$ref") if isinstance(node, dict) else None
                if isinstance(ref, str) and not ref.startswith("#") and not _SCHEME.match(ref):
                    target = self._target(ref, self.path.resolve())
                    if target is not None and target not in found:
                        found[target] = ("components", section, name)
                        self.placed[target] = "#" + to_pointer(("components", section, name))
        return found

    def _resolve(
        self, at: Path_, holder: dict[str, Any], file: Path, whole: dict[Target, Path_], ancestry: dict[Target, str]
    ) -> list[_Work]:
        """Resolve the reference ``holder`` at ``at`` (written in ``file``, inside the parts written
        out in ``ancestry``: target → where); the parts to walk next."""
        ref = holder["$ref"]
        if not isinstance(ref, str) or (ref.startswith("#") and file == self.path.resolve()):
            return []  # a local reference of the spec itself: the validator checks it
        if _SCHEME.match(ref):
            self._fail(
                (*at, "$ref"),
                f"remote reference {ref[:200]!r}: the generator reads only files in the spec's directory tree and never goes to the network",
            )
            return []
        target = self._target(ref, file)
        if target is not None and target[0] == self.path.resolve():  # back into the spec itself
            holder["$ref"] = "#" + target[1]
            return []
        if target is None:
            where = self.display(self.home)
            message = (
                f"reference {ref[:200]!r} leads outside the spec's directory tree ({where}), or to no file that can be"
            )
            self._fail((*at, "$ref"), f"{message}; only files inside the tree are read")
            return []
        if target in self.placed and whole.get(target) != at:
            holder["$ref"] = self.placed[target]
            return []
        if target in ancestry:  # written out around this very reference: a recursion
            holder["$ref"] = ancestry[target]
            return []
        content = self._content(at, ref, target)
        if content is None:
            return []
        if not isinstance(content, dict):  # a text (DigitalOcean's descriptions) or a list in a file of its own
            value = copy.deepcopy(content)
            if not at or len(holder) > 1 or not self._replace(at, value):
                self._fail((*at, "$ref"), f"reference {ref[:200]!r} names a {type(content).__name__}, not an object")
                return []
            self.mounts.append(_Mount(at, self.documents[target[0]], tuple(_tokens(target[1]))))
            return [(at, value, target[0], ancestry)] if isinstance(value, list) and self._count(at, value) else []
        siblings = {k: v for k, v in holder.items() if k != "$ref"}
        if target not in whole and _in_schema_position(at):
            place = self._new_schema_place(target)
            self.data.setdefault("components", {}).setdefault("schemas", {})[place[-1]] = copy.deepcopy(content)
            self.placed[target] = holder["$ref"] = "#" + to_pointer(place)
            self.mounts.append(_Mount(place, self.documents[target[0]], tuple(_tokens(target[1]))))
            return [(place, self.data["components"]["schemas"][place[-1]], target[0], {})]
        if not self._count(at, content):
            return []
        holder.clear()
        holder.update(copy.deepcopy(content))
        holder.update(siblings)  # a reference's own fields (a path item's summary) are kept
        self.mounts.append(_Mount(at, self.documents[target[0]], tuple(_tokens(target[1]))))
        return [(at, holder, target[0], {**ancestry, target: "#" + to_pointer(at)})]

    def _count(self, at: Path_, content: Any) -> bool:
        """Whether writing ``content`` out once more keeps the bundle within the node limit (a part
        referred to from many places is written out at each: what that costs is bounded)."""
        self.nodes_written += sum(1 for _ in walk(content))
        if self.nodes_written <= self.limits.max_nodes:
            return True
        if not self.too_big:
            message = (
                f"once its files are bundled, the spec has more than {self.limits.max_nodes:,} nodes (--max-nodes)"
            )
            self._fail((*at, "$ref"), message)
        self.too_big = True
        return False

    def _replace(self, at: Path_, value: Any) -> bool:
        """The node at ``at`` replaced by ``value``; False when ``at`` is not there."""
        parent = self.data
        for part in at[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                return False
        if not isinstance(parent, dict | list):
            return False
        parent[at[-1]] = value  # type: ignore[index]  # a key of a dict, an index of a list, as walked
        return True

    def _target(self, ref: str, file: Path) -> Target | None:
        """The file and pointer ``ref`` (written in ``file``) names; None when it leaves the tree or
        names no file that can be (a NUL byte, a loop of symbolic links: the reference is a URI,
        its location percent-decoded)."""
        location, _, fragment = ref.partition("#")
        try:
            resolved = (file.parent / unquote(location)).resolve() if location else file
            if resolved.is_symlink():  # still a link once resolved: a loop (3.13's resolve() returns it)
                return None
        except (OSError, RuntimeError, ValueError):
            return None
        if not resolved.is_relative_to(self.home):
            return None
        return resolved, unquote(fragment)

    def _content(self, at: Path_, ref: str, target: Target) -> Any:
        """What ``target`` names, its file read once (and bounded); None after a located error."""
        file, pointer = target
        document = self.documents.get(file)
        if document is None:
            if len(self.documents) >= MAX_FILES:
                if not self.too_many:
                    self._fail(
                        (*at, "$ref"), f"the spec consists of more than {MAX_FILES:,} files; this is one too many"
                    )
                self.too_many = True
                return None
            try:
                size = file.stat().st_size
            except OSError as exc:
                self._fail((*at, "$ref"), f"reference {ref[:200]!r}: cannot read {self.display(file)}: {exc.strerror}")
                return None
            self.bytes_read += size
            if self.bytes_read > self.limits.max_bytes:
                self._fail(
                    (*at, "$ref"),
                    f"the spec's files hold more than {self.limits.max_bytes:,} bytes together (--max-spec-bytes)",
                )
                return None
            try:
                document = self.documents[file] = load_document(file, self.display(file), self.limits)
            except SpecErrors as exc:
                self.errors += exc.errors
                return None
        node = document.data
        for token in _tokens(pointer):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                self._fail((*at, "$ref"), f"reference {ref[:200]!r}: {self.display(file)} has nothing at {pointer!r}")
                return None
        return node

    def _new_schema_place(self, target: Target) -> Path_:
        file, pointer = target
        tokens = _tokens(pointer)
        wanted = tokens[-1] if tokens else file.name.split(".")[0]
        schemas = self.data.setdefault("components", {}).setdefault("schemas", {})
        return ("components", "schemas", unique(wanted or "Schema", set(schemas)))

    def _fail(self, at: Path_, message: str) -> None:
        file, line = self.origin.locate(at)
        self.errors.append(SpecError(file, line, to_pointer(at), message))


def _tokens(pointer: str) -> list[str]:
    return pointer_tokens(pointer) if pointer.startswith("/") else ([] if not pointer else [pointer])


def _in_schema_position(at: Path_) -> bool:
    """Whether a reference at ``at`` stands for a Schema Object (a model, once bundled); the whole
    ``components/schemas`` map given as a reference (SendGrid's) is written out where it is."""
    if at and at[-1] in _SCHEMA_MAPS:  # properties: {$ref: ...} names a map of schemas (DigitalOcean's)
        return False
    return "schema" in at or (at[:2] == ("components", "schemas") and len(at) > 2)


# keywords whose value is a map of schemas by name, not a schema
_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
