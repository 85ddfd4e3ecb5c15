"""Spec text is data: whatever a spec holds, it reaches the generated package only encoded.

One hostile spec puts code-execution payloads, quotes, backslashes, NUL, CR, bidi overrides,
emoji and Jinja, TOML and Markdown syntax into every text field (and its file name); the package
generated from it must parse, install (valid TOML), import and run without the payloads running,
pass mypy --strict, and show the text as written. Then what the generator must refuse, with a
location, rather than generate.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from support.generator import run_generator
from support.paths import ROOT

from paperspace_deployments_toolkit.generator import cli, ir
from paperspace_deployments_toolkit.generator.encoders import (
    Identifier,
    SpecText,
    docstring,
    markdown_text,
    toml_string,
)
from paperspace_deployments_toolkit.generator.errors import escape_pointer_token
from paperspace_deployments_toolkit.generator.types import STR

CANARY = "canary-file"  # relative: every payload would create it in the working directory
PAYLOADS = (
    f'x"""+str(__import__("pathlib").Path("{CANARY}").touch())+"""',
    f"y'''+str(__import__('pathlib').Path('{CANARY}').touch())+'''",
    f'z"+str(__import__("pathlib").Path("{CANARY}").touch())+"',
    'back\\slash\\ and a trailing quote"',
)
ODD = "nul\x00 cr\r lf\n rtl\u202e emoji\U0001f600 {{ jinja }} {% raw %} [link](x) <b>bold</b> # h | t = 'v'"
TEXT = " ".join(PAYLOADS) + " " + ODD
URL_SAFE = f'x"""+str(__import__("pathlib").Path("{CANARY}").touch())+"""'  # no whitespace: a valid URL still
SCHEMA_NAME = f"Odd/Name~{PAYLOADS[0]}"
PATTERN = "[\\s\\S]*|\"'\\\\"  # matches anything, and holds both quotes and a backslash
FILE_NAME = f'spec"""\n+str(__import__("pathlib").Path("{CANARY}").touch())#.json'


def hostile_spec() -> dict[str, object]:
    ref = {"$ref": "#/components/schemas/" + escape_pointer_token(SCHEMA_NAME)}
    path_param = {"name": "id", "in": "path", "required": True, "description": TEXT, "schema": {"type": "string"}}
    text_param = {"name": TEXT, "in": "query", "description": TEXT, "schema": {"type": "string", "default": TEXT}}
    bounded = {"name": "q", "in": "query", "schema": {"type": "string", "pattern": PATTERN, "default": TEXT}}
    operation = {
        "operationId": TEXT,
        "summary": TEXT,
        "description": TEXT,
        "parameters": [
            text_param,
            bounded,
            {"name": "X-Odd", "in": "header", "description": TEXT, "schema": {"type": "string"}},
        ],
        "responses": {"200": {"description": TEXT, "content": {"application/json": {"schema": ref}}}},
    }
    upsert = {
        "operationId": PAYLOADS[1],
        "summary": TEXT,
        "requestBody": {"required": True, "description": TEXT, "content": {"application/json": {"schema": ref}}},
        "responses": {"200": {"description": TEXT}, "404": {"description": TEXT}},
    }
    properties = {
        TEXT: {"type": "string", "description": TEXT, "example": TEXT, "default": TEXT, "pattern": PATTERN},
        "kind": {"type": "string", "enum": [*PAYLOADS, ODD, "plain"], "default": PAYLOADS[0], "description": TEXT},
        "count": {"type": "integer", "default": 3, "minimum": 0},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": TEXT, "version": TEXT, "description": TEXT},
        "servers": [{"url": f"https://api.example.com/{URL_SAFE}", "description": TEXT}],
        "x-client": {"apiKeyEnv": "ODD_KEY", "baseUrlEnv": "ODD_URL", "packageVersion": "1.0.0rc1"},
        "paths": {f"/odd/{URL_SAFE}/{{id}}": {"parameters": [path_param], "get": operation, "put": upsert}},
        "components": {"schemas": {SCHEMA_NAME: {"type": "object", "description": TEXT, "properties": properties}}},
    }


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    spec = work / FILE_NAME
    spec.write_text(json.dumps(hostile_spec(), indent=2, ensure_ascii=False), encoding="utf-8")
    result = run_generator("generate", "--spec", spec, "--out", work / "out", "--package", "odd")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return work / "out"


def test_every_generated_module_parses_and_starts_with_its_two_header_lines(hostile_package: Path) -> None:
    modules = sorted(hostile_package.rglob("*.py"))
    assert len(modules) >= 8
    for module in modules:
        source = module.read_text(encoding="utf-8")
        ast.parse(source, str(module))
        first, second = source.splitlines()[:2]
        assert first.startswith("# Generated from spec") and second.startswith("# Change the spec"), module


