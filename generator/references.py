"""References: every ``$ref`` of a spec that points to nothing, runs in a cycle, chains more than
:data:`~.limits.MAX_REF_CHAIN` references to references or names what is not a Schema Object, and
every schema extending itself or too many schemas through ``allOf``, each located, with the paths
openapi-spec-validator must not be shown (it raises at the first dangling reference, and follows
references by recursion, so a cycle or a long chain exhausts Python's stack). A recursive schema
(``Node`` with ``children: {items: {$ref: Node}}``) is no cycle: only nodes that are nothing but a
reference make one. The spec is untrusted, so every check here is linear in its size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import SpecError, to_pointer
from .limits import MAX_REF_CHAIN, Limits
from .loader import Path_, SourceDocument, located, walk
from .openapi import is_ref, resolve_pointer, schema_nodes, target_path

# schemas a schema extends through allOf, counting those they extend: a real spec has two or three;
# the models stage costs about the square of it (526 chains of 8 schemas at the node limit: 16 s;
# one chain of 200: 33 s; 8 layers of 34 schemas, each extending all 34 below: over 200 s)
MAX_ALLOF_BASES = Limits().max_allof_bases  # --max-allof-bases
SCHEMAS: Path_ = ("components", "schemas")


def reference_problems(doc: SourceDocument, max_bases: int) -> tuple[list[SpecError], list[Path_]]:
    """The problems of the document's references, and the references the validator must not see."""
    refs = {path: node["$ref"] for path, node in walk(doc.data) if isinstance(node, dict) and is_ref(node)}
    targets = {path: target_path(doc.data, ref) for path, ref in refs.items()}
    errors, broken = [], []
    for path, target in targets.items():
        if target is None:
            errors.append(located(doc, (*path, "$ref"), f"{refs[path]!r} points to nothing in this document"))
            broken.append(path)
    chains = _Chains(targets)
    for cycle in chains.cycles:
        places = [_place(doc, path) for path in cycle] + [f"#{to_pointer(cycle[0])}"]
        errors.append(located(doc, (*cycle[0], "$ref"), "reference cycle: " + " -> ".join(places)))
    for start in chains.too_long():
        places = [_place(doc, path) for path in chains.first(start, 3)] + ["...", _place(doc, chains.last[start])]
        intro = f"a chain of {chains.length[start]} references to references, over the limit of {MAX_REF_CHAIN}: "
        errors.append(located(doc, (*start, "$ref"), intro + " -> ".join(places)))
    broken += [path for cycle in chains.cycles for path in cycle]
    broken += [path for path, length in chains.length.items() if length > MAX_REF_CHAIN]
    for path, message in _schema_ref_problems(doc.data, targets):
        errors.append(located(doc, (*path, "$ref"), message))
        broken.append(path)
    inheritance_errors, too_many = _inheritance_problems(doc, targets, max_bases)
    return errors + inheritance_errors, broken + too_many  # the validator would walk all they extend


class _Chains:
    """The references that lead only to references: their cycles, and how long their chains are.

    Every reference leads to at most one other, so one walk along each chain, never walking a node
    twice, finds them all.
    """

    def __init__(self, targets: dict[Path_, Path_ | None]) -> None:
        self.following = {path: target for path, target in targets.items() if target in targets}
        self.order = list(targets)
        self.cycles: list[list[Path_]] = []
        self.length: dict[Path_, int] = {}  # references from a node to the chain's end; 0 into a cycle
        self.last: dict[Path_, Path_] = {}  # the chain's last reference
        for start in targets:
            if start not in self.length:
                self._follow(start)

    def _follow(self, start: Path_) -> None:
        chain: list[Path_] = []
        on_chain: set[Path_] = set()
        node: Path_ | None = start
        while node is not None and node not in self.length and node not in on_chain:
            chain.append(node)
            on_chain.add(node)
            node = self.following.get(node)
        if node is not None and node in on_chain:  # back to a reference of this chain
            self.cycles.append(chain[chain.index(node) :])
            self.length.update(dict.fromkeys(chain, 0))
            self.last.update(dict.fromkeys(chain, node))
            return
        end, last = (self.length[node], self.last[node]) if node is not None else (0, chain[-1])
        into_cycle = node is not None and end == 0
        for steps, path in enumerate(reversed(chain), start=1):
            self.length[path] = 0 if into_cycle else end + steps
            self.last[path] = last

    def too_long(self) -> list[Path_]:
        """Where each chain longer than the limit starts (no reference leads there)."""
        led_to = set(self.following.values())
        return [path for path in self.order if self.length[path] > MAX_REF_CHAIN and path not in led_to]

    def first(self, start: Path_, count: int) -> list[Path_]:
        chain = [start]
        while len(chain) < count and chain[-1] in self.following:
            chain.append(self.following[chain[-1]])
        return chain


def _place(doc: SourceDocument, path: Path_) -> str:
    """A reference as a chain or cycle names it: its pointer and the line of its ``$ref``."""
    file, line = doc.origin.locate((*path, "$ref"))
    return f"#{to_pointer(path)} ({file}:{line})"


