"""generator/normalise.py: one pure pass makes every naming decision and spec change."""

from __future__ import annotations

import copy
from pathlib import Path

from support.spec_text import load_text

from paperspace_deployments_toolkit.generator.normalise import describe_models, normalise

SPEC = """\
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets:
    post:
      operationId: createPet
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties: {name: {type: string, pattern: '(?<=a)b'}}
      responses:
        '201':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/pet-record'}
    get:
      responses:
        '200': {description: ok}
components:
  schemas:
    pet-record:
      type: object
      properties: {name: {type: string}}
    class: {type: string}
"""


def test_names_hoisting_and_patterns(tmp_path: Path) -> None:
    doc = load_text(tmp_path, "spec.yml", SPEC)
    before = copy.deepcopy(doc.data)
    result = normalise(doc)
    assert doc.data == before, "the input document is not changed"
    assert set(result.spec["components"]["schemas"]) == {"PetRecord", "Class", "CreatePetRequest"}
    post = result.spec["paths"]["/pets"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreatePetRequest"
    }
    assert post["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PetRecord"
    }
    assert result.operation_names == {("/pets", "post"): "create_pet", ("/pets", "get"): "get_pets"}
    hoisted = result.spec["components"]["schemas"]["CreatePetRequest"]
    assert "pattern" not in hoisted["properties"]["name"], "a pattern pydantic cannot compile is dropped"
    (warning,) = result.warnings
    assert str(warning).startswith("spec.yml:12: /paths/~1pets/post/requestBody/content/application~1json/schema")
    assert result.errors == []


def test_a_rename_that_takes_a_method_name_twice_is_an_error(tmp_path: Path) -> None:
    text = SPEC.replace("operationId: createPet", "operationId: createPet\n      x-python-name: get_pets")
    text = text.replace("    get:\n", "    get:\n      x-python-name: get_pets\n")
    errors = normalise(load_text(tmp_path, "spec.yml", text)).errors
    assert len(errors) == 1 and "is taken by another method" in errors[0].message


def test_describing_models_makes_a_new_spec(tmp_path: Path) -> None:
    spec = normalise(load_text(tmp_path, "spec.yml", SPEC)).spec
    before = copy.deepcopy(spec)
    described = describe_models(spec, {"PetRecord": {"returned by": ["`create_pet`"]}})
    assert spec == before
    schemas = described["components"]["schemas"]
    assert schemas["PetRecord"]["description"] == "The spec's `PetRecord` schema: returned by `create_pet`."
    assert schemas["Class"]["description"] == "The spec's `Class` schema: used by no operation."
