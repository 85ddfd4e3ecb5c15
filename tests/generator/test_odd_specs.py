"""Odd but valid specs generate a package that imports and works (found by fuzzing the generator)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from support.generator import mypy_strict, run_generator

from paperspace_deployments_toolkit.generator.models import add_missing_docstrings


def _generate_and_run(tmp_path: Path, spec: dict[str, object], program: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    result = run_generator("generate", "--spec", path, "--out", tmp_path / "out", "--package", "odd")
    assert result.returncode == 0, result.stderr
    return subprocess.run(
        [sys.executable, "-c", program],
        env={**os.environ, "PYTHONPATH": str(tmp_path / "out")},
        capture_output=True,
        text=True,
        check=False,
    )


def _spec(schemas: Mapping[str, object], body: Mapping[str, object], parameters: list[object] | None = None) -> Any:
    operation = {
        "operationId": "Af",
        "parameters": parameters or [],
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": {"204": {"description": "done"}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/things": {"post": operation}},
        "components": {"schemas": schemas},
    }


def test_an_enum_default_is_a_member_and_imports_before_its_enum_class(tmp_path: Path) -> None:
    """datamodel-code-generator orders classes by name; the default ``Colour.red`` of ``AfRequest``
    is evaluated when the class is defined, so ``Colour`` must come first."""
    body = {"type": "object", "properties": {"colour": {"type": "string", "enum": ["red", "blue"], "default": "red"}}}
    result = _generate_and_run(tmp_path, _spec({}, body), "import odd.models as m; print(m.AfRequest().colour)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "red"
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "odd"],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
        check=False,
    )
    assert typed.returncode == 0, typed.stdout  # the default is a member, not a string


def test_a_schema_named_like_a_keyword_or_in_any_script(tmp_path: Path) -> None:
    schemas = {
        "None": {"type": "object", "properties": {"n": {"type": "integer"}}},
        "\tclass\\;": {"type": "object", "properties": {"n": {"type": "integer"}}},
        "日本語": {"type": "object", "properties": {"n": {"type": "integer"}}},
    }
    body = {"$ref": "#/components/schemas/None"}
    program = "import odd.models as m; print(sorted(n for n, v in vars(m).items() if getattr(v, '__module__', '') == m.__name__))"
    result = _generate_and_run(tmp_path, _spec(schemas, body), program)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['Class', 'Model', 'NoneModel']"


def test_a_pattern_pydantic_cannot_compile_is_a_located_warning_and_not_enforced(tmp_path: Path) -> None:
    lookahead = "^(?=.*[0-9]).{8,}$"  # ECMA 262 has look-ahead; pydantic's Rust engine has not
    body = {"type": "object", "properties": {"secret": {"type": "string", "pattern": lookahead}}}
    parameter = {"name": "q", "in": "query", "schema": {"type": "string", "pattern": "{% x %}"}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(_spec({}, body, [parameter]), indent=2), encoding="utf-8")
    result = run_generator("generate", "--spec", path, "--out", tmp_path / "out", "--package", "odd")
    assert result.returncode == 0, result.stderr
    assert "spec.json:17: /paths/~1things/post/parameters/0/schema/pattern: pattern '{% x %}'" in result.stderr
    assert "/properties/secret/pattern: pattern '^(?=.*[0-9]).{8,}$' is not a regular expression" in result.stderr
    program = (
        "import odd.models as m, odd.server as s; s.create_app(s.UnimplementedBackend());"
        "print(m.AfRequest(secret='short').secret)"
    )
    check = subprocess.run(
        [sys.executable, "-c", program],
        env={**os.environ, "PYTHONPATH": str(tmp_path / "out")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "short"


def test_docstrings_are_added_after_lines_that_hold_line_separators() -> None:
    """``str.splitlines`` splits at U+2028, U+2029 and U+0085; Python's lines (and ``ast``'s line
    numbers) end at ``\\n`` only, so a docstring would land inside a string literal."""
    source = (
        "from enum import StrEnum\n\n\n"
        'class A(StrEnum):\n    """doc"""\n\n    x = \'a\u2028b\u2029c\x85d\'\n\n\n'
        "class B(StrEnum):\n    y = 'y'\n"
    )
    with_docstrings = add_missing_docstrings(source)
    tree = ast.parse(with_docstrings)
    assert [ast.get_docstring(c) for c in tree.body if isinstance(c, ast.ClassDef)] == [
        "doc",
        "`B`: used by no other model.",
    ]
    assert "'a\u2028b\u2029c\x85d'" in with_docstrings


def test_a_header_name_that_no_client_can_send_is_refused_where_it_is(tmp_path: Path) -> None:
    parameter = {"name": "X-Zero\u200bWidth", "in": "header", "schema": {"type": "string"}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(_spec({}, {"type": "string"}, [parameter]), indent=2), encoding="utf-8")
    result = run_generator("generate", "--spec", path, "--out", tmp_path / "out", "--package", "odd")
    assert result.returncode == 2, result.stderr
    assert (
        "spec.json:13: /paths/~1things/post/parameters/0/name: header name 'X-Zero\\u200bWidth' is not" in result.stderr
    )


def test_json_holding_what_yaml_refuses_is_still_located_by_its_line(tmp_path: Path) -> None:
    """JSON allows DEL, C1 controls and U+2028 in strings as they are; the line map (read by the
    YAML parser, which refuses the first and breaks lines at the others) must not give up."""
    path = tmp_path / "spec.json"
    text = '{"openapi": "3.0.3", "info": {"title": "a\x7f\x96\x85b\u2028c\u2029", "version": "1"},\n'
    path.write_text(text + '"paths": {"/x": {"get": {"responses": {}}}}}\n', encoding="utf-8")
    result = run_generator("generate", "--spec", path, "--out", tmp_path / "out", "--package", "odd")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("spec.json:2: /paths/~1x/get/responses: {} should be non-empty")


def test_messages_quoting_the_spec_cannot_write_to_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    spec = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"/x\x1b[2J\u202e": {"get": {}}}}
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    result = run_generator("generate", "--spec", path, "--out", tmp_path / "out", "--package", "odd")
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "/paths/~1x\\x1b[2J\\u202e/get: 'responses' is a required property" in result.stderr


def test_what_the_models_generator_decides_is_a_located_warning_once_each(tmp_path: Path) -> None:
    weird = {"type": "string", "format": "weird"}
    thing = {"type": "object", "properties": {"fooBar": weird, "foo_bar": {"type": "integer"}, "other": weird}}
    body = {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/Thing"}, "n": weird}}
    program = (
        "import odd.models as m; t = m.Thing.model_validate({'fooBar': 'a', 'foo_bar': 2});"
        "print(t.foo_bar, t.foo_bar_1, t.model_dump(by_alias=True, exclude_unset=True))"
    )
    run = _generate_and_run(tmp_path, _spec({"Thing": thing}, body), program)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "a 2 {'fooBar': 'a', 'foo_bar': 2}", "both colliding properties are kept"
    warnings = run_generator(
        "generate", "--spec", tmp_path / "spec.json", "--out", tmp_path / "out2", "--package", "odd"
    ).stderr.splitlines()
    formats = [w for w in warnings if "format 'weird' of a string is not one the models know" in w]
    assert sorted(w.split(": ")[2] for w in formats) == [
        "/components/schemas/Thing/properties/fooBar/format",
        "/components/schemas/Thing/properties/other/format",
        "/paths/~1things/post/requestBody/content/application~1json/schema/properties/n/format",
    ], "each place once"
    (collision,) = [w for w in warnings if "both make the Python name 'foo_bar'" in w]
    assert collision.startswith("warning: spec.json:") and "/components/schemas/Thing/properties/foo_bar:" in collision
    assert "the second is `foo_bar_1`" in collision
    assert not [w for w in warnings if "UserWarning" in w or "site-packages" in w], "nothing raw from the library"


def test_a_parameter_named_like_a_builtin_and_optional_credentials(tmp_path: Path) -> None:
    """Found on public specs: a ``type`` parameter shadowed ``type(None)`` in its own method, and an
    operation anyone may call (``security: [{}, {key: []}]``) made the stubs demand credentials of
    every anonymous operation."""
    spec: dict[str, object] = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/follow": {
                "put": {
                    "operationId": "follow",
                    "security": [{}, {"key": []}],
                    "parameters": [{"name": "type", "in": "query", "required": True, "schema": {"type": "string"}}],
                    "responses": {"204": {"description": "done"}},
                }
            },
            "/open": {"get": {"operationId": "open", "security": [], "responses": {"204": {"description": "ok"}}}},
            "/closed": {"get": {"operationId": "closed", "responses": {"204": {"description": "ok"}}}},
        },
        "security": [{"key": []}],
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
    }
    program = """
