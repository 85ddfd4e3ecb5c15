"""Python type hints for JSON schemas, and the hoisting that gives every complex schema a name.

datamodel-code-generator names the models of ``components/schemas``. Request and response bodies
written inline would otherwise get names nobody can predict, so they are moved into
``components/schemas`` under names built from their operation first (``{Operation}Request``,
``{Operation}Response``); the client and the stubs can then refer to ``models.<Name>``.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from .encoders import Code, Identifier, py_literal, py_string
from .errors import unescape_pointer_token
from .naming import RESERVED_MODEL_NAMES, pascal_case, unique
from .types import ANY, STR, Builtin, ListOf, LiteralOf, MappingOf, ModelRef, Nullable, TypeRef, UnionOf, nullable

SCHEMA_PREFIX = "#/components/schemas/"
PYTHON_NAME = "x-python-name"  # an overlay's rename of an operation, parameter or model
_SCALARS = {"integer": "int", "number": "float", "boolean": "bool"}
_STRING_FORMATS = {"date-time": "datetime", "date": "date", "binary": "bytes", "byte": "str"}
# the stubs read parameters as RFC 3339 strings only (names from the server runtime)
SERVER_STRING_FORMATS = {**_STRING_FORMATS, "date-time": "RFC3339DateTime", "date": "RFC3339Date"}
_COMPOSITIONS = ("allOf", "oneOf", "anyOf")
_PLAIN_CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


def json_types(schema: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    """The JSON types a schema allows besides null, and whether it allows null: ``type`` as 3.0
    writes it (a string, and ``nullable``) or as 3.1 does (a string or an array holding ``"null"``)."""
    kind = schema.get("type")
    kinds = (
        tuple(k for k in kind if isinstance(k, str))
        if isinstance(kind, list)
        else (kind,)
        if isinstance(kind, str)
        else ()
    )
    return tuple(k for k in kinds if k != "null"), schema.get("nullable") is True or "null" in kinds


def _null_alternative(schema: dict[str, Any]) -> Any:
    """``X`` of ``anyOf``/``oneOf: [X, {type: 'null'}]``, 3.1's way to say "X or null"; None otherwise."""
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and len(options) == 2:
            rest = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            if len(rest) == 1:
                return rest[0]
    return None


