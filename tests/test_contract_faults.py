"""Each rule and check of the conformance suite fails against a server that breaks it.

Every faulty server here is the emulator with one behaviour broken, served on 127.0.0.1; the
suite runs against it in a subprocess, as a user would run it, and must exit 1 naming the check.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from fastapi.responses import JSONResponse

from contract_tests.target import EMULATOR_TOKENS, serve
from emulator.app import Settings, build_app
from emulator.domain import NotFound, Principal

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


def _not_found_says_bad_request(app: Any) -> None:
    async def relabel(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if response.status_code == 404:
            return JSONResponse({"code": "BAD_REQUEST", "message": "no"}, status_code=404)
        return response

    app.middleware("http")(relabel)


def _logs_ignore_limit(app: Any) -> None:
    service = app.state.service
    original = service.logs

    def logs(principal: Principal, id: str, limit: int) -> Any:
        return original(principal, id, 1000) * 3

    service.logs = logs


def _metrics_ignore_the_range(app: Any) -> None:
    service = app.state.service
    original = service.metrics

    def metrics(principal: Principal, id: str, start: Any, end: Any) -> Any:
        return original(principal, id, None, None)  # always the last hour of the emulated clock

    service.metrics = metrics


@pytest.mark.parametrize(
    ("fault", "selection", "caught_by"),
    [
        (_always_new_revision, "idempotent or model", "test_upsert_by_name_is_idempotent"),
        (_page_ignores_limit, "paging", "test_paging_with_any_limit_yields_each_deployment_once"),
        (_history_survives_delete, "after_delete", "test_after_delete_everything_is_404"),
        (_teams_share_everything, "another_team", "test_another_team_sees_none_of_it"),
        (_logs_ignore_limit, "logs_never", "test_logs_never_exceed_limit_and_metric_points_lie_within_the_range"),
        (
            _metrics_ignore_the_range,
            "logs_never",
            "test_logs_never_exceed_limit_and_metric_points_lie_within_the_range",
        ),
        (
            _not_found_says_bad_request,
            "test_operation_conforms and history",
            "test_operation_conforms[GET /deployments/{id}/history]",
        ),
    ],
)
def test_the_suite_fails_a_server_that_breaks_the_contract(
    tmp_path: Path, fault: Fault, selection: str, caught_by: str
) -> None:
    app = build_app(Settings(db=":memory:", clock="manual", tokens=dict(EMULATOR_TOKENS)))
    fault(app)
    token, other = list(EMULATOR_TOKENS)
    with serve(app) as url:
        command = [sys.executable, "-m", "pytest", str(ROOT / "contract_tests"), "-p", "no:cacheprovider", "-q"]
        command += ["--base-url", url, "--api-token", token, "--other-team-token", other, "-k", selection]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stdout[-2000:]
    report = (tmp_path / "reports" / "conformance.md").read_text()
    failed = [line for line in report.splitlines() if "| failed |" in line]
    assert any(caught_by in line for line in failed), report
