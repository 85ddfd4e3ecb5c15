"""Normalise: the effective spec → the spec the IR is read from and the models are rendered from.

One pure pass, before any IR exists, makes every naming decision and every change to the spec:

- component schema names become class names (``x-python-name`` honoured), references follow;
- each operation gets its Python method name (``x-python-name``, else from its ``operationId``);
- inline request and response bodies that need a model are hoisted into ``components/schemas``
  under names built from their operation (``{Operation}Request``, ``{Operation}Response``), so
  the IR can name ``models.<Name>`` and datamodel-code-generator writes that class;
- patterns pydantic cannot compile are dropped (with a warning where they are);
- every model the spec leaves undescribed gets a description saying where it is used.

The input document is never changed; the result is a new spec. :mod:`.build` then only reads.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from .errors import SpecError, to_pointer
from .loader import Path_, SourceDocument
from .naming import RESERVED_MODEL_NAMES, snake_case, unique
from .openapi import HTTP_METHODS, json_media, media_kind, other_media, success_statuses
from .schema_types import PYTHON_NAME, class_name, hoist, normalise_schema_names, python_name_extension

# keyword arguments every generated client method has; parameters must not take these names
# (and the server stubs' handlers take ``request`` and ``context`` and bind ``backend`` and ``result``)
RESERVED_PARAMETER_NAMES = frozenset(
    {"self", "body", "extra_headers", "timeout", "max_retries", "models", "request", "context", "backend", "result"}
)
# the clients' own methods and attributes; an operation named so gets a trailing underscore
RESERVED_OPERATION_NAMES = frozenset(
    {"close", "with_options", "with_raw_response", "base_url", "timeout", "max_retries"}
)
_NOT_SCHEMA_KEYWORDS = {"example", "examples", "default", "enum", "const"}


@dataclass(frozen=True)
class Normalised:
    """The spec every later stage reads, and the decisions made on the way."""

    spec: dict[str, Any]
    operation_names: dict[tuple[str, str], str]  # (path, method) → the client method's name
    errors: list[SpecError] = field(default_factory=list)
    warnings: list[SpecError] = field(default_factory=list)


def normalise(doc: SourceDocument) -> Normalised:
    """The normalised copy of ``doc``'s spec (which must have passed, or be passing, validation)."""
    errors: list[SpecError] = []
    warnings: list[SpecError] = []

    def problem(path: Path_, message: str, *, warning: bool = False) -> None:
        file, line = doc.origin.locate(path)
        (warnings if warning else errors).append(SpecError(file, line, to_pointer(path), message))

    _check_python_names(doc.data, problem)
    spec = normalise_schema_names(doc.data)
    spec.setdefault("components", {}).setdefault("schemas", {})
    _drop_unusable_patterns(doc.data, spec, problem)
    names = _operation_names(spec, problem)
    _hoist_bodies(spec, names)
    return Normalised(spec, names, errors, warnings)


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
    from .validate import resolve_pointer

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
