"""Synthetic OpenAPI specs of any size, for measuring how generation scales: 3.0.3, or the same
API as 3.1.0 (nullable fields as type arrays, ``examples`` arrays), in one file or split over
files (``write_multifile``: a file per schema and per path, joined by relative references).

    .venv/bin/python bench/synthetic_spec.py 1000 [3.1] > spec-1000.json

``N`` operations come as N/5 resources with five operations each (list with cursor pagination,
create, get, replace, delete) and two schemas each (the resource with eight fields of several
types, an enum and a nested object, and its list page), all under bearer authentication.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any


def synthetic_spec(operations: int, version: str = "3.0") -> dict[str, Any]:
    """``operations`` operations as OpenAPI ``version`` (3.0 or 3.1), the same API either way."""
    resources = max(1, operations // 5)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    }
    error = {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for n in range(resources):
        name, plural = f"Widget{n}", f"widgets{n}"
        ref = {"$ref": f"#/components/schemas/{name}"}
        schemas[name] = {
            "type": "object",
            "description": f"Resource number {n}.",
            "required": ["id", "name", "size"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "size": {"type": "integer", "minimum": 0},
                "ratio": _nullable({"type": "number"}, version),
                "enabled": {"type": "boolean"},
                "kind": {"type": "string", "enum": ["small", "medium", "large"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "created": _nullable({"type": "string", "format": "date-time"}, version),
                "owner": {"type": "object", "properties": {"id": {"type": "string"}, "email": {"type": "string"}}},
            },
        }
        schemas[f"{name}List"] = {
            "type": "object",
            "required": ["items", "hasMore"],
            "properties": {
                "items": {"type": "array", "items": ref},
                "hasMore": {"type": "boolean"},
                "nextPage": {"type": "string"},
            },
        }
        one = {"200": {"description": "OK", "content": {"application/json": {"schema": ref}}}, "404": error}
        id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        body = {"required": True, "content": {"application/json": {"schema": ref}}}
        paths[f"/{plural}"] = {
            "get": {
                "operationId": f"list{name}s",
                "summary": f"List {plural}",
                "parameters": [
                    {"name": "after", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}List"}}},
                    },
                    "400": error,
                },
            },
            "post": {
                "operationId": f"create{name}",
                "summary": f"Create a {name}",
                "requestBody": body,
                "responses": one,
            },
        }
        paths[f"/{plural}/{{id}}"] = {
            "parameters": [id_param],
            "get": {"operationId": f"get{name}", "summary": f"Get a {name}", "responses": one},
            "put": {
                "operationId": f"replace{name}",
                "summary": f"Replace a {name}",
                "requestBody": body,
                "responses": one,
            },
            "delete": {
                "operationId": f"delete{name}",
                "summary": f"Delete a {name}",
                "responses": {"204": {"description": "Deleted"}, "404": error},
            },
        }
    return {
        "openapi": "3.1.0" if version == "3.1" else "3.0.3",
        "info": {"title": f"Synthetic API of {resources * 5} operations", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.test/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def _nullable(schema: dict[str, Any], version: str) -> dict[str, Any]:
    """``schema`` or null, as each version writes it (3.1 also with an ``examples`` array)."""
    if version == "3.1":
        return {**schema, "type": [schema["type"], "null"], "examples": [None]}
    return {**schema, "nullable": True}


def write_multifile(spec: dict[str, Any], directory: Path) -> Path:
    """``spec`` split over files in ``directory``: ``schemas/<Name>.json`` and ``paths/<n>.json``,
    joined by relative references, and ``openapi.json`` (returned) referring to them."""
    (directory / "schemas").mkdir(parents=True, exist_ok=True)
    (directory / "paths").mkdir(exist_ok=True)

    def relative(node: Any, prefix: str) -> Any:
        text = json.dumps(node)
        return json.loads(text.replace('"#/components/schemas/', f'"{prefix}'))

    root = {**spec, "paths": {}, "components": {**spec["components"], "schemas": {}}}
    for name, schema in spec["components"]["schemas"].items():
        text = json.dumps(relative(schema, "./"))
        (directory / "schemas" / f"{name}.json").write_text(_with_suffix(text), encoding="utf-8")
        root["components"]["schemas"][name] = {"$ref": f"./schemas/{name}.json"}
    for index, (path, item) in enumerate(spec["paths"].items()):
        text = json.dumps(relative(item, "../schemas/"))
        (directory / "paths" / f"{index}.json").write_text(_with_suffix(text), encoding="utf-8")
        root["paths"][path] = {"$ref": f"./paths/{index}.json"}
    (directory / "openapi.json").write_text(json.dumps(root, indent=1), encoding="utf-8")
    return directory / "openapi.json"


def _with_suffix(text: str) -> str:
    """References to schema files name the file: ``"./Widget0"`` → ``"./Widget0.json"``."""
    return re.sub(r'("\$ref": "\.{1,2}/(?:schemas/)?[A-Za-z0-9]+)"', r'\1.json"', text)


if __name__ == "__main__":
    json.dump(synthetic_spec(int(sys.argv[1]), *sys.argv[2:3]), sys.stdout, indent=1)
