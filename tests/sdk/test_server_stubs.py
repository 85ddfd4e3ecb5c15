"""The generated FastAPI stubs answer HTTP the way the effective spec documents, with any backend."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from paperspace_deployments.server import UnimplementedBackend, create_app
from support.backend import MemoryBackend
from support.paths import ROOT

from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

AUTH = {"Authorization": "Bearer any-token"}
GENERATED_SPEC = ROOT / "generated" / "openapi.json"
VALID = {"name": "web", "image": "nginx:1", "machineType": "A4000"}


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    app = create_app(MemoryBackend(), max_body_bytes=2048)
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver") as client:
        yield client


def _is_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, object] = response.json()
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    return body


def test_missing_token_is_401_with_a_challenge(http: httpx.Client) -> None:
    response = http.get("/v1/deployments")
    _is_error(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer    ", "token"])
def test_malformed_authorization_is_401(http: httpx.Client, header: str) -> None:
    _is_error(http.get("/v1/deployments", headers={"Authorization": header}), 401, "UNAUTHORIZED")


def test_invalid_body_is_400_listing_every_problem(http: httpx.Client) -> None:
    body = {"name": "", "image": 5, "replicas": -1, "ports": [70000]}
    error = _is_error(http.post("/v1/deployments", json=body, headers=AUTH), 400, "BAD_REQUEST")
    locations = {problem["location"] for problem in error["details"]}  # type: ignore[attr-defined]
    assert locations == {"body.name", "body.image", "body.machineType", "body.replicas", "body.ports.0"}


def test_malformed_json_is_400(http: httpx.Client) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    error = _is_error(http.post("/v1/deployments", content=b"{not json", headers=headers), 400, "BAD_REQUEST")
    assert "JSON" in str(error["message"])


def test_body_of_another_media_type_is_400_naming_the_content_type(http: httpx.Client) -> None:
    headers = {**AUTH, "Content-Type": "text/plain"}
    error = _is_error(http.post("/v1/deployments", content=json.dumps(VALID), headers=headers), 400, "BAD_REQUEST")
    assert "expected application/json, got text/plain" in str(error["message"])


def test_too_large_body_is_413(http: httpx.Client) -> None:
    body = {**VALID, "env": {"BIG": "x" * 4096}}
    _is_error(http.post("/v1/deployments", json=body, headers=AUTH), 413, "PAYLOAD_TOO_LARGE")


def test_wrong_method_is_405_with_every_allowed_method(http: httpx.Client) -> None:
    response = http.put("/v1/deployments", headers=AUTH)
    _is_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, POST"


def test_unknown_route_is_404_in_the_error_shape(http: httpx.Client) -> None:
    _is_error(http.get("/v1/nothing-here", headers=AUTH), 404, "NOT_FOUND")
    _is_error(http.get("/v1/deployments/", headers=AUTH), 404, "NOT_FOUND")


def test_success_status_and_empty_body_follow_the_spec(http: httpx.Client) -> None:
    created = http.post("/v1/deployments", json=VALID, headers=AUTH)
    assert created.status_code == 200
    assert "clusterId" not in created.json(), "a field the backend never set is omitted, not null"
    deleted = http.delete(f"/v1/deployments/{created.json()['id']}", headers=AUTH)
    assert (deleted.status_code, deleted.content) == (204, b"")


def test_spec_default_reaches_the_backend(http: httpx.Client) -> None:
    for n in range(25):
        http.post("/v1/deployments", json={**VALID, "name": f"d{n}"}, headers=AUTH)
    page = http.get("/v1/deployments", headers=AUTH).json()
    assert len(page["items"]) == 20 and page["hasMore"] is True


def test_the_effective_spec_is_served(http: httpx.Client) -> None:
    response = http.get("/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(GENERATED_SPEC.read_text())


def test_unimplemented_operations_answer_501() -> None:
    app = create_app(UnimplementedBackend())
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://testserver") as client:
        error = _is_error(client.get("/v1/deployments/x/logs", headers=AUTH), 501, "NOT_IMPLEMENTED")
    assert "getDeploymentLogs" in str(error["message"])


def test_chunked_body_over_the_limit_is_413(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "web", "image": "nginx:1", "machineType": "A4000", "env": {"BIG": "'
        for _ in range(8):
            yield b"x" * 512
        yield b'"}}'

    response = http.post("/v1/deployments", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    _is_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_null_for_a_field_that_may_be_absent_but_not_null_is_400(http: httpx.Client) -> None:
    body = {**VALID, "replicas": None, "autoscaling": {"metric": None}}
    error = _is_error(http.post("/v1/deployments", json=body, headers=AUTH), 400, "BAD_REQUEST")
    locations = {problem["location"] for problem in error["details"]}  # type: ignore[attr-defined]
    assert locations == {"body.replicas", "body.autoscaling.metric"}


def test_body_is_checked_only_after_the_caller_is_known(http: httpx.Client) -> None:
    response = http.post("/v1/deployments", json={**VALID, "replicas": None})
    _is_error(response, 401, "UNAUTHORIZED")
