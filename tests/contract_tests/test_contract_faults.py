"""Each rule and check of the conformance suite fails against a server that breaks it.

Every faulty server here is the emulator with one behaviour broken, served on 127.0.0.1; the
suite runs against it in a subprocess, as a user would run it, and must exit 1 naming the check.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from paperspace_deployments._server_base import Forbidden
from support.paths import SUITE

from paperspace_deployments_toolkit.contract_tests.target import EMULATOR_TOKENS, serve
from paperspace_deployments_toolkit.emulator.domain import NotFound, Principal

pytestmark = pytest.mark.slow

Fault = Callable[[Any], None]


def _always_new_revision(app: Any) -> None:
    service = app.state.service
    original = service.upsert

    def upsert(principal: Principal, submitted: dict[str, Any]) -> Any:
        original(principal, {**submitted, "env": {**(submitted.get("env") or {}), "NONCE": str(id(object()))}})
        return original(principal, submitted)

    service.upsert = upsert


def _page_ignores_limit(app: Any) -> None:
    service = app.state.service
    original = service.list_deployments

    def list_deployments(principal: Principal, *, after: str | None, limit: int, project_id: str | None = None) -> Any:
        return original(principal, after=after, limit=120, project_id=project_id)

    service.list_deployments = list_deployments


def _history_survives_delete(app: Any) -> None:
    service = app.state.service
    kept: dict[str, Any] = {}
    original_delete, original_history = service.delete, service.history

    def delete(principal: Principal, id: str) -> None:
        kept[id] = original_history(principal, id)
        original_delete(principal, id)

    def history(principal: Principal, id: str) -> Any:
        if id in kept:
            return kept[id]
        return original_history(principal, id)

    service.delete, service.history = delete, history


def _teams_share_everything(app: Any) -> None:
    service = app.state.service
    original = service.get

    def get(principal: Principal, id: str) -> Any:
        try:
            return original(principal, id)
        except NotFound:
            return original(Principal("team-a", principal.user_id), id)

    service.get = get


def _rewrite_json(app: Any, method: str, path: str, change: Callable[[Any], Any], status: int | None = None) -> None:
    """Answers of METHOD PATH (a regex on the URL path) with their JSON body changed."""
    pattern = re.compile(path)

    async def rewrite(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if request.method != method or not pattern.fullmatch(request.url.path) or response.status_code >= 300:
            return response
        body = json.loads(b"".join([chunk async for chunk in response.body_iterator]))
        return JSONResponse(change(body), status_code=status or response.status_code)

    app.middleware("http")(rewrite)


def _not_found_says_bad_request(app: Any) -> None:
    async def relabel(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if response.status_code == 404:
            return JSONResponse({"code": "BAD_REQUEST", "message": "no"}, status_code=404)
        return response

    app.middleware("http")(relabel)


def _deployment_as_text(app: Any) -> None:
    async def as_text(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if request.method == "GET" and re.fullmatch(r"/v1/deployments/[^/]+", request.url.path):
            body = b"".join([chunk async for chunk in response.body_iterator])
            return Response(body, status_code=response.status_code, media_type="text/plain")
        return response

    app.middleware("http")(as_text)


def _rewrite_requests(app: Any, path: str, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Requests whose URL path matches ``path`` (a regex) reach the app with their scope changed."""
    pattern = re.compile(path)

    class Rewrite:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and pattern.fullmatch(scope["path"]):
                scope = change(scope)
            await self.inner(scope, receive, send)

    app.add_middleware(Rewrite)


def _any_token_is_team_a(app: Any) -> None:
    known = {f"Bearer {token}".encode() for token in EMULATOR_TOKENS}

    def as_team_a(scope: dict[str, Any]) -> dict[str, Any]:
        given = dict(scope["headers"]).get(b"authorization")
        headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
        headers.append((b"authorization", given if given in known else b"Bearer dev-token-team-a"))
        return {**scope, "headers": headers}

    _rewrite_requests(app, r"/v1/.*", as_team_a)


def _deployment_without_image(app: Any) -> None:
    _rewrite_json(app, "GET", r"/v1/deployments/[^/]+", lambda d: {k: v for k, v in d.items() if k != "image"})


def _upsert_answers_201(app: Any) -> None:
    _rewrite_json(app, "POST", r"/v1/deployments", lambda d: d, status=201)


