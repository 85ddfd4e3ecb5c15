"""Normalise: the effective spec → the spec the IR is read from and the models are rendered from.

One pure pass, before any IR exists, makes every naming decision and every change to the spec:

- component schema names become class names (``x-python-name`` honoured), references follow;
- each operation gets its Python method name (``x-python-name``, else from its ``operationId``);
- inline request and response bodies that need a model are hoisted into ``components/schemas``
  under names built from their operation (``{Operation}Request``, ``{Operation}Response``), so
  the IR can name ``models.<Name>`` and datamodel-code-generator writes that class;
- patterns pydantic cannot compile are dropped (with a warning where they are);
- every model the spec leaves undescribed gets a description saying where it is used;
- path items given as references (``components/pathItems``, 3.1) are written out in place;
- OpenAPI 3.1: ``$defs`` become component schemas (references follow), webhook payloads are hoisted
  as ``{Webhook}Webhook`` models, and JSON Schema keywords the models cannot express
  (:data:`UNEXPRESSED_KEYWORDS`) are dropped with a warning where they are.

The input document is never changed; the result is a new spec. :mod:`.build` then only reads.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import Any

from .errors import SpecError, escape_pointer_token, to_pointer
from .loader import Path_, SourceDocument, walk
from .naming import RESERVED_MODEL_NAMES, pascal_case, snake_case, unique
from .openapi import (
    EMAIL_FORMATS,
    HTTP_METHODS,
    json_media,
    media_kind,
    openapi_minor,
    other_media,
    resolve_pointer,
    schema_nodes,
    success_statuses,
)
from .schema_types import (
    PYTHON_NAME,
    SCHEMA_PREFIX,
    class_name,
    hoist,
    python_name_extension,
    schema_ref_name,
)

# keyword arguments every generated client method has; parameters must not take these names
# (and the server stubs' handlers take ``request`` and ``context`` and bind ``backend`` and ``result``);
# nor the builtins a method's body evaluates (``type(None)``, ``list[models.Pet]``): a parameter
# called ``type`` would shadow ``type`` in its own method
RESERVED_PARAMETER_NAMES = frozenset(
    {"self", "body", "extra_headers", "timeout", "max_retries", "models", "request", "context", "backend", "result"}
    | {"poll_interval", "on_poll"}  # a waiter's own (generator/build.py _waiters)
    | {"type", "list", "dict", "str", "bytes", "int", "float", "bool", "object"}
)
# the clients' own methods and attributes; an operation named so gets a trailing underscore
RESERVED_OPERATION_NAMES = frozenset(
    {"close", "with_options", "with_raw_response", "base_url", "timeout", "max_retries"}
)
_NOT_SCHEMA_KEYWORDS = {"example", "examples", "default", "enum", "const"}
# JSON Schema 2020-12 keywords the generated models cannot express: each is dropped where it is
# (the rest of its schema is generated) with a warning; servers still validate bodies against them
UNEXPRESSED_KEYWORDS = (
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "patternProperties",
    "$dynamicRef",
    "$dynamicAnchor",
)


@dataclass(frozen=True)
class Normalised:
    """The spec every later stage reads, and the decisions made on the way."""

    spec: dict[str, Any]
    operation_names: dict[tuple[str, str], str]  # (path, method) → the client method's name
    errors: list[SpecError] = field(default_factory=list)
    warnings: list[SpecError] = field(default_factory=list)
    uses_email: bool = False  # some schema has an e-mail format (its models need email-validator)


def normalise(doc: SourceDocument) -> Normalised:
    """The normalised copy of ``doc``'s spec (which must have passed, or be passing, validation)."""
    errors: list[SpecError] = []
    warnings: list[SpecError] = []

    def problem(path: Path_, message: str, *, warning: bool = False) -> None:
        file, line = doc.origin.locate(path)
        (warnings if warning else errors).append(SpecError(file, line, to_pointer(path), message))

    _check_python_names(doc.data, problem)
    source = copy.deepcopy(doc.data)
    _inline_path_item_refs(source)
    nodes = list(schema_nodes(source))  # one walk of every schema: they are most of a spec
    if openapi_minor(source) == "3.1":
        _warn_unexpressed(nodes, problem)
        _hoist_defs(source, nodes)
        _hoist_webhook_payloads(source)
    uses_email = any(node.get("format") in EMAIL_FORMATS for _, node in nodes)
    _hoist_referenced_schemas(source)
    spec = source
    _rename_schemas(spec)
    spec.setdefault("components", {}).setdefault("schemas", {})
    _drop_unusable_patterns(doc.data, spec, problem)
    names = _operation_names(spec, problem)
    _hoist_bodies(spec, names)
    return Normalised(spec, names, errors, warnings, uses_email)


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """Every operation of ``spec`` in order: (path, method, path item, operation)."""
    return [
        (path, method, item, item[method])
        for path, item in (spec.get("paths") or {}).items()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    ]


