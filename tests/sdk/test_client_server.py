"""The generated clients against the generated server stubs, through ASGI transports (no socket).

Every one of the nine operations is called through both clients; errors arrive as typed
exceptions; fields the caller never set are not sent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import paperspace_deployments as sdk
import pytest
from paperspace_deployments import models
from paperspace_deployments._server_base import TooManyRequests
from paperspace_deployments.server import create_app
from support.backend import EPOCH, MemoryBackend

from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

BASE_URL = "http://testserver/v1"
TOKENS = {"good-token": "team-a"}


async def authenticate(token: str) -> str | None:
    return TOKENS.get(token)


class Wire:
    """Every request the client put on the wire."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def record(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def json(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


@pytest.fixture
def backend() -> MemoryBackend:
    return MemoryBackend()


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def client(backend: MemoryBackend, wire: Wire) -> Iterator[sdk.Client]:
    app = create_app(backend, authenticate=authenticate)
    http = httpx.Client(transport=SyncASGITransport(app), event_hooks={"request": [wire.record]})
    with sdk.Client(api_key="good-token", base_url=BASE_URL, http_client=http) as c:
        yield c
    http.close()


def _async_client(backend: MemoryBackend, wire: Wire, api_key: str = "good-token") -> sdk.AsyncClient:
    async def record(request: httpx.Request) -> None:
        wire.record(request)

    transport = httpx.ASGITransport(app=create_app(backend, authenticate=authenticate), raise_app_exceptions=False)
    http = httpx.AsyncClient(transport=transport, event_hooks={"request": [record]})
    return sdk.AsyncClient(api_key=api_key, base_url=BASE_URL, http_client=http)


SPEC = models.DeploymentSpec(name="web", image="nginx:1", machine_type="A4000", project_id="p1")


def test_all_nine_operations_sync(client: sdk.Client, backend: MemoryBackend) -> None:
    created = client.upsert_deployment(SPEC)
    assert (created.id, created.name, created.state) == ("dep-web", "web", models.State.deploying)
    client.upsert_deployment(SPEC.model_copy(update={"replicas": 3}))

    assert client.get_deployment("dep-web").replicas == 3
    assert [d.id for d in client.list_deployments()] == ["dep-web"]
    assert [d.id for d in client.list_project_deployments("p1")] == ["dep-web"]
    assert [d.id for d in client.list_project_deployments("other")] == []
    runs = client.list_deployment_runs("dep-web")
    assert runs[0].deployment_id == "dep-web" and runs[0].dt_started == EPOCH
    start = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    metrics = client.get_deployment_metrics("dep-web", start=start, end=start)
    assert metrics.series[0].values[0].t == start
    assert [line.message for line in client.get_deployment_logs("dep-web", limit=2)] == ["line 3", "line 4"]
    assert [r.revision for r in client.get_deployment_history("dep-web")] == [1, 2]
    client.delete_deployment("dep-web")
    with pytest.raises(sdk.NotFoundError):
        client.get_deployment("dep-web")
    assert set(backend.principals) == {"team-a"}


def test_all_nine_operations_async(backend: MemoryBackend, wire: Wire) -> None:
    async def scenario() -> None:
        async with _async_client(backend, wire) as client:
            created = await client.upsert_deployment(SPEC)
            assert (await client.get_deployment(created.id)).name == "web"
            page = await client.list_deployments(limit=5)
            assert [d.id async for d in page] == ["dep-web"]
            project_page = await client.list_project_deployments("p1")
            assert [d.id async for d in project_page] == ["dep-web"]
            assert len(await client.list_deployment_runs(created.id)) == 1
            assert (await client.get_deployment_metrics(created.id)).deployment_id == created.id
            assert len(await client.get_deployment_logs(created.id)) == 5
            assert len(await client.get_deployment_history(created.id)) == 1
            await client.delete_deployment(created.id)
            with pytest.raises(sdk.NotFoundError):
                await client.get_deployment_history(created.id)

    asyncio.run(scenario())
    assert [r.url.path for r in wire.requests][:2] == ["/v1/deployments", "/v1/deployments/dep-web"]


