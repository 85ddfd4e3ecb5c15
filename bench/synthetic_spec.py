"""Synthetic OpenAPI 3.0.3 specs of any size, for measuring how generation scales.

    .venv/bin/python bench/synthetic_spec.py 1000 > spec-1000.json

``N`` operations come as N/5 resources with five operations each (list with cursor pagination,
create, get, replace, delete) and two schemas each (the resource with eight fields of several
types, an enum and a nested object, and its list page), all under bearer authentication.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def synthetic_spec(operations: int) -> dict[str, Any]:
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
                "ratio": {"type": "number"},
                "enabled": {"type": "boolean"},
                "kind": {"type": "string", "enum": ["small", "medium", "large"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "created": {"type": "string", "format": "date-time"},
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
        "openapi": "3.0.3",
        "info": {"title": f"Synthetic API of {resources * 5} operations", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.test/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


if __name__ == "__main__":
    json.dump(synthetic_spec(int(sys.argv[1])), sys.stdout, indent=1)
