"""Validate: openapi-spec-validator plus the checks it stops at, every problem reported at once.

openapi-spec-validator raises on the first ``$ref`` it cannot resolve, which would hide every
other problem. So dangling local references are found here first, replaced by empty schemas in a
copy, and the validator's findings at or below them are dropped as consequences.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from .errors import SpecError, to_pointer
from .loader import Path_, SourceDocument, walk


def validate_document(doc: SourceDocument) -> list[SpecError]:
    """Every problem of ``doc`` as an OpenAPI 3.0 document, located by its origin."""
    if not isinstance(doc.data, dict):
        return [_located(doc, (), "an OpenAPI document must be a mapping at the top level")]
    version = str(doc.data.get("openapi", ""))
    if not version.startswith("3.0."):
        return [_located(doc, ("openapi",), f"only OpenAPI 3.0.x is supported, found {version or 'nothing'!r}")]
    dangling = _dangling_refs(doc.data)
    errors = [_located(doc, (*path, "$ref"), f"{ref!r} points to nothing in this document") for path, ref in dangling]
    data = _without_refs(doc.data, [path for path, _ in dangling])
    errors.extend(e for e in _schema_errors(doc, data) if not _below_any(e, dangling))
    return sorted(set(errors))


def _located(doc: SourceDocument, path: Path_, message: str) -> SpecError:
    file, line = doc.origin.locate(path)
    return SpecError(file, line, to_pointer(path), message)


def resolve_pointer(data: Any, ref: str) -> Any:
    """The node a local ``#/...`` reference names; KeyError when there is none."""
    if not ref.startswith("#"):
        raise KeyError(ref)
    node = data
    for raw in ref[1:].split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise KeyError(ref)
    return node


def _dangling_refs(data: Any) -> list[tuple[Path_, str]]:
    dangling = []
    refs = [
        (path, node["$ref"])
        for path, node in walk(data)
        if isinstance(node, dict) and isinstance(node.get("$ref"), str)
    ]
    for path, ref in refs:
        try:
            resolve_pointer(data, ref)
        except KeyError:
            dangling.append((path, ref))
    return dangling


def _without_refs(data: Any, paths: list[Path_]) -> Any:
    if not paths:
        return data
    data = copy.deepcopy(data)
    for path in paths:
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if path:
            parent[path[-1]] = {}
        else:  # pragma: no cover - a document that is only a $ref
            return {}
    return data


def _below_any(error: SpecError, dangling: list[tuple[Path_, str]]) -> bool:
    pointers = [to_pointer(path) for path, _ in dangling]
    return any(error.pointer == p or error.pointer.startswith(p + "/") for p in pointers)


def _schema_errors(doc: SourceDocument, data: Any) -> list[SpecError]:
    # The pure-Python backend, whatever else is installed: its errors carry the context and paths
    # the reports below are built from (jsonschema-rs, which Schemathesis brings, words them
    # differently).
    os.environ.setdefault("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema")
    # imported here: the validator's import is most of its cost, and only this stage needs it
    from openapi_spec_validator import OpenAPIV30SpecValidator

    errors: list[SpecError] = []
    echoes: list[SpecError] = []  # schema-pass findings, reported only where the main pass is silent
    try:
        for error in OpenAPIV30SpecValidator(data).iter_errors():
            path: Path_ = tuple(error.absolute_path)
            while error.context:  # "not valid under any of the given schemas": say which part failed
                error = max(error.context, key=_specificity)
                path = (*path, *error.path)
            if _exists(data, path):
                errors.append(_located(doc, path, _short(error.message)))
            else:  # the schema pass reports paths relative to the schema it checks
                echoes.append(_located(doc, _anchor(data, path, error.instance), _short(error.message)))
    except Exception as exc:  # the validator gives up on what it cannot resolve; say so, keep the rest
        errors.append(_located(doc, (), f"validation stopped: {_short(str(exc))}"))
    reported = {e.pointer for e in errors}
    return errors + [e for e in echoes if e.pointer not in reported]


def _exists(data: Any, path: Path_) -> bool:
    try:
        for part in path:
            data = data[part]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _anchor(data: Any, relative: Path_, instance: Any) -> Path_:
    """The first absolute path that ends with ``relative`` and holds ``instance``."""
    for path, value in walk(data):
        if path[len(path) - len(relative) :] == relative and value == instance:
            return path
    return relative


def _specificity(error: Any) -> tuple[int, bool]:
    """Among the alternatives of a oneOf, the one that got furthest into the node explains it best.

    A failed ``Reference`` alternative ("'$ref' is a required property") explains nothing: the
    author did not mean to write a reference.
    """
    is_missing_ref = error.validator == "required" and "'$ref'" in error.message
    return (len(error.path) + len(error.schema_path), not is_missing_ref)


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."