def needs_model(schema: Any) -> bool:
    """Whether a schema becomes a class of its own rather than a builtin type hint."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if any(key in schema for key in _COMPOSITIONS) or "properties" in schema:
        return True
    return json_types(schema)[0] == ("string",) and "enum" in schema and len(schema["enum"]) > 1


def is_object(schema: Any) -> bool:
    """Whether a (dereferenced) schema describes a JSON object."""
    return isinstance(schema, dict) and ("object" in json_types(schema)[0] or "properties" in schema)


def class_name(schema_name: str) -> str:
    """The class datamodel-code-generator writes for ``components/schemas/<schema_name>``."""
    if _PLAIN_CLASS_NAME.fullmatch(schema_name):
        reserved = schema_name in RESERVED_MODEL_NAMES or keyword.iskeyword(schema_name)
        return f"{schema_name}Model" if reserved else schema_name
    return pascal_case(schema_name)


def schema_ref_name(ref: str) -> str | None:
    """The component schema a ``$ref`` names (its pointer token decoded), or None when it names
    no whole component schema."""
    if not ref.startswith(SCHEMA_PREFIX) or "/" in ref[len(SCHEMA_PREFIX) :]:
        return None
    return unescape_pointer_token(ref[len(SCHEMA_PREFIX) :])


def python_name_extension(owner: Any) -> str | None:
    """The ``x-python-name`` of an operation, parameter or schema, when it is a usable name."""
    name = owner.get(PYTHON_NAME) if isinstance(owner, dict) else None
    try:
        return Identifier(name) if isinstance(name, str) else None
    except ValueError:
        return None


def hoist(spec: dict[str, Any], schema: Any, wanted_name: str) -> Any:
    """``schema`` itself, or a ``$ref`` to a new component holding it when it needs a model."""
    if not needs_model(schema):
        return schema
    schemas = spec["components"]["schemas"]
    name = unique(pascal_case(wanted_name), set(schemas))
    schemas[name] = schema
    return {"$ref": SCHEMA_PREFIX + name}


def type_of(schema: Any, formats: dict[str, str] = _STRING_FORMATS) -> TypeRef:
    """The type of a value of ``schema``: ``int``, ``list[models.Deployment]``, ``Any``...

    ``formats`` maps a string format to the builtin it becomes (the stubs read dates their own way).
    """
    if not isinstance(schema, dict):
        return ANY
    alternative = _null_alternative(schema)
    if alternative is not None:
        return nullable(type_of(alternative, formats))
    kinds, null = json_types(schema)
    if len(kinds) > 1:  # 3.1: type: [integer, string]
        bare: TypeRef = UnionOf(tuple(_bare_type(schema, kind, formats) for kind in kinds))
    else:
        bare = _bare_type(schema, kinds[0] if kinds else None, formats)
    return nullable(bare) if null else bare


def _bare_type(schema: dict[str, Any], kind: str | None, formats: dict[str, str]) -> TypeRef:
    ref = schema.get("$ref")
    name = schema_ref_name(ref) if isinstance(ref, str) else None
    if name is not None:
        # the names are class names by now (see normalise.py): anything else is a bug
        return ModelRef(Identifier(name))
    const = schema.get("const", schema)  # 3.1: one value (the schema itself stands for "no const")
    if const is not schema and (const is None or isinstance(const, str | int)):
        return LiteralOf((py_literal(const),))
    if kind == "string":
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is None or isinstance(v, str | int)]
            return LiteralOf(tuple(py_literal(v) for v in values)) if values else STR
        return Builtin(formats.get(schema.get("format", ""), "str"))
    if kind in _SCALARS:
        return Builtin(_SCALARS[kind])
    if kind == "array":
        return ListOf(type_of(schema.get("items"), formats))
    if kind == "object" or "additionalProperties" in schema:
        extra = schema.get("additionalProperties")
        return MappingOf(type_of(extra, formats) if isinstance(extra, dict) and extra else ANY)
    return ANY


def argument_type(spec: dict[str, Any], schema: Any, depth: int = 0) -> TypeRef:
    """The type of a keyword argument that the body model validates: as :func:`type_of`, but a
    reference to a schema that is no model of its own (an integer with bounds, say) is inlined,
    and a reference to a string enum also takes its values as literals."""
    if not isinstance(schema, dict) or depth > 16:  # 16: deeper than any chain of plain references
        return type_of(schema)
    ref = schema.get("$ref")
    name = schema_ref_name(ref) if isinstance(ref, str) else None
    if name is not None:
        target = spec.get("components", {}).get("schemas", {}).get(name)
        if isinstance(target, dict) and not needs_model(target):
            return argument_type(spec, target, depth + 1)
        if isinstance(target, dict) and not any(k in target for k in _COMPOSITIONS) and target.get("enum"):
            literals = tuple(Code(py_string(v)) for v in target["enum"] if isinstance(v, str))
            return UnionOf((type_of(schema), LiteralOf(literals)))
        return type_of(schema)
    alternative = _null_alternative(schema)
    if alternative is not None:  # 3.1's "X or null"
        return nullable(argument_type(spec, alternative, depth + 1))
    if needs_model(schema):  # an inline schema: datamodel-code-generator names its model, a dict works too
        return ANY
    kinds, null = json_types(schema)
    if kinds == ("array",) and isinstance(schema.get("items"), dict):
        found: TypeRef = ListOf(argument_type(spec, schema["items"], depth + 1))
    else:
        extra = schema.get("additionalProperties")
        if kinds == ("object",) and "properties" not in schema and isinstance(extra, dict) and extra:
            found = MappingOf(argument_type(spec, extra, depth + 1))
        else:
            return type_of(schema)
    return Nullable(found) if null else found
