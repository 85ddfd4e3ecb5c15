"""An OpenAPI 3.1 document (``tests/specs/openapi31.yaml``): JSON Schema 2020-12 as specs use it,
path items in components, webhooks. It generates with located warnings for what the models cannot
express, passes ``mypy --strict`` with a user program, and its client and stubs agree on the wire,
the stubs validating bodies by 3.1's rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest
from support.generator import generate_package, imported, user_program_type_checks
from support.paths import SPECS

from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

SPEC = SPECS / "openapi31.yaml"

USER_PROGRAM = """
from datetime import datetime

from shelter import AsyncClient, Client, models


def use(client: Client) -> list[object]:
    pets: list[models.Pet] = client.list_pets(species=None, min_age=1)
    cats = client.list_pets(species="cat")
    pet: models.Pet = client.create_pet(name="Rex", kind="pet", age=None, weight="heavy", tags=["a"])
    again = client.create_pet(models.NewPet(name="Tom", kind="pet", species=models.Species.cat))
    one: models.Pet = client.get_pet(pet.id)
    count: int | None = client.count_pets()
    owner = models.Owner(name="Ann", email=None)
    event = models.PetAdoptedWebhook(pet=one, adopted_at=datetime(2026, 1, 1), note=None)
    return [pets, cats, again, owner, event, count]


async def use_async(client: AsyncClient) -> models.Pet:
    return await client.get_pet("p1")
"""


@pytest.fixture(scope="module")
def generation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return generate_package(tmp_path_factory, SPEC, "shelter")


@pytest.fixture(scope="module")
def shelter(generation: tuple[Path, str]) -> Iterator[ModuleType]:
    with imported("shelter", generation[0]) as package:
        yield package


def _line_of(text: str) -> int:
    return next(n for n, line in enumerate(SPEC.read_text().splitlines(), 1) if line.strip().startswith(text))


def test_what_the_models_cannot_express_is_a_located_warning_each(generation: tuple[Path, str]) -> None:
    warnings = [line for line in generation[1].splitlines() if line.startswith("warning: ")]
    chip = "/components/schemas/NewPet/properties/chip"
    expected = {
        f"tests/specs/openapi31.yaml:{_line_of(key + ':')}: {chip}/{key}: {key} is not expressed"
        for key in ("if", "then", "unevaluatedProperties", "dependentSchemas")
    }
    assert {w.removeprefix("warning: ").split(" by the generated")[0] for w in warnings} >= expected
    assert any(f":{_line_of('prefixItems:')}: " in w and "prefixItems" in w for w in warnings)
    assert len(warnings) == 5, warnings


def test_the_package_and_a_user_program_pass_mypy_strict(generation: tuple[Path, str]) -> None:
    user_program_type_checks(generation[0], "shelter", USER_PROGRAM)


def test_the_package_declares_what_its_models_import(generation: tuple[Path, str]) -> None:
    pyproject = (generation[0] / "pyproject.toml").read_text()
    assert "EmailStr" in (generation[0] / "shelter" / "models.py").read_text()
    assert '"pydantic[email]>=2.7,<3"' in pyproject


def test_models_follow_json_schema_2020_12(shelter: ModuleType) -> None:
    models = shelter.models
    pet = models.NewPet.model_validate(
        {"name": "Rex", "kind": "pet", "age": None, "weight": "heavy", "owner": None, "tags": ["a"]}
    )
    assert (pet.age, pet.weight, pet.owner, pet.tags[0].root) == (None, "heavy", None, "a")
    with pytest.raises(pydantic.ValidationError, match="kind"):
        models.NewPet.model_validate({"name": "Rex", "kind": "cat"})  # const
    with pytest.raises(pydantic.ValidationError, match="tags"):
        models.NewPet.model_validate({"name": "Rex", "kind": "pet", "tags": ["x" * 21]})  # $defs' maxLength
    with pytest.raises(pydantic.ValidationError, match="email"):
        models.Owner(name="Ann", email="not an address")
    assert models.Tag.__name__ == "Tag", "a $defs entry is a model of its own"


def test_a_webhook_payload_parses_into_its_model(shelter: ModuleType) -> None:
    body = {"pet": {"id": "p1", "name": "Rex", "kind": "pet"}, "adoptedAt": "2026-01-02T03:04:05Z", "note": None}
    event = shelter.models.PetAdoptedWebhook.model_validate_json(json.dumps(body))
    assert (event.pet.id, event.adopted_at.year, event.note) == ("p1", 2026, None)


class Backend:
    def __init__(self, models: Any) -> None:
        self.models = models
        self.pets: dict[str, Any] = {}
        self.queries: list[tuple[Any, Any]] = []

    async def list_pets(self, context: Any, *, species: Any = None, min_age: Any = None) -> list[Any]:
        self.queries.append((species, min_age))
        return list(self.pets.values())

    async def create_pet(self, context: Any, body: Any) -> Any:
        pet = self.models.Pet(id=f"p{len(self.pets) + 1}", **body.model_dump(by_alias=True, exclude_unset=True))
        self.pets[pet.id] = pet
        return pet

    async def get_pet(self, context: Any, pet_id: str) -> Any:
        return self.pets[pet_id]

    async def count_pets(self, context: Any) -> int | None:
        return len(self.pets) or None


@pytest.fixture
def wired(shelter: ModuleType) -> Iterator[tuple[Any, Backend, httpx.Client]]:
    importlib_server = __import__("shelter.server", fromlist=["create_app"])
    backend = Backend(shelter.models)
    app = importlib_server.create_app(backend)
    http = httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver/api")
    client = shelter.Client(api_key="t", base_url="http://testserver/api", http_client=http, max_retries=0)
    yield client, backend, http
    http.close()


def test_client_and_stubs_agree_on_the_wire(wired: tuple[Any, Backend, httpx.Client]) -> None:
    client, backend, _ = wired
    created = client.create_pet(name="Rex", kind="pet", age=None, weight="heavy", tags=["good"], position=[1.5, 2])
    assert (created.id, created.age, created.weight, created.position) == ("p1", None, "heavy", [1.5, 2])
    assert client.get_pet("p1").name == "Rex", "a path item from components/pathItems is an operation"
    assert [p.id for p in client.list_pets(species="cat", min_age=1)] == ["p1"]
    assert client.count_pets() == 1, "a nullable answer (type: [integer, 'null']) parses"
    assert backend.queries == [("cat", 1)]


def test_the_stubs_validate_bodies_by_3_1_rules(wired: tuple[Any, Backend, httpx.Client]) -> None:
    _, _, http = wired
    headers = {"Authorization": "Bearer t"}
    good = {"name": "Rex", "kind": "pet", "age": None, "weight": 3.5}
    assert http.post("/pets", json=good, headers=headers).status_code == 201
    for bad, where in (
        ({**good, "kind": "cat"}, "body.kind"),  # const
        ({**good, "weight": True}, "body.weight"),  # type: [number, string]
        ({**good, "tags": ["x" * 21]}, "body.tags.0"),  # maxLength from $defs
    ):
        answer = http.post("/pets", json=bad, headers=headers)
        assert answer.status_code == 400, (bad, answer.text)
        assert where in [d["location"] for d in answer.json()["details"]], answer.json()
    min_age = http.get("/pets", params={"min_age": 0}, headers=headers)
    assert min_age.status_code == 400, "exclusiveMinimum: 0 (3.1's number form) refuses 0"
