"""generator/spec_validator.py: openapi-spec-validator, made fast without changing its verdicts, and
checking with the backend it is given whatever the environment says."""

from __future__ import annotations

import os
from typing import Any

import pytest
from jsonschema import validators  # type: ignore[import-untyped]
from openapi_schema_validator import OAS31Validator
from openapi_schema_validator._format import oas31_format_checker
from openapi_schema_validator._specifications import REGISTRY

from paperspace_deployments_toolkit.generator.spec_validator import flat_meta_schema

# every keyword of the 2020-12 vocabularies and the OAS base vocabulary, right and wrong
SCHEMAS: list[Any] = [
    {"type": "string"},
    {"type": ["string", "null"], "examples": ["a"], "const": "a"},
    {"type": "integr"},
    {"type": ["string", "strin"]},
    5,
    True,
    {"properties": {"a": {"minLength": -1}}},
    {"properties": {"a": {"properties": {"b": {"type": 5}}}}},
    {"items": {"type": 5}},
    {"prefixItems": []},
    {"prefixItems": [{"type": "string"}, {"maximum": "x"}]},
    {"allOf": []},
    {"anyOf": [{"type": "string"}, 3]},
    {"oneOf": "x"},
    {"not": {"enum": "x"}},
    {"$defs": {"x": {"enum": "notalist"}}},
    {"$ref": 5},
    {"$ref": "#/$defs/x", "$defs": {"x": {"type": "object"}}},
    {"$id": "not a uri"},
    {"$anchor": "1bad"},
    {"$dynamicAnchor": "ok", "$dynamicRef": "#ok"},
    {"required": ["a", "a"]},
    {"required": "a"},
    {"dependentRequired": {"a": [1]}},
    {"dependentSchemas": {"a": {"type": 1}}},
    {"if": {"type": "string"}, "then": {"minLength": 1}, "else": {"maxLength": "3"}},
    {"unevaluatedProperties": {"type": 1}},
    {"unevaluatedItems": False},
    {"contains": {"type": "string"}, "minContains": -1},
    {"patternProperties": {"[": {"type": "string"}}},
    {"propertyNames": {"pattern": "^x"}},
    {"additionalProperties": {"type": []}},
    {"multipleOf": 0},
    {"exclusiveMinimum": "0"},
    {"format": 5},
    {"contentMediaType": 1, "contentEncoding": "base64", "contentSchema": {"type": "x"}},
    {"title": 1, "description": [], "deprecated": "yes", "readOnly": 1, "writeOnly": None},
    {"discriminator": {"mapping": {"a": "#/x"}}},
    {"discriminator": {"propertyName": "kind", "extra": 1}},
    {"xml": {"name": 1, "attribute": "no"}},
    {"externalDocs": {"description": "no url"}},
    {"externalDocs": {"url": "https://example.com", "x-note": 1}},
    {"example": {"anything": True}},
    {"definitions": {"a": {"type": 1}}, "dependencies": {"a": 5}},
    {"$recursiveRef": 1},
    {"x-vendor": {"type": "not a type"}},
    {"enum": []},
    {"uniqueItems": "yes", "maxItems": -1, "minProperties": 1.5},
]


def _errors(validator: Any, schema: Any) -> tuple[tuple[tuple[Any, ...], str] | None, set[tuple[tuple[Any, ...], str]]]:
    """The first error (what a schema check reports) and every distinct one."""
    found = [(tuple(e.absolute_path), e.message) for e in validator.iter_errors(schema)]
    return (found[0] if found else None), set(found)


@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(i) for i in range(len(SCHEMAS))])
def test_the_flat_3_1_meta_schema_finds_what_the_dialect_finds(schema: Any) -> None:
    dialect = validators.validator_for(OAS31Validator.META_SCHEMA, default=OAS31Validator)
    reference = dialect(OAS31Validator.META_SCHEMA, format_checker=oas31_format_checker, registry=REGISTRY)
    flat = flat_meta_schema(OAS31Validator.META_SCHEMA["$id"], REGISTRY)
    assert flat is not None, "the dialect has the shape the flattening reads"
    fast = dialect(flat, format_checker=oas31_format_checker)
    assert _errors(fast, schema) == _errors(reference, schema)


