"""Validate: every problem of a spec as an OpenAPI 3.0 or 3.1 document, reported at once.

openapi-spec-validator (:mod:`.spec_validator`) raises on the first ``$ref`` it cannot resolve,
which would hide every other problem, and follows references by recursion, which a cycle or a long
chain of them turns into a stack overflow. So the references are checked first
(:mod:`.references`): each problem is reported at its line, the reference (or schema) is replaced
by a placeholder in a copy for the validator, and the validator's findings at or below it are
dropped as consequences. Unions and enums too wide for the models stage are reported too
(:mod:`.budgets`).

The spec is untrusted: every check is linear in its size, and so is the validator where it was not;
the loader has bounded its size and depth (limits.Limits).
"""

from __future__ import annotations

import copy
from typing import Any

from .budgets import width_problems
from .errors import SpecError, to_pointer
from .limits import Limits
from .loader import Path_, SourceDocument, located
from .openapi import openapi_minor
from .references import reference_problems
from .spec_validator import schema_errors


def validate_document(doc: SourceDocument, limits: Limits | None = None) -> list[SpecError]:
    """Every problem of ``doc`` as an OpenAPI 3.0 or 3.1 document, located by its origin."""
    hard, waivable = validate_parts(doc, limits)
    return sorted(set(hard + waivable))


def validate_parts(doc: SourceDocument, limits: Limits | None = None) -> tuple[list[SpecError], list[SpecError]]:
    """The problems no generation survives (the version; references that dangle, cycle or chain too
    long; unions, enums and inheritance too wide for the models stage: they guard the later stages),
    and those ``--lenient`` may waive (what openapi-spec-validator finds against the OpenAPI schema)."""
    if not isinstance(doc.data, dict):
        return [located(doc, (), "an OpenAPI document must be a mapping at the top level")], []
    minor = openapi_minor(doc.data)
    if minor is None:
        found = doc.data.get("openapi") or doc.data.get("swagger") or "nothing"
        message = f"only OpenAPI 3.0.x and 3.1.x are supported, found {str(found)[:40]!r}"
        return [located(doc, ("openapi",), message)], []
    hard, broken = reference_problems(doc, (limits or Limits()).max_allof_bases)
    hard += width_problems(doc)
    data = _without_refs(doc.data, broken)
    below = {to_pointer(path) for path in broken}
    waivable = [e for e in schema_errors(doc, data, minor, backend="jsonschema") if not _below_any(e.pointer, below)]
    return sorted(set(hard)), sorted(set(waivable) - set(hard))


def _without_refs(data: Any, paths: list[Path_]) -> Any:
    """A copy of ``data`` for the validator, each of ``paths`` replaced by the least it accepts there."""
    if not paths:
        return data
    data = copy.deepcopy(data)  # the depth is bounded by the loader (see limits.Limits)
    for path in paths:
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if path:
            parent[path[-1]] = _placeholder(path)
        else:  # pragma: no cover - a document that is only a $ref
            return {}
    return data


def _placeholder(path: Path_) -> dict[str, Any]:
    # the validator reads a parameter's name and place without asking whether they are there; a
    # name no parameter has keeps it from being a duplicate
    if len(path) >= 2 and path[-2] == "parameters":
        return {"name": f"\0{to_pointer(path)}", "in": "query", "schema": {}}
    return {}


def _below_any(pointer: str, pointers: set[str]) -> bool:
    """Whether ``pointer`` is one of ``pointers`` or below one (a set: there may be thousands)."""
    while True:
        if pointer in pointers:
            return True
        if not pointer:
            return False
        pointer = pointer[: pointer.rfind("/")]
