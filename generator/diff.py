"""What changed in an API's surface between two effective specs, each change breaking or not.

"Breaking" means a program written against the old spec (with the SDK generated from it) may
fail against a server of the new one, or no longer type-check against the regenerated SDK:

- operations: removed is breaking, added is not;
- parameters: a required one added, one removed, its type or location changed, or an optional
  one made required are breaking; an optional one added or a required one made optional are not;
- request bodies and their fields: a body or field newly required, a field removed or retyped,
  an enum value removed are breaking; an optional field or an enum value added are not;
- responses and their fields: a field removed, retyped or made optional is breaking; a field
  added or made required is not; an enum value added is not breaking for this SDK (its enums
  keep unknown values) but is flagged, since closed-enum clients reject it; one removed is not;
- status codes: a success status removed or changed is breaking, a documented error added or
  removed is not;
- authentication: an operation that newly requires credentials, or loses a way of presenting them
  (a scheme changed, alternatives merged), is breaking; one that stops requiring them, or accepts
  another way too, is not;
- bounds and patterns: narrowing one breaks callers of a request, widening one breaks readers of a
  response (this SDK's models check documented bounds); a changed default is reported, not
  breaking;
- renames: an operationId or ``x-python-name`` changed (the SDK method is renamed) and a model
  removed or renamed are breaking; a model added is not.

Schemas are compared structurally, following ``$ref`` in each document (cycles are visited once),
through ``allOf`` (merged), ``items`` and ``additionalProperties``; ``oneOf``/``anyOf`` variants
are compared by the name of the schema they refer to, or by position.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from .encoders import terminal_safe
from .errors import pointer_tokens
from .openapi import HTTP_METHODS, is_json_media_type
from .schema_types import json_types

_MAX_DEPTH = 32  # deeper than any real schema; a guard, with the cycle check, against runaway recursion


@dataclass(frozen=True)
class Change:
    breaking: bool
    where: str  # "GET /deployments", "GET /deployments parameter limit (query)", ...
    what: str

    def __str__(self) -> str:
        return f"{'BREAKING' if self.breaking else 'ok      '}  {self.where}: {self.what}"


@dataclass(frozen=True)
class _Side:
    """One spec, and how to read it."""

    spec: dict[str, Any]

    def resolve(self, value: Any) -> tuple[Any, str | None]:
        """``value`` with ``$ref`` chains followed, and the last schema name met on the way."""
        name = None
        seen: set[str] = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str) and value["$ref"] not in seen:
            ref = value["$ref"]
            seen.add(ref)
            name = ref.rsplit("/", 1)[-1]
            value = self.spec
            for part in pointer_tokens(ref):
                value = value.get(part, {}) if isinstance(value, dict) else {}
        return value, name

    def security(self, operation: dict[str, Any]) -> set[frozenset[str]]:
        """The ways to authenticate an operation: each a set of schemes, all needed together.
        Empty when no credentials are needed (no requirement, or an empty one among them)."""
        requirements = operation.get("security", self.spec.get("security", [])) or []
        schemes = self.spec.get("components", {}).get("securitySchemes", {})
        ways: set[frozenset[str]] = set()
        for requirement in requirements:
            if not requirement:  # an empty requirement: credentials are optional
                return set()
            ways.add(frozenset(_describe_scheme(self.resolve(schemes.get(name, {}))[0]) for name in requirement))
        return ways


def _describe_scheme(scheme: Any) -> str:
    if not isinstance(scheme, dict):
        return "?"
    if scheme.get("type") == "http":
        return f"http {str(scheme.get('scheme', '')).lower()}"
    if scheme.get("type") == "apiKey":
        return f"apiKey {scheme.get('in')} {scheme.get('name')}"
    return str(scheme.get("type"))


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change to the API surface from ``old`` to ``new`` (effective specs, overlays applied)."""
    before, after = _Side(old), _Side(new)
    old_ops, new_ops = _operations(before), _operations(after)
    changes: list[Change] = []
    for key in sorted(old_ops.keys() - new_ops.keys()):
        changes.append(Change(True, key, "operation removed"))
    for key in sorted(new_ops.keys() - old_ops.keys()):
        changes.append(Change(False, key, "operation added"))
    for key in sorted(old_ops.keys() & new_ops.keys()):
        changes += _operation_changes(key, before, old_ops[key], after, new_ops[key])
    old_models, new_models = _model_names(old), _model_names(new)
    for name in sorted(old_models - new_models):
        changes.append(Change(True, f"model {name}", "removed or renamed: code that names it breaks"))
    for name in sorted(new_models - old_models):
        changes.append(Change(False, f"model {name}", "added"))
    return changes