def test_a_dialect_of_another_shape_is_not_flattened() -> None:
    assert flat_meta_schema("https://example.invalid/dialect", REGISTRY) is None


def test_unevaluated_properties_gives_jsonschemas_own_errors_in_a_3_1_document() -> None:
    """The validator's shortcut for ``unevaluatedProperties`` (see
    :func:`generator.spec_validator._unevaluated_properties`) against jsonschema's search, on every object
    of a 3.1 spec given a property it may not have, an extension, a property only some objects may
    have (evaluated under ``if`` or ``dependentSchemas``), and a wrong ``$ref``."""
    import copy

    import yaml
    from openapi_spec_validator.schemas import schema_v31
    from support.paths import SPECS

    from paperspace_deployments_toolkit.generator.loader import walk
    from paperspace_deployments_toolkit.generator.spec_validator import (
        _crawled_registry,
        _validator_class,
        static_dynamic_refs,
    )

    plain = static_dynamic_refs(schema_v31, "meta", "#/$defs/schema")
    reference = validators.validator_for(schema_v31)(plain, registry=_crawled_registry(plain))
    ours = _validator_class("3.1").schema_validator
    spec = yaml.safe_load((SPECS / "openapi31.yaml").read_text())
    objects = [path for path, node in walk(spec) if isinstance(node, dict)]
    compared = refused = 0
    mutations = (("bogus", 1), ("x-vendor", {"a": 1}), ("$ref", 3), ("example", 1), ("allowEmptyValue", True))
    for path in [None, *objects]:
        for key, value in mutations if path is not None else [("", None)]:
            changed = copy.deepcopy(spec)
            if path is not None:
                node = changed
                for part in path:
                    node = node[part]
                node[key] = value
            found = [
                sorted((tuple(e.absolute_path), e.message) for e in v.iter_errors(changed)) for v in (reference, ours)
            ]
            assert found[0] == found[1], (path, key)
            compared += 1
            refused += bool(found[0])
    assert compared > 400 and refused > 150, (compared, refused)


# the variable openapi-spec-validator's settings read its backend from ("auto": jsonschema-rs when installed)
BACKEND_VARIABLE = "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"


@pytest.mark.parametrize("minor", ["3.0", "3.1"])
def test_the_backend_is_chosen_here_whatever_the_environment_says(
    minor: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jsonschema checks the document even when the library's variable asks for jsonschema-rs
    (Schemathesis installs it): the library is never asked to choose, and validating leaves the
    environment as it found it."""
    from jsonschema.protocols import Validator  # type: ignore[import-untyped]
    from openapi_spec_validator.schemas import backend as library_backend

    from paperspace_deployments_toolkit.generator.loader import load_document
    from paperspace_deployments_toolkit.generator.spec_validator import _validator_class, schema_errors

    def chosen_by_the_library() -> bool:
        raise AssertionError("openapi-spec-validator chose the backend from its environment")

    monkeypatch.setattr(library_backend, "_use_jsonschema_rs", chosen_by_the_library)
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"openapi: {minor}.0\ninfo: {{title: t}}\npaths: {{}}\n")  # info has no version
    doc = load_document(spec, "spec.yaml")
    monkeypatch.delenv(BACKEND_VARIABLE, raising=False)
    unset = schema_errors(doc, doc.data, minor)
    assert BACKEND_VARIABLE not in os.environ
    monkeypatch.setenv(BACKEND_VARIABLE, "jsonschema-rs")
    assert schema_errors(doc, doc.data, minor) == unset
    assert [(e.pointer, e.message) for e in unset] == [("/info", "'version' is a required property")]
    assert isinstance(_validator_class(minor).schema_validator, Validator)


def test_no_backend_but_jsonschema_is_offered() -> None:
    from paperspace_deployments_toolkit.generator.spec_validator import _validator_class

    with pytest.raises(ValueError, match="jsonschema-rs"):
        _validator_class("3.0", "jsonschema-rs")
