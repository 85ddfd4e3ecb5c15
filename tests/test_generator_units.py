"""The generator's stages on small inline specs: naming, type hints, overlays, IR decisions."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_api
from generator.encoders import SpecText
from generator.errors import SpecErrors
from generator.loader import load_document
from generator.naming import pascal_case, snake_case
from generator.overlay import apply_overlays
from generator.schema_types import type_of


def _doc(tmp_path: Path, name: str, text: str) -> Any:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return load_document(path, name)


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("listDeploymentRuns", "list_deployment_runs", "ListDeploymentRuns"),
        ("get /pets/{pet-id}", "get_pets_pet_id", "GetPetsPetId"),
        ("class", "class_", "Class"),
        ("X-Trace-Id", "x_trace_id", "XTraceId"),
        ("2fa", "_2fa", "Model2fa"),
        ("Field", "field", "FieldModel"),
    ],
)
def test_names(text: str, snake: str, pascal: str) -> None:
    assert (snake_case(text), pascal_case(text)) == (snake, pascal)


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


SPEC = """\
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - {in: query, name: after, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: string}}
                  more: {type: boolean}
                  cursor: {type: string}
      tags: [a, b]
"""


def test_overlay_merges_appends_and_removes_and_remembers_origins(tmp_path: Path) -> None:
    spec = _doc(tmp_path, "spec.yml", SPEC)
    overlay = _doc(
        tmp_path,
        "over.yaml",
        """\
        overlay: 1.0.0
        info: {title: o, version: '1'}
        actions:
          - target: $.paths['/items'].get
            update:
              summary: List items
              responses:
                '404': {description: missing}
          - target: $.paths['/items'].get.tags
            update: c
          - target: $.paths['/items'].get.parameters[?@.name == 'after']
            remove: true
        """,
    )
    effective = apply_overlays(spec, [overlay])
    operation = effective.data["paths"]["/items"]["get"]
    assert operation["summary"] == "List items"
    assert set(operation["responses"]) == {"200", "404"}, "objects merge; nothing upstream is lost"
    assert operation["tags"] == ["a", "b", "c"]
    assert operation["parameters"] == []
    assert effective.origin.locate(("paths", "/items", "get", "responses", "404")) == ("over.yaml", 8)
    assert effective.origin.locate(("paths", "/items", "get", "responses", "200")) == ("spec.yml", 10)
    assert spec.data["paths"]["/items"]["get"]["parameters"], "the upstream document is not changed"


def test_overlay_with_bad_jsonpath_and_bad_shape_reports_both(tmp_path: Path) -> None:
    spec = _doc(tmp_path, "spec.yml", SPEC)
    overlay = _doc(
        tmp_path,
        "over.yaml",
        """\
        overlay: 1.0.0
        info: {title: o, version: '1'}
        actions:
          - target: $.paths[
            update: {x: 1}
          - target: $.info.title
            update: {x: 1}
        """,
    )
    with pytest.raises(SpecErrors) as raised:
        apply_overlays(spec, [overlay])
    messages = [str(e) for e in raised.value.errors]
    assert messages[0].startswith("over.yaml:4: /actions/0/target: invalid JSONPath")
    assert messages[1].startswith("over.yaml:7: /actions/1/update: an update must be an object merged into an object")


def test_pagination_is_read_from_the_extension(tmp_path: Path) -> None:
    spec = _doc(tmp_path, "spec.yml", SPEC)
    spec.data["paths"]["/items"]["get"]["x-pagination"] = {
        "cursorParam": "after",
        "itemsField": "data",
        "hasMoreField": "more",
        "nextCursorField": "cursor",
    }
    built = build_api(spec, package="t", source="spec.yml")
    paging = built.api.operations[0].pagination
    assert paging is not None
    assert (paging.cursor_param, paging.items_attr, paging.has_more_attr, paging.next_cursor_attr) == (
        SpecText("after"),
        "data",
        "more",
        "cursor",
    )
    assert paging.item_type_hint == "str"
    assert built.api.operations[0].return_hint == "models.ListItemsResponse", "the inline response is hoisted"


def test_pagination_naming_what_does_not_exist_is_an_error(tmp_path: Path) -> None:
    spec = _doc(tmp_path, "spec.yml", SPEC)
    spec.data["paths"]["/items"]["get"]["x-pagination"] = {
        "cursorParam": "page",
        "itemsField": "data",
        "hasMoreField": "more",
        "nextCursorField": "next",
    }
    built = build_api(spec, package="t", source="spec.yml")
    assert [str(e) for e in built.errors] == [
        "spec.yml:5: /paths/~1items/get/x-pagination: no query parameter 'page' (cursorParam); "
        "the response has no field 'next' (nextCursorField)"
    ]


def test_unsupported_body_is_a_warning_and_the_rest_is_generated(tmp_path: Path) -> None:
    spec = _doc(tmp_path, "spec.yml", SPEC)
    spec.data["paths"]["/upload"] = {
        "post": {
            "operationId": "upload",
            "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "string"}}}},
            "responses": {"204": {"description": "ok"}},
        }
    }
    built = build_api(spec, package="t", source="spec.yml")
    assert [op.python_name for op in built.api.operations] == ["list_items"]
    expected = "a application/x-www-form-urlencoded body must be an object schema; operation 'upload' left out"
    assert expected in str(built.warnings[0])
    assert built.errors == []


def test_removing_an_array_item_keeps_the_origins_of_the_items_after_it(tmp_path: Path) -> None:
    spec = _doc(
        tmp_path,
        "spec.yml",
        """\
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths:
          /items:
            get:
              parameters:
                - {in: query, name: a, schema: {type: string}}
                - {in: query, name: b, schema: {type: string}}
                - {in: query, name: c, schema: {type: string}}
              responses: {'200': {description: ok}}
        """,
    )
    overlay = _doc(
        tmp_path,
        "over.yaml",
        """\
        overlay: 1.0.0
        info: {title: o, version: '1'}
        actions:
          - target: $.paths['/items'].get.parameters[?@.name == 'a']
            remove: true
        """,
    )
    effective = apply_overlays(spec, [overlay])
    params = ("paths", "/items", "get", "parameters")
    assert [p["name"] for p in effective.data["paths"]["/items"]["get"]["parameters"]] == ["b", "c"]
    assert effective.origin.locate((*params, 0, "name")) == ("spec.yml", 8)
    assert effective.origin.locate((*params, 1, "name")) == ("spec.yml", 9)
    assert effective.origin.locate((*params, 2)) == ("spec.yml", 6), "no stale entry for a vanished index"
