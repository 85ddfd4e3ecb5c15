"""Every request the suite's own tests send through the generated client, with its answer.

The rule tests and the reference model talk to the target through the generated client; its
httpx client reports each exchange here. When such a test fails, the failure carries the whole
sequence of the test (the set-up requests included) as curl commands, the tokens left to the
shell as ``$CONTRACT_API_TOKEN`` / ``$CONTRACT_OTHER_TEAM_TOKEN``, and the JSON report keeps
each request and answer.
"""

from __future__ import annotations

import contextlib

import httpx
import paperspace_deployments as sdk

from contract_tests.probe import NOTHING, Exchange, shown_auth
from contract_tests.target import Target
from generator.openapi import is_json_media_type

KEPT = 200  # exchanges of one test kept for its reproduction
_TEST: list[Exchange] = []
_OPEN: list[httpx.Client] = []  # the generated client leaves a borrowed httpx client open


CREATED: dict[str, str] = {}  # id -> name of every deployment an answer to the suite's own tests made


def _keep(target: Target, response: httpx.Response) -> None:
    response.read()
    request = response.request
    others = {k: v for k, v in request.headers.items() if k.lower() == "content-type"}
    body = request.content.decode("utf-8", errors="backslashreplace") if request.content else None
    ex = Exchange(
        len(_TEST) + 1,
        f"{request.method} {request.url.path}",
        request.method,
        str(request.url),
        shown_auth(target, request.headers.get("authorization", "")),
        others,
        body,
        status=response.status_code,
        answer_headers={k.lower(): v for k, v in response.headers.items()},
        text=response.text,
    )
    json_body = is_json_media_type(response.headers.get("content-type", ""))
    ex.json = response.json() if json_body and response.text else NOTHING
    if len(_TEST) < KEPT:
        _TEST.append(ex)
    made = request.method == "POST" and response.is_success and isinstance(ex.json, dict)
    if made and isinstance(ex.json.get("id"), str):
        CREATED.setdefault(ex.json["id"], str(ex.json.get("name", "")))


def budget_spent(target: Target) -> bool:
    """Whether the suite's own tests have created all the deployments they may (--max-created)."""
    return target.suite_budget is not None and len(CREATED) >= target.suite_budget


def client(target: Target, token: str | None = None) -> sdk.Client:
    """The generated client for ``target``, its exchanges journaled."""

    def keep(response: httpx.Response) -> None:
        with contextlib.suppress(ValueError):  # a body that says JSON and is not: the client says so
            _keep(target, response)

    http = httpx.Client(timeout=target.request_timeout, event_hooks={"response": [keep]})
    _OPEN.append(http)
    return sdk.Client(api_key=token or target.token, base_url=target.base_url, max_retries=2, http_client=http)


def close_all() -> None:
    while _OPEN:
        _OPEN.pop().close()


def clear() -> None:
    _TEST.clear()


def exchanges() -> list[Exchange]:
    """This test's exchanges so far, oldest first."""
    return list(_TEST)
