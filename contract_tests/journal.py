"""The last requests the suite's own tests sent, so a failing rule comes with curl commands.

The rule tests and the reference model talk to the target through the generated client; its
httpx client reports every request here. When such a test fails, the report adds the last few as
curl commands (the token left to the shell as ``$CONTRACT_API_TOKEN``) and the run's seed.
"""

from __future__ import annotations

import base64
from collections import deque

import httpx
import paperspace_deployments as sdk

from contract_tests.engine import curl
from contract_tests.target import Target
from generator.openapi import is_json_media_type

KEPT = 5
_LAST: deque[httpx.Request] = deque(maxlen=KEPT)
_OPEN: list[httpx.Client] = []  # the generated client leaves a borrowed httpx client open


CREATED: dict[str, str] = {}  # id -> name of every deployment an answer to the suite's own tests made


def _record(request: httpx.Request) -> None:
    _LAST.append(request)


def _count(response: httpx.Response) -> None:
    if response.request.method == "POST" and response.is_success:
        response.read()
        body = response.json() if is_json_media_type(response.headers.get("content-type", "")) else None
        if isinstance(body, dict) and isinstance(body.get("id"), str):
            CREATED.setdefault(body["id"], str(body.get("name", "")))


def budget_spent(target: Target) -> bool:
    """Whether the suite's own tests have created all the deployments they may (--max-created)."""
    return target.suite_budget is not None and len(CREATED) >= target.suite_budget


def client(target: Target, token: str | None = None) -> sdk.Client:
    """The generated client for ``target``, its requests journaled."""
    http = httpx.Client(timeout=target.request_timeout, event_hooks={"request": [_record], "response": [_count]})
    _OPEN.append(http)
    return sdk.Client(api_key=token or target.token, base_url=target.base_url, max_retries=2, http_client=http)


def close_all() -> None:
    while _OPEN:
        _OPEN.pop().close()


def clear() -> None:
    _LAST.clear()


def curls() -> list[str]:
    commands = []
    for request in _LAST:
        body = request.content if request.content else None
        commands.append(
            curl(
                {
                    "method": request.method,
                    "uri": str(request.url),
                    "headers": {k: [v] for k, v in request.headers.items() if k.lower() != "host"},
                    "body": {"$base64": base64.b64encode(body).decode()} if body else None,
                }
            )
        )
    return commands
