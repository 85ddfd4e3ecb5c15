"""Apply OpenAPI Overlay 1.0 documents to a spec, remembering where every node came from.

Semantics (Overlay 1.0.0, section "Action Object"), applied in document order:

- ``target`` is an RFC 9535 JSONPath; every node it selects is acted on.
- ``update`` on an object target is merged recursively: objects merge key by key, any other value
  (arrays included) replaces what was there. On an array target the update is appended as one
  entry.
- ``remove: true`` deletes the selected nodes from their parents.

An action whose target selects nothing is an error, not a no-op: after an upstream update it is
the sign that an overlay silently stopped documenting what it was written for.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import jsonpath_rfc9535 as jsonpath

from .errors import SpecError, SpecErrors, to_pointer
from .limits import Limits
from .loader import Origin, Path_, SourceDocument, walk


def apply_overlays(
    spec: SourceDocument,
    overlays: list[SourceDocument],
    limits: Limits | None = None,
    skipped: list[SpecError] | None = None,
) -> SourceDocument:
    """The effective spec: ``spec`` with every overlay applied; ``spec`` itself is not changed.

    The effective spec is held to ``limits.max_nodes`` too: one action whose target selects every
    node (``$..*``) multiplies its update by the size of the spec.

    An action whose target selects nothing is an error, unless ``skipped`` is given: it is then
    left out and said there (``generator diff`` compares an older spec the overlays were not
    written for).
    """
    if not overlays:  # the same document: its line map stays unbuilt until something needs a line
        return SourceDocument(spec.display_name, copy.deepcopy(spec.data), spec.origin)
    data = copy.deepcopy(spec.data)
    origin = Origin(dict(spec.origin.by_path))
    budget = _Budget((limits or Limits()).max_nodes - sum(1 for _ in walk(data)))
    errors: list[SpecError] = []
    for overlay in overlays:
        errors.extend(_apply_one(data, origin, overlay, budget, skipped))
    if errors:
        raise SpecErrors(errors)
    return SourceDocument(spec.display_name, data, origin)


class _Budget:
    """How many more nodes the effective spec may take (see :class:`generator.limits.Limits`)."""

    def __init__(self, left: int) -> None:
        self.left = left


def _apply_one(
    data: Any, origin: Origin, overlay: SourceDocument, budget: _Budget, skipped: list[SpecError] | None
) -> list[SpecError]:
    problems = _check_overlay_shape(overlay)
    if problems:
        return problems
    errors: list[SpecError] = []
    for index, action in enumerate(overlay.data["actions"]):
        found = _apply_action(data, origin, overlay, ("actions", index), action, budget)
        if skipped is not None and [e.message for e in found] == [_selects_nothing(action)]:
            skipped.append(replace(found[0], message=f"skipped: {found[0].message}"))
            continue
        errors.extend(found)
    return errors


def _selects_nothing(action: dict[str, Any]) -> str:
    return f"target {action['target']!r} selects nothing in the spec"


def _error(overlay: SourceDocument, path: Path_, message: str) -> SpecError:
    file, line = overlay.origin.locate(path)
    return SpecError(file, line, to_pointer(path), message)


def _check_overlay_shape(overlay: SourceDocument) -> list[SpecError]:
    doc = overlay.data
    if not isinstance(doc, dict) or not str(doc.get("overlay", "")).startswith("1.0"):
        return [_error(overlay, ("overlay",), "not an Overlay 1.0 document (expected `overlay: 1.0.x`)")]
    actions = doc.get("actions")
    if not isinstance(actions, list) or not actions:
        return [_error(overlay, ("actions",), "`actions` must be a non-empty list")]
    errors = []
    for index, action in enumerate(actions):
        path: Path_ = ("actions", index)
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            errors.append(_error(overlay, path, "an action needs a `target` JSONPath string"))
        elif ("update" in action) == bool(action.get("remove")):
            errors.append(_error(overlay, path, "an action needs exactly one of `update` or `remove: true`"))
    return errors


def _apply_action(
    data: Any, origin: Origin, overlay: SourceDocument, path: Path_, action: dict[str, Any], budget: _Budget
) -> list[SpecError]:
    try:
        nodes = jsonpath.find(action["target"], data)
    except jsonpath.JSONPathError as exc:
        return [_error(overlay, (*path, "target"), f"invalid JSONPath: {exc}")]
    if not nodes:
        return [_error(overlay, (*path, "target"), _selects_nothing(action))]
    errors = []
    size = 0 if action.get("remove") else sum(1 for _ in walk(action["update"]))
    if size * len(nodes) > budget.left:
        message = f"the action would make the spec larger than its limit of nodes (--max-nodes): {len(nodes)} x {size}"
        return [_error(overlay, (*path, "target"), message)]
    budget.left -= size * len(nodes)
    # deepest-last removal order keeps earlier locations valid while later ones are deleted
    for node in sorted(nodes, key=lambda n: n.location, reverse=bool(action.get("remove"))):
        location: Path_ = tuple(node.location)
        if action.get("remove"):
            _remove(data, origin, location)
            continue
        problem = _update(data, location, action["update"], origin, overlay, (*path, "update"))
        if problem:
            errors.append(_error(overlay, (*path, "update"), f"{problem} (at {to_pointer(location)})"))
    return errors


def _resolve(data: Any, location: Path_) -> Any:
    for part in location:
        data = data[part]
    return data


def _remove(data: Any, origin: Origin, location: Path_) -> None:
    if not location:
        return
    parent_path, key = location[:-1], location[-1]
    del _resolve(data, parent_path)[key]
    _forget(origin, location)
    if isinstance(key, int):  # the items after it moved up by one; so do their origins
        moved = {path: found for path, found in origin.by_path.items() if _index_after(path, parent_path, key)}
        for path in moved:
            del origin.by_path[path]
        for path, found in moved.items():
            origin.by_path[(*parent_path, int(path[len(parent_path)]) - 1, *path[len(parent_path) + 1 :])] = found


def _index_after(path: Path_, parent_path: Path_, index: int) -> bool:
    """Whether ``path`` lies under an item of the array at ``parent_path`` that comes after ``index``."""
    depth = len(parent_path)
    if len(path) <= depth or path[:depth] != parent_path:
        return False
    position = path[depth]
    return isinstance(position, int) and position > index


def _forget(origin: Origin, location: Path_) -> None:
    for path in [p for p in origin.by_path if p[: len(location)] == location]:
        del origin.by_path[path]


def _update(data: Any, location: Path_, update: Any, origin: Origin, overlay: SourceDocument, src: Path_) -> str | None:
    target = _resolve(data, location)
    if isinstance(target, list):
        target.append(copy.deepcopy(update))
        _record(origin, (*location, len(target) - 1), overlay, src, update, had_children=False)
        return None
    if not isinstance(target, dict) or not isinstance(update, dict):
        return "an update must be an object merged into an object, or any value appended to an array"
    _merge(target, update, origin, location, overlay, src)
    return None


def _merge(
    target: dict[str, Any], update: dict[str, Any], origin: Origin, location: Path_, overlay: SourceDocument, src: Path_
) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value, origin, (*location, key), overlay, (*src, key))
        else:
            had_children = isinstance(target.get(key), dict | list)
            target[key] = copy.deepcopy(value)
            _record(origin, (*location, key), overlay, (*src, key), value, had_children)


def _record(
    origin: Origin, location: Path_, overlay: SourceDocument, src: Path_, value: Any, had_children: bool = True
) -> None:
    """Point every node of ``value`` now at ``location`` to the overlay line that wrote it."""
    if had_children:  # the origins below what was there go too (a scan of every origin: only then)
        _forget(origin, location)
    else:
        origin.by_path.pop(location, None)
    for sub, _ in walk(value):
        origin.by_path[(*location, *sub)] = overlay.origin.locate((*src, *sub))
