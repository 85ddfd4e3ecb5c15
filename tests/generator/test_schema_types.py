"""generator/schema_types.py: the type of a value of a schema."""

from __future__ import annotations

from typing import Any

import pytest

from paperspace_deployments_toolkit.generator.schema_types import argument_type, type_of


@pytest.mark.parametrize(
    ("schema", "hint"),
    [
        ({"type": "integer"}, "int"),
        ({"type": "string", "format": "date-time"}, "datetime"),
        ({"type": "string", "enum": ["a", "b"]}, "Literal['a', 'b']"),
        ({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}, "list[models.Pet]"),
        ({"type": "object", "additionalProperties": {"type": "string"}}, "dict[str, str]"),
        ({"type": "string", "nullable": True}, "str | None"),
        ({}, "Any"),
    ],
)
def test_type_hints(schema: dict[str, Any], hint: str) -> None:
    assert type_of(schema).code() == hint


def test_argument_types_inline_plain_references_and_accept_enum_literals() -> None:
    spec = {
        "components": {
            "schemas": {
                "Port": {"type": "integer", "minimum": 1},
                "Colour": {"type": "string", "enum": ["red", "blue"]},
                "Pet": {"type": "object", "properties": {}},
            }
        }
    }
    ports = {"type": "array", "items": {"$ref": "#/components/schemas/Port"}, "nullable": True}
    assert argument_type(spec, ports).code() == "list[int] | None"
    colour = argument_type(spec, {"$ref": "#/components/schemas/Colour"})
    assert colour.code() == "models.Colour | Literal['red', 'blue']"
    assert colour.model_names() == ("Colour",)
    assert argument_type(spec, {"$ref": "#/components/schemas/Pet"}).code() == "models.Pet"
    assert argument_type(spec, {"type": "object", "properties": {"a": {}}}).code() == "Any"
