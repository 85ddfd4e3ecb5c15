"""generator/build.py: the IR read from a normalised spec."""

from __future__ import annotations

from pathlib import Path

from spec_text import SPEC, load_text

from generator.build import build_api
from generator.encoders import SpecText


def test_pagination_is_read_from_the_extension(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "spec.yml", SPEC)
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
    spec = load_text(tmp_path, "spec.yml", SPEC)
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
    spec = load_text(tmp_path, "spec.yml", SPEC)
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
