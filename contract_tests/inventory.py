"""What the contract documents, as a list of items a run must provoke and judge.

The inventory is read from the effective spec (upstream plus overlays, as the generated package
ships it), never written by hand: every operation x documented status, every parameter's default
and bounds, every request field with its bounds, and every response field. A spec update changes
the inventory, and with it what the suite sends and what its coverage table counts.

Anchors: Microcks' conformance index (how much of the contract a run exercised, apart from how much
passed), Schemathesis's coverage phase and TraceCov (keyword coverage of the schemas).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
BOUNDS = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems")
KINDS = ("status", "parameter", "request field", "response field")


@dataclass(frozen=True)
class Item:
    """One thing the contract documents: ``kind``, the ``operation`` it belongs to, and its ``name``
    within it (``404``, ``limit default 20``, ``/autoscaling/min maximum 100``, ``/items/0/id``)."""

    kind: str
    operation: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.operation} {self.kind} {self.name}"


@dataclass(frozen=True)
class Parameter:
    operation: str
    name: str
    location: str  # query, path, header
    schema: dict[str, Any]
    required: bool
    description: str = ""

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    def bounds(self) -> dict[str, Any]:
        return {k: self.schema[k] for k in BOUNDS if k in self.schema}


@dataclass(frozen=True)
class Field:
    """A property of a body schema, at a JSON pointer in the body (``/autoscaling/min``); the
    items of an array are at ``/ports/*``, the values of a map at ``/env/*``."""

    pointer: str
    schema: dict[str, Any]
    required: bool  # by its parent object

    @property
    def name(self) -> str:
        return self.pointer.rsplit("/", 1)[-1]

    @property
    def top(self) -> str:
        return self.pointer.split("/")[1]


@dataclass(frozen=True)
class Operation:
    id: str
    method: str  # upper case
    path: str  # the spec's path template
    parameters: tuple[Parameter, ...]
    statuses: tuple[str, ...]  # documented, in the spec's order
    responses: dict[str, dict[str, Any]]  # status -> the response object, references resolved
    body: dict[str, Any] | None  # the JSON request body's schema, references resolved
    extensions: dict[str, Any] = field(default_factory=dict)  # its x- keys (x-pagination, ...)
    summary: str = ""
    description: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def response_schema(self, status: int | str) -> dict[str, Any] | None:
        """The JSON schema documented for ``status`` (a ``default`` response included), else None."""
        response = self.responses.get(str(status)) or self.responses.get(f"{str(status)[0]}XX")
        response = response or self.responses.get("default")
        if response is None:
            return None
        for media, content in (response.get("content") or {}).items():
            if media.split(";")[0].strip().endswith("json"):
                return dict(content.get("schema") or {})
        return None

    def documents(self, status: int) -> bool:
        return str(status) in self.responses or f"{str(status)[0]}XX" in self.responses or "default" in self.responses


@dataclass
class Contract:
    """The effective spec, read once: operations by id and label, and the inventory."""

    spec: dict[str, Any]
    operations: dict[str, Operation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path, item in self.spec.get("paths", {}).items():
            item = self.resolve(item)
            shared = [self.resolve(p) for p in item.get("parameters", [])]
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                operation = self.resolve(item[method])
                own = [self.resolve(p) for p in operation.get("parameters", [])]
                by_key = {(p["in"], p["name"]): p for p in [*shared, *own]}  # an operation's own wins
                label = f"{method.upper()} {path}"
                parameters = tuple(
                    Parameter(
                        label,
                        p["name"],
                        p["in"],
                        self.deep(p.get("schema") or {}),
                        bool(p.get("required")),
                        str(p.get("description") or ""),
                    )
                    for p in by_key.values()
                )
                responses = {str(s): self.deep(r) for s, r in (operation.get("responses") or {}).items()}
                body = None
                request = self.resolve(operation.get("requestBody") or {})
                for media, content in (request.get("content") or {}).items():
                    if media.split(";")[0].strip().endswith("json"):
                        body = self.deep(content.get("schema") or {})
                op = Operation(
                    str(operation.get("operationId") or label),
                    method.upper(),
                    path,
                    parameters,
                    tuple(responses),
                    responses,
                    body,
                    {k: v for k, v in operation.items() if k.startswith("x-")},
                    str(operation.get("summary") or ""),
                    str(operation.get("description") or ""),
                )
                self.operations[op.id] = op

    def resolve(self, node: Any) -> Any:
        """``node`` with a local ``$ref`` at its top followed (several in a row too)."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
            target: Any = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node, seen = target, seen + 1
        return node

    def deep(self, node: Any, depth: int = 0) -> Any:
        """``node`` with every local reference inside it followed (a cycle stops at depth 16)."""
        node = self.resolve(node)
        if depth > 16:
            return {}
        if isinstance(node, dict):
            return {k: self.deep(v, depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [self.deep(v, depth + 1) for v in node]
        return node

    @functools.cached_property
    def error_codes(self) -> dict[int, str]:
        """The error code each status answers with, as the Error schema's ``code`` documents it
        ("One of BAD_REQUEST (400), UNAUTHORIZED (401), ..."); empty when it documents none."""
        found: dict[int, str] = {}
        for op in self.operations.values():
            for status in op.statuses:
                schema = op.response_schema(status) if status[:1] in {"4", "5"} else None
                code = ((schema or {}).get("properties") or {}).get("code") or {}
                for name, number in re.findall(r"\b([A-Z][A-Z_]+) \((\d{3})\)", str(code.get("description", ""))):
                    found.setdefault(int(number), name)
        return found

    def by_label(self, label: str) -> Operation:
        return next(op for op in self.operations.values() if op.label == label)

    def inventory(self) -> list[Item]:
        items: list[Item] = []
        for op in self.operations.values():
            items += [Item("status", op.label, status) for status in op.statuses]
            for p in op.parameters:
                if p.default is not None:
                    items.append(Item("parameter", op.label, f"{p.name} default {p.default}"))
                items += [Item("parameter", op.label, f"{p.name} {k} {v}") for k, v in p.bounds().items()]
            if op.body is not None:
                for f in fields(op.body):
                    items.append(Item("request field", op.label, f.pointer))
                    items += [Item("request field", op.label, f"{f.pointer} {k} {v}") for k, v in _bounds(f.schema)]
            for status in op.statuses:
                schema = op.response_schema(status)
                if schema is not None and status.startswith("2"):
                    items += [Item("response field", op.label, f"{status} {f.pointer}") for f in fields(schema)]
        # the error body's fields, once: every error answer of every operation carries them
        error = _error_schema(self)
        if error is not None:
            items += [Item("response field", "any error answer", f.pointer) for f in fields(error)]
        return items


def _bounds(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for k in BOUNDS:
        if k in schema:
            yield k, schema[k]
    if "enum" in schema:
        yield "enum", "|".join(str(v) for v in schema["enum"])


def _error_schema(contract: Contract) -> dict[str, Any] | None:
    for op in contract.operations.values():
        for status in op.statuses:
            if status.startswith(("4", "5")):
                schema = op.response_schema(status)
                if schema is not None:
                    return schema
    return None


def fields(schema: dict[str, Any], pointer: str = "", depth: int = 0) -> list[Field]:
    """Every property under ``schema`` (resolved), depth first: objects' properties, arrays'
    items (``/*``) and maps' values (``/*``)."""
    found: list[Field] = []
    if depth > 8 or not isinstance(schema, dict):
        return found
    for part in schema.get("allOf") or []:
        found += fields(part, pointer, depth + 1)
    if not schema.get("properties") and schema.get("type") == "array":  # a list answered whole
        return found + _inside(schema, pointer, depth)
    required = set(schema.get("required") or [])
    for name, sub in (schema.get("properties") or {}).items():
        here = f"{pointer}/{name}"
        found.append(Field(here, sub, name in required))
        found += _inside(sub, here, depth)
    return found


def _inside(schema: dict[str, Any], pointer: str, depth: int) -> list[Field]:
    if not isinstance(schema, dict):
        return []
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        items = schema["items"]
        inner = f"{pointer}/*"
        nested = fields(items, inner, depth + 1) if items.get("properties") else []
        return ([Field(inner, items, False)] if any(k in items for k in (*BOUNDS, "enum")) else []) + nested
    if isinstance(schema.get("additionalProperties"), dict):
        return fields(schema["additionalProperties"], f"{pointer}/*", depth + 1)
    return fields(schema, pointer, depth + 1) if schema.get("properties") else []