def not_reserved(name: str, reserved: frozenset[str]) -> str:
    return f"{name}_" if name in reserved else name


def deref(spec: dict[str, Any], value: Any) -> Any:
    """``value`` with ``$ref`` chains of parameters, responses and bodies followed (schemas keep theirs)."""
    seen = set()
    while isinstance(value, dict) and isinstance(value.get("$ref"), str) and value["$ref"] not in seen:
        seen.add(value["$ref"])
        value = resolve_pointer(spec, value["$ref"])
    return value


def _operation_names(spec: dict[str, Any], problem: Any) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for path, method, _, raw in operations(spec):
        chosen = python_name_extension(raw)
        if chosen is not None and (chosen in taken or chosen in RESERVED_OPERATION_NAMES):
            where = ("paths", path, method, PYTHON_NAME)
            problem(where, f"{PYTHON_NAME} {chosen!r} is taken by another method of the client")
        # an id that starts with a digit would give a name that looks private: "op_123_get_node"
        derived = snake_case(raw.get("operationId") or f"{method} {path}")
        derived = f"op{derived}" if derived.startswith("_") else derived
        names[(path, method)] = chosen or unique(not_reserved(derived, RESERVED_OPERATION_NAMES), taken)
        taken.add(names[(path, method)])
    return names


def _hoist_bodies(spec: dict[str, Any], names: dict[tuple[str, str], str]) -> None:
    """Each operation's inline JSON or form request body and JSON success answer, hoisted."""
    for path, method, _, raw in operations(spec):
        stem = raw.get("operationId") or names[(path, method)]
        if "requestBody" in raw:
            content = deref(spec, raw["requestBody"]).get("content")
            found = json_media(content) or other_media(content)
            if found is not None and media_kind(found[0]) not in {"bytes", "text"}:
                found[1]["schema"] = hoist(spec, found[1].get("schema", {}), f"{stem}Request")
        statuses = success_statuses(raw)
        if statuses:
            found = json_media(deref(spec, raw["responses"][str(statuses[0])]).get("content"))
            if found is not None:
                found[1]["schema"] = hoist(spec, found[1].get("schema", {}), f"{stem}Response")


def _rename_schemas(spec: dict[str, Any]) -> None:
    """Component schema names made the class names, in place; references follow.

    A schema's ``x-python-name`` (validated by the caller) is its class name as it is.
    """
    schemas = spec.get("components", {}).get("schemas", {})
    taken: set[str] = set()
    chosen = {name: python_name_extension(schema) for name, schema in schemas.items()}
    taken.update(n for n in chosen.values() if n)
    renames = {name: chosen[name] or unique(class_name(name), taken) for name in schemas}
    spec.setdefault("components", {})["schemas"] = {renames[n]: s for n, s in schemas.items()}
    _rewrite_refs(spec, renames)


