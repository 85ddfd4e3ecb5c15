"""The OpenAPI vocabulary every stage shares: the versions read, HTTP methods, media types, and
how a document is walked (its local references and its Schema Objects).

Each fact here is written once; the loader, validator, normaliser, IR builder, models stage and
diff import it, and so do the contract suite and the emulator where they read a spec. (The
generated packages' runtime, which ships without the generator, keeps its own ``is_json`` in
``_server_base.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import pointer_tokens
from .loader import Path_

SUPPORTED_VERSIONS = ("3.0", "3.1")  # the OpenAPI minor versions read (any patch release)

# the methods a Path Item may hold, in the order OpenAPI lists them
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# safe to send twice (RFC 9110, 9.2.2), so a client may retry them after a failure
IDEMPOTENT_METHODS = frozenset({"get", "head", "put", "delete", "options"})

# string formats whose values pydantic checks with the email-validator package (EmailStr, NameEmail)
EMAIL_FORMATS = frozenset({"email", "idn-email"})

# media types besides JSON, by kind: an object sent as a form
_FORM_KINDS = {"application/x-www-form-urlencoded": "form", "multipart/form-data": "multipart"}


def base_media_type(media_type: str) -> str:
    """``media_type`` without parameters, lower case: ``application/json; charset=utf-8`` → ``application/json``."""
    return media_type.split(";")[0].strip().lower()


def is_json_media_type(media_type: str) -> bool:
    """Whether a body of ``media_type`` is JSON: ``application/json`` or a ``+json`` suffix (RFC 6839)."""
    base = base_media_type(media_type)
    return base == "application/json" or base.endswith("+json")


def media_kind(media_type: str) -> str:
    """How a body of ``media_type`` is carried: json, form, multipart, text (``text/*``) or bytes."""
    if is_json_media_type(media_type):
        return "json"
    base = base_media_type(media_type)
    return _FORM_KINDS.get(base) or ("text" if base.startswith("text/") else "bytes")


def json_media(content: Any) -> tuple[str, Any] | None:
    """The first JSON media type of a ``content`` map, and its Media Type Object."""
    for media_type, media in (content or {}).items():
        if is_json_media_type(media_type):
            return media_type, media or {}
    return None


def other_media(content: Any) -> tuple[str, Any] | None:
    """The first media type that is not a wildcard: any of them can be sent (text/*, forms, or as bytes)."""
    for media_type, media in (content or {}).items():
        if media_type.split(";")[0].strip() not in {"*/*", ""}:
            return media_type, media or {}
    return None


def success_statuses(operation: dict[str, Any]) -> list[int]:
    """The 2xx statuses an operation documents, lowest first."""
    return sorted(int(s) for s in operation.get("responses", {}) if s.isdigit() and s.startswith("2"))


def openapi_minor(data: Any) -> str | None:
    """``3.0`` or ``3.1`` for a document that says it is one of those versions; None for any other."""
    version = str(data.get("openapi", "")) if isinstance(data, dict) else ""
    return next((minor for minor in SUPPORTED_VERSIONS if version.startswith(f"{minor}.")), None)


def is_ref(node: dict[str, Any]) -> bool:
    """Whether ``node`` is a Reference Object (a ``$ref`` that is not a string is a mistake, not one)."""
    return isinstance(node.get("$ref"), str)


def resolve_pointer(data: Any, ref: str) -> Any:
    """The node a local ``#/...`` reference names; KeyError when there is none."""
    path = target_path(data, ref)
    if path is None:
        raise KeyError(ref)
    for part in path:
        data = data[part]
    return data


def target_path(data: Any, ref: str) -> Path_ | None:
    """The path of the node a local ``#/...`` reference names (``#`` is the whole document)."""
    if not ref.startswith("#") or not (ref == "#" or ref.startswith("#/")):
        return None
    node: Any = data
    path: list[str | int] = []
    for token in pointer_tokens(ref):
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
            path.append(int(token))
        elif isinstance(node, dict) and token in node:
            node = node[token]
            path.append(token)
        else:
            return None
    return tuple(path)


# Where OpenAPI 3.0 and 3.1 expect a Schema Object (3.1's JSON Schema 2020-12 keywords included), by the kind of object holding it: (key, each, kind)
# reads "the node at key (each of its items when each) is a kind"; a None key is the node itself.
_HAS_SCHEMA: list[tuple[str | None, bool, str]] = [("schema", False, "schema"), ("content", True, "media")]
_CHILDREN: dict[str, list[tuple[str | None, bool, str]]] = {
    "schema": [
        ("properties", True, "schema"),
        ("additionalProperties", False, "schema"),
        ("items", False, "schema"),
        ("not", False, "schema"),
        ("allOf", True, "schema"),
        ("anyOf", True, "schema"),
        ("oneOf", True, "schema"),
        *((key, True, "schema") for key in ("$defs", "prefixItems", "patternProperties", "dependentSchemas")),
        *((key, False, "schema") for key in ("if", "then", "else", "contains", "propertyNames", "contentSchema")),
        *((key, False, "schema") for key in ("unevaluatedItems", "unevaluatedProperties")),
    ],
    "parameter": _HAS_SCHEMA,
    "header": _HAS_SCHEMA,
    "media": [("schema", False, "schema"), ("encoding", True, "encoding")],
    "encoding": [("headers", True, "header")],
    "body": [("content", True, "media")],
    "response": [("headers", True, "header"), ("content", True, "media")],
    "callback": [(None, True, "path")],
    "path": [("parameters", True, "parameter"), *((method, False, "operation") for method in HTTP_METHODS)],
    "operation": [
        ("parameters", True, "parameter"),
        ("requestBody", False, "body"),
        ("responses", True, "response"),
        ("callbacks", True, "callback"),
    ],
}
_COMPONENTS = {
    "schemas": "schema",
    "parameters": "parameter",
    "headers": "header",
    "requestBodies": "body",
    "responses": "response",
    "callbacks": "callback",
    "pathItems": "path",  # 3.1
}


def _items(node: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(node, dict):
        yield from node.items()
    elif isinstance(node, list):
        yield from enumerate(node)


def schema_nodes(data: dict[str, Any]) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Every Schema Object of the document with its path; a reference is not followed (what it
    names is reached where it is)."""
    stack: list[tuple[str, Path_, Any]] = [
        ("path", (section, name), item) for section in ("paths", "webhooks") for name, item in _items(data.get(section))
    ]
    for section, kind in _COMPONENTS.items():
        components = data.get("components")
        if isinstance(components, dict):
            stack += [(kind, ("components", section, name), node) for name, node in _items(components.get(section))]
    while stack:
        kind, path, node = stack.pop()
        if not isinstance(node, dict):
            continue
        if kind == "schema":
            yield path, node
        if is_ref(node):
            continue
        for key, each, child_kind in _CHILDREN[kind]:
            child, child_path = (node, path) if key is None else (node.get(key), (*path, key))
            if each:
                stack += [(child_kind, (*child_path, name), item) for name, item in _items(child)]
            else:
                stack.append((child_kind, child_path, child))