def _model_names(spec: dict[str, Any]) -> set[str]:
    """The names the SDK's models take: the component schema's name, or its x-python-name."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    return {str(s.get("x-python-name", n)) if isinstance(s, dict) else n for n, s in schemas.items()}


def _operations(side: _Side) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """``"GET /items/{}"`` → the operation and its parameters (path-level ones merged in)."""
    found: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for path, item in (side.spec.get("paths") or {}).items():
        item, _ = side.resolve(item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            merged: dict[tuple[str, str], dict[str, Any]] = {}
            for raw in list(item.get("parameters") or []) + list(operation.get("parameters") or []):
                parameter, _ = side.resolve(raw)
                if isinstance(parameter, dict) and "name" in parameter:
                    merged[(parameter["name"], parameter.get("in", ""))] = parameter
            # placeholders renamed ({id} → {deploymentId}) are the same operation
            shape = "/".join("{}" if part.startswith("{") else part for part in path.split("/"))
            found[f"{method.upper()} {shape}"] = (operation, list(merged.values()))
    return found


def _operation_changes(
    key: str,
    before: _Side,
    old: tuple[dict[str, Any], list[dict[str, Any]]],
    after: _Side,
    new: tuple[dict[str, Any], list[dict[str, Any]]],
) -> list[Change]:
    (old_op, old_params), (new_op, new_params) = old, new
    changes = []
    for extension in ("operationId", "x-python-name"):  # the SDK's method name comes from these
        if old_op.get(extension) != new_op.get(extension):
            was, now = old_op.get(extension), new_op.get(extension)
            changes.append(Change(True, key, f"{extension} changed from {was!r} to {now!r}: the method is renamed"))
    changes += _parameter_changes(key, before, old_params, after, new_params)
    changes += _body_changes(key, before, old_op.get("requestBody"), after, new_op.get("requestBody"))
    changes += _response_changes(key, before, old_op.get("responses") or {}, after, new_op.get("responses") or {})
    old_auth, new_auth = before.security(old_op), after.security(new_op)
    if not old_auth and new_auth:
        changes.append(Change(True, key, f"now requires credentials ({_ways(new_auth)})"))
    elif old_auth and not new_auth:
        changes.append(Change(False, key, "no longer requires credentials"))
    elif old_auth - new_auth:  # a way callers used is gone
        changes.append(Change(True, key, f"authentication changed from {_ways(old_auth)} to {_ways(new_auth)}"))
    elif new_auth - old_auth:
        changes.append(Change(False, key, f"also accepts {_ways(new_auth - old_auth)}"))
    return changes


def _ways(ways: set[frozenset[str]]) -> str:
    return " or ".join(sorted(" and ".join(sorted(way)) for way in ways))


def _parameter_changes(
    key: str, before: _Side, old: list[dict[str, Any]], after: _Side, new: list[dict[str, Any]]
) -> list[Change]:
    old_by, new_by = {(p["name"], p.get("in")): p for p in old}, {(p["name"], p.get("in")): p for p in new}
    changes: list[Change] = []
    for name, location in sorted(old_by.keys() - new_by.keys()):
        changes.append(Change(True, f"{key} parameter {name} ({location})", "removed"))
    for name, location in sorted(new_by.keys() - old_by.keys()):
        required = bool(new_by[(name, location)].get("required")) or location == "path"
        changes.append(Change(required, f"{key} parameter {name} ({location})", f"added, {_required(required)}"))
    for ident in sorted(old_by.keys() & new_by.keys()):
        where = f"{key} parameter {ident[0]} ({ident[1]})"
        was, now = bool(old_by[ident].get("required")), bool(new_by[ident].get("required"))
        if was != now:
            changes.append(Change(now, where, f"now {_required(now)}"))
        old_schema, new_schema = old_by[ident].get("schema", {}), new_by[ident].get("schema", {})
        changes += _schema_changes(where, before, old_schema, after, new_schema, request=True, seen=set())
    return changes


def _required(required: bool) -> str:
    return "required" if required else "optional"


def _body_schema(side: _Side, holder: Any) -> tuple[Any, bool] | None:
    """The schema of a request body or response (its JSON media type's, else its first media
    type's: a form is compared field by field too), and whether a body is required."""
    holder, _ = side.resolve(holder)
    if not isinstance(holder, dict) or not holder.get("content"):
        return None
    content = holder["content"]
    json_types = [m for m in content if is_json_media_type(m)]
    media = content[(json_types or list(content))[0]] or {}
    return media.get("schema", {}), bool(holder.get("required"))


def _media_types(side: _Side, holder: Any) -> set[str]:
    holder, _ = side.resolve(holder)
    return set((holder.get("content") or {}) if isinstance(holder, dict) else {})


def _body_changes(key: str, before: _Side, old: Any, after: _Side, new: Any) -> list[Change]:
    where = f"{key} request body"
    if old is None and new is None:
        return []
    if old is None:
        required = bool(after.resolve(new)[0].get("required"))
        return [Change(required, where, f"added, {_required(required)}")]
    if new is None:
        return [Change(True, where, "removed")]
    changes: list[Change] = []
    removed_types = _media_types(before, old) - _media_types(after, new)
    if removed_types:
        changes.append(Change(True, where, f"no longer accepts {', '.join(sorted(removed_types))}"))
    old_body, new_body = _body_schema(before, old), _body_schema(after, new)
    if old_body and new_body:
        if new_body[1] != old_body[1]:
            changes.append(Change(new_body[1], where, f"now {_required(new_body[1])}"))
        changes += _schema_changes(where, before, old_body[0], after, new_body[0], request=True, seen=set())
    return changes


def _response_changes(key: str, before: _Side, old: dict[str, Any], after: _Side, new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    old_codes, new_codes = set(map(str, old)), set(map(str, new))
    for code in sorted(old_codes - new_codes):
        success = code.startswith("2")
        changes.append(Change(success, f"{key} response {code}", "removed"))
    for code in sorted(new_codes - old_codes):
        changes.append(Change(False, f"{key} response {code}", "added"))
    for code in sorted(old_codes & new_codes):
        where = f"{key} response {code}"
        old_body, new_body = _body_schema(before, old[code]), _body_schema(after, new[code])
        if old_body and not new_body and code.startswith("2"):
            changes.append(Change(True, where, "no longer answers with a body"))
        elif old_body and new_body:
            changes += _schema_changes(where, before, old_body[0], after, new_body[0], request=False, seen=set())
    return changes


def _type_of(schema: dict[str, Any]) -> str | None:
    """The JSON types a schema allows besides null (3.0's ``type`` or 3.1's array of types), and its format."""
    kinds, _ = json_types(schema)
    if not kinds and "properties" in schema:
        kinds = ("object",)
    if not kinds:
        return None
    return " or ".join(kinds) + (f" ({schema['format']})" if schema.get("format") else "")


def _nullable(schema: dict[str, Any]) -> bool:
    return json_types(schema)[1]


def _merged(side: _Side, schema: Any, depth: int = 0) -> tuple[dict[str, Any], str | None]:
    """The schema resolved, with ``allOf`` parts merged into one object schema."""
    schema, name = side.resolve(schema)
    if not isinstance(schema, dict):
        return {}, name
    if "allOf" not in schema or depth > _MAX_DEPTH:
        return schema, name
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties = dict(merged.get("properties") or {})
    required = list(merged.get("required") or [])
    for part in schema["allOf"]:
        resolved, _ = _merged(side, part, depth + 1)
        properties.update(resolved.get("properties") or {})
        required += resolved.get("required") or []
        merged.setdefault("type", resolved.get("type"))
    merged["properties"], merged["required"] = properties, required
    return merged, name


def _schema_changes(
    where: str, before: _Side, old: Any, after: _Side, new: Any, *, request: bool, seen: set[tuple[str, str]]
) -> list[Change]:
    old_schema, old_name = _merged(before, old)
    new_schema, new_name = _merged(after, new)
    if where.count(" field ") + where.count("[]") + where.count("{}") + where.count(" variant ") > _MAX_DEPTH:
        return []  # a recursion no name marks (a schema reached through allOf): deep enough
    if old_name and new_name:  # a named schema met again down a recursive structure: compared once
        if (old_name, new_name) in seen:
            return []
        seen = seen | {(old_name, new_name)}
    changes: list[Change] = []
    old_type, new_type = _type_of(old_schema), _type_of(new_schema)
    if old_type and new_type and old_type != new_type:
        return [Change(True, where, f"type changed from {old_type} to {new_type}")]
    if _nullable(old_schema) and not _nullable(new_schema) and request:
        changes.append(Change(True, where, "no longer accepts null"))
    if _nullable(new_schema) and not _nullable(old_schema) and not request:
        changes.append(Change(True, where, "may now be null"))
    changes += _enum_changes(where, old_schema, new_schema, request=request)
    changes += _constraint_changes(where, old_schema, new_schema, request=request)
    changes += _property_changes(where, before, old_schema, after, new_schema, request=request, seen=seen)
    for keyword in ("items", "additionalProperties"):
        old_part, new_part = old_schema.get(keyword), new_schema.get(keyword)
        if isinstance(old_part, dict) and isinstance(new_part, dict):
            inner = f"{where}[]" if keyword == "items" else f"{where}{{}}"
            changes += _schema_changes(inner, before, old_part, after, new_part, request=request, seen=seen)
    for keyword in ("oneOf", "anyOf"):
        changes += _variant_changes(where, keyword, before, old_schema, after, new_schema, request=request, seen=seen)
    return changes


_LOWER_BOUNDS = ("minimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "maxProperties")


def _constraint_changes(where: str, old: dict[str, Any], new: dict[str, Any], *, request: bool) -> list[Change]:
    """Bounds, patterns and defaults. A bound that narrows breaks callers of a request (a value
    they sent may now be refused); one that widens breaks readers of a response (this SDK's models
    check the bounds an answer is documented with)."""
    changes = []
    for keyword in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "pattern", "multipleOf"):
        was, now = old.get(keyword), new.get(keyword)
        if was == now:
            continue
        if keyword in _LOWER_BOUNDS and isinstance(was, int | float) and isinstance(now, int | float):
            narrower = now > was
        elif keyword in _UPPER_BOUNDS and isinstance(was, int | float) and isinstance(now, int | float):
            narrower = now < was
        else:  # added, removed, or a pattern or multipleOf changed: narrower unless it went away
            narrower = now is not None
        breaking = narrower if request else not narrower
        changes.append(Change(breaking, where, f"{keyword} changed from {was!r} to {now!r}"))
    if "default" in old or "default" in new:
        was, now = old.get("default"), new.get("default")
        if was != now:
            text = f"default changed from {was!r} to {now!r} (calls that leave it out now get another result)"
            changes.append(Change(False, where, text))
    return changes


def _enum_changes(where: str, old: dict[str, Any], new: dict[str, Any], *, request: bool) -> list[Change]:
    if "enum" not in old and "enum" not in new:
        return []
    if "enum" not in new:
        return [Change(False, where, "no longer limited to an enum")] if request else []
    if "enum" not in old:
        return [Change(True, where, "now limited to an enum")] if request else []
    old_values, new_values = old["enum"], new["enum"]
    added = [v for v in new_values if v not in old_values]
    removed = [v for v in old_values if v not in new_values]
    changes = []
    if removed:
        text = f"enum values removed: {', '.join(map(json.dumps, removed))}"
        changes.append(Change(request, where, text))
    if added:
        text = f"enum values added: {', '.join(map(json.dumps, added))}"
        if not request:
            text += " (this SDK keeps unknown values; clients with closed enums reject them)"
        changes.append(Change(False, where, text))
    return changes


def _property_changes(
    where: str,
    before: _Side,
    old: dict[str, Any],
    after: _Side,
    new: dict[str, Any],
    *,
    request: bool,
    seen: set[tuple[str, str]],
) -> list[Change]:
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
    changes: list[Change] = []
    for name in sorted(old_props.keys() - new_props.keys()):
        changes.append(Change(True, f"{where} field {name}", "removed"))
    for name in sorted(new_props.keys() - old_props.keys()):
        required = name in new_required
        changes.append(Change(request and required, f"{where} field {name}", f"added, {_required(required)}"))
    for name in sorted(old_props.keys() & new_props.keys()):
        field_where = f"{where} field {name}"
        was, now = name in old_required, name in new_required
        if was != now:
            # a request field newly required breaks callers; a response field newly optional breaks readers
            changes.append(Change(now if request else was, field_where, f"now {_required(now)}"))
        changes += _schema_changes(
            field_where, before, old_props[name], after, new_props[name], request=request, seen=seen
        )
    return changes


def _variant_changes(
    where: str,
    keyword: str,
    before: _Side,
    old: dict[str, Any],
    after: _Side,
    new: dict[str, Any],
    *,
    request: bool,
    seen: set[tuple[str, str]],
) -> list[Change]:
    old_variants, new_variants = old.get(keyword) or [], new.get(keyword) or []
    if not old_variants and not new_variants:
        return []

    def key(side: _Side, variant: Any, index: int) -> str:
        name = side.resolve(variant)[1]
        return name or f"#{index}"

    old_keys = {key(before, v, i): v for i, v in enumerate(old_variants)}
    new_keys = {key(after, v, i): v for i, v in enumerate(new_variants)}
    changes: list[Change] = []
    for name in sorted(old_keys.keys() - new_keys.keys()):
        # a request loses an accepted shape; a response only stops sending one
        changes.append(Change(request, f"{where} {keyword} variant {name}", "removed"))
    for name in sorted(new_keys.keys() - old_keys.keys()):
        # a response may now send a shape old readers do not know
        changes.append(Change(not request, f"{where} {keyword} variant {name}", "added"))
    for name in sorted(old_keys.keys() & new_keys.keys()):
        changes += _schema_changes(
            f"{where} {keyword} variant {name}",
            before,
            old_keys[name],
            after,
            new_keys[name],
            request=request,
            seen=seen,
        )
    return changes


def suggested_bump(changes: list[Change], version: str) -> tuple[str, str]:
    """The semver bump the changes call for, and the version it leads to (0.x: breaking is minor)."""
    numbers = [int(m.group()) if (m := re.match(r"\d+", part)) else 0 for part in version.split(".")[:3]]
    if not numbers or not re.match(r"\d", version):
        return ("unknown (the version is not semver)", version)
    major, minor, patch = [*numbers, 0, 0, 0][:3]
    if any(c.breaking for c in changes):
        return ("major", f"{major + 1}.0.0") if major else ("minor (0.x: breaking)", f"0.{minor + 1}.0")
    if changes:
        return ("minor", f"{major}.{minor + 1}.0") if major else ("patch (0.x: additions)", f"0.{minor}.{patch + 1}")
    return ("none", version)


def render_text(changes: list[Change]) -> str:
    if not changes:
        return "no changes to the API surface"
    breaking = sum(c.breaking for c in changes)
    lines = [terminal_safe(str(c)) for c in sorted(changes, key=lambda c: (not c.breaking, c.where))]
    return "\n".join([*lines, f"{len(changes)} change(s), {breaking} breaking"])


def render_json(changes: list[Change]) -> str:
    breaking = sum(c.breaking for c in changes)
    payload = {"breaking": breaking, "changes": [asdict(c) for c in changes]}
    return json.dumps(payload, indent=2)
