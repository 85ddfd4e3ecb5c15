"""Hypothesis strategies for the generator's fuzz test: a small valid spec with hostile text in it.

A :class:`FuzzCase` is the base spec :data:`BASE_SPEC` with one to three of its text-bearing
fields (a :data:`SLOTS` entry each, the spec's file name included) replaced by text drawn from
:func:`hostile_text`: quotes, triple quotes, backslashes, line breaks, NUL, lone surrogates, the
RTL override, emoji, Jinja, TOML and Markdown syntax and code-execution payloads that would create
a canary file if generated code ever ran them, mixed with plain and arbitrary Unicode text. The
spec is written as JSON or YAML text. Few fields per example keep a shrunk failure readable: it
names the field and the text that broke it.
"""

from __future__ import annotations

import copy
import json
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

SCHEMA_REF = "#/components/schemas/"
CANARY_PLACEHOLDER = "CANARY"

BASE_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Fuzz Base", "version": "1.0.0", "description": "A small valid API the fuzz test mutates."},
    "servers": [{"url": "https://api.example.test/v1", "description": "production"}],
    "x-client": {"apiKeyEnv": "FUZZ_API_KEY", "baseUrlEnv": "FUZZ_BASE_URL", "packageVersion": "1.2.3"},
    "paths": {
        "/widgets/{widget_id}": {
            "get": {
                "operationId": "getWidget",
                "summary": "Fetch a widget",
                "description": "One widget, by its id.",
                "parameters": [
                    {
                        "in": "path",
                        "name": "widget_id",
                        "required": True,
                        "description": "the widget's id",
                        "schema": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                        "example": "w-1",
                    },
                    {
                        "in": "query",
                        "name": "fields",
                        "description": "which fields to answer",
                        "schema": {"type": "string", "default": "all"},
                        "example": "name",
                    },
                    {
                        "in": "header",
                        "name": "X-Trace-Id",
                        "description": "a trace id, echoed in the logs",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the widget",
                        "headers": {
                            "X-Rate-Limit": {"description": "calls left", "schema": {"type": "integer"}},
                        },
                        "content": {"application/json": {"schema": {"$ref": f"{SCHEMA_REF}Widget"}}},
                    },
                    "404": {"description": "no such widget"},
                },
            }
        },
        "/widgets": {
            "post": {
                "operationId": "createWidget",
                "summary": "Create a widget",
                "description": "Makes a widget and answers it.",
                "requestBody": {
                    "required": True,
                    "description": "the new widget",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {
                                        "type": "string",
                                        "description": "what to call it",
                                        "pattern": "^[^ ]+$",
                                        "example": "gizmo",
                                    },
                                    "colour": {  # no description: the model's docstring lists the values
                                        "type": "string",
                                        "enum": ["red", "green", "blue"],
                                        "default": "red",
                                    },
                                    "owner": {"$ref": f"{SCHEMA_REF}Owner"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": {"$ref": f"{SCHEMA_REF}Widget"}}},
                    }
                },
            },
            "get": {
                "operationId": "listWidgets",
                "summary": "List the widgets",
                "description": "Every widget, newest first.",
                "parameters": [
                    {
                        "in": "query",
                        "name": "limit",
                        "description": "at most this many",
                        "schema": {"type": "integer", "minimum": 1, "default": 10},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "the widgets",
                        "content": {
                            "application/json": {"schema": {"type": "array", "items": {"$ref": f"{SCHEMA_REF}Widget"}}}
                        },
                    }
                },
            },
        },
    },
    "components": {
        "schemas": {
            "Widget": {
                "type": "object",
                "description": "A widget.",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string", "description": "its id", "example": "w-1"},
                    "name": {"type": "string", "description": "its name"},
                    "colour": {
                        "type": "string",
                        "description": "its colour",
                        "enum": ["red", "green", "blue"],
                        "default": "red",
                    },
                    "label": {"type": "string", "description": "a label", "default": "none"},
                    "owner": {"$ref": f"{SCHEMA_REF}Owner"},
                    "status": {"$ref": f"{SCHEMA_REF}Status"},
                },
            },
            "Status": {"type": "string", "enum": ["active", "retired"]},  # no description: one is made
            "Owner": {
                "type": "object",
                "description": "Who owns a widget.",
                "properties": {
                    "email": {
                        "type": "string",
                        "description": "where to write",
                        "pattern": "^[^@]+@[^@]+$",
                        "example": "owner@example.test",
                    }
                },
            },
        }
    },
}

