"""The generator is generic: another spec with the awkward parts of OpenAPI 3.0 gives a package
that imports, type-checks under ``mypy --strict``, lints clean, and works end to end."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

USER_PROGRAM = """
from zoo import AsyncClient, Client, models


def use(client: Client) -> list[models.Pet]:
    pets = client.get_pets(class_="mammal", kind="cat", tags=["a", "b"], x_trace_id="t-1")
    created: models.Pet = client.create_pet(models.CreatePetRequest(pet=pets[0], import_=True))
    one: models.GetPetResponse = client.get_pet(7)
    client.delete(7)
    return [created, *pets] if one.owner is None else pets


async def use_async(client: AsyncClient) -> models.GetPetResponse:
    return await client.get_pet(1, timeout=2.0, max_retries=0)
"""


@pytest.fixture(scope="module")
def zoo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from support.generator import run_generator
    from support.paths import SPECS

    out = tmp_path_factory.mktemp("zoo")
    result = run_generator("generate", "--spec", SPECS / "features.yml", "--out", out, "--package", "zoo")
    assert result.returncode == 0, result.stderr
    (out / "use_zoo.py").write_text(textwrap.dedent(USER_PROGRAM))
    return out


@pytest.fixture(scope="module")
def zoo(zoo_dir: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(zoo_dir))
    try:
        importlib.import_module("zoo.server")  # an optional part: not imported by the package itself
        yield importlib.import_module("zoo")
    finally:
        sys.path.remove(str(zoo_dir))


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_package_and_a_user_program_pass_mypy_strict(zoo_dir: Path) -> None:
    result = _run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "zoo", "use_zoo.py"], zoo_dir)
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_passes_ruff(zoo_dir: Path) -> None:
    result = _run([sys.executable, "-m", "ruff", "check", "--isolated", "zoo"], zoo_dir)
    assert result.returncode == 0, result.stdout


def test_awkward_names_become_python_names(zoo: ModuleType) -> None:
    client = zoo.Client
    assert hasattr(client, "get_pets"), "an operation without operationId is named from method and path"
    assert hasattr(client, "get_pet") and hasattr(client, "delete")
    assert hasattr(zoo.models, "FieldModel"), "a schema named like a pydantic import is renamed"
    body = zoo.models.CreatePetRequest.model_validate({"pet": {"name": "Rex", "kind": "dog"}, "import": True})
    assert body.import_ is True


class _Recorder:
    def __init__(self, zoo: ModuleType) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.models = zoo.models


def _backend(zoo: ModuleType, recorder: _Recorder) -> Any:
    models = zoo.models
    base: Any = zoo.server.UnimplementedBackend

    class ZooBackend(base):  # type: ignore[misc]
        async def get_pets(self, context: Any, **query: Any) -> list[Any]:
            recorder.calls.append(("get_pets", {**query, "principal": context.principal}))
            return [models.Pet(models.Dog(name="Rex", kind="dog", good=True))]

        async def get_pet(self, context: Any, pet_id: int) -> Any:
            recorder.calls.append(("get_pet", {"pet_id": pet_id, "principal": context.principal}))
            return models.GetPetResponse(owner=None)

        async def create_pet(self, context: Any, body: Any) -> Any:
            recorder.calls.append(("create_pet", {"body": body}))
            return body.pet

    return ZooBackend()


@pytest.fixture
def zoo_client(zoo: ModuleType) -> Iterator[tuple[Any, _Recorder]]:
    recorder = _Recorder(zoo)
    app = zoo.server.create_app(_backend(zoo, recorder))
    with httpx.Client(transport=SyncASGITransport(app)) as http:
        yield zoo.Client(api_key="secret", base_url="http://testserver/api", http_client=http), recorder


def test_client_and_stubs_agree_on_every_kind_of_parameter(zoo_client: tuple[Any, _Recorder]) -> None:
    client, recorder = zoo_client

    pets = client.get_pets(class_="mammal", kind="cat", tags=["a", "b"], x_trace_id="t-1")

    assert pets[0].root.name == "Rex"
    assert recorder.calls[-1][1] == {
        "class_": "mammal",
        "kind": "cat",
        "tags": ["a", "b"],
        "x_trace_id": "t-1",
        "principal": "secret",
    }


def test_hoisted_body_and_discriminated_union_round_trip(zoo_client: tuple[Any, _Recorder], zoo: ModuleType) -> None:
    client, recorder = zoo_client
    cat = zoo.models.Pet(zoo.models.Cat(name="Tom", kind="cat", lives=9))

    created = client.create_pet(zoo.models.CreatePetRequest(pet=cat))

    assert isinstance(created.root, zoo.models.Cat) and created.root.lives == 9
    sent = recorder.calls[-1][1]["body"]
    assert sent.import_ is None and "import" not in sent.model_dump(by_alias=True, exclude_unset=True)


def test_path_level_integer_parameter_and_operation_without_security(zoo_client: tuple[Any, _Recorder]) -> None:
    client, recorder = zoo_client

    answer = client.get_pet(7)

    assert answer.owner is None
    assert recorder.calls[-1] == ("get_pet", {"pet_id": 7, "principal": None})


def test_unimplemented_operation_is_501_and_a_typed_error(zoo_client: tuple[Any, _Recorder], zoo: ModuleType) -> None:
    client, _ = zoo_client
    with pytest.raises(zoo.APIStatusError) as raised:
        client.delete(7)
    assert raised.value.status_code == 501
    assert raised.value.code == "NOT_IMPLEMENTED"


def test_server_rejects_a_non_integer_path_parameter(zoo: ModuleType) -> None:
    recorder = _Recorder(zoo)
    app = zoo.server.create_app(_backend(zoo, recorder))
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver") as http:
        response = http.get("/api/pets/seven")
    assert response.status_code == 400
    assert response.json()["details"][0]["location"] == "path.pet_id"
    assert recorder.calls == []


def test_names_that_collide_with_the_runtime_and_text_that_breaks_docstrings(tmp_path: Path) -> None:
    from support.generator import run_generator
    from support.paths import SPECS

    out = tmp_path / "awk"
    result = run_generator("generate", "--spec", SPECS / "awkward.yml", "--out", out, "--package", "awk")

    assert result.returncode == 0, result.stderr
    assert (
        "parameter 'filter': only scalar and array parameters are supported; operation 'search' left out"
        in result.stderr
    )
    client = (out / "awk" / "_client.py").read_text()
    assert "def with_options_(" in client, "an operation may not replace the client's own with_options"
    assert "def close_(" in client and "backend_: str | None = None" in client
    assert "result_: int | None = None" in client
    checked = _run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "awk"], out)
    assert checked.returncode == 0, checked.stdout
    sys.path.insert(0, str(out))
    try:
        awk = importlib.import_module("awk")
        importlib.import_module("awk.server")
    finally:
        sys.path.remove(str(out))
    assert awk.Client.__doc__ and "Awkward" in awk.Client.__doc__
    assert callable(awk.Client.with_options) and callable(awk.Client.with_options_)
    assert 'Has """ triple quotes, a \\N{BULLET} escape' in (awk.Client.close_.__doc__ or "")


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ({"cursorParam": "page"}, "x-pagination: itemsField is required; hasMoreField is required"),
        (
            {"cursorParam": "after", "itemsField": ["items"], "hasMoreField": "more", "nextCursorField": "n"},
            "x-pagination: itemsField must be a str",
        ),
        ("yes", "x-pagination: must be a mapping"),
    ],
)
def test_malformed_extension_is_a_located_error(tmp_path: Path, extension: object, message: str) -> None:
    import json

    from support.generator import run_generator

    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "parameters": [{"in": "query", "name": "after", "schema": {"type": "string"}}],
                    "x-pagination": extension,
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, indent=1))

    result = run_generator("generate", "--spec", path, "--out", tmp_path / "out")

    assert result.returncode == 2
    assert "spec.json:" in result.stderr and "/paths/~1items/get/x-pagination: " + message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_call_that_is_not_idempotent_is_retried_only_when_refused(
    zoo: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """createPet is a POST without x-idempotent: a 503 may have created the pet, a 429 did not."""
    monkeypatch.setattr(f"{zoo.__name__}._base_client.time.sleep", lambda seconds: None)
    from_server = importlib.import_module("zoo._server_base")
    failures = [
        from_server.BackendError("down", status_code=503),
        from_server.TooManyRequests("wait", headers={"Retry-After": "0"}),
    ]
    recorder = _Recorder(zoo)
    backend = _backend(zoo, recorder)
    original = backend.create_pet
    attempts: list[int] = []

    async def flaky(context: Any, body: Any) -> Any:
        attempts.append(1)
        if failures:
            raise failures.pop(0)
        return await original(context, body)

    backend.create_pet = flaky
    cat = zoo.models.Pet(zoo.models.Cat(name="Tom", kind="cat"))
    with httpx.Client(transport=SyncASGITransport(zoo.server.create_app(backend))) as http:
        client = zoo.Client(api_key="k", base_url="http://testserver/api", http_client=http)
        with pytest.raises(zoo.InternalServerError):
            client.create_pet(zoo.models.CreatePetRequest(pet=cat))
        assert len(attempts) == 1, "a 503 on a POST is not retried"
        assert client.create_pet(zoo.models.CreatePetRequest(pet=cat)).root.name == "Tom"
        assert len(attempts) == 3, "a 429 is retried even on a POST"