def _rewrite_refs(value: Any, renames: dict[str, str]) -> None:
    """Point every reference to a renamed schema at its new name, however the old one was escaped."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            name = schema_ref_name(ref) if isinstance(ref, str) else None
            if name is not None and name in renames:
                node["$ref"] = SCHEMA_PREFIX + escape_pointer_token(renames[name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _hoist_referenced_schemas(spec: dict[str, Any]) -> None:
    """A schema referred to where it is, outside ``components/schemas`` (``$ref:
    '#/components/parameters/state/schema'``), copied there under a name of its own (``StateSchema``)
    for every reference to point to, so it is one model; its own place keeps it as it is (a
    parameter's inline enum stays a ``Literal`` of the client's)."""
    refs = {node.get("$ref") for _, node in walk(spec) if isinstance(node, dict)}
    # only references that name no whole component schema can name a schema elsewhere: most specs have none
    candidates = {r for r in refs if isinstance(r, str) and r.startswith("#/") and schema_ref_name(r) is None}
    if not candidates:
        return
    places = {to_pointer(path): path for path, _ in schema_nodes(spec) if path[:2] != ("components", "schemas")}
    wanted = sorted(r for r in candidates if r[1:] in places)
    if not wanted:
        return
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    moved: dict[str, str] = {}
    for ref in wanted:
        path = places[ref[1:]]
        owner = next((str(part) for part in reversed(path) if part not in {"schema", "content", "items"}), "Schema")
        name = unique(pascal_case(f"{owner} schema"), set(schemas))
        try:
            schemas[name] = copy.deepcopy(resolve_pointer(spec, ref))
        except (KeyError, IndexError, TypeError):
            continue
        moved[ref] = SCHEMA_PREFIX + escape_pointer_token(name)
    for _, node in walk(spec):
        if isinstance(node, dict) and node.get("$ref") in moved:
            node["$ref"] = moved[node["$ref"]]


def _inline_path_item_refs(spec: dict[str, Any]) -> None:
    """A path item that is a local reference (3.1's ``components/pathItems``) written out in place,
    its own fields (summary, description) kept, so every operation is found under ``paths``."""
    for section in ("paths", "webhooks"):
        items = spec.get(section)
        if not isinstance(items, dict):
            continue
        for name, item in list(items.items()):
            if isinstance(item, dict) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/"):
                target = deref(spec, item)
                if isinstance(target, dict):
                    items[name] = {**copy.deepcopy(target), **{k: v for k, v in item.items() if k != "$ref"}}


def _warn_unexpressed(nodes: list[tuple[Path_, dict[str, Any]]], problem: Any) -> None:
    """Drop each keyword of :data:`UNEXPRESSED_KEYWORDS`, with a warning where it is; and say where
    ``prefixItems`` leaves its positions unchecked by the models."""
    for path, node in nodes:
        for key in [k for k in UNEXPRESSED_KEYWORDS if k in node]:
            problem(
                (*path, key), f"{key} is not expressed by the generated models; the rest of the schema is", warning=True
            )
            del node[key]
        if "prefixItems" in node and "items" not in node:
            message = "prefixItems: the models accept a list of any items (positions are not checked)"
            problem((*path, "prefixItems"), message, warning=True)


def _hoist_defs(spec: dict[str, Any], nodes: list[tuple[Path_, dict[str, Any]]]) -> None:
    """Every ``$defs`` entry moved into ``components/schemas`` (its own name, made unique), and
    every reference to it, or into it, pointed at its new place."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    if not isinstance(schemas, dict):
        return
    taken = set(schemas)
    moved: dict[str, str] = {}  # old pointer → new pointer
    found = [(path, node) for path, node in nodes if isinstance(node.get("$defs"), dict)]
    for path, node in found:
        for name, definition in node.pop("$defs").items():
            new = unique(pascal_case(name), taken)
            schemas[new] = definition
            moved["#" + to_pointer((*path, "$defs", name))] = SCHEMA_PREFIX + escape_pointer_token(new)
    if not moved:
        return
    for _, node in walk(spec):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str):
            for old, new in moved.items():
                if ref == old or ref.startswith(old + "/"):
                    node["$ref"] = new + ref[len(old) :]
                    break


def _hoist_webhook_payloads(spec: dict[str, Any]) -> None:
    """Each webhook's inline JSON payload a model of its own, ``{operationId or name}Webhook``."""
    for name, item in (spec.get("webhooks") or {}).items():
        for method in HTTP_METHODS:
            raw = item.get(method) if isinstance(item, dict) else None
            if isinstance(raw, dict) and "requestBody" in raw:
                found = json_media(deref(spec, raw["requestBody"]).get("content"))
                if found is not None:
                    stem = raw.get("operationId") or name
                    found[1]["schema"] = hoist(spec, found[1].get("schema", {}), f"{stem}Webhook")