def test_unset_fields_are_omitted_not_sent_as_null(client: sdk.Client, wire: Wire) -> None:
    client.upsert_deployment(models.DeploymentSpec(name="web", image="nginx:1", machine_type="A4000"))
    assert wire.json() == {"name": "web", "image": "nginx:1", "machineType": "A4000"}
    assert wire.requests[-1].headers["content-type"] == "application/json"


def test_explicit_values_are_sent_with_wire_names(client: sdk.Client, wire: Wire) -> None:
    spec = models.DeploymentSpec(
        name="web",
        image="nginx:1",
        machine_type="A4000",
        replicas=0,
        env={"A": "1"},
        autoscaling=models.AutoscalingPolicy(min=1, max=3, metric=models.Metric.cpu),
    )
    client.upsert_deployment(spec)
    sent = wire.json()
    assert sent["replicas"] == 0 and sent["env"] == {"A": "1"}
    assert sent["autoscaling"] == {"min": 1, "max": 3, "metric": "cpu"}


def test_unset_optional_query_parameters_are_not_sent(client: sdk.Client, wire: Wire) -> None:
    client.upsert_deployment(SPEC)
    client.get_deployment_metrics("dep-web")
    assert wire.requests[-1].url.query == b""
    client.list_deployments(limit=7)
    assert wire.requests[-1].url.params == httpx.QueryParams({"limit": "7"})


def test_pages_are_iterated_lazily_across_every_page(client: sdk.Client, wire: Wire) -> None:
    for n in range(5):
        client.upsert_deployment(SPEC.model_copy(update={"name": f"d{n}"}))
    before = len(wire.requests)

    page = client.list_deployments(limit=2)

    assert page.has_more is True and [d.name for d in page.page.items] == ["d0", "d1"]
    assert len(wire.requests) == before + 1, "only the first page is fetched up front"
    assert [d.name for d in page] == ["d0", "d1", "d2", "d3", "d4"]
    assert len(wire.requests) == before + 3
    assert [len(p.items) for p in page.iter_pages()] == [2, 2, 1]
    cursors = [r.url.params.get("after") for r in wire.requests[before:]]
    assert cursors[:3] == [None, "dep-d1", "dep-d3"]


def test_a_repeated_cursor_raises_instead_of_looping(backend: MemoryBackend, client: sdk.Client) -> None:
    client.upsert_deployment(SPEC)

    async def stuck(context: Any, *, after: str | None, limit: int) -> models.DeploymentList:
        return models.DeploymentList(items=list(backend.deployments.values()), has_more=True, next_page="same")

    backend.list_deployments = stuck  # type: ignore[method-assign]
    with pytest.raises(sdk.APIError, match="repeated the cursor 'same'"):
        list(client.list_deployments())


@pytest.mark.parametrize(
    ("failure", "error_class", "status", "code"),
    [
        (TooManyRequests("slow down", headers={"Retry-After": "0"}), sdk.RateLimitError, 429, "TOO_MANY_REQUESTS"),
        (RuntimeError("boom"), sdk.InternalServerError, 500, "INTERNAL_SERVER_ERROR"),
    ],
)
def test_server_failures_raise_typed_errors(
    client: sdk.Client,
    backend: MemoryBackend,
    failure: Exception,
    error_class: type[sdk.APIStatusError],
    status: int,
    code: str,
) -> None:
    backend.fail_next = [failure] * 3
    with pytest.raises(error_class) as raised:
        client.list_deployments(max_retries=0)
    assert (raised.value.status_code, raised.value.code) == (status, code)
    assert "Traceback" not in raised.value.response.text


def test_not_found_carries_code_message_and_body(client: sdk.Client) -> None:
    with pytest.raises(sdk.NotFoundError) as raised:
        client.get_deployment("nope")
    error = raised.value
    assert (error.status_code, error.code, error.message) == (404, "NOT_FOUND", "Deployment nope not found")
    assert error.body == {"code": "NOT_FOUND", "message": "Deployment nope not found"}


def test_out_of_range_parameter_is_a_bad_request(client: sdk.Client) -> None:
    with pytest.raises(sdk.BadRequestError) as raised:
        client.list_deployments(limit=0)
    assert raised.value.code == "BAD_REQUEST"
    assert raised.value.body["details"][0]["location"] == "query.limit"