# ---------------------------------------------------------------------------------------------
# the text-bearing fields: each a function that puts a text into a copy of the base spec

Spec = dict[str, Any]
Mutator = Callable[[Spec, str], None]

_GET = ("paths", "/widgets/{widget_id}", "get")
_CREATE = ("paths", "/widgets", "post")
_LIST = ("paths", "/widgets", "get")
_BODY = (*_CREATE, "requestBody", "content", "application/json", "schema")
_WIDGET = ("components", "schemas", "Widget")
_OWNER = ("components", "schemas", "Owner")


def _node(spec: Spec, path: tuple[str | int, ...]) -> Any:
    node: Any = spec
    for key in path:
        node = node[key]
    return node


def _set(*path: str | int) -> Mutator:
    def mutate(spec: Spec, text: str) -> None:
        _node(spec, path[:-1])[path[-1]] = text

    return mutate


def _renamed(mapping: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``mapping`` with key ``old`` renamed ``new``, in the same place (an existing ``new`` is replaced)."""
    return {(new if key == old else key): value for key, value in mapping.items() if key != new or key == old}


def _rename_property(schema_path: tuple[str | int, ...], old: str) -> Mutator:
    def mutate(spec: Spec, text: str) -> None:
        schema = _node(spec, schema_path)
        schema["properties"] = _renamed(schema["properties"], old, text)
        if "required" in schema:
            schema["required"] = [text if name == old else name for name in schema["required"]]

    return mutate


def _rename_parameter(operation: tuple[str, ...], index: int) -> Mutator:
    def mutate(spec: Spec, text: str) -> None:
        parameter = _node(spec, operation)["parameters"][index]
        old = parameter["name"]
        parameter["name"] = text
        if parameter["in"] == "path":  # the path template names it too
            paths = spec["paths"]
            template = operation[1]
            spec["paths"] = {
                (key.replace(f"{{{old}}}", f"{{{text}}}") if key == template else key): value
                for key, value in paths.items()
            }

    return mutate


def _rename_response_header(spec: Spec, text: str) -> None:
    response = _node(spec, (*_GET, "responses", "200"))
    response["headers"] = _renamed(response["headers"], "X-Rate-Limit", text)


def escape_pointer_token(token: str) -> str:
    """RFC 6901: ``~`` is written ``~0`` and ``/`` is written ``~1`` in a JSON pointer."""
    return token.replace("~", "~0").replace("/", "~1")


def _walk_refs(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node
        for value in node.values():
            yield from _walk_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_refs(value)


def _rename_schema(old: str) -> Mutator:
    """Renames the schema and every ``$ref`` to it, escaped as a JSON pointer must be."""

    def mutate(spec: Spec, text: str) -> None:
        schemas = spec["components"]["schemas"]
        spec["components"]["schemas"] = _renamed(schemas, old, text)
        for ref in _walk_refs(spec):
            if ref["$ref"] == SCHEMA_REF + escape_pointer_token(old):
                ref["$ref"] = SCHEMA_REF + escape_pointer_token(text)

    return mutate


def _replace_enum_value(schema_path: tuple[str | int, ...], old: str) -> Mutator:
    """Replaces one enum member; the default too when it is that member, so the spec stays valid."""

    def mutate(spec: Spec, text: str) -> None:
        schema = _node(spec, schema_path)
        schema["enum"] = [text if value == old else value for value in schema["enum"]]
        if schema.get("default") == old:
            schema["default"] = text

    return mutate


# the spec's file name is a field too; FuzzCase keeps it outside the spec
FILE_NAME = "the spec's file name"

SLOTS: dict[str, Mutator] = {
    FILE_NAME: lambda spec, text: None,
    "info.title": _set("info", "title"),
    "info.version": _set("info", "version"),
    "info.description": _set("info", "description"),
    "servers[0].url": _set("servers", 0, "url"),
    "servers[0].description": _set("servers", 0, "description"),
    "x-client.apiKeyEnv": _set("x-client", "apiKeyEnv"),
    "x-client.baseUrlEnv": _set("x-client", "baseUrlEnv"),
    "x-client.packageVersion": _set("x-client", "packageVersion"),
    "getWidget.operationId": _set(*_GET, "operationId"),
    "getWidget.summary": _set(*_GET, "summary"),
    "getWidget.description": _set(*_GET, "description"),
    "createWidget.operationId": _set(*_CREATE, "operationId"),
    "createWidget.summary": _set(*_CREATE, "summary"),
    "createWidget.description": _set(*_CREATE, "description"),
    "listWidgets.operationId": _set(*_LIST, "operationId"),
    "listWidgets.summary": _set(*_LIST, "summary"),
    "listWidgets.description": _set(*_LIST, "description"),
    "path parameter name": _rename_parameter(_GET, 0),
    "path parameter description": _set(*_GET, "parameters", 0, "description"),
    "path parameter pattern": _set(*_GET, "parameters", 0, "schema", "pattern"),
    "path parameter example": _set(*_GET, "parameters", 0, "example"),
    "query parameter name": _rename_parameter(_GET, 1),
    "query parameter description": _set(*_GET, "parameters", 1, "description"),
    "query parameter default": _set(*_GET, "parameters", 1, "schema", "default"),
    "query parameter example": _set(*_GET, "parameters", 1, "example"),
    "header parameter name": _rename_parameter(_GET, 2),
    "header parameter description": _set(*_GET, "parameters", 2, "description"),
    "integer query parameter name": _rename_parameter(_LIST, 0),
    "response header name": _rename_response_header,
    "response header description": _set(*_GET, "responses", "200", "headers", "X-Rate-Limit", "description"),
    "response description": _set(*_GET, "responses", "200", "description"),
    "request body description": _set(*_CREATE, "requestBody", "description"),
    "body property name": _rename_property(_BODY, "name"),
    "body property description": _set(*_BODY, "properties", "name", "description"),
    "body property pattern": _set(*_BODY, "properties", "name", "pattern"),
    "body property example": _set(*_BODY, "properties", "name", "example"),
    "body enum value": _replace_enum_value((*_BODY, "properties", "colour"), "green"),
    "body enum default": _replace_enum_value((*_BODY, "properties", "colour"), "red"),
    "schema name (Widget)": _rename_schema("Widget"),
    "schema name (Owner)": _rename_schema("Owner"),
    "schema name (Status)": _rename_schema("Status"),
    "enum schema value": _replace_enum_value(("components", "schemas", "Status"), "retired"),
    "schema description": _set(*_WIDGET, "description"),
    "model property name": _rename_property(_WIDGET, "id"),
    "model property description": _set(*_WIDGET, "properties", "name", "description"),
    "model property example": _set(*_WIDGET, "properties", "id", "example"),
    "model property default": _set(*_WIDGET, "properties", "label", "default"),
    "model enum value": _replace_enum_value((*_WIDGET, "properties", "colour"), "blue"),
    "model enum default": _replace_enum_value((*_WIDGET, "properties", "colour"), "red"),
    "referenced model property name": _rename_property(_OWNER, "email"),
    "referenced model pattern": _set(*_OWNER, "properties", "email", "pattern"),
    "referenced model example": _set(*_OWNER, "properties", "email", "example"),
}

# ---------------------------------------------------------------------------------------------
# the text


def payloads(canary: str) -> list[str]:
    """Texts that, run as Python (or rendered twice by Jinja), create the file ``canary``."""
    touch = f'__import__("pathlib").Path("{canary}").touch()'
    return [
        f'x"""+str(__import__("os").system("touch {canary}"))+"""',
        f"x'''+str({touch})+'''",
        f"'+{touch}+'",
        f'"+str({touch})+"',
        f"\\'+{touch}+\\'",  # for an encoder that escapes quotes but not backslashes
        f'\\"+str({touch})+\\"',
        f"\n{touch}\n",  # out of a comment
        f"\r{touch}\r",
        f"A({touch})",  # a name pasted as an expression: models.A(...)
        f"A;{touch}#",
        f"}}}}{{{{{touch}}}}}{{{{",  # out of an f-string
        "{{ cycler.__init__.__globals__.os.system('touch " + canary + "') }}",  # Jinja rendered twice
        "{% set _ = cycler.__init__.__globals__.os.system('touch " + canary + "') %}",
    ]


HOSTILE_PIECES = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\\n",
    "\\x00",
    "\\N{",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x0b\x0c\x1c\x85",
    "\u2028\u2029",
    "\ud800",
    "\udc80",
    "\udfff",
    "\u202e",
    "\ufeff",
    "\u200b",
    "😀",
    "👩\u200d👩\u200d👧",
    "é",
    "\u0301",
    "ǅ",
    "\U0001d400",
    "\U0001d518\U0001d52b\U0001d526",  # Fraktur letters, NFKC-equal to "Uni"
    "{{ 7*7 }}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{% raw %}",
    "{#",
    "#}",
    "{",
    "}",
    "{0}",
    "%s",
    "[tool.evil]\n",
    '\nkey = "value"\n',
    "= ",
    "# ",
    "#",
    "*",
    "_",
    "`",
    "```",
    "|",
    "<script>",
    "[x](javascript:alert(1))",
    "<!--",
    "/",
    "~",
    "~0",
    "~1",
    ".",
    "..",
    "-",
    ":",
    "$",
    "$ref",
    "?",
    "&",
    "@",
    " ",
    "  ",
    "0",
    "1e9",
    "None",
    "True",
    "class",
    "import",
    "__init__",
    "self",
    "models",
    "Widget",
]


def hostile_text(canary: str) -> st.SearchStrategy[str]:
    """Concatenations of hostile pieces, payloads, plain words and arbitrary code points."""
    any_character = st.characters()  # every code point, lone surrogates included (st.text()'s default has none)
    piece = st.one_of(
        st.sampled_from(HOSTILE_PIECES),
        st.sampled_from(payloads(canary)),
        st.sampled_from(HOSTILE_PIECES),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=8),
        st.text(any_character, min_size=1, max_size=4),
    )
    return st.lists(piece, max_size=5).map("".join)


# ---------------------------------------------------------------------------------------------
# a whole example


@dataclass(frozen=True)
class FuzzCase:
    mutations: tuple[tuple[str, str], ...]  # (slot, text), in the order applied
    file_name: str
    format: str  # "json" or "yaml"
    text: str  # the spec file's content

    def describe(self) -> str:
        lines = [f"{self.format} spec {self.file_name!r}"]
        lines += [f"  {slot}: {text!r}" for slot, text in self.mutations]
        return "\n".join(lines)


# renames change the paths other fields are found at, so they come after them: properties, then
# the schemas that hold them, then the path template that holds the operation
_LAST = ("schema name (Widget)", "schema name (Owner)", "schema name (Status)", "path parameter name")


def _order(slot: str) -> int:
    if slot in _LAST:
        return 2 + _LAST.index(slot)
    return 1 if slot.endswith("name") else 0


def mutated_spec(mutations: tuple[tuple[str, str], ...]) -> Spec:
    spec = copy.deepcopy(BASE_SPEC)
    for slot, text in sorted(mutations, key=lambda mutation: _order(mutation[0])):
        SLOTS[slot](spec, text)
    return spec


_NOT_IN_FILE_NAMES = re.compile("[/\x00\ud800-\udc7f\udd00-\udfff]")  # \udc80-\udcff: undecodable bytes


def file_name_from(text: str, suffix: str) -> str:
    """``text`` as a file name the file system takes: no ``/`` or NUL, short enough; lone
    surrogates U+DC80-U+DCFF stay (they stand for bytes that are not UTF-8)."""
    stem = _NOT_IN_FILE_NAMES.sub("", text)
    while len(os.fsencode(stem + suffix)) > 200:
        stem = stem[:-1]
    return stem + suffix


def _escape_surrogates(text: str) -> str:
    """JSON text may carry a lone surrogate only as a ``\\uXXXX`` escape (raw, it is not UTF-8)."""
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def spec_text(spec: Spec, format: str, *, ascii_only: bool, indent: int | None) -> str:
    if format == "json":
        return _escape_surrogates(json.dumps(spec, ensure_ascii=ascii_only, indent=indent))
    # PyYAML escapes what YAML cannot hold raw (libyaml then refuses a lone surrogate's escape)
    return yaml.safe_dump(spec, allow_unicode=not ascii_only, sort_keys=False, width=80 if indent else 10**6)


def fuzz_case(
    mutations: tuple[tuple[str, str], ...], format: str = "yaml", *, ascii_only: bool = False, indent: int | None = 2
) -> FuzzCase:
    suffix = ".json" if format == "json" else ".yaml"
    names = [text for slot, text in mutations if slot == FILE_NAME]
    file_name = file_name_from(names[-1], suffix) if names else f"spec{suffix}"
    text = spec_text(mutated_spec(mutations), format, ascii_only=ascii_only, indent=indent)
    return FuzzCase(mutations, file_name, format, text)


@st.composite
def fuzz_cases(draw: st.DrawFn, canary: str) -> FuzzCase:
    """One to three fields of the base spec replaced by hostile text, written as JSON or YAML."""
    slots = draw(st.lists(st.sampled_from(list(SLOTS)), min_size=1, max_size=3, unique=True))
    texts = hostile_text(canary)
    mutations = tuple((slot, draw(texts, label=slot)) for slot in slots)
    format = draw(st.sampled_from(["yaml", "json"]))
    ascii_only = draw(st.booleans())
    indent = draw(st.sampled_from([2, None]))
    return fuzz_case(mutations, format, ascii_only=ascii_only, indent=indent)


def everywhere(text: str, *, canary: str = CANARY_PLACEHOLDER) -> tuple[tuple[str, str], ...]:
    """``text`` in every field at once, each a little different where the spec needs distinct
    names (operationIds, parameters, properties, schemas), kept a valid spec: the pattern fields
    get a regex that quotes the text's quotes, the header names an HTTP token, the path parameter
    no braces, the server a URL, the ``x-client`` names identifiers and the version a version
    number."""
    mutations: list[tuple[str, str]] = []
    for index, slot in enumerate(SLOTS):
        if "pattern" in slot:
            value = "^[^\"'\\\\]*(\"|'|\\\\)?$"
        elif "header" in slot and "name" in slot:
            value = f"X-It's_#$%&*+.^`|~{index}"
        elif slot in ("x-client.apiKeyEnv", "x-client.baseUrlEnv"):
            value = f"SAMPLE_ENV_{index}"
        elif slot == "x-client.packageVersion":
            value = "1.0.0"
        elif slot == "path parameter name":  # braces would end the path template's {name}
            value = f"{text} {index}".replace("{", "(").replace("}", ")")
        elif slot == "servers[0].url":  # a URL: the text percent-encoded but its quotes and sub-delimiters
            value = "https://api.example.test/v1/" + urllib.parse.quote(text, safe="'()*!$&+,;=@:~")
        else:
            value = f"{text} {index}"
        mutations.append((slot, value.replace(CANARY_PLACEHOLDER, canary)))
    return tuple(mutations)
