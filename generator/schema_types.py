"""Python type hints for JSON schemas, and the hoisting that gives every complex schema a name.

datamodel-code-generator names the models of ``components/schemas``. Request and response bodies
written inline would otherwise get names nobody can predict, so they are moved into
``components/schemas`` under names built from their operation first (``{Operation}Request``,
``{Operation}Response``); the client and the stubs can then refer to ``models.<Name>``.
"""

from __future__ import annotations

import copy
import keyword
import re
from typing import Any

from .encoders import Code, Identifier, py_literal, py_string
from .errors import escape_pointer_token, unescape_pointer_token
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


def needs_model(schema: Any) -> bool:
    """Whether a schema becomes a class of its own rather than a builtin type hint."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if any(key in schema for key in _COMPOSITIONS) or "properties" in schema:
        return True
    return schema.get("type") == "string" and "enum" in schema and len(schema["enum"]) > 1


def class_name(schema_name: str) -> str:
    """The class datamodel-code-generator writes for ``components/schemas/<schema_name>``."""
    if _PLAIN_CLASS_NAME.fullmatch(schema_name):
        reserved = schema_name in RESERVED_MODEL_NAMES or keyword.iskeyword(schema_name)
        return f"{schema_name}Model" if reserved else schema_name
    return pascal_case(schema_name)


def normalise_schema_names(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy whose component schema names are already the class names; references follow.

    A schema's ``x-python-name`` (validated by the caller) is its class name as it is.
    """
    spec = copy.deepcopy(spec)
    schemas = spec.get("components", {}).get("schemas", {})
    taken: set[str] = set()
    chosen = {name: python_name_extension(schema) for name, schema in schemas.items()}
    taken.update(n for n in chosen.values() if n)
    renames = {name: chosen[name] or unique(class_name(name), taken) for name in schemas}
    spec.setdefault("components", {})["schemas"] = {renames[n]: s for n, s in schemas.items()}
    _rewrite_refs(spec, renames)
    return spec


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


def _rewrite_refs(value: Any, renames: dict[str, str]) -> None:
    """Point every reference to a renamed schema at its new name, however the old one was escaped."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            name = schema_ref_name(ref) if isinstance(ref, str) else None
            if name is not None and name in renames:
                node["$ref"] = SCHEMA_PREFIX + escape_pointer_token(renames[name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


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
    bare = _bare_type(schema, formats)
    return nullable(bare) if schema.get("nullable") else bare


def _bare_type(schema: dict[str, Any], formats: dict[str, str]) -> TypeRef:
    ref = schema.get("$ref")
    name = schema_ref_name(ref) if isinstance(ref, str) else None
    if name is not None:
        # the names are class names by now (normalise_schema_names): anything else is a bug
        return ModelRef(Identifier(name))
    kind = schema.get("type")
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
    if needs_model(schema):  # an inline schema: datamodel-code-generator names its model, a dict works too
        return ANY
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        found: TypeRef = ListOf(argument_type(spec, schema["items"], depth + 1))
    else:
        extra = schema.get("additionalProperties")
        if schema.get("type") == "object" and "properties" not in schema and isinstance(extra, dict) and extra:
            found = MappingOf(argument_type(spec, extra, depth + 1))
        else:
            return type_of(schema)
    return Nullable(found) if schema.get("nullable") else found