def _out_of_range_limit_accepted(app: Any) -> None:
    def clamp(scope: dict[str, Any]) -> dict[str, Any]:
        return {**scope, "query_string": re.sub(rb"limit=[^&]*", b"limit=20", scope["query_string"])}

    _rewrite_requests(app, r"/v1/deployments", clamp)


def _acknowledged_upserts_are_lost(app: Any) -> None:
    service = app.state.service
    original = service.upsert
    answered: list[str] = []

    def upsert(principal: Principal, submitted: dict[str, Any]) -> Any:
        view = original(principal, submitted)
        answered.append(view.id)
        if len(answered) % 2 == 0:  # every other acknowledged write vanishes
            service.delete(principal, view.id)
        return view

    service.upsert = upsert


def _cursor_ignored(app: Any) -> None:
    service = app.state.service
    original = service.list_deployments

    def list_deployments(principal: Principal, *, after: str | None, limit: int, project_id: str | None = None) -> Any:
        return original(principal, after=None, limit=limit, project_id=project_id)

    service.list_deployments = list_deployments


def _logs_ignore_limit(app: Any) -> None:
    service = app.state.service
    original = service.logs

    def logs(principal: Principal, id: str, limit: int) -> Any:
        # every deployment has a line per revision, so this is always more than asked for
        return original(principal, id, 1000) * (limit + 1)

    service.logs = logs


def _metrics_ignore_the_range(app: Any) -> None:
    service = app.state.service
    original = service.metrics

    def metrics(principal: Principal, id: str, start: Any, end: Any) -> Any:
        return original(principal, id, None, None)  # always the last hour of the emulated clock

    service.metrics = metrics


def _other_team_can_delete(app: Any) -> None:
    service = app.state.service
    original = service.delete

    def delete(principal: Principal, id: str) -> None:
        try:
            original(principal, id)
        except NotFound:
            original(Principal("team-a", principal.user_id), id)

    service.delete = delete


def _upsert_takes_over_another_teams_name(app: Any) -> None:
    service = app.state.service
    original = service.upsert

    def upsert(principal: Principal, submitted: dict[str, Any]) -> Any:
        owner = Principal("team-a", principal.user_id)
        if principal.team != "team-a" and service.store.find_by_name(
            "team-a", service.default_project("team-a"), submitted["name"]
        ):
            return original(owner, {k: v for k, v in submitted.items() if k != "projectId"})
        return original(principal, submitted)

    service.upsert = upsert


def _upsert_into_another_teams_project(app: Any) -> None:
    """Project ownership is not checked on upsert: a team can use another team's default project."""
    service = app.state.service
    service._project_of = lambda principal, submitted: str(
        submitted.get("projectId") or service.default_project(principal.team)
    )


def _logs_oldest_lines(app: Any) -> None:
    """``limit`` keeps the oldest lines instead of the newest (still oldest first)."""
    service = app.state.service
    original = service.logs

    def logs(principal: Principal, id: str, limit: int) -> Any:
        return original(principal, id, 1000)[:limit]

    service.logs = logs


def _reads_are_stale_after_a_change(app: Any) -> None:
    service = app.state.service
    original_upsert, original_get = service.upsert, service.get
    before_change: dict[str, Any] = {}

    def upsert(principal: Principal, submitted: dict[str, Any]) -> Any:
        view = original_upsert(principal, submitted)
        before_change.setdefault(view.id, view)  # the deployment as first written, forever
        return view

    def get(principal: Principal, id: str) -> Any:
        fresh = original_get(principal, id)
        return before_change.get(id, fresh)

    service.upsert, service.get = upsert, get


def _logs_newest_first(app: Any) -> None:
    service = app.state.service
    original = service.logs

    def logs(principal: Principal, id: str, limit: int) -> Any:
        return list(reversed(original(principal, id, limit)))

    service.logs = logs


def _project_listing_leaves_one_out(app: Any) -> None:
    service = app.state.service
    original = service.list_deployments

    def list_deployments(principal: Principal, *, after: str | None, limit: int, project_id: str | None = None) -> Any:
        page = original(principal, after=after, limit=limit, project_id=project_id)
        if project_id is None or after is not None or not page.items:
            return page
        return replace(page, items=page.items[1:])  # the newest deployment of the project is missing

    service.list_deployments = list_deployments


