"""Every request the suite's own tests send through the generated client, with its answer.

The rule tests and the reference model talk to the target through the generated client; its
httpx client reports each exchange to the run's :class:`Journal`. When such a test fails, the
failure carries the whole sequence of the test (the set-up requests included) as curl commands,
the tokens left to the shell as ``$CONTRACT_API_TOKEN`` / ``$CONTRACT_OTHER_TEAM_TOKEN``, and the
JSON report keeps each request and answer.
"""

from __future__ import annotations

import contextlib

import httpx
import paperspace_deployments as sdk

from paperspace_deployments_toolkit.contract_tests.probe import NOTHING, Exchange, shown_auth
from paperspace_deployments_toolkit.contract_tests.target import Target
from paperspace_deployments_toolkit.generator.openapi import is_json_media_type

KEPT = 200  # exchanges of one test kept for its reproduction


class Journal:
    """One run's journal: this test's exchanges, the clients to close, and every deployment an
    answer to the suite's own requests made (id -> name), which the cleanup deletes by id."""

    def __init__(self) -> None:
        self.test: list[Exchange] = []
        self.created: dict[str, str] = {}
        self._open: list[httpx.Client] = []

    def keep(self, target: Target, response: httpx.Response) -> None:
        response.read()
        request = response.request
        others = {k: v for k, v in request.headers.items() if k.lower() == "content-type"}
        body = request.content.decode("utf-8", errors="backslashreplace") if request.content else None
        ex = Exchange(
            len(self.test) + 1,
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
        if len(self.test) < KEPT:
            self.test.append(ex)
        made = request.method == "POST" and response.is_success and isinstance(ex.json, dict)
        if made and isinstance(ex.json.get("id"), str):
            self.created.setdefault(ex.json["id"], str(ex.json.get("name", "")))

    def budget_spent(self, target: Target) -> bool:
        """Whether the suite's own tests have created all the deployments they may (--max-created)."""
        return target.suite_budget is not None and len(self.created) >= target.suite_budget

    def client(self, target: Target, token: str | None = None) -> sdk.Client:
        """The generated client for ``target``, its exchanges journaled."""

        def keep(response: httpx.Response) -> None:
            with contextlib.suppress(ValueError):  # a body that says JSON and is not: the client says so
                self.keep(target, response)

        http = httpx.Client(timeout=target.request_timeout, event_hooks={"response": [keep]})
        self._open.append(http)
        return sdk.Client(api_key=token or target.token, base_url=target.base_url, max_retries=2, http_client=http)

    def close_all(self) -> None:
        while self._open:
            self._open.pop().close()

    def clear(self) -> None:
        """A new test begins: its reproduction starts here."""
        self.test.clear()

    def exchanges(self) -> list[Exchange]:
        """This test's exchanges so far, oldest first."""
        return list(self.test)