def test_pyproject_is_valid_toml_holding_the_title_as_written(hostile_package: Path) -> None:
    project = tomllib.loads((hostile_package / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == f"Typed client, models and server stubs for the {TEXT}"
    assert project["version"] == "1.0.0rc1"


def test_importing_and_calling_everything_runs_no_payload(hostile_package: Path, tmp_path: Path) -> None:
    program = textwrap.dedent(
        """
        import inspect, odd, odd.models, odd.server
        from odd import Client, errors
        model = getattr(odd.models, next(n for n in dir(odd.models) if n.startswith("OddName")))
        odd.server.create_app(odd.server.UnimplementedBackend())
        client = Client(api_key="k", base_url="http://127.0.0.1:9", max_retries=0)
        for name, method in inspect.getmembers(client, inspect.ismethod):
            if name.startswith(("_", "with_", "close")):
                continue
            required = [p for p in inspect.signature(method).parameters.values() if p.default is p.empty]
            args = ["id" if p.kind is p.POSITIONAL_OR_KEYWORD else None for p in required]
            kwargs = {p.name: "v" for p in required if p.kind is p.KEYWORD_ONLY}
            if "body" in inspect.signature(method).parameters:
                kwargs["body"] = model()
            try:
                method(*args, **kwargs)
            except errors.APIConnectionError:
                print("called", name)
        print(odd.__doc__)
        print(model.__doc__)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(hostile_package)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("called ") == 2, result.stdout
    assert not (tmp_path / CANARY).exists(), "a payload from the spec ran"
    assert PAYLOADS[0] in result.stdout, "docstrings show the spec's text as written"


def test_the_package_passes_mypy_strict(hostile_package: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "odd"],
        cwd=hostile_package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_the_readme_shows_the_text_and_makes_no_markup_of_it(hostile_package: Path) -> None:
    html = MarkdownIt("commonmark").render((hostile_package / "README.md").read_text(encoding="utf-8"))
    assert "<b>bold</b>" not in html and 'href="x"' not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html, "the text is shown, escaped"
    assert "<h1># h" not in html


def _spec_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


TINY = """\
openapi: 3.0.3
info: {title: T, version: '1'}
servers:
  - url: %s
x-client:
  apiKeyEnv: %s
  packageVersion: %s
paths:
  /ping:
    get:
      responses: {'204': {description: pong}}
"""
PING = TINY % ("https://a.test/v1", "T_KEY", "1.0.0")


@pytest.mark.parametrize(
    ("url", "env", "version", "line", "expected"),
    [
        ('"https://a.test/v1\\nimport os"', "T_KEY", "1.0.0", 4, "/servers/0/url: server URL"),
        ('"https://a.test/\\0v1"', "T_KEY", "1.0.0", 4, "/servers/0/url: server URL"),
        ("https://a.test/v1", '\'A"+__import__("os").system("x")+"\'', "1.0.0", 6, "/x-client/apiKeyEnv:"),
        ("https://a.test/v1", "T_KEY", "'1.0 beta\"'", 7, "/x-client/packageVersion:"),
    ],
)
def test_text_that_cannot_be_what_it_claims_is_refused_where_it_is(
    tmp_path: Path, url: str, env: str, version: str, line: int, expected: str
) -> None:
    spec = _spec_file(tmp_path, TINY % (url, env, version))
    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "out", "--package", "t")
    assert result.returncode == 2, result.stderr
    assert f"spec.yml:{line}: {expected}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_spec_with_no_paths_generates_a_package_that_imports(tmp_path: Path) -> None:
    spec = _spec_file(tmp_path, "openapi: 3.0.3\ninfo: {title: Empty, version: '1'}\npaths: {}\n")
    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "out", "--package", "empty")
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import empty; empty.Client(api_key='k').with_raw_response; import empty.server"],
        env={**os.environ, "PYTHONPATH": str(tmp_path / "out")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_a_template_that_prints_spec_text_raw_is_refused_with_its_line(tmp_path: Path) -> None:
    templates = tmp_path / "mine"
    (templates / "package").mkdir(parents=True)
    (templates / "package" / "README.md.jinja").write_text("# fine\n{{ api.title }}\n", encoding="utf-8")
    spec = _spec_file(tmp_path, PING)
    out = tmp_path / "out"
    result = run_generator("generate", "--spec", spec, "--out", out, "--package", "t", "--templates", templates)
    assert result.returncode == 2, result.stderr
    assert "README.md.jinja:2: RawSpecTextError: spec text printed without an encoder" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "spec.yml"], "nothing written, no scratch left"


def test_an_output_that_is_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    spec = _spec_file(tmp_path, PING)
    real, link = tmp_path / "real", tmp_path / "link"
    assert run_generator("generate", "--spec", spec, "--out", real, "--package", "t").returncode == 0
    link.symlink_to(real)
    result = run_generator("generate", "--spec", spec, "--out", link, "--package", "t", "--force")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and (real / "t" / "_client.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real", "spec.yml"], "nothing left behind"


def test_an_output_that_is_a_dangling_symlink_is_refused(tmp_path: Path) -> None:
    spec = _spec_file(tmp_path, PING)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    result = run_generator("generate", "--spec", spec, "--out", link, "--package", "t")
    assert result.returncode == 2
    assert "is a symbolic link to" in result.stderr and "which does not exist" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "spec.yml"]


def test_an_internal_error_is_one_line_asking_for_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("something the generator did not expect\n\x1b[31m")

    monkeypatch.setattr(cli, "run", broken)
    spec = ROOT / "tests" / "specs" / "tiny.yml"
    argv = ["generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "t"]
    assert cli.main(argv) == cli.EXIT_BUG
    err = capsys.readouterr().err
    assert "Traceback" not in err and "\x1b" not in err
    assert err.startswith("internal error: RuntimeError: something the generator did not expect\\n\\x1b[31m\n")
    assert "--debug" in err
    assert cli.main([*argv, "--debug"]) == cli.EXIT_BUG
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_ir_fields_hold_only_checked_names_spec_text_or_code() -> None:
    def parameter(python_name: object) -> ir.Parameter:
        return ir.Parameter(
            wire_name=SpecText("id"),
            python_name=python_name,  # type: ignore[arg-type]  # what the check is for
            location=Identifier("query"),
            required=True,
            type=STR,
            description=SpecText(""),
        )

    assert parameter(Identifier("thing_id")).python_name == "thing_id"
    with pytest.raises(TypeError, match="python_name must be"):
        parameter('x"); import os; ("')
    for bad in ("a-b", "class", "1x", "na\u00efve", 'x"+y'):
        with pytest.raises(ValueError, match="not a usable Python identifier"):
            Identifier(bad)


def test_spec_text_cannot_be_printed_or_joined_without_an_encoder() -> None:
    text = SpecText('"""')
    with pytest.raises(TypeError, match="without an encoder"):
        str(text)
    with pytest.raises(TypeError, match="without an encoder"):
        f"{text}"  # formatting is what is checked


@pytest.mark.parametrize("text", [*PAYLOADS, ODD, '"', '""', "\\", "\ud800", "a\r\nb\x0b\x0c\x1c\u2028c"])
def test_each_encoder_round_trips_through_its_own_parser(text: str) -> None:
    assert ast.literal_eval(f'"""{docstring(text)}"""') == text.replace("\r\n", "\n").replace("\r", "\n")
    expected_toml = text.replace("\ud800", "\ufffd")
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == expected_toml
    html = MarkdownIt("commonmark").render(markdown_text(text))
    assert html.count("<p>") <= 1 and "<a " not in html and "<b>" not in html and "<h1>" not in html


RUN = f'__import__("pathlib").Path("{CANARY}").touch()'
ONE_PLACE = {
    "an enum value": ('Kind: {type: string, enum: [plain, \'x"""+str(%s)+"""\']}', "spec.yml"),
    "the server URL": ("Kind: {type: string}", "spec.yml"),
    "a schema name escaped in its $ref": (
        "'a/b~c\"+str(%s)+\"': {type: object, properties: {n: {type: string}}}",
        "spec.yml",
    ),
    "the spec's file name": ("Kind: {type: string}", f"spec\n{RUN}\n.yml"),
}


@pytest.mark.parametrize("place", ONE_PLACE)
def test_a_payload_in_one_place_never_runs(tmp_path: Path, place: str) -> None:
    """Each place a payload ran from before (generate exited 0 and ruff passed): no longer."""
    schema, file_name = ONE_PLACE[place]
    url = f'https://a.test/v1"""+str({RUN})+"""' if place == "the server URL" else "https://a.test/v1"
    ref = f'a~1b~0c"+str({RUN})+"' if "$ref" in place else "Kind"
    spec = tmp_path / file_name
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n"
        f"servers: [{{url: '{url}'}}]\n"
        "paths:\n  /things:\n    get:\n      responses:\n        '200':\n          description: ok\n"
        f"          content: {{application/json: {{schema: {{$ref: '#/components/schemas/{ref}'}}}}}}\n"
        f"components:\n  schemas:\n    {schema % RUN if '%s' in schema else schema}\n",
        encoding="utf-8",
    )
    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "out", "--package", "one")
    assert result.returncode == 0, result.stderr
    program = "import one, one.models; one.Client(api_key='k', base_url='http://127.0.0.1:9', max_retries=0)"
    check = subprocess.run(
        [sys.executable, "-c", program],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "out")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert not (tmp_path / CANARY).exists(), f"a payload in {place} ran"
