"""generator/validate.py: every problem of a spec found at once, each where it is."""

from __future__ import annotations

from typing import Any


def test_a_default_that_does_not_fit_its_schema_is_located_where_it_is(tmp_path: Any) -> None:
    from paperspace_deployments_toolkit.generator.loader import load_document
    from paperspace_deployments_toolkit.generator.validate import validate_document

    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      parameters:\n"
        "        - name: limit\n          in: query\n          schema: {type: integer, default: '20 - items'}\n"
        "      responses:\n        '204': {description: done}\n"
    )
    (error,) = validate_document(load_document(spec, "spec.yaml"))
    assert (error.line, error.pointer) == (9, "/paths/~1items/get/parameters/0/schema/default"), str(error)