def _project_listing_ignores_the_project(app: Any) -> None:
    service = app.state.service
    original = service.list_deployments

    def list_deployments(principal: Principal, *, after: str | None, limit: int, project_id: str | None = None) -> Any:
        return original(principal, after=after, limit=limit, project_id=None)  # every project's

    service.list_deployments = list_deployments


def _near_miss_tokens_accepted(app: Any) -> None:
    """A token that agrees with a valid one on its first eight characters, ignoring case and
    whitespace, is taken for it (the kind of check a prefix index or a normalising proxy makes)."""
    known = list(EMULATOR_TOKENS)

    def lenient(scope: dict[str, Any]) -> dict[str, Any]:
        given = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1").removeprefix("Bearer ")
        squeezed = "".join(given.split()).lower()
        match = next((k for k in known if squeezed[:8] == k[:8] and squeezed != k), None)
        if match is None:
            return scope
        headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
        return {**scope, "headers": [*headers, (b"authorization", f"Bearer {match}".encode())]}

    _rewrite_requests(app, r"/v1/.*", lenient)


RULES = "test_rules or test_model"  # -k selection: the rule tests only, no Schemathesis run
SCHEMATHESIS = "test_check"


@pytest.mark.parametrize(
    ("fault", "selection", "caught_by"),
    [
        # history
        (_always_new_revision, RULES, {"test_upsert_by_name_is_idempotent_and_a_change_adds_one_revision"}),
        # pagination
        (_page_ignores_limit, RULES, {"test_paging_with_any_limit_yields_each_deployment_once"}),
        (_page_ignores_limit, SCHEMATHESIS, {"test_check[GET /deployments-page_respects_limit]"}),
        (_cursor_ignored, RULES, {"test_paging_with_any_limit_yields_each_deployment_once"}),
        # deletion
        (_history_survives_delete, RULES, {"test_after_delete_everything_is_404"}),
        # isolation
        (_teams_share_everything, RULES, {"test_another_team_sees_none_of_it"}),
        (_other_team_can_delete, RULES, {"test_another_team_cannot_change_or_take_over_a_deployment"}),
        (_upsert_takes_over_another_teams_name, RULES, {"test_another_team_cannot_change_or_take_over_a_deployment"}),
        (_upsert_into_another_teams_project, RULES, {"test_another_team_cannot_change_or_take_over_a_deployment"}),
        # reads after writes, and complete listings
        (_reads_are_stale_after_a_change, RULES, {"test_every_field_reads_back_as_written"}),
        (_reads_are_stale_after_a_change, "test_model", {"test_the_server_agrees_with_the_reference_model"}),
        (_project_listing_leaves_one_out, RULES, {"test_project_listing_is_the_team_listing_filtered_by_project"}),
        (_project_listing_ignores_the_project, RULES, {"test_project_listing_is_the_team_listing_filtered_by_project"}),
        # order judged on distinct timestamps (the suite moves the emulator's clock)
        (_logs_newest_first, RULES, {"test_logs_never_exceed_limit_and_come_oldest_first"}),
        (_logs_oldest_lines, RULES, {"test_logs_never_exceed_limit_and_come_oldest_first"}),
        # credentials
        (_near_miss_tokens_accepted, RULES, {"test_a_near_miss_of_a_valid_token_is_refused"}),
        (_teams_share_everything, SCHEMATHESIS, {"test_check[GET /deployments/{id}-object_level_authorization]"}),
        # logs and metrics parameters
        (_logs_ignore_limit, RULES, {"test_logs_never_exceed_limit_and_come_oldest_first"}),
        (_logs_ignore_limit, SCHEMATHESIS, {"test_check[GET /deployments/{id}/logs-logs_respect_limit]"}),
        (_metrics_ignore_the_range, RULES, {"test_metric_points_lie_within_the_range"}),
        (
            _metrics_ignore_the_range,
            SCHEMATHESIS,
            {"test_check[GET /deployments/{id}/metrics-metric_points_within_range]"},
        ),
        # status codes, error bodies, content types, schema
        (
            _not_found_says_bad_request,
            SCHEMATHESIS,
            # every 404 is relabelled: whichever operations the run happened to send one to
            {
                f"test_check[{op}-error_code_matches_status]"
                for op in (
                    "GET /deployments/{id}",
                    "DELETE /deployments/{id}",
                    "GET /deployments/{id}/runs",
                    "GET /deployments/{id}/metrics",
                    "GET /deployments/{id}/logs",
                    "GET /deployments/{id}/history",
                )
            },
        ),
        (_upsert_answers_201, SCHEMATHESIS, {"test_check[POST /deployments-status_code_conformance]"}),
        (_deployment_as_text, SCHEMATHESIS, {"test_check[GET /deployments/{id}-content_type_conformance]"}),
        (_deployment_without_image, SCHEMATHESIS, {"test_check[GET /deployments/{id}-response_schema_conformance]"}),
        # auth and bad input
        (_any_token_is_team_a, SCHEMATHESIS, {"test_check[GET /deployments-ignored_auth]"}),
        (_out_of_range_limit_accepted, SCHEMATHESIS, {"test_check[GET /deployments-negative_data_rejection]"}),
        # persistence
        (_acknowledged_upserts_are_lost, RULES, {"test_the_server_agrees_with_the_reference_model"}),
    ],
    ids=lambda value: getattr(value, "__name__", "").strip("_") or None,
)
def test_the_suite_fails_a_server_that_breaks_the_contract(
    tmp_path: Path,
    fault: Fault,
    selection: str,
    caught_by: set[str],
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(tokens=dict(EMULATOR_TOKENS))
    fault(app)
    token, other = list(EMULATOR_TOKENS)
    with serve(app) as url:
        # --no-shrink: a fault is to be detected here, not minimised
        command = [sys.executable, "-m", "pytest", str(SUITE), "-p", "no:cacheprovider", "-q", "--no-shrink"]
        command += ["--base-url", url, "--api-token", token, "--other-team-token", other, "-k", selection]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stdout[-3000:]
    outcomes = json.loads((tmp_path / "reports" / "conformance.json").read_text())
    failed = {name for name, o in outcomes["outcomes"].items() if o["outcome"] == "failed"}
    assert caught_by & failed, f"expected {caught_by} among the failures: {sorted(failed)}"
    # every failure names the check and gives a curl command without the token
    assert token not in result.stdout + result.stderr
    if selection == SCHEMATHESIS:
        assert "Reproduce with:\n    curl -X" in result.stdout, result.stdout[-3000:]


# -- the contract's rule families (contract_tests/test_contract.py): servers broken in ways no
# rule was written for, several faults a server, each fault in a different family


def _update_merges(app: Any) -> None:
    """An update merges into the stored configuration: fields it leaves out are kept."""
    service = app.state.service
    original = service.upsert

    def upsert(principal: Principal, submitted: dict[str, Any]) -> Any:
        project = submitted.get("projectId") or service.default_project(principal.team)
        found = service.store.find_by_name(principal.team, project, submitted["name"])
        kept = {k: v for k, v in found.spec.items() if k != "projectId"} if found else {}
        return original(principal, {**kept, **submitted})

    service.upsert = upsert


def _history_of_the_newest_other_deployment(app: Any) -> None:
    service = app.state.service
    original = service.history

    def history(principal: Principal, id: str) -> Any:
        mine = original(principal, id)
        others = [d for d in service.store.list_deployments(principal.team, None, None, 50) if d.id != id]
        return original(principal, others[0].id) if others and len(mine) == 1 else mine

    service.history = history


def _an_id_with_a_character_added_is_found(app: Any) -> None:
    service = app.state.service
    original = service.get

    def get(principal: Principal, id: str) -> Any:
        try:
            return original(principal, id)
        except NotFound:
            return original(principal, id[:-1])

    service.get = get


def _a_second_delete_succeeds(app: Any) -> None:
    service = app.state.service
    original = service.delete

    def delete(principal: Principal, id: str) -> None:
        try:
            original(principal, id)
        except NotFound:
            return None

    service.delete = delete


def _the_token_is_taken_under_any_scheme(app: Any) -> None:
    def as_bearer(scope: dict[str, Any]) -> dict[str, Any]:
        given = dict(scope["headers"]).get(b"authorization", b"")
        if given[:6] in {b"Basic ", b"Token "}:
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
            return {**scope, "headers": [*headers, (b"authorization", b"Bearer " + given[6:])]}
        return scope

    _rewrite_requests(app, r"/v1/.*", as_bearer)


def _project_listing_leaves_out_autoscaling(app: Any) -> None:
    def drop(body: Any) -> Any:
        return {**body, "items": [{k: v for k, v in d.items() if k != "autoscaling"} for d in body["items"]]}

    _rewrite_json(app, "GET", r"/v1/projects/[^/]+/deployments", drop)


def _default_page_of_ten(app: Any) -> None:
    def ten(scope: dict[str, Any]) -> dict[str, Any]:
        if scope["method"] != "GET" or b"limit=" in scope["query_string"]:
            return scope
        joined = scope["query_string"] + (b"&" if scope["query_string"] else b"") + b"limit=10"
        return {**scope, "query_string": joined}

    _rewrite_requests(app, r"/v1/deployments", ten)


def _sixteen_ports_kept_of_seventeen(app: Any) -> None:
    """Ports past the documented 16 are dropped instead of refused (a body rewritten on the way in)."""

    class Truncate:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/v1/deployments":
                await self.inner(scope, receive, send)
                return
            chunks = []
            while True:
                message = await receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            body = b"".join(chunks)
            try:
                parsed = json.loads(body)
                if isinstance(parsed, dict) and isinstance(parsed.get("ports"), list):
                    parsed["ports"] = parsed["ports"][:16]
                body = json.dumps(parsed).encode()
            except ValueError:
                pass
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            sent = [False]

            async def replay() -> Any:
                if sent[0]:
                    return await receive()
                sent[0] = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.inner({**scope, "headers": headers}, replay, send)

    app.add_middleware(Truncate)


def _a_refused_upsert_still_changes_the_image(app: Any) -> None:
    service = app.state.service
    teams = dict(EMULATOR_TOKENS)

    async def half_written(request: Any, call_next: Any) -> Any:
        body = await request.body()
        response = await call_next(request)
        if request.method == "POST" and request.url.path == "/v1/deployments" and response.status_code == 400:
            try:
                sent = json.loads(body)
                token = request.headers.get("authorization", "").removeprefix("Bearer ")
                principal = Principal(teams[token], "u")
                found = service.store.find_by_name(
                    principal.team, service.default_project(principal.team), sent["name"]
                )
                if found is not None and isinstance(sent.get("image"), str) and sent["image"]:
                    service.upsert(principal, {**found.spec, "image": sent["image"]})
            except Exception:  # the fault is best effort: the server itself must keep answering
                pass
        return response

    app.middleware("http")(half_written)


def _not_found_bodies_carry_a_stack_trace(app: Any) -> None:
    async def trace(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if response.status_code == 404:
            message = 'Traceback (most recent call last):\n  File "service.py", line 42, in get\nKeyError'
            return JSONResponse({"code": "NOT_FOUND", "message": message}, status_code=404)
        return response

    app.middleware("http")(trace)


def _the_largest_page_refused(app: Any) -> None:
    async def refuse(request: Any, call_next: Any) -> Any:
        if request.method == "GET" and request.query_params.get("limit") == "120":
            return JSONResponse({"code": "BAD_REQUEST", "message": "limit must be below 120"}, status_code=400)
        return await call_next(request)

    app.middleware("http")(refuse)


def _another_teams_deployment_is_forbidden(app: Any) -> None:
    service = app.state.service
    original = service.get

    def get(principal: Principal, id: str) -> Any:
        try:
            return original(principal, id)
        except NotFound:
            for team in ("team-a", "team-b"):
                if service.store.find_deployment(team, id) is not None:
                    raise Forbidden("not yours") from None
            raise

    service.get = get


def _rate_limits_without_retry_after(app: Any) -> None:
    async def strip(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if response.status_code == 429:
            del response.headers["retry-after"]
        return response

    app.middleware("http")(strip)


def _slow_history(app: Any) -> None:
    import asyncio

    async def slow(request: Any, call_next: Any) -> Any:
        if request.url.path.endswith("/history"):
            await asyncio.sleep(0.3)
        return await call_next(request)

    app.middleware("http")(slow)


def _history_mangles_what_is_not_ascii(app: Any) -> None:
    def mangle(body: Any) -> Any:
        for revision in body:
            env = revision.get("spec", {}).get("env")
            if isinstance(env, dict):
                revision["spec"]["env"] = {k: v.encode("ascii", "replace").decode() for k, v in env.items()}
        return body

    _rewrite_json(app, "GET", r"/v1/deployments/[^/]+/history", mangle)


def _a_basic_challenge(app: Any) -> None:
    async def basic(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if response.status_code == 401:
            response.headers["www-authenticate"] = 'Basic realm="api"'
        return response

    app.middleware("http")(basic)


def _a_body_that_is_not_json_is_a_server_error(app: Any) -> None:
    async def crash(request: Any, call_next: Any) -> Any:
        if request.method == "POST" and request.url.path == "/v1/deployments":
            try:
                json.loads(await request.body())
            except ValueError:
                return JSONResponse({"code": "INTERNAL_SERVER_ERROR", "message": "decode"}, status_code=500)
        return await call_next(request)

    app.middleware("http")(crash)


def _a_full_last_page_promises_more(app: Any) -> None:
    from paperspace_deployments_toolkit.emulator.domain import Page
    from paperspace_deployments_toolkit.emulator.service import encode_cursor

    service = app.state.service
    original = service.list_deployments

    def list_deployments(principal: Principal, *, after: str | None, limit: int, project_id: str | None = None) -> Any:
        views, page = original(principal, after=after, limit=limit, project_id=project_id)
        if not page.has_more and views and len(views) == limit:
            page = Page(page.items, True, encode_cursor(views[-1].record.seq))
        return views, page

    service.list_deployments = list_deployments


def _faults(*broken: Fault) -> Fault:
    def all_of(app: Any) -> None:
        for fault in broken:
            fault(app)

    return all_of


@pytest.mark.parametrize(
    ("fault", "options", "rules"),
    [
        (
            _faults(
                _update_merges,
                _history_of_the_newest_other_deployment,
                _an_id_with_a_character_added_is_found,
                _a_second_delete_succeeds,
                _the_token_is_taken_under_any_scheme,
            ),
            [],
            {"upsert_replaces", "sub_resources", "unknown_ids", "use_after_free", "authentication"},
        ),
        (
            _faults(
                _project_listing_leaves_out_autoscaling,
                _default_page_of_ten,
                _sixteen_ports_kept_of_seventeen,
                _a_refused_upsert_still_changes_the_image,
                _not_found_bodies_carry_a_stack_trace,
            ),
            [],
            {"round_trip", "defaults", "field_bounds", "refused_write_changes_nothing", "no_stack_trace_in_errors"},
        ),
        (
            _faults(
                _the_largest_page_refused,
                _another_teams_deployment_is_forbidden,
                _rate_limits_without_retry_after,
                _slow_history,
            ),
            ["--max-response-time", "0.25"],
            {"parameter_bounds", "existence_leak", "documented_headers_are_sent", "answers_in_time"},
        ),
        (
            _faults(
                _history_mangles_what_is_not_ascii,
                _a_basic_challenge,
                _a_body_that_is_not_json_is_a_server_error,
                _a_full_last_page_promises_more,
            ),
            [],
            {"round_trip", "documented_headers_are_sent", "not_a_server_error", "pagination"},
        ),
    ],
    ids=[
        "replaces-subresources-ids-delete-auth",
        "roundtrip-defaults-bounds-leak-trace",
        "params-403-headers-time",
        "unicode-challenge-notjson-lastpage",
    ],
)
def test_each_rule_family_fails_a_server_that_breaks_it(
    tmp_path: Path,
    fault: Fault,
    options: list[str],
    rules: set[str],
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(tokens=dict(EMULATOR_TOKENS))
    fault(app)
    token, other = list(EMULATOR_TOKENS)
    with serve(app) as url:
        command = [
            sys.executable,
            "-m",
            "paperspace_deployments_toolkit.contract_tests",
            "--base-url",
            url,
            "--api-token",
            token,
        ]
        command += ["--other-team-token", other, "-k", "test_contract", "--no-shrink", *options]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stdout[-3000:]
    summary = json.loads((tmp_path / "reports" / "conformance.json").read_text())
    found = {v["rule"] for v in summary["violations"]}
    assert rules <= found, f"not caught: {sorted(rules - found)}; caught: {sorted(found)}"
    assert "tooling error" not in {o["outcome"] for o in summary["outcomes"].values()}
    every = [v for v in summary["violations"] if v["rule"] in rules]
    assert all(v["requests"] and v["requests"][-1]["curl"].startswith("curl ") for v in every), "no reproduction"
