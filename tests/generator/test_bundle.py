"""generator/bundle.py: a spec split over files, read as one document located file by file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from paperspace_deployments_toolkit.generator.bundle import load_bundled
from paperspace_deployments_toolkit.generator.errors import SpecErrors
from paperspace_deployments_toolkit.generator.limits import Limits


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root / "openapi.yaml"


def _display(path: Path) -> str:
    return path.name


ROOT = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    $ref: items.yaml#/A
    summary: kept
components:
  schemas:
    Person: {$ref: person.yaml}
"""


def test_files_referring_to_each_other_in_a_cycle_become_local_references(tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        {
            "openapi.yaml": ROOT,
            "items.yaml": """\
                A:
                  get:
                    responses:
                      '200':
                        description: ok
                        content:
                          application/json:
                            schema: {$ref: 'person.yaml'}
            """,
            "person.yaml": """\
                type: object
                properties:
                  pet: {$ref: 'pet.yaml'}
            """,
            "pet.yaml": """\
                type: object
                properties:
                  owner: {$ref: 'person.yaml'}
                  kind: {$ref: '#/$defs/kind'}
                $defs:
                  kind: {type: string}
            """,
        },
    )
    bundle = load_bundled(spec, _display, Limits())
    data = bundle.document.data
    schemas = data["components"]["schemas"]
    assert schemas["Person"]["properties"]["pet"] == {"$ref": "#/components/schemas/pet"}
    assert schemas["pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Person"}
    assert schemas["pet"]["properties"]["kind"] == {"$ref": "#/components/schemas/kind"}
    get = data["paths"]["/a"]["get"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Person"}
    assert data["paths"]["/a"]["summary"] == "kept", "a reference's own fields stay beside the content"
    assert [p.name for p in bundle.files] == ["openapi.yaml", "items.yaml", "person.yaml", "pet.yaml"]
    origin = bundle.document.origin
    assert origin.locate(("components", "schemas", "pet", "properties", "owner")) == ("pet.yaml", 3)
    assert origin.locate(("paths", "/a", "get", "responses")) == ("items.yaml", 3)
    assert origin.locate(("info",)) == ("openapi.yaml", 2)


def test_a_single_file_spec_is_read_once_and_as_it_is(tmp_path: Path) -> None:
    spec = _write(tmp_path, {"openapi.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"})
    bundle = load_bundled(spec, _display, Limits())
    assert bundle.files == (spec,)
    assert bundle.document.data["paths"] == {}


def test_what_the_files_hold_together_is_bounded(tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        {"openapi.yaml": ROOT, "items.yaml": "A: {description: " + "x" * 400 + "}\n", "person.yaml": "type: object\n"},
    )
    with pytest.raises(SpecErrors) as raised:
        load_bundled(spec, _display, Limits(max_bytes=400))
    (error,) = raised.value.errors
    assert (error.file, error.line) == ("openapi.yaml", 5)
    assert "hold more than 400 bytes together" in error.message


def test_a_text_a_list_or_a_whole_map_in_a_file_of_its_own_is_written_out_where_it_is(tmp_path: Path) -> None:
    """DigitalOcean keeps tag descriptions in files; SendGrid its whole components/schemas map."""
    spec = _write(
        tmp_path,
        {
            "openapi.yaml": """\
                openapi: 3.0.3
                info: {title: t, version: '1', description: {$ref: 'texts.yaml#/intro'}}
                paths: {}
                tags:
                  - {name: a, description: {$ref: 'texts.yaml#/a'}}
                components:
                  schemas: {$ref: 'schemas.yaml'}
                  parameters:
                    list: {$ref: 'list.yaml'}
            """,
            "texts.yaml": "intro: Hello.\na: About a.\n",
            "schemas.yaml": "Pet: {type: object, properties: {owner: {$ref: 'owner.yaml'}}}\n",
            "owner.yaml": "type: object\nproperties: {name: {type: string}}\n",
            "list.yaml": "name: ids\nin: query\nschema: {type: array, items: {$ref: 'owner.yaml#/properties/name'}}\n",
        },
    )
    data = load_bundled(spec, _display, Limits()).document.data
    assert (data["info"]["description"], data["tags"][0]["description"]) == ("Hello.", "About a.")
    schemas = data["components"]["schemas"]
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/owner"}
    assert schemas["owner"]["properties"]["name"] == {"type": "string"}
    assert data["components"]["parameters"]["list"]["schema"]["items"] == {"$ref": "#/components/schemas/name"}


def test_a_map_of_properties_in_a_file_of_its_own_is_a_map(tmp_path: Path) -> None:
    """DigitalOcean writes ``properties: {$ref: attributes.yml}``: the file holds properties, not a schema."""
    spec = _write(
        tmp_path,
        {
            "openapi.yaml": """\
                openapi: 3.0.3
                info: {title: t, version: '1'}
                paths: {}
                components:
                  schemas:
                    Balancer: {type: object, properties: {$ref: 'attributes.yml'}}
            """,
            "attributes.yml": "ids: {type: array, items: {type: integer}}\ntag: {type: string}\n",
        },
    )
    schemas = load_bundled(spec, _display, Limits()).document.data["components"]["schemas"]
    assert schemas == {
        "Balancer": {
            "type": "object",
            "properties": {"ids": {"type": "array", "items": {"type": "integer"}}, "tag": {"type": "string"}},
        }
    }


def test_a_part_used_twice_is_written_out_twice_and_a_recursive_one_refers_back(tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        {
            "openapi.yaml": """\
                openapi: 3.0.3
                info: {title: t, version: '1', x-tree: {$ref: 'tree.yaml'}}
                paths:
                  /a: {get: {parameters: [{$ref: 'limit.yaml'}], responses: {'204': {description: ok}}}}
                  /b: {get: {parameters: [{$ref: 'limit.yaml'}], responses: {'204': {description: ok}}}}
            """,
            "limit.yaml": "name: limit\nin: query\nschema: {type: integer}\n",
            "tree.yaml": "label: root\nchild: {$ref: '#'}\n",
        },
    )
    data = load_bundled(spec, _display, Limits()).document.data
    for path in ("/a", "/b"):
        assert data["paths"][path]["get"]["parameters"][0]["name"] == "limit", "no reference into another path"
    assert data["info"]["x-tree"] == {"label": "root", "child": {"$ref": "#/info/x-tree"}}


def test_parts_written_out_again_and_again_are_bounded_by_the_node_limit(tmp_path: Path) -> None:
    files = {"openapi.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1', x-big: {$ref: 'l0.yaml'}}\npaths: {}\n"}
    for level in range(16):  # each level refers to the next twice: 2**16 copies of the last
        files[f"l{level}.yaml"] = f"a: {{$ref: 'l{level + 1}.yaml'}}\nb: {{$ref: 'l{level + 1}.yaml'}}\n"
    files["l16.yaml"] = "leaf: true\n"
    with pytest.raises(SpecErrors) as raised:
        load_bundled(_write(tmp_path, files), _display, Limits())
    assert len(raised.value.errors) == 1
    assert (
        "once its files are bundled, the spec has more than 30,000 nodes (--max-nodes)"
        in raised.value.errors[0].message
    )