import asyncio, httpx, odd, odd.server as s

class Backend(s.UnimplementedBackend):
    async def follow(self, context, *, type_): return None
    async def open(self, context): return None
    async def closed(self, context): return None

seen = []
def answer(request):
    seen.append(str(request.url))
    return httpx.Response(204)
client = odd.Client(api_key="k", base_url="http://x", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
client.follow(type_="artist")

async def calls():
    transport = httpx.ASGITransport(app=s.create_app(Backend()))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answers = [await http.put("/follow", params={"type": "a"}), await http.get("/open"), await http.get("/closed")]
        answers.append(await http.get("/closed", headers={"X-Key": "k"}))
    return [a.status_code for a in answers]
print(seen[0], *asyncio.run(calls()))
"""
    run = _generate_and_run(tmp_path, spec, program)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["http://x/follow?type=artist", "204", "204", "401", "204"]


def test_a_reference_to_a_parameters_schema_is_one_model(tmp_path: Path) -> None:
    """Found on PagerDuty's spec: a schema refers to ``#/components/parameters/state/schema``."""
    state = {"$ref": "#/components/parameters/state/schema"}
    answer = {"type": "object", "properties": {"state": state, "states": {"type": "array", "items": state}}}
    spec: dict[str, object] = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/runs": {
                "get": {
                    "operationId": "listRuns",
                    "parameters": [{"$ref": "#/components/parameters/state"}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": answer}}}},
                }
            }
        },
        "components": {
            "parameters": {
                "state": {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["ready", "sent"]}}
            }
        },
    }
    program = (
        "import odd.models as m; r = m.ListRunsResponse.model_validate({'state': 'sent', 'states': ['ready']});"
        "print(type(r.state).__name__, r.states[0] is m.StateSchema.ready)"
    )
    run = _generate_and_run(tmp_path, spec, program)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["StateSchema", "True"]
    client = (tmp_path / "out" / "odd" / "_client.py").read_text()
    assert "state: Literal['ready', 'sent'] | None = None" in client.replace('"', "'"), (
        "the parameter keeps its Literal"
    )


