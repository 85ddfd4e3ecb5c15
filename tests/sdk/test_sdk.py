"""The generated SDK's behaviour, each with both clients (the ``flavor`` fixture), through
``httpx.MockTransport``: configuration, timeouts, retries, errors, pages, calls, raw responses and
parsing. ``test_sdk_emulator.py`` does the same against the emulator's fault injection.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from typing import Any

import httpx
import paperspace_deployments as sdk
import pydantic
import pytest
from paperspace_deployments import models
from paperspace_deployments._base_client import DEFAULT_TIMEOUT
from paperspace_deployments._enums import is_known
from support.sdk_flavors import BASE, KEY, Flavor


def deployment(id: str = "dep-1", **fields: Any) -> dict[str, Any]:
    return {
        "id": id,
        "name": id,
        "image": "nginx:1",
        "projectId": "p1",
        "machineType": "A4000",
        "replicas": 1,
        "state": "ready",
        "dtCreated": "2026-01-01T00:00:00Z",
        **fields,
    }


class Server:
    """A scripted server: answers from a queue (then a default), and records every request."""

    def __init__(self, *answers: httpx.Response | Exception, default: httpx.Response | None = None) -> None:
        self.answers = list(answers)
        self.default = default or httpx.Response(200, json=deployment())
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else self.default
        if isinstance(answer, Exception):
            raise answer
        return answer

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


def error(status: int, code: str = "X", message: str = "m", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message}, headers=headers)


# configuration


def test_a_missing_key_is_an_error_at_construction(flavor: Flavor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERSPACE_API_KEY", raising=False)
    cls = sdk.AsyncClient if flavor.is_async else sdk.Client
    with pytest.raises(sdk.APIError, match="PAPERSPACE_API_KEY"):
        cls()
    monkeypatch.setenv("PAPERSPACE_API_KEY", "from-env")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:9/v1")
    client = cls()
    assert (client._api_key.value, str(client.base_url)) == ("from-env", "http://127.0.0.1:9/v1")


def test_the_key_is_sent_but_never_shown(flavor: Flavor, caplog: pytest.LogCaptureFixture, waits: list[float]) -> None:
    server = Server(error(401, "UNAUTHORIZED", "bad key"), httpx.ConnectError("refused"))
    client = flavor.client(server, max_retries=0)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(sdk.AuthenticationError) as auth_error:
        flavor.run(client.get_deployment("d"))
    with pytest.raises(sdk.APIConnectionError) as connection_error:
        flavor.run(client.get_deployment("d"))
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    shown = [repr(client), repr(client.with_options(timeout=1)), caplog.text]
    shown += [str(e.value) + repr(e.value) for e in (auth_error, connection_error)]
    assert caplog.text and not [text for text in shown if KEY in text]


def test_with_options_is_a_copy_sharing_the_connections(flavor: Flavor, waits: list[float]) -> None:
    server = Server(error(503), error(503))
    client = flavor.client(server, max_retries=3)
    quick = client.with_options(max_retries=0, timeout=2.5, default_headers={"X-Team": "a"})
    with pytest.raises(sdk.InternalServerError):
        flavor.run(quick.get_deployment("d"))
    assert len(server.requests) == 1 and client.max_retries == 3
    assert server.requests[0].headers["X-Team"] == "a"
    assert server.requests[0].extensions["timeout"] == httpx.Timeout(2.5).as_dict()
    assert quick._http is client._http and quick._api_key.value == KEY


def test_context_managers_close_their_own_connections(flavor: Flavor) -> None:
    if flavor.is_async:

        async def use() -> Any:
            async with sdk.AsyncClient(api_key=KEY, base_url=BASE) as client:
                return client

        client = flavor.run(use())
    else:
        with sdk.Client(api_key=KEY, base_url=BASE) as client:
            pass
    assert client._http.is_closed


def test_a_borrowed_http_client_is_left_open(flavor: Flavor) -> None:
    client = flavor.client(Server())
    flavor.run(client.close())
    assert not client._http.is_closed


# timeouts


def test_timeouts_default_on_and_overridable_per_client_and_call(flavor: Flavor) -> None:
    server = Server()
    client = flavor.client(server)
    assert client.timeout == DEFAULT_TIMEOUT and DEFAULT_TIMEOUT.connect and DEFAULT_TIMEOUT.read
    flavor.run(client.get_deployment("a"))
    flavor.run(client.with_options(timeout=3).get_deployment("b"))
    flavor.run(client.get_deployment("c", timeout=httpx.Timeout(1, connect=0.5)))
    sent = [r.extensions["timeout"] for r in server.requests]
    assert sent == [
        DEFAULT_TIMEOUT.as_dict(),
        httpx.Timeout(3).as_dict(),
        httpx.Timeout(1, connect=0.5).as_dict(),
    ]


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (httpx.ReadTimeout("slow"), sdk.APITimeoutError),
        (httpx.ConnectTimeout("slow"), sdk.APITimeoutError),
        (httpx.ConnectError("refused"), sdk.APIConnectionError),
        (httpx.RemoteProtocolError("closed"), sdk.APIConnectionError),
    ],
)
def test_transport_failures_are_retried_then_raised(
    flavor: Flavor, waits: list[float], failure: Exception, raised: type[Exception]
) -> None:
    server = Server(*[failure] * 3)
    with pytest.raises(raised) as caught:
        flavor.run(flavor.client(server).get_deployment("d"))
    assert len(server.requests) == 3 and len(waits) == 2  # max_retries=2 by default
    assert caught.value.__cause__ is failure


# retries


def test_retry_after_in_seconds_and_as_an_http_date(flavor: Flavor, waits: list[float]) -> None:
    in_30_s = email.utils.formatdate(time.time() + 30, usegmt=True)
    server = Server(error(429, **{"Retry-After": "2"}), error(503, **{"Retry-After": in_30_s}))
    assert flavor.run(flavor.client(server).get_deployment("d")).id == "dep-1"
    assert waits[0] == 2.0 and 25 <= waits[1] <= 30 and len(server.requests) == 3


def test_a_retry_after_beyond_the_cap_raises_at_once(flavor: Flavor, waits: list[float]) -> None:
    server = Server(error(429, "TOO_MANY_REQUESTS", "tomorrow", **{"Retry-After": "86400"}))
    with pytest.raises(sdk.RateLimitError):
        flavor.run(flavor.client(server).get_deployment("d"))
    assert (len(server.requests), waits) == (1, [])


def test_backoff_doubles_with_jitter_and_is_bounded(flavor: Flavor, waits: list[float]) -> None:
    server = Server(default=error(500))
    with pytest.raises(sdk.InternalServerError):
        flavor.run(flavor.client(server, max_retries=7).get_deployment("d"))
    assert len(server.requests) == 8 and len(waits) == 7
    for attempt, wait in enumerate(waits):
        ceiling = min(0.5 * 2**attempt, 8.0)
        assert 0.75 * ceiling <= wait <= ceiling


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses(flavor: Flavor, waits: list[float], status: int) -> None:
    server = Server(error(status))
    flavor.run(flavor.client(server).get_deployment("d"))
    assert len(server.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422, 501])
def test_other_statuses_are_not_retried(flavor: Flavor, waits: list[float], status: int) -> None:
    server = Server(error(status))
    with pytest.raises(sdk.APIStatusError):
        flavor.run(flavor.client(server).get_deployment("d"))
    assert (len(server.requests), waits) == (1, [])


def test_max_retries_per_client_and_per_call(flavor: Flavor, waits: list[float]) -> None:
    server = Server(default=error(503))
    client = flavor.client(server, max_retries=1)
    with pytest.raises(sdk.InternalServerError):
        flavor.run(client.get_deployment("d"))
    with pytest.raises(sdk.InternalServerError):
        flavor.run(client.get_deployment("d", max_retries=4))
    with pytest.raises(sdk.InternalServerError):
        flavor.run(client.get_deployment("d", max_retries=0))
    assert len(server.requests) == 2 + 5 + 1


def test_a_call_not_safe_to_repeat_is_retried_only_when_nothing_was_done(flavor: Flavor, waits: list[float]) -> None:
    server = Server(error(503), error(429), httpx.ConnectError("refused"), httpx.ReadTimeout("slow"))
    client = flavor.client(server)

    def once() -> Any:  # the runtime's call as a generated method makes it, marked not idempotent
        return flavor.run(client._request(type(None), "post", "/things", idempotent=False))

    with pytest.raises(sdk.InternalServerError):
        once()  # a 5xx may have done the work
    with pytest.raises(sdk.APITimeoutError):
        once()  # 429 and a refused connection are retried; a read timeout may have done the work
    assert len(server.requests) == 4


def test_the_async_client_lets_other_tasks_run_while_it_waits(flavor: Flavor) -> None:
    if not flavor.is_async:
        pytest.skip("the sync client waits in its own thread")
    other_task_ran = asyncio.Event()
    seen_at_retry: list[bool] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if not seen_at_retry and not hasattr(handler, "first"):
            handler.first = True  # type: ignore[attr-defined]
            return error(429, **{"Retry-After": "0.05"})
        seen_at_retry.append(other_task_ran.is_set())
        return httpx.Response(200, json=deployment())

    async def other_task() -> None:
        other_task_ran.set()

    async def scenario() -> None:
        client = flavor.client(handler)
        call = asyncio.create_task(client.get_deployment("d"))
        await asyncio.sleep(0)  # the call starts and reaches its pause first
        other = asyncio.create_task(other_task())
        await asyncio.gather(call, other)

    flavor.run(scenario())
    assert seen_at_retry == [True]


# errors


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, sdk.BadRequestError),
        (401, sdk.AuthenticationError),
        (403, sdk.PermissionDeniedError),
        (404, sdk.NotFoundError),
        (409, sdk.ConflictError),
        (413, sdk.PayloadTooLargeError),
        (422, sdk.UnprocessableEntityError),
        (429, sdk.RateLimitError),
        (500, sdk.InternalServerError),
        (599, sdk.InternalServerError),
        (418, sdk.APIStatusError),
    ],
)
def test_every_error_status_raises_its_class(flavor: Flavor, status: int, cls: type[sdk.APIStatusError]) -> None:
    answer = error(status, "SOME_CODE", "what went wrong", **{"X-Request-Id": "req-42"})
    with pytest.raises(cls) as raised:
        flavor.run(flavor.client(Server(answer), max_retries=0).get_deployment("d"))
    e = raised.value
    assert type(e) is cls
    assert (e.status_code, e.code, e.message, e.request_id) == (status, "SOME_CODE", "what went wrong", "req-42")
    assert e.response.status_code == status and e.body == {"code": "SOME_CODE", "message": "what went wrong"}


def test_a_proxy_html_page_still_raises_the_class_of_its_status(flavor: Flavor) -> None:
    page = httpx.Response(502, text="<html><body>Bad Gateway</body></html>", headers={"content-type": "text/html"})
    with pytest.raises(sdk.InternalServerError) as raised:
        flavor.run(flavor.client(Server(page), max_retries=0).get_deployment("d"))
    assert raised.value.status_code == 502 and raised.value.code is None
    assert "Bad Gateway" in raised.value.message


# pages


def _pages(*pages: list[str], cursor_base: str = "c") -> list[httpx.Response]:
    answers = []
    for index, ids in enumerate(pages):
        last = index == len(pages) - 1
        body = {"items": [deployment(i) for i in ids], "hasMore": not last}
        if not last:
            body["nextPage"] = f"{cursor_base}{index + 1}"
        answers.append(httpx.Response(200, json=body))
    return answers


def test_a_page_yields_every_item_of_every_page_fetching_lazily(flavor: Flavor) -> None:
    server = Server(*_pages(["a", "b"], ["c", "d"], ["e"]))
    page = flavor.run(flavor.client(server).list_deployments(limit=2))
    assert (page.has_more, page.next_page, [d.id for d in page.items]) == (True, "c1", ["a", "b"])
    assert len(server.requests) == 1  # nothing more until iterated
    assert [d.id for d in flavor.items(page)] == ["a", "b", "c", "d", "e"]
    assert [r.url.params.get("after") for r in server.requests] == [None, "c1", "c2"]
    assert all(r.url.params["limit"] == "2" for r in server.requests)


def test_async_for_over_a_listing_needs_no_await_and_pages_to_the_end() -> None:
    server = Server(*_pages(["a", "b"], ["c"]))
    flavor = Flavor(is_async=True)
    client = flavor.client(server)

    async def names() -> tuple[list[str], int]:
        listing = client.list_deployments(limit=2)
        sent_before = len(server.requests)  # nothing is sent until it is iterated or awaited
        return [d.id async for d in listing], sent_before

    try:
        assert flavor.run(names()) == (["a", "b", "c"], 0)
    finally:
        flavor.close()
    assert [r.url.params.get("after") for r in server.requests] == [None, "c1"]


# waiters (x-waiters in spec/overlays/60-waiters.yaml)


def _states(*states: str, **headers: str) -> list[httpx.Response]:
    return [httpx.Response(200, json=deployment(state=state), headers=headers) for state in states]


def test_a_waiter_polls_until_the_status_is_a_success_and_returns_that_answer(
    flavor: Flavor, waits: list[float]
) -> None:
    server = Server(*_states("deploying", "scaling", "ready"))
    seen: list[str] = []
    waiter = flavor.client(server).wait_for_deployment_ready
    answer = flavor.run(waiter("dep-1", poll_interval=2.5, on_poll=lambda d: seen.append(str(d.state))))
    assert isinstance(answer, models.Deployment) and answer.state == "ready"
    assert seen == ["deploying", "scaling", "ready"] and waits == [2.5, 2.5]
    assert {r.url.path for r in server.requests} == {"/v1/deployments/dep-1"}


def test_a_failure_status_raises_a_waiter_failure_holding_the_last_answer(flavor: Flavor, waits: list[float]) -> None:
    server = Server(*_states("deploying", "error"))
    with pytest.raises(sdk.WaiterFailureError, match="'error'") as caught:
        flavor.run(flavor.client(server).wait_for_deployment_ready("dep-1"))
    assert caught.value.status == "error" and caught.value.last_answer.state == "error"
    assert isinstance(caught.value, sdk.WaiterError) and len(server.requests) == 2


def test_a_waiter_whose_time_is_up_raises_a_waiter_timeout(flavor: Flavor, waits: list[float]) -> None:
    server = Server(default=_states("deploying")[0])
    with pytest.raises(sdk.WaiterTimeoutError, match="still 'deploying'") as caught:
        flavor.run(flavor.client(server).wait_for_deployment_ready("dep-1", timeout=0))
    assert caught.value.last_answer.state == "deploying" and len(server.requests) == 1 and waits == []


def test_a_waiter_waits_what_retry_after_says_instead_of_its_interval(flavor: Flavor, waits: list[float]) -> None:
    server = Server(*_states("deploying", **{"Retry-After": "7"}), *_states("ready"))
    flavor.run(flavor.client(server).wait_for_deployment_ready("dep-1", poll_interval=1))
    assert waits == [7.0]


def test_a_waiter_waits_out_a_429_or_503_and_ends_on_any_other_error(flavor: Flavor, waits: list[float]) -> None:
    server = Server(error(429, **{"Retry-After": "3"}), error(503), *_states("ready"))
    client = flavor.client(server, max_retries=0)
    assert flavor.run(client.wait_for_deployment_ready("dep-1", poll_interval=1)).state == "ready"
    assert waits == [3.0, 1.0] and len(server.requests) == 3
    server.answers = [error(404)]
    with pytest.raises(sdk.NotFoundError):
        flavor.run(client.wait_for_deployment_ready("gone", poll_interval=1))
    assert waits == [3.0, 1.0]  # a 404 ends the wait at once


def test_a_waiter_still_refused_when_time_is_up_raises_a_waiter_timeout(flavor: Flavor, waits: list[float]) -> None:
    server = Server(default=error(503))
    client = flavor.client(server, max_retries=0)
    with pytest.raises(sdk.WaiterTimeoutError, match=r"still asks to wait \(503\)") as caught:
        flavor.run(client.wait_for_deployment_ready("dep-1", timeout=0))
    assert (caught.value.last_answer, caught.value.status, len(server.requests)) == (None, None, 1)


def test_a_waiter_refuses_a_negative_timeout_before_polling(flavor: Flavor) -> None:
    server = Server()
    with pytest.raises(ValueError, match="timeout and poll_interval"):
        flavor.run(flavor.client(server).wait_for_deployment_ready("dep-1", timeout=-1))
    assert server.requests == []


def test_iter_pages_yields_pages(flavor: Flavor) -> None:
    server = Server(*_pages(["a"], ["b"]))
    page = flavor.run(flavor.client(server).list_project_deployments("p1"))
    assert [[d.id for d in p.items] for p in flavor.pages(page)] == [["a"], ["b"]]
    assert {r.url.path for r in server.requests} == {"/v1/projects/p1/deployments"}


def test_a_repeated_cursor_raises_instead_of_looping(flavor: Flavor) -> None:
    loop = [httpx.Response(200, json={"items": [deployment("a")], "hasMore": True, "nextPage": "same"})] * 3
    page = flavor.run(flavor.client(Server(*loop)).list_deployments())
    with pytest.raises(sdk.APIError, match="repeated the cursor 'same'"):
        flavor.items(page)


# calls


def test_the_body_as_keywords_or_as_the_model_sends_the_same(flavor: Flavor) -> None:
    server = Server()
    client = flavor.client(server)
    spec = models.DeploymentSpec(name="web", image="nginx:1", machine_type="A4000", ports=[80], env={"A": "1"})
    flavor.run(client.upsert_deployment(spec))
    flavor.run(client.upsert_deployment(name="web", image="nginx:1", machine_type="A4000", ports=[80], env={"A": "1"}))
    expected = {"name": "web", "image": "nginx:1", "machineType": "A4000", "ports": [80], "env": {"A": "1"}}
    assert server.body(0) == server.body(1) == expected


def test_a_body_given_twice_or_not_at_all_is_refused_before_sending(flavor: Flavor) -> None:
    server = Server()
    client = flavor.client(server)
    spec = models.DeploymentSpec(name="web", image="nginx:1", machine_type="A4000")
    with pytest.raises(TypeError, match="not both"):
        flavor.run(client.upsert_deployment(spec, replicas=2))
    with pytest.raises(TypeError, match="needs a body"):
        flavor.run(client.upsert_deployment())
    with pytest.raises(pydantic.ValidationError, match="replicas"):
        flavor.run(client.upsert_deployment(name="web", image="nginx:1", machine_type="A4000", replicas="many"))
    assert server.requests == []


def test_an_empty_path_parameter_is_refused_before_sending(flavor: Flavor) -> None:
    server = Server()
    for bad in ("", ".", ".."):
        with pytest.raises(ValueError, match="Path parameter 'id'"):
            flavor.run(flavor.client(server).get_deployment_logs(bad))
    assert server.requests == []


def test_path_parameters_are_percent_encoded(flavor: Flavor) -> None:
    server = Server(httpx.Response(204))
    flavor.run(flavor.client(server).delete_deployment("a/b c?"))
    assert server.requests[0].url.raw_path == b"/v1/deployments/a%2Fb%20c%3F"


# raw responses


def test_raw_responses_carry_status_headers_retries_and_the_parsed_value(flavor: Flavor, waits: list[float]) -> None:
    ok = httpx.Response(200, json=deployment("d1"), headers={"X-Request-Id": "req-7", "X-Extra": "yes"})
    server = Server(error(503), ok)
    raw = flavor.run(flavor.client(server).with_raw_response.get_deployment("d1"))
    assert (raw.status_code, raw.headers["x-extra"], raw.request_id, raw.retries_taken) == (200, "yes", "req-7", 1)
    assert raw.method == "GET" and raw.url.path == "/v1/deployments/d1" and raw.json()["id"] == "d1"
    parsed = raw.parse()
    assert isinstance(parsed, models.Deployment) and parsed.id == "d1" and raw.parse() is parsed


def test_a_raw_response_repr_leaves_out_the_query(flavor: Flavor) -> None:
    raw = flavor.run(flavor.client(Server()).with_raw_response.get_deployment("d1", extra_headers={"X": "y"}))
    raw.http_response.request.url = httpx.URL("http://api.test/v1/deployments/d1?api_key=secret")
    assert "secret" not in repr(raw) and "/v1/deployments/d1" in repr(raw)


def test_a_raw_page_parses_into_a_page_that_still_iterates(flavor: Flavor) -> None:
    server = Server(*_pages(["a"], ["b"]))
    raw = flavor.run(flavor.client(server).with_raw_response.list_deployments())
    assert raw.status_code == 200 and len(server.requests) == 1
    assert [d.id for d in flavor.items(raw.parse())] == ["a", "b"]


def test_a_raw_call_still_raises_for_an_error_status(flavor: Flavor) -> None:
    client = flavor.client(Server(error(404, "NOT_FOUND", "no such deployment")), max_retries=0)
    with pytest.raises(sdk.NotFoundError, match="no such deployment"):
        flavor.run(client.with_raw_response.get_deployment("nope"))
    assert flavor.run(client.get_deployment("after")).id == "dep-1"  # raw mode ended with the call


# parsing


def test_unknown_fields_are_kept(flavor: Flavor) -> None:
    server = Server(httpx.Response(200, json=deployment(gpuCount=2, region={"name": "ny2"})))
    got = flavor.run(flavor.client(server).get_deployment("d"))
    assert got.model_extra == {"gpuCount": 2, "region": {"name": "ny2"}}


def test_an_unknown_enum_value_does_not_break_a_list(flavor: Flavor) -> None:
    items = [deployment("a"), deployment("b", state="hibernating"), deployment("c", state="error")]
    server = Server(httpx.Response(200, json={"items": items, "hasMore": False}))
    found = flavor.items(flavor.run(flavor.client(server).list_deployments()))
    states = [d.state for d in found]
    assert states == ["ready", "hibernating", "error"]
    assert [is_known(s) for s in states] == [True, False, True]
    assert states[0] is models.State.ready and list(models.State) == [models.State(v) for v in models.State]
    assert found[1].model_dump(mode="json", by_alias=True)["state"] == "hibernating"


def test_outside_answers_enums_stay_closed() -> None:
    with pytest.raises(pydantic.ValidationError, match="metric"):
        models.AutoscalingPolicy.model_validate({"metric": "gpu"})


def test_a_wrong_type_raises_a_validation_error_naming_the_field(flavor: Flavor) -> None:
    server = Server(httpx.Response(200, json=deployment(replicas="three")))
    with pytest.raises(sdk.APIResponseValidationError, match="replicas") as raised:
        flavor.run(flavor.client(server).get_deployment("d"))
    assert raised.value.status_code == 200 and raised.value.body["replicas"] == "three"


def test_an_answer_that_is_not_json_is_a_validation_error(flavor: Flavor) -> None:
    server = Server(httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(sdk.APIResponseValidationError, match="not JSON"):
        flavor.run(flavor.client(server).get_deployment("d"))


# docs


def test_every_method_and_model_has_a_docstring() -> None:
    for cls in (sdk.Client, sdk.AsyncClient):
        for name in ("list_deployments", "upsert_deployment", "get_deployment", "delete_deployment"):
            assert getattr(cls, name).__doc__, f"{cls.__name__}.{name}"
    model_classes = [
        v for k, v in vars(models).items() if isinstance(v, type) and v.__module__ == models.__name__ and "[" not in k
    ]
    assert model_classes and [c.__name__ for c in model_classes if not c.__doc__] == []
