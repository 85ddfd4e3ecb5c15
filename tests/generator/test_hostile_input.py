"""Hostile specs at the load and validate stages: each is refused with exit 2 and ``FILE:LINE:``
naming the limit or the problem; never a traceback, never unbounded memory or time.

Every spec is written into a temporary directory by a small function here; the generator names a
spec outside the working directory by its file name, so the location is ``spec.yml:LINE``.
"""

from __future__ import annotations

import json
import resource
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.generator import run_generator
from support.paths import ROOT, SPECS

from paperspace_deployments_toolkit.generator.errors import SpecErrors
from paperspace_deployments_toolkit.generator.limits import Limits
from paperspace_deployments_toolkit.generator.loader import load_document
from paperspace_deployments_toolkit.generator.validate import validate_document

HEAD = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n"
OK_PATHS = "paths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n"
MEMORY_CAP = 1536 * 1024 * 1024  # address space of a capped run: a bomb expanding would need far more


def _line(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th ``needle`` in ``text``."""
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def _refused(tmp_path: Path, name: str, text: str, *options: str) -> str:
    """Generate from ``text`` written as ``name``; assert exit 2 with no traceback; stderr."""
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "out", *options)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert not (tmp_path / "out").exists()
    return result.stderr


def _run_capped(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m paperspace_deployments_toolkit.generator`` with its address space capped: a run that expands what it reads
    fails with MemoryError instead of taking the machine (and the timeout is only a guard)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return run_generator(*args, preexec_fn=cap, timeout=300)


# ---------------------------------------------------------------------------------------------
# resource exhaustion


def alias_bomb(levels: int) -> str:
    """A "billion laughs": each anchor is a list of ten aliases of the one before (10**levels lols)."""
    lines = [HEAD + OK_PATHS + "x-bomb:", "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [10, 7])
def test_a_yaml_alias_bomb_is_refused_at_the_alias_that_crosses_the_node_limit(tmp_path: Path, levels: int) -> None:
    text = alias_bomb(levels)
    spec = tmp_path / "bomb.yml"
    spec.write_text(text)

    result = _run_capped("generate", "--spec", spec, "--out", tmp_path / "out")

    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, result.stderr[-2000:]
    # a4 is the first anchor of more nodes than the limit: one of its *a3 crosses it
    assert f"bomb.yml:{_line(text, '  a4:')}: /x-bomb/a4/" in result.stderr
    assert f"alias *a3 stands for 11,111 nodes; with it the document has more than {Limits().max_nodes:,} nodes" in (
        result.stderr
    )


def nested_json(depth: int) -> str:
    """A valid spec with an extension nested ``depth`` arrays deep, one bracket a line."""
    head = '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},\n"x-deep":\n'
    return head + "[\n" * depth + "]" * depth + "}\n"


def test_json_nested_500_deep_is_refused_at_the_line_the_depth_limit_is_crossed(tmp_path: Path) -> None:
    stderr = _refused(tmp_path, "deep.json", nested_json(500))

    # the x-deep value is depth 2, on line 3; its 63rd nested array (depth 65) opens on line 2 + 64
    assert "deep.json:66: /x-deep/0/0/" in stderr
    assert "nested deeper than the limit of 64 (--max-depth)" in stderr


def test_json_nested_deeper_than_libyaml_reads_is_refused_at_its_line(tmp_path: Path) -> None:
    text = (
        '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "x": '
        + "[" * 5000
        + "]" * 5000
        + "}"
    )

    stderr = _refused(tmp_path, "deep.json", text)

    assert "deep.json:1: " in stderr and "nested deeper than the limit of 64 (--max-depth)" in stderr


def nested_schemas(levels: int) -> str:
    """A schema whose object property holds an object property, ``levels`` times."""
    lines = [HEAD + OK_PATHS + "components:", "  schemas:", "    Deep:"]
    indent = "      "
    for _ in range(levels):
        lines += [f"{indent}type: object", f"{indent}properties:", f"{indent}  p:"]
        indent += "    "
    lines.append(f"{indent}type: string")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [170, 250, 450])
def test_yaml_schemas_nested_hundreds_deep_are_refused_at_the_depth_limit(tmp_path: Path, levels: int) -> None:
    text = nested_schemas(levels)

    stderr = _refused(tmp_path, "deep.yml", text)

    # Deep's mapping is depth 4; level n's properties mapping is 2n + 3: depth 65 is level 31's,
    # which starts where its first key does, two lines below the 31st "type: object"
    pointer = "/components/schemas/Deep" + "/properties/p" * 30 + "/properties"
    assert f"deep.yml:{_line(text, 'type: object', 31) + 2}: {pointer}: nested deeper" in stderr
    assert "nested deeper than the limit of 64 (--max-depth)" in stderr


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "huge.yml"
    with spec.open("wb") as file:  # 11 MiB, sparse: nothing of it needs reading to refuse it
        file.truncate(11 * 1024 * 1024)

    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "out")

    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert "huge.yml:0: /: the file is 11,534,336 bytes, over the limit of 10,485,760 bytes (--max-spec-bytes)" in (
        result.stderr
    )


def test_the_limits_are_options(tmp_path: Path) -> None:
    text = HEAD + OK_PATHS + "x-wide: [" + ", ".join(["1"] * 50) + "]\n"

    stderr = _refused(tmp_path, "spec.yml", text, "--max-spec-bytes", "100")
    size = len(text.encode())
    assert f"spec.yml:0: /: the file is {size} bytes, over the limit of 100 bytes (--max-spec-bytes)" in stderr
    stderr = _refused(tmp_path, "spec.yml", text, "--max-nodes", "40")
    # 23 nodes before the sequence's items (keys count): its 18th item is the 41st node
    assert "spec.yml:8: /x-wide/17: the document has more than 40 nodes (--max-nodes)" in stderr
    stderr = _refused(tmp_path, "spec.yml", text, "--max-depth", "4")
    assert "spec.yml:7: /paths/~1a/get/responses: nested deeper than the limit of 4 (--max-depth)" in stderr


# ---------------------------------------------------------------------------------------------
# what a YAML or JSON file can say and JSON's data model cannot


def duplicate_yaml_key() -> str:
    return (
        HEAD.replace("info: {title: T, version: '1'}\n", "info:\n  title: T\n  version: '1'\n  title: U\n") + OK_PATHS
    )


def test_a_duplicate_yaml_key_is_refused_where_it_repeats(tmp_path: Path) -> None:
    stderr = _refused(tmp_path, "spec.yml", duplicate_yaml_key())

    assert "spec.yml:5: /info/title: duplicate key 'title' (first at line 3): keys must be unique" in stderr


def test_a_yaml_key_repeated_as_int_and_string_is_a_duplicate(tmp_path: Path) -> None:
    text = HEAD + OK_PATHS + "        200: {description: again}\n"

    stderr = _refused(tmp_path, "spec.yml", text)

    assert "spec.yml:8: /paths/~1a/get/responses/200: duplicate key '200' (first at line 7)" in stderr


def duplicate_json_key() -> str:
    return (
        '{"openapi": "3.0.3",\n "info": {"title": "T", "version": "1"},\n'
        ' "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},\n'
        ' "info": {"title": "U", "version": "2"}}\n'
    )


def test_a_duplicate_json_key_is_refused_where_it_repeats(tmp_path: Path) -> None:
    stderr = _refused(tmp_path, "spec.json", duplicate_json_key())

    assert "spec.json:4: /info: duplicate key 'info' (first at line 2): keys must be unique" in stderr


TEXT_FIELDS: dict[str, Callable[[str], dict[str, Any]]] = {
    "title": lambda text: {"info": {"title": text, "version": "1"}},
    "description": lambda text: {"info": {"title": "T", "version": "1", "description": text}},
    "summary": lambda text: {"paths": {"/a": {"get": {"summary": text, "responses": {"200": {"description": "ok"}}}}}},
    "server url": lambda text: {"servers": [{"url": text}]},
    "enum value": lambda text: {"components": {"schemas": {"E": {"type": "string", "enum": ["a", text]}}}},
    "property name": lambda text: {"components": {"schemas": {"O": {"type": "object", "properties": {text: {}}}}}},
}
POINTERS = {
    "title": "/info/title",
    "description": "/info/description",
    "summary": "/paths/~1a/get/summary",
    "server url": "/servers/0/url",
    "enum value": "/components/schemas/E/enum/1",
    "property name": "/components/schemas/O/properties",
}


def with_text(field: str, text: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    spec.update(TEXT_FIELDS[field](text))
    return spec


@pytest.mark.parametrize("field", list(TEXT_FIELDS))
@pytest.mark.parametrize("suffix", [".json", ".yml"])
def test_a_lone_surrogate_in_a_text_field_is_refused_at_its_line(tmp_path: Path, field: str, suffix: str) -> None:
    # as a file holds it: escaped, "\ud800" in JSON (a key or value a line), "\uD800" in block YAML
    spec = with_text(field, "bad \ud800 text")
    text = json.dumps(spec, indent=1) if suffix == ".json" else yaml.safe_dump(spec, sort_keys=False)

    stderr = _refused(tmp_path, f"spec{suffix}", text)

    expected = f"spec{suffix}:{_line(text.lower(), chr(92) + 'ud800')}: {POINTERS[field]}: "
    assert expected in stderr, stderr
    assert "holds a lone surrogate U+D800, which no UTF-8 file can hold" in stderr


def test_an_escaped_surrogate_pair_in_json_is_one_character(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(with_text("title", "emoji \U0001f600"), indent=1))  # "\ud83d\ude00"

    document = load_document(spec, "spec.json")

    assert document.data["info"]["title"] == "emoji \U0001f600"
    assert document.origin.locate(("info", "title")) == ("spec.json", 4)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("&a [*a]", "alias *a is inside the node it names: a recursive structure, which JSON cannot hold"),
        ("!!binary aGVsbG8=", "not valid YAML/JSON: the YAML type !!binary has no JSON equivalent"),
        ("!!set {a, b}", "not valid YAML/JSON: the YAML type !!set has no JSON equivalent"),
        ("9" * 5000, "not valid YAML/JSON: an integer too long to read"),
    ],
    ids=["recursive alias", "binary", "set", "long integer"],
)
def test_yaml_with_no_json_equivalent_is_refused_at_its_line(tmp_path: Path, value: str, message: str) -> None:
    stderr = _refused(tmp_path, "spec.yml", HEAD + OK_PATHS + f"x-odd: {value}\n")

    assert "spec.yml:8: " in stderr and message in stderr, stderr


# ---------------------------------------------------------------------------------------------
# references


def spec_with(components: str, paths: str = OK_PATHS) -> str:
    return HEAD + paths + "components:\n" + components


SCHEMA_CYCLE = spec_with(
    "  schemas:\n"
    "    A:\n      $ref: '#/components/schemas/B'\n"
    "    B:\n      $ref: '#/components/schemas/C'\n"
    "    C:\n      $ref: '#/components/schemas/A'\n",
    OK_PATHS.replace(
        "{description: ok}",
        "{description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}",
    ),
)
PARAMETER_CYCLE = spec_with(
    "  parameters:\n    A:\n      $ref: '#/components/parameters/B'\n    B:\n      $ref: '#/components/parameters/A'\n",
    OK_PATHS.replace(
        "      responses:", "      parameters:\n        - $ref: '#/components/parameters/A'\n      responses:"
    ),
)
RESPONSE_CYCLE = spec_with(
    "  responses:\n    R1:\n      $ref: '#/components/responses/R2'\n    R2:\n      $ref: '#/components/responses/R1'\n",
    OK_PATHS.replace("{description: ok}", "{$ref: '#/components/responses/R1'}"),
)


@pytest.mark.parametrize(
    ("text", "section", "names"),
    [
        (SCHEMA_CYCLE, "schemas", ["A", "B", "C"]),
        (PARAMETER_CYCLE, "parameters", ["A", "B"]),
        (RESPONSE_CYCLE, "responses", ["R1", "R2"]),
    ],
    ids=["schemas", "parameters", "responses"],
)
def test_a_reference_cycle_is_named_with_the_line_of_each_reference(
    tmp_path: Path, text: str, section: str, names: list[str]
) -> None:
    stderr = _refused(tmp_path, "spec.yml", text)

    def place(name: str) -> str:
        return f"#/components/{section}/{name} (spec.yml:{_line(text, f'    {name}:') + 1})"

    first = f"spec.yml:{_line(text, f'    {names[0]}:') + 1}: /components/{section}/{names[0]}/$ref: "
    cycle = " -> ".join(map(place, names)) + f" -> #/components/{section}/{names[0]}"
    assert f"{first}reference cycle: {cycle}\n" in stderr, stderr
    assert "1 problem(s)" in stderr  # nothing from the validator, which would recurse forever


def test_a_long_chain_of_references_is_refused_where_it_starts(tmp_path: Path) -> None:
    text = spec_with(
        "  schemas:\n" + "".join(f"    A{n}: {{$ref: '#/components/schemas/A{n + 1}'}}\n" for n in range(30))
    )
    text += "    A30: {type: string}\n"

    stderr = _refused(tmp_path, "spec.yml", text)

    line = _line(text, "    A0:")
    assert f"spec.yml:{line}: /components/schemas/A0/$ref: a chain of 30 references to references" in stderr
    assert f"-> ... -> #/components/schemas/A29 (spec.yml:{line + 29})" in stderr


def test_schemas_nested_through_a_thousand_references_stop_the_validator_at_a_line(tmp_path: Path) -> None:
    schemas: dict[str, Any] = {
        f"A{n}": {"type": "object", "properties": {"x": {"$ref": f"#/components/schemas/A{n + 1}"}}}
        for n in range(1000)
    }
    schemas["A1000"] = {"type": "string"}
    spec = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}

    stderr = _refused(tmp_path, "spec.json", json.dumps(spec, indent=1))

    line = next(line for line in stderr.splitlines() if "validation stopped" in line)
    assert line.startswith("spec.json:") and not line.startswith("spec.json:1:"), stderr
    assert "/components/schemas/A" in line and "schemas nest too deeply here" in line


@pytest.mark.parametrize(
    ("ref", "points_to"),
    [
        ("#", "the whole document"),
        ("#/components/parameters/P", "#/components/parameters/P"),
        ("#/components/schemas/S/type", "#/components/schemas/S/type"),
    ],
)
def test_a_schema_reference_to_what_is_not_a_schema_is_refused(tmp_path: Path, ref: str, points_to: str) -> None:
    body = f"{{description: ok, content: {{application/json: {{schema: {{$ref: '{ref}'}}}}}}}}"
    text = spec_with(
        "  parameters:\n    P: {name: p, in: query, schema: {type: string}}\n  schemas:\n    S: {type: string}\n",
        OK_PATHS.replace("{description: ok}", body),
    )

    stderr = _refused(tmp_path, "spec.yml", text)

    pointer = "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    assert f"spec.yml:7: {pointer}: '{ref}' points to {points_to}, which is not a schema" in stderr


def extending(levels: int) -> str:
    """Schemas S1..S``levels`` each extending the one before through allOf."""
    schemas = "".join(
        f"    S{n}:\n      allOf:\n        - $ref: '#/components/schemas/S{n - 1}'\n" for n in range(1, levels + 1)
    )
    return spec_with("  schemas:\n    S0: {type: object}\n" + schemas)


def test_schemas_extending_more_schemas_than_the_limit_are_refused_where_the_chain_starts(tmp_path: Path) -> None:
    text = extending(12)  # S12 extends S11, which extends S10...: 12 schemas

    stderr = _refused(tmp_path, "spec.yml", text)

    line = _line(text, "    S12:")
    message = "extends more than 8 schemas through allOf (--max-allof-bases), counting those they extend"
    assert f"spec.yml:{line}: /components/schemas/S12: {message}: #/components/schemas/S12 (spec.yml:{line}) -> " in (
        stderr
    )
    assert f"-> ... -> #/components/schemas/S0 (spec.yml:{_line(text, '    S0:')})" in stderr
    assert "1 problem(s)" in stderr  # S11 extends too many too, but within the tree S12 starts


def test_a_schema_extending_many_schemas_at_once_is_refused(tmp_path: Path) -> None:
    bases = "".join(f"    B{n}: {{type: object}}\n" for n in range(9))
    refs = ", ".join(f"{{$ref: '#/components/schemas/B{n}'}}" for n in range(9))
    text = spec_with(f"  schemas:\n{bases}    All:\n      allOf: [{refs}]\n")

    stderr = _refused(tmp_path, "spec.yml", text)

    assert f"spec.yml:{_line(text, '    All:')}: /components/schemas/All: extends more than 8 schemas" in stderr


def test_a_union_wider_than_the_limit_is_refused(tmp_path: Path) -> None:
    schemas: dict[str, Any] = {f"S{n}": {"type": "object"} for n in range(1001)}
    schemas["U"] = {"oneOf": [{"$ref": f"#/components/schemas/S{n}"} for n in range(1001)]}
    spec = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}
    text = json.dumps(spec, indent=1)

    stderr = _refused(tmp_path, "spec.json", text, "--max-nodes", "100000")

    line = _line(text, '"oneOf"')
    assert f"spec.json:{line}: /components/schemas/U/oneOf: oneOf of 1,001 schemas, over the limit of 1,000" in stderr


def test_an_enum_wider_than_the_limit_is_refused(tmp_path: Path) -> None:
    text = spec_with("  schemas:\n    E:\n      enum: [" + ", ".join(map(str, range(5001))) + "]\n")

    stderr = _refused(tmp_path, "spec.yml", text)

    assert (
        f"spec.yml:{_line(text, 'enum:')}: /components/schemas/E/enum: enum of 5,001 values, over the limit" in stderr
    )


def test_an_inheritance_cycle_is_named_with_lines(tmp_path: Path) -> None:
    text = spec_with(
        "  schemas:\n"
        "    A:\n      allOf: [{$ref: '#/components/schemas/B'}, {type: object}]\n"
        "    B:\n      allOf: [{$ref: '#/components/schemas/A'}, {type: object}]\n"
    )

    stderr = _refused(tmp_path, "spec.yml", text)

    a, b = _line(text, "    A:"), _line(text, "    B:")
    cycle = f"#/components/schemas/A (spec.yml:{a}) -> #/components/schemas/B (spec.yml:{b}) -> #/components/schemas/A"
    assert f"spec.yml:{a}: /components/schemas/A: inheritance cycle through allOf: {cycle}" in stderr


# ---------------------------------------------------------------------------------------------
# what stays allowed


def test_schemas_extending_schemas_within_the_limit_validate(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yml"
    spec.write_text(extending(8))

    assert validate_document(load_document(spec, "spec.yml")) == []


def test_items_that_must_be_unique_still_are(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yml"
    spec.write_text(HEAD + OK_PATHS + "tags: [{name: a}, {name: b}, {name: a}]\n")

    errors = validate_document(load_document(spec, "spec.yml"))

    assert "spec.yml:8: /tags: [{'name': 'a'}, {'name': 'b'}, {'name': 'a'}] has non-unique elements" in map(
        str, errors
    )


def test_a_recursive_schema_is_no_cycle(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yml"
    spec.write_text(
        spec_with(
            "  schemas:\n    Node:\n      type: object\n      properties:\n"
            "        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n"
            "        parent: {$ref: '#/components/schemas/Node'}\n"
        )
    )

    assert validate_document(load_document(spec, "spec.yml")) == []


def test_specs_within_raised_limits_load(tmp_path: Path) -> None:
    spec = tmp_path / "deep.json"
    spec.write_text(nested_json(100))
    with pytest.raises(SpecErrors):
        load_document(spec, "deep.json")

    document = load_document(spec, "deep.json", Limits(max_depth=102))

    assert validate_document(document) == []


def test_yaml_merge_keys_stay_allowed(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yml"
    spec.write_text(HEAD + OK_PATHS + "x-a: &a {a: 1}\nx-b: &b {b: 2}\nx-m: {<<: *a, <<: *b, c: 3}\n")

    assert load_document(spec, "spec.yml").data["x-m"] == {"a": 1, "b": 2, "c": 3}


def test_the_project_specs_load_within_the_default_limits() -> None:
    for spec in [*sorted((ROOT / "spec").rglob("*.y*ml")), *sorted(SPECS.glob("*.y*ml"))]:
        load_document(spec, spec.name)


def test_a_long_chain_of_inheritance_is_refused_by_default_and_generated_with_a_higher_limit(tmp_path: Path) -> None:
    schemas: dict[str, object] = {"A0": {"type": "object", "properties": {"a0": {"type": "string"}}}}
    for n in range(1, 11):  # Box's spec has chains like this
        own = {"type": "object", "properties": {f"a{n}": {"type": "string"}}}
        schemas[f"A{n}"] = {"allOf": [{"$ref": f"#/components/schemas/A{n - 1}"}, own]}
    spec = tmp_path / "chain.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {},
                "components": {"schemas": schemas},
            }
        )
    )
    args: list[str | Path] = ["generate", "--spec", spec, "--out", tmp_path / "out", "--package", "chain"]
    refused = run_generator(*args)
    assert refused.returncode == 2 and "(--max-allof-bases)" in refused.stderr, refused.stderr
    generated = run_generator(*args, "--max-allof-bases", "32")  # each level's own part counts too
    assert generated.returncode == 0, generated.stderr