def test_unknown_key_is_an_authentication_error(backend: MemoryBackend, wire: Wire) -> None:
    async def call() -> None:
        async with _async_client(backend, wire, api_key="stolen") as client:
            await client.list_deployments()

    with pytest.raises(sdk.AuthenticationError) as raised:
        asyncio.run(call())
    assert raised.value.code == "UNAUTHORIZED"
    assert backend.principals == [], "the backend is never reached without a valid token"


def test_retries_a_rate_limited_call_honouring_retry_after(
    client: sdk.Client, backend: MemoryBackend, wire: Wire
) -> None:
    backend.fail_next = [TooManyRequests("slow down", headers={"Retry-After": "0"})] * 2
    page = client.list_deployments(max_retries=2)
    assert page.items == []
    assert len(wire.requests) == 3


def test_empty_path_parameter_is_refused_before_sending(client: sdk.Client, wire: Wire) -> None:
    for bad in ("", ".", ".."):
        with pytest.raises(ValueError, match="Path parameter 'id' must be a non-empty value"):
            client.delete_deployment(bad)
    assert wire.requests == []


def test_key_and_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", "from-env")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:1/v1")
    client = sdk.Client()
    assert str(client.base_url) == "http://127.0.0.1:1/v1"
    assert "from-env" not in repr(client)
    monkeypatch.delenv("PAPERSPACE_API_KEY")
    with pytest.raises(sdk.APIError, match="PAPERSPACE_API_KEY"):
        sdk.Client()
    monkeypatch.delenv("PAPERSPACE_API_URL")
    assert str(sdk.Client(api_key="k").base_url) == "https://api.paperspace.com/v1"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's waits between retries, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr("paperspace_deployments._base_client.time.sleep", recorded.append)
    return recorded


def test_retry_after_seconds_are_honoured(client: sdk.Client, backend: MemoryBackend, sleeps: list[float]) -> None:
    backend.fail_next = [TooManyRequests("slow down", headers={"Retry-After": "2"})]
    client.list_deployments()
    assert sleeps == [2.0]


def test_a_retry_after_beyond_the_cap_is_not_waited_for(
    client: sdk.Client, backend: MemoryBackend, wire: Wire, sleeps: list[float]
) -> None:
    backend.fail_next = [TooManyRequests("come back tomorrow", headers={"Retry-After": "86400"})]
    with pytest.raises(sdk.RateLimitError):
        client.list_deployments()
    assert (len(wire.requests), sleeps) == (1, [])


def test_backoff_grows_with_jitter_and_stops_at_max_retries(
    client: sdk.Client, backend: MemoryBackend, wire: Wire, sleeps: list[float]
) -> None:
    from paperspace_deployments._server_base import BackendError

    backend.fail_next = [BackendError("down", status_code=503) for _ in range(4)]
    with pytest.raises(sdk.InternalServerError) as raised:
        client.list_deployments(max_retries=3)
    assert raised.value.status_code == 503
    assert len(wire.requests) == 4
    for attempt, delay in enumerate(sleeps):
        assert 0.75 * 0.5 * 2**attempt <= delay <= 0.5 * 2**attempt


def _failing_client(error: Exception, calls: list[httpx.Request]) -> sdk.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise error

    return sdk.Client(api_key="k", base_url=BASE_URL, http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_connection_errors_are_retried_then_raised(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []
    client = _failing_client(httpx.ConnectError("refused"), calls)
    with pytest.raises(sdk.APIConnectionError, match="refused"):
        client.get_deployment("x", max_retries=2)
    assert len(calls) == 3 and len(sleeps) == 2


def test_timeouts_raise_the_timeout_error(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []
    with pytest.raises(sdk.APITimeoutError):
        _failing_client(httpx.ReadTimeout("slow"), calls).get_deployment("x", max_retries=1)
    assert len(calls) == 2


def test_errors_that_would_repeat_are_not_retried(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []
    with pytest.raises(sdk.APIConnectionError):
        _failing_client(httpx.UnsupportedProtocol("no such scheme"), calls).get_deployment("x")
    assert (len(calls), sleeps) == (1, [])
