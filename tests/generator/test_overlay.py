"""generator/overlay.py: OpenAPI Overlay 1.0 applied to a loaded spec, origins kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.spec_text import SPEC, load_text

from paperspace_deployments_toolkit.generator.errors import SpecErrors
from paperspace_deployments_toolkit.generator.overlay import apply_overlays


def test_overlay_merges_appends_and_removes_and_remembers_origins(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "spec.yml", SPEC)
    overlay = load_text(
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
    spec = load_text(tmp_path, "spec.yml", SPEC)
    overlay = load_text(
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


def test_removing_an_array_item_keeps_the_origins_of_the_items_after_it(tmp_path: Path) -> None:
    spec = load_text(
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
    overlay = load_text(
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