def _schema_ref_problems(data: dict[str, Any], targets: dict[Path_, Path_ | None]) -> Iterator[tuple[Path_, str]]:
    """A schema's reference to what is not a Schema Object (``$ref: '#'`` would otherwise become a
    model of anything): one of ``#/components/schemas/``, or a schema elsewhere (a parameter's, a
    media type's), which normalisation makes a component of its own."""
    places = {path for path, _ in schema_nodes(data)}
    for path, node in schema_nodes(data):
        target = targets.get(path) if is_ref(node) else None
        if target is None:
            continue  # not a reference, or a dangling one (reported as such)
        if len(target) > len(SCHEMAS) and target[: len(SCHEMAS)] == SCHEMAS:
            if isinstance(resolve_pointer(data, node["$ref"]), dict):
                continue
            what = f"#{to_pointer(target)}"
        elif target in places and isinstance(resolve_pointer(data, node["$ref"]), dict | bool):
            continue
        else:
            what = "the whole document" if not target else f"#{to_pointer(target)}"
        yield path, f"{node['$ref']!r} points to {what}, which is not a schema"


def _inheritance_problems(
    doc: SourceDocument, targets: dict[Path_, Path_ | None], max_bases: int
) -> tuple[list[SpecError], list[Path_]]:
    """Schemas extending schemas (``allOf``) in a cycle, or more than ``max_bases`` of them (and
    those schemas; see :data:`MAX_ALLOF_BASES`)."""
    extends: dict[Path_, list[Path_]] = {}
    for path, node in schema_nodes(doc.data):
        if isinstance(node.get("allOf"), list) and not is_ref(node):
            members = [(*path, "allOf", index) for index, _ in enumerate(node["allOf"])]
            extends[path] = [end for member in members if (end := _chain_end(member, targets)) is not None]
    inheritance = _Inheritance(extends, max_bases)
    errors = []
    for found in inheritance.cycles:
        first = min(range(len(found)), key=lambda index: doc.origin.locate(found[index])[1])
        cycle = found[first:] + found[:first]  # from its first line, whichever schema the walk met first
        places = [_schema_place(doc, path) for path in cycle] + [f"#{to_pointer(cycle[0])}"]
        errors.append(located(doc, cycle[0], "inheritance cycle through allOf: " + " -> ".join(places)))
    over = [path for path in extends if len(inheritance.bases[path]) > max_bases]
    below = {base for path in over for base in extends[path]}
    for top in (path for path in over if path not in below):  # where each tree of them starts
        chain = [top]
        while extends.get(chain[-1]):
            chain.append(max(extends[chain[-1]], key=lambda base: inheritance.depth.get(base, 1)))
        shown = [_schema_place(doc, path) for path in chain[:3]] + ["...", _schema_place(doc, chain[-1])]
        message = (
            f"extends more than {max_bases} schemas through allOf (--max-allof-bases), counting those they extend: "
        )
        errors.append(located(doc, top, message + " -> ".join(shown)))
    return errors, over


def _chain_end(path: Path_, targets: dict[Path_, Path_ | None]) -> Path_ | None:
    """The schema at ``path``, or the one its references lead to (None: they lead nowhere)."""
    for _ in range(MAX_REF_CHAIN + 1):
        if path not in targets:
            return path
        target = targets[path]
        if target is None:
            return None
        path = target
    return None  # a cycle or an over-long chain, reported as such


class _Inheritance:
    """What each schema extends through allOf, depth first without recursion: the schemas (counted
    up to just over the limit), how deep (1: none), and the cycles met (a schema still being
    measured adds nothing to those that extend it)."""

    def __init__(self, extends: dict[Path_, list[Path_]], limit: int) -> None:
        self.extends, self.limit = extends, limit
        self.bases: dict[Path_, frozenset[Path_]] = {}
        self.depth: dict[Path_, int] = {}
        self.cycles: list[list[Path_]] = []
        for root in extends:
            if root not in self.depth:
                self._walk(root)

    def _walk(self, root: Path_) -> None:
        stack = [(root, iter(self.extends[root]))]
        on_stack = {root: 0}
        while stack:
            path, bases = stack[-1]
            base = next(bases, None)
            if base is None:
                stack.pop()
                del on_stack[path]
                self._measure(path)
            elif base in on_stack:
                self.cycles.append([p for p, _ in stack[on_stack[base] :]])
            elif base not in self.depth:
                on_stack[base] = len(stack)
                stack.append((base, iter(self.extends.get(base, ()))))

    def _measure(self, path: Path_) -> None:
        found: set[Path_] = set()
        for base in self.extends.get(path, ()):
            if len(found) > self.limit:
                break  # over the limit already: how far over does not matter
            found |= {base, *self.bases.get(base, ())}
        self.bases[path] = frozenset(found)
        self.depth[path] = 1 + max((self.depth.get(base, 0) for base in self.extends.get(path, ())), default=0)


def _schema_place(doc: SourceDocument, path: Path_) -> str:
    file, line = doc.origin.locate(path)
    return f"#{to_pointer(path)} ({file}:{line})"