def _check_python_names(spec: dict[str, Any], problem: Any) -> None:
    """Every ``x-python-name`` must be an identifier that is no keyword (and a parameter's no runtime name)."""

    def check(where: Path_, owner: Any, reserved: frozenset[str] = frozenset()) -> None:
        if isinstance(owner, dict) and PYTHON_NAME in owner:
            name = owner[PYTHON_NAME]
            if python_name_extension(owner) is None or name in reserved or str(name).startswith("_"):
                problem((*where, PYTHON_NAME), f"{PYTHON_NAME} {name!r} is not a usable Python name here")

    schemas = spec.get("components", {}).get("schemas") or {}
    # the class each schema without a rename gets: a rename may not take one of those either
    chosen: dict[str, str] = {class_name(n): n for n, sch in schemas.items() if python_name_extension(sch) is None}
    for name, schema in schemas.items():
        check(("components", "schemas", name), schema, RESERVED_MODEL_NAMES)
        model = python_name_extension(schema)
        if model is not None and model in chosen:
            where = ("components", "schemas", name, PYTHON_NAME)
            problem(where, f"{PYTHON_NAME} {model!r} is also the name of schema {chosen[model]!r}")
        elif model is not None:
            chosen[model] = name
    for name, parameter in (spec.get("components", {}).get("parameters") or {}).items():
        check(("components", "parameters", name), parameter, RESERVED_PARAMETER_NAMES)
    for path, item in (spec.get("paths") or {}).items():
        for index, parameter in enumerate(item.get("parameters") or []):
            check(("paths", path, "parameters", index), parameter, RESERVED_PARAMETER_NAMES)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                check(("paths", path, method), operation)
                for index, parameter in enumerate(operation.get("parameters") or []):
                    check(("paths", path, method, "parameters", index), parameter, RESERVED_PARAMETER_NAMES)


def _drop_unusable_patterns(source: Any, spec: dict[str, Any], problem: Any) -> None:
    """A ``pattern`` pydantic cannot compile (its Rust engine has no look-around or backreferences)
    would make the generated models and stubs fail on import; it is left unenforced, with a warning
    where it is (found in ``source``, dropped from ``spec``)."""
    unusable = set()
    stack: list[tuple[Path_, Any]] = [((), source)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and not _compiles(pattern):
                unusable.add(pattern)
                problem(
                    (*path, "pattern"),
                    f"pattern {pattern!r} is not a regular expression pydantic can compile; the generated "
                    "models and stubs do not enforce it",
                    warning=True,
                )
            keys = [k for k in node if k not in _NOT_SCHEMA_KEYWORDS and not str(k).startswith("x-")]
            stack.extend(((*path, k), node[k]) for k in keys)
        elif isinstance(node, list):
            stack.extend(((*path, i), item) for i, item in enumerate(node))
    nodes: list[Any] = [spec] if unusable else []
    while nodes:
        node = nodes.pop()
        if isinstance(node, dict):
            if node.get("pattern") in unusable:
                del node["pattern"]
            nodes.extend(v for k, v in node.items() if k not in _NOT_SCHEMA_KEYWORDS)
        elif isinstance(node, list):
            nodes.extend(node)


@functools.lru_cache(maxsize=4096)
def _compiles(pattern: str) -> bool:
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return False
    return True


def describe_models(spec: dict[str, Any], used: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """``spec`` with a description for every model the spec leaves undescribed, saying where it is
    used (``used``: model → role → users, from the IR), so every model gets a docstring.

    A new spec: ``spec`` itself is not changed.
    """
    schemas = dict(spec["components"]["schemas"])
    uses: dict[str, dict[str, list[str]]] = {
        name: {role: list(users) for role, users in used.get(name, {}).items()} for name in schemas
    }
    for owner, schema in schemas.items():
        for name in sorted(_referenced_schemas(schema) - {owner}):
            if name in uses and f"`{owner}`" not in uses[name].setdefault("part of", []):
                uses[name]["part of"].append(f"`{owner}`")
    for name, schema in schemas.items():
        if isinstance(schema, dict) and not schema.get("description"):
            where = "; ".join(f"{role} {', '.join(users)}" for role, users in uses[name].items() if users)
            schemas[name] = {**schema, "description": f"The spec's `{name}` schema: {where or 'used by no operation'}."}
    return {**spec, "components": {**spec["components"], "schemas": schemas}}


def _referenced_schemas(value: Any) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                found.add(ref.removeprefix("#/components/schemas/"))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