def test_classes_named_like_builtins_do_not_shadow_them(tmp_path: Path) -> None:
    """Found on PagerDuty's spec: an inline schema of a field ``warnings`` became ``class Warning``,
    used before it was defined, and pydantic took the builtin exception: the module did not import."""
    warning = {"type": "object", "properties": {"message": {"type": "string"}}}
    body = {
        "type": "object",
        "properties": {
            "warnings": {"type": "array", "items": warning},
            "error": {"$ref": "#/components/schemas/Exception"},
        },
    }
    schemas = {"Exception": {"type": "object", "properties": {"code": {"type": "integer"}}}}
    program = (
        "import odd.models as m; r = m.AfRequest.model_validate({'warnings': [{'message': 'w'}], 'error': {'code': 1}});"
        "print(type(r.warnings[0]).__name__, type(r.error).__name__, Warning.__module__)"
    )
    run = _generate_and_run(tmp_path, _spec(schemas, body), program)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["WarningModel", "ExceptionModel", "builtins"]


def test_enum_members_named_like_str_methods_type_check(tmp_path: Path) -> None:
    """Found on Box's and Twilio's specs: a member ``title`` of a string enum hid ``str.title``."""
    kind = {"type": "string", "enum": ["title", "count", "plain"], "default": "title"}
    body = {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Kind"}}}
    program = (
        "import odd.models as m; r = m.AfRequest.model_validate({'kind': 'count'});"
        "print(r.kind is m.Kind.count_, m.AfRequest().kind is m.Kind.title_, m.Kind.title_.title())"
    )
    run = _generate_and_run(tmp_path, _spec({"Kind": kind}, body), program)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True", "Title"]
    checked = mypy_strict(tmp_path / "out", "odd")
    assert checked.returncode == 0, checked.stdout
