"""Overrides: a user's templates searched before ours, ``x-python-name`` renames from an overlay,
and the template context the README documents, checked against the IR."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from support.generator import imported, run_generator
from support.paths import ROOT, SPECS

from paperspace_deployments_toolkit.generator import ir

RENAMES = """overlay: 1.0.0
info: {title: renames, version: '1'}
actions:
  - target: $.paths['/things/{id}'].get
    update: {x-python-name: fetch_thing}
  - target: $.paths['/things/{id}'].get.parameters[0]
    update: {x-python-name: thing_id}
  - target: $.components.schemas.Thing
    update: {x-python-name: Widget}
"""


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    work = tmp_path_factory.mktemp("renamed")
    overlay = work / "renames.yaml"
    overlay.write_text(RENAMES, encoding="utf-8")
    templates = work / "mine"
    (templates / "package").mkdir(parents=True)
    (templates / "package" / "README.md.jinja").write_text(
        "# {{ api.title | md }}: {{ api.operations | map(attribute='python_name') | join(', ') }}\n", encoding="utf-8"
    )
    out = work / "out"
    result = run_generator(
        "generate", "--spec", SPECS / "tiny.yml", "--overlay", overlay, "--out", out, "--package", "renamed",
        "--templates", templates,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with imported("renamed", out) as package:
        yield package


def test_operations_parameters_and_models_take_their_x_python_name(renamed: ModuleType) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"n": 3})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = renamed.Client(api_key="k", base_url="http://api.test", http_client=http)
    assert not hasattr(client, "get_thing")
    widget = client.fetch_thing(thing_id="abc")
    assert isinstance(widget, renamed.models.Widget) and widget.n == 3
    assert not hasattr(renamed.models, "Thing")
    assert sent[0].url.path == "/things/abc"


def test_a_template_of_the_users_replaces_ours_and_the_rest_stay(renamed: ModuleType) -> None:
    assert renamed.__file__ is not None
    out = Path(renamed.__file__).parent.parent
    assert (out / "README.md").read_text(encoding="utf-8") == "# Tiny: fetch_thing\n"
    assert "class Client(SyncAPIClient)" in (out / "renamed" / "_client.py").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("target", "name"),
    [
        ("$.paths['/things/{id}'].get", "class"),
        ("$.components.schemas.Thing", "1Thing"),
        ("$.paths['/things/{id}'].get.parameters[0]", "timeout"),
        ("$.paths['/things/{id}'].get", "_request"),  # would replace the runtime's own method
        ("$.components.schemas.Thing", "BaseModel"),  # a name the models module imports
    ],
)
def test_an_unusable_x_python_name_is_a_located_error(tmp_path: Path, target: str, name: str) -> None:
    overlay = tmp_path / "bad.yaml"
    overlay.write_text(
        f"overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n"
        f"  - target: \"{target}\"\n    update: {{x-python-name: '{name}'}}\n",
        encoding="utf-8",
    )
    result = run_generator("generate", "--spec", SPECS / "tiny.yml", "--overlay", overlay, "--out", tmp_path / "o")
    assert result.returncode == 2
    assert f"x-python-name {name!r} is not a usable Python name here" in result.stderr
    assert "bad.yaml:5: " in result.stderr and "/x-python-name" in result.stderr  # where the name was set


def test_a_templates_directory_without_templates_is_refused(tmp_path: Path) -> None:
    result = run_generator("generate", "--out", tmp_path / "o", "--templates", tmp_path)
    assert result.returncode == 2 and "no package/ or runtime/ directory" in result.stderr


def _documented_context() -> dict[str, set[str]]:
    readme = (ROOT / "docs" / "generator.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `[^`]+` \(`(\w+)`\) \| (.+) \|$", readme, flags=re.MULTILINE)
    return {cls: set(re.findall(r"`(\w+)", names)) for cls, names in rows}


def _public_names(cls: type) -> set[str]:
    fields = {f.name for f in dataclasses.fields(cls)}
    members = {n for n, v in vars(cls).items() if not n.startswith("_") and (isinstance(v, property) or callable(v))}
    return fields | members


def test_the_generator_docs_document_the_whole_template_context() -> None:
    documented = _documented_context()
    classes = [ir.Api, ir.Operation, ir.Parameter, ir.Body, ir.BodyField, ir.Pagination, ir.ErrorResponse]
    classes += [ir.Constraint, ir.ClientFlavor, ir.Credential, ir.Webhook, ir.Waiter]
    assert set(documented) == {cls.__name__ for cls in classes}
    for cls in classes:
        assert documented[cls.__name__] == _public_names(cls), cls.__name__


def test_two_models_may_not_take_the_same_x_python_name(tmp_path: Path) -> None:
    spec = tmp_path / "two.yml"
    spec.write_text(
        (SPECS / "tiny.yml").read_text(encoding="utf-8")
        + "    Other:\n      type: object\n      x-python-name: Thing\n",
        encoding="utf-8",
    )
    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "o")
    assert result.returncode == 2 and "x-python-name 'Thing' is also the name of schema" in result.stderr


def test_the_templates_are_found_whatever_name_the_generator_is_imported_by() -> None:
    """A virtualenv made before the namespace imports the folder as ``generator``: the templates
    are still found beside it (from its files, not its name), so ``check`` says up to date."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
