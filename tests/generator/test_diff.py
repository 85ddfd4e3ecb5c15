"""``python -m paperspace_deployments_toolkit.generator diff``: each kind of change it classifies, on pairs of specs built here
from one base spec (the old side) and a copy changed one way (the new side)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.generator import run_generator

from paperspace_deployments_toolkit.generator.diff import Change, diff_specs, suggested_bump

Spec = dict[str, Any]


def base() -> Spec:
    item_ref = {"$ref": "#/components/schemas/Item"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Items", "version": "1"},
        "servers": [{"url": "https://api.example.test/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"type": "array", "items": item_ref}}},
                        },
                        "400": {"description": "bad"},
                    },
                },
                "post": {
                    "operationId": "createItem",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewItem"}}},
                    },
                    "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": item_ref}}}},
                },
            },
            "/items/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getItem",
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": item_ref}}}},
                },
                "delete": {"operationId": "deleteItem", "responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Item": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "size": {"type": "integer"},
                        "state": {"type": "string", "enum": ["on", "off"]},
                        "parent": {"$ref": "#/components/schemas/Item"},  # recursive
                        "shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"type": "string"}]},
                    },
                },
                "NewItem": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "size": {"type": "integer"},
                        "color": {"type": "string", "enum": ["red", "blue"]},
                    },
                },
                "Circle": {"type": "object", "properties": {"radius": {"type": "number"}}},
            },
        },
    }


def _set(path: str, value: Any) -> Callable[[Spec], None]:
    """A change setting the value at a /-separated path (``~`` for a slash in a key)."""

    def change(spec: Spec) -> None:
        *parents, last = [part.replace("~", "/") for part in path.split("/")]
        target: Any = spec
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is _DELETE:
            del target[int(last) if isinstance(target, list) else last]
        elif isinstance(target, list):
            target.insert(int(last), value) if last == str(len(target)) else target.__setitem__(int(last), value)
        else:
            target[last] = value

    return change


_DELETE = object()
LIST = "paths/~items/get"
CREATE = "paths/~items/post"
ITEM = "components/schemas/Item"
NEW_ITEM = "components/schemas/NewItem"

# fmt: off  (one change per line reads as a table)
CASES: list[tuple[str, Callable[[Spec], object], bool, str, str]] = [
    # operations
    ("operation removed", _set("paths/~items~{id}/delete", _DELETE), True, "DELETE /items/{}", "operation removed"),
    (
        "operation added",
        _set("paths/~items~{id}/put", {"responses": {"200": {"description": "ok"}}}),
        False,
        "PUT /items/{}",
        "operation added",
    ),
    # parameters
    (
        "required parameter added",
        _set(f"{LIST}/parameters/2", {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}),
        True,
        "parameter q (query)",
        "added, required",
    ),
    (
        "optional parameter added",
        _set(f"{LIST}/parameters/2", {"name": "q", "in": "query", "schema": {"type": "string"}}),
        False,
        "parameter q (query)",
        "added, optional",
    ),
    ("parameter removed", _set(f"{LIST}/parameters/0", _DELETE), True, "parameter limit (query)", "removed"),
    (
        "parameter retyped",
        _set(f"{LIST}/parameters/0/schema/type", "string"),
        True,
        "parameter limit (query)",
        "type changed from integer to string",
    ),
    (
        "parameter made required",
        _set(f"{LIST}/parameters/0/required", True),
        True,
        "parameter limit (query)",
        "now required",
    ),
    ("parameter moved", _set(f"{LIST}/parameters/0/in", "header"), True, "parameter limit (query)", "removed"),
    (
        "path placeholder renamed only",
        _set("paths/~items~{id}/parameters/0/name", "itemId"),
        True,
        "parameter id (path)",
        "removed",
    ),
    (
        "request enum value added",
        _set(f"{LIST}/parameters/1/schema/enum", ["a", "b", "c"]),
        False,
        "parameter kind (query)",
        'enum values added: "c"',
    ),
    (
        "request enum value removed",
        _set(f"{LIST}/parameters/1/schema/enum", ["a"]),
        True,
        "parameter kind (query)",
        'enum values removed: "b"',
    ),
    (
        "request bound narrowed",
        _set(f"{LIST}/parameters/0/schema/maximum", 50),
        True,
        "parameter limit (query)",
        "maximum changed from None to 50",
    ),
    (
        "request field bound narrowed",
        _set(f"{NEW_ITEM}/properties/name/maxLength", 10),
        True,
        "request body field name",
        "maxLength changed",
    ),
    (
        "request field pattern added",
        _set(f"{NEW_ITEM}/properties/name/pattern", "^[a-z]+$"),
        True,
        "request body field name",
        "pattern changed",
    ),
    (
        "parameter default changed",
        _set(f"{LIST}/parameters/0/schema/default", 10),
        False,
        "parameter limit (query)",
        "default changed from None to 10",
    ),
    # request bodies
    (
        "request field newly required",
        _set(f"{NEW_ITEM}/required", ["name", "size"]),
        True,
        "request body field size",
        "now required",
    ),
    (
        "request field made optional",
        _set(f"{NEW_ITEM}/required", []),
        False,
        "request body field name",
        "now optional",
    ),
    (
        "required request field added",
        lambda s: (
            s["components"]["schemas"]["NewItem"]["properties"].update(owner={"type": "string"}),
            s["components"]["schemas"]["NewItem"]["required"].append("owner"),
        ),
        True,
        "request body field owner",
        "added, required",
    ),
    (
        "optional request field added",
        _set(f"{NEW_ITEM}/properties/note", {"type": "string"}),
        False,
        "request body field note",
        "added, optional",
    ),
    ("request field removed", _set(f"{NEW_ITEM}/properties/size", _DELETE), True, "request body field size", "removed"),
    (
        "request field enum value added",
        _set(f"{NEW_ITEM}/properties/color/enum", ["red", "blue", "green"]),
        False,
        "request body field color",
        "enum values added",
    ),
    (
        "request field enum value removed",
        _set(f"{NEW_ITEM}/properties/color/enum", ["red"]),
        True,
        "request body field color",
        "enum values removed",
    ),
    (
        "request body made optional",
        _set(f"{CREATE}/requestBody/required", False),
        False,
        "request body",
        "now optional",
    ),
    (
        "request body media type dropped",
        _set(f"{CREATE}/requestBody/content", {"text/plain": {"schema": {"type": "string"}}}),
        True,
        "request body",
        "no longer accepts application/json",
    ),
    # responses
    ("response field removed", _set(f"{ITEM}/properties/size", _DELETE), True, "response 200[] field size", "removed"),
    (
        "response field retyped",
        _set(f"{ITEM}/properties/size/type", "string"),
        True,
        "response 200[] field size",
        "type changed from integer to string",
    ),
    (
        "response field added",
        _set(f"{ITEM}/properties/color", {"type": "string"}),
        False,
        "response 200[] field color",
        "added",
    ),
    (
        "response field made optional",
        _set(f"{ITEM}/required", ["id"]),
        True,
        "response 200[] field name",
        "now optional",
    ),
    (
        "response field made required",
        _set(f"{ITEM}/required", ["id", "name", "size"]),
        False,
        "response 200[] field size",
        "now required",
    ),
    (
        "response enum value added",
        _set(f"{ITEM}/properties/state/enum", ["on", "off", "idle"]),
        False,
        "response 200[] field state",
        "keeps unknown values",
    ),
    (
        "response enum value removed",
        _set(f"{ITEM}/properties/state/enum", ["on"]),
        False,
        "response 200[] field state",
        "enum values removed",
    ),
    (
        "response bound added (narrower: fine for readers)",
        _set(f"{ITEM}/properties/size/maximum", 10),
        False,
        "response 200[] field size",
        "maximum changed from None to 10",
    ),
    (
        "response may now be null",
        _set(f"{ITEM}/properties/name/nullable", True),
        True,
        "response 200[] field name",
        "may now be null",
    ),
    (
        "response variant added",
        _set(f"{ITEM}/properties/shape/oneOf/2", {"type": "integer"}),
        True,
        "oneOf variant #2",
        "added",
    ),
    (
        "response variant removed",
        _set(f"{ITEM}/properties/shape/oneOf/0", _DELETE),
        False,
        "oneOf variant Circle",
        "removed",
    ),
    (
        "field deep in a recursive schema",
        _set("components/schemas/Circle/properties/radius/type", "string"),
        True,
        "variant Circle field radius",
        "type changed",
    ),
    # status codes
    (
        "success status changed",
        lambda s: s["paths"]["/items"]["post"]["responses"].update(
            {"200": s["paths"]["/items"]["post"]["responses"].pop("201")}
        ),
        True,
        "POST /items response 201",
        "removed",
    ),
    (
        "error status added",
        _set(f"{LIST}/responses/429", {"description": "slow down"}),
        False,
        "GET /items response 429",
        "added",
    ),
    ("error status removed", _set(f"{LIST}/responses/400", _DELETE), False, "GET /items response 400", "removed"),
    # authentication
    ("operation opened", _set(f"{LIST}/security", []), False, "GET /items", "no longer requires credentials"),
    (
        "scheme changed",
        _set("components/securitySchemes/bearer", {"type": "apiKey", "in": "header", "name": "X-Key"}),
        True,
        "GET /items",
        "authentication changed from http bearer to apiKey header X-Key",
    ),
]
# fmt: on


@pytest.mark.parametrize(("label", "change", "breaking", "where", "what"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_change_is_found_and_classified(
    label: str, change: Callable[[Spec], object], breaking: bool, where: str, what: str
) -> None:
    old, new = base(), base()
    change(new)
    changes = diff_specs(old, new)
    matching = [c for c in changes if where in c.where and what in c.what]
    assert matching, f"{label}: nothing matches {where!r} / {what!r} in {[str(c) for c in changes]}"
    assert all(c.breaking is breaking for c in matching), [str(c) for c in matching]


def test_an_operation_that_now_requires_credentials_is_breaking() -> None:
    old, new = base(), base()
    old["paths"]["/items"]["get"]["security"] = []
    old["paths"]["/items"]["post"]["security"] = [{}]  # an empty requirement: credentials optional
    changes = {(c.where, c.what, c.breaking) for c in diff_specs(old, new)}
    assert changes == {
        ("GET /items", "now requires credentials (http bearer)", True),
        ("POST /items", "now requires credentials (http bearer)", True),
    }
    body_required = base()
    body_required["paths"]["/items"]["post"]["requestBody"]["required"] = False
    assert [str(c) for c in diff_specs(body_required, base())] == ["BREAKING  POST /items request body: now required"]


def test_identical_specs_have_no_changes() -> None:
    assert diff_specs(base(), copy.deepcopy(base())) == []


def test_a_placeholder_renamed_with_its_parameter_is_one_change() -> None:
    new = base()
    new["paths"]["/items/{itemId}"] = new["paths"].pop("/items/{id}")
    new["paths"]["/items/{itemId}"]["parameters"][0]["name"] = "itemId"
    changes = diff_specs(base(), new)
    assert {(c.where, c.what) for c in changes} == {
        ("DELETE /items/{} parameter id (path)", "removed"),
        ("DELETE /items/{} parameter itemId (path)", "added, required"),
        ("GET /items/{} parameter id (path)", "removed"),
        ("GET /items/{} parameter itemId (path)", "added, required"),
    }


@pytest.mark.parametrize(
    ("changes", "version", "expected"),
    [
        ([Change(True, "x", "y")], "1.4.2", ("major", "2.0.0")),
        ([Change(True, "x", "y")], "0.3.1", ("minor (0.x: breaking)", "0.4.0")),
        ([Change(False, "x", "y")], "1.4.2", ("minor", "1.5.0")),
        ([Change(False, "x", "y")], "0.3.1", ("patch (0.x: additions)", "0.3.2")),
        ([], "1.4.2", ("none", "1.4.2")),
    ],
)
def test_the_suggested_version_bump(changes: list[Change], version: str, expected: tuple[str, str]) -> None:
    assert suggested_bump(changes, version) == expected


def _write(tmp_path: Path, name: str, spec: Spec) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_the_command_exits_1_on_breaking_changes_and_speaks_json(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.yml", base())
    new_spec = base()
    del new_spec["paths"]["/items/{id}"]["delete"]
    new_spec["paths"]["/items"]["get"]["responses"]["429"] = {"description": "slow down"}
    new = _write(tmp_path, "new.yml", new_spec)
    text = run_generator("diff", old, new, "--no-overlays")
    assert text.returncode == 1, text.stderr
    assert "BREAKING  DELETE /items/{}: operation removed" in text.stdout and "2 change(s), 1 breaking" in text.stdout
    as_json = run_generator("diff", old, new, "--no-overlays", "--format", "json")
    assert json.loads(as_json.stdout)["breaking"] == 1
    additions_only = run_generator("diff", new, new, "--no-overlays")
    assert (additions_only.returncode, additions_only.stdout.strip()) == (0, "no changes to the API surface")


def test_the_command_applies_the_overlays_to_both_sides(tmp_path: Path) -> None:
    from support.paths import ROOT

    upstream = ROOT / "spec" / "paperspace-deployments-api-openapi.yml"
    assert run_generator("diff", upstream, upstream).stdout.strip() == "no changes to the API surface"
    with_overlays_on_one_side = run_generator("diff", upstream, ROOT / "generated" / "openapi.json", "--no-overlays")
    assert "response 400" in with_overlays_on_one_side.stdout  # the overlays add the error responses


def test_a_broken_spec_is_a_located_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("openapi: 3.0.3\npaths: [\n", encoding="utf-8")
    result = run_generator("diff", broken, broken, "--no-overlays")
    assert result.returncode == 2 and "broken.yml" in result.stderr


def test_a_schema_that_reaches_itself_through_all_of_is_compared_without_end() -> None:
    spec = base()
    spec["components"]["schemas"]["Item"]["properties"]["parent"] = {
        "allOf": [{"$ref": "#/components/schemas/Item"}],
        "nullable": True,
    }
    changed = copy.deepcopy(spec)
    changed["components"]["schemas"]["Item"]["properties"]["size"]["type"] = "string"
    assert diff_specs(spec, copy.deepcopy(spec)) == []
    assert any("type changed from integer to string" in c.what for c in diff_specs(spec, changed))


def test_security_alternatives_added_are_fine_and_alternatives_merged_are_breaking() -> None:
    old = base()
    old["components"]["securitySchemes"]["key"] = {"type": "apiKey", "in": "header", "name": "X-Key"}
    either = copy.deepcopy(old)
    either["security"] = [{"bearer": []}, {"key": []}]
    both = copy.deepcopy(old)
    both["security"] = [{"bearer": [], "key": []}]
    added = [c for c in diff_specs(old, either) if c.where == "GET /items"]
    assert [(c.breaking, c.what) for c in added] == [(False, "also accepts apiKey header X-Key")]
    merged = [c for c in diff_specs(either, both) if c.where == "GET /items"]
    assert merged and all(c.breaking for c in merged)


def test_a_form_body_is_compared_field_by_field() -> None:
    old = base()
    form = {"type": "object", "properties": {"name": {"type": "string"}}}
    old["paths"]["/items"]["post"]["requestBody"]["content"] = {"application/x-www-form-urlencoded": {"schema": form}}
    new = copy.deepcopy(old)
    new["paths"]["/items"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"][
        "required"
    ] = ["name"]
    assert [str(c) for c in diff_specs(old, new)] == ["BREAKING  POST /items request body field name: now required"]


def test_renamed_methods_and_models_are_breaking() -> None:
    new = base()
    new["paths"]["/items"]["get"]["operationId"] = "listAllItems"
    new["components"]["schemas"]["Circle"]["x-python-name"] = "Round"
    changes = {(c.where, c.breaking) for c in diff_specs(base(), new)}
    assert ("GET /items", True) in changes
    assert {("model Circle", True), ("model Round", False)} <= changes


def test_a_version_that_is_not_plain_semver_still_moves_forward() -> None:
    assert suggested_bump([Change(True, "x", "y")], "1.2.3rc1") == ("major", "2.0.0")
    assert suggested_bump([Change(False, "x", "y")], "1.2") == ("minor", "1.3.0")
    assert suggested_bump([Change(False, "x", "y")], "next")[0].startswith("unknown")


def test_bounds_that_widen_break_readers_and_narrowing_ones_break_callers() -> None:
    old, new = base(), base()
    for schema in ("Item", "NewItem"):
        old["components"]["schemas"][schema]["properties"]["size"]["maximum"] = 10
        new["components"]["schemas"][schema]["properties"]["size"]["maximum"] = 100
    changes = {(c.where, c.breaking) for c in diff_specs(old, new) if "maximum" in c.what}
    assert ("GET /items response 200[] field size", True) in changes  # a reader may now get 50: its model refuses
    assert ("POST /items request body field size", False) in changes  # a caller may now send more


def test_openapi_3_1_type_arrays_are_nullability_not_a_new_type() -> None:
    old, new = base(), base()
    for spec in (old, new):
        spec["openapi"] = "3.1.0"
    new["components"]["schemas"]["Item"]["properties"]["size"]["type"] = ["integer", "null"]
    changes = {(c.where, c.what, c.breaking) for c in diff_specs(old, new)}
    assert ("GET /items response 200[] field size", "may now be null", True) in changes
    assert not [c for c in changes if "type changed" in c[1]], changes
    assert not [c for c in diff_specs(new, old) if "type changed" in c.what]
    widened = base()
    widened["components"]["schemas"]["Item"]["properties"]["size"]["type"] = ["integer", "string"]
    assert any("type changed from integer to integer or string" in c.what for c in diff_specs(old, widened))


def _git(directory: Path, *command: str) -> None:
    import subprocess

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "-C", str(directory), *command], check=True, capture_output=True, env=env)


def test_the_old_spec_may_be_a_git_revision_and_an_overlay_action_it_lacks_is_skipped(tmp_path: Path) -> None:
    specs = tmp_path / "spec"
    specs.mkdir()
    _git(tmp_path, "init", "-q")
    spec = _write(specs, "api.yml", base())
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "old")
    newer = base()
    newer["paths"]["/tags"] = {"get": {"operationId": "listTags", "responses": {"200": {"description": "ok"}}}}
    _write(specs, "api.yml", newer)
    overlay = tmp_path / "tags.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "- target: $.paths['/tags'].get\n  update: {summary: List tags}\n",
        encoding="utf-8",
    )
    result = run_generator("diff", "HEAD", spec, "--overlay", overlay)
    assert result.returncode == 0, result.stderr
    assert "GET /tags: operation added" in result.stdout, result.stdout
    assert "tags.yaml:4: /actions/0/target: skipped: target \"$.paths['/tags'].get\" selects nothing" in result.stderr
    assert "(while reading the old spec)" in result.stderr
    unknown = run_generator("diff", "no-such-revision", spec, "--no-overlays")
    assert unknown.returncode == 2 and "neither a file nor a git revision" in unknown.stderr, unknown.stderr


def test_a_revision_that_git_would_read_as_an_option_is_refused_before_git_runs(tmp_path: Path) -> None:
    from paperspace_deployments_toolkit.generator.errors import SpecErrors
    from paperspace_deployments_toolkit.generator.revision import spec_at_revision

    _git(tmp_path, "init", "-q")
    spec = _write(tmp_path, "api.yml", base())
    with pytest.raises(SpecErrors, match="starts with '-'"), spec_at_revision(f"--output={tmp_path}/made", spec):
        pass
    assert not list(tmp_path.glob("made*"))
