"""The conformance suite itself: it passes the emulator and fails servers that break the contract."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from support.emulator_process import emulator_process
from support.paths import SUITE

pytestmark = pytest.mark.slow


def run_suite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", str(SUITE), "-p", "no:cacheprovider", "-q", "--no-shrink", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def test_a_refused_token_stops_the_run_instead_of_passing(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        result = run_suite("--base-url", url, "--api-token", "nobody-knows-me", cwd=tmp_path)
    assert result.returncode == 3
    assert "conformance run refused: the API token is refused (401)" in result.stdout + result.stderr


def test_a_server_error_on_one_operation_fails_the_run_and_is_reported(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        root = url.removesuffix("/v1")
        rule = {"method": "GET", "path": "/v1/deployments/*/history", "status": 500}
        assert httpx.post(f"{root}/_emulator/faults", json=rule).status_code == 201
        result = run_suite("--base-url", url, "--api-token", "dev-token-team-a", "-k", "test_check", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    outcomes = json.loads((tmp_path / "reports" / "conformance.json").read_text())["outcomes"]
    assert outcomes["test_check[GET /deployments/{id}/history-not_a_server_error]"]["outcome"] == "failed"
    assert outcomes["test_check[GET /deployments/{id}/runs-not_a_server_error]"]["outcome"] == "passed"
    report = (tmp_path / "reports" / "conformance.md").read_text()
    assert "## Failures" in report and "Reproduce with:" in report and "dev-token-team-a" not in report


def test_a_run_names_what_it_creates_and_leaves_nothing_behind(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        auth = {"Authorization": "Bearer dev-token-team-a"}
        mine = httpx.post(
            f"{url}/deployments", headers=auth, json={"name": "users-own", "image": "nginx:1", "machineType": "A"}
        )
        result = run_suite(
            "--base-url", url, "--api-token", "dev-token-team-a", "-k", "POST or rules or model", cwd=tmp_path
        )
        left = httpx.get(f"{url}/deployments", headers=auth, params={"limit": 120}).json()["items"]
        root = url.removesuffix("/v1")
        created = httpx.get(f"{root}/_emulator/clock").status_code  # the emulator is still up
    assert result.returncode == 0, result.stdout[-3000:]
    assert [d["id"] for d in left] == [mine.json()["id"]], "the run deleted all it created and nothing else"
    assert created == 200


def test_only_loopback_targets_are_written_to_by_default() -> None:
    from paperspace_deployments_toolkit.contract_tests.target import is_loopback, writes_allowed

    assert (
        is_loopback("http://127.0.0.1:8000/v1")
        and is_loopback("http://localhost/v1")
        and is_loopback("http://[::1]/v1")
    )
    assert not is_loopback("https://api.paperspace.com/v1") and not is_loopback("http://10.1.2.3/v1")
    assert not writes_allowed("https://api.paperspace.com/v1", allow_writes=False)
    assert writes_allowed("https://api.paperspace.com/v1", allow_writes=True)


def _created_through_schemathesis(reports: Path) -> set[tuple[str, str]]:
    """(id, name) of every deployment a successful upsert in Schemathesis's run answered."""
    created = set()
    (events,) = (reports / "schemathesis").glob("ndjson-*.ndjson")
    for line in events.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        for interaction in ((finished or {}).get("recorder") or {}).get("interactions", {}).values():
            response = (interaction or {}).get("response") or {}
            if interaction and interaction["request"]["method"] == "POST" and response.get("status_code") == 200:
                answer = json.loads(base64.b64decode(response["content"]["$base64"]))
                created.add((answer["id"], answer["name"]))
    return created


def test_max_created_bounds_what_schemathesis_creates(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        result = run_suite(
            "--base-url",
            url,
            "--api-token",
            "dev-token-team-a",
            "--max-created",
            "15",
            "-k",
            "test_check",
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stdout[-3000:]
    created = _created_through_schemathesis(tmp_path / "reports")
    assert created, "Schemathesis created nothing: the bound was not exercised"
    assert len(created) <= 15 // 3, sorted(created)  # Schemathesis's third of the budget
    assert all(name.startswith("contract-") and "-fuzz-" in name for _, name in created)


def test_a_read_only_run_sends_nothing_but_reads(tmp_path: Path) -> None:
    from paperspace_deployments_toolkit.contract_tests import engine
    from paperspace_deployments_toolkit.contract_tests.conftest import SPEC
    from paperspace_deployments_toolkit.contract_tests.target import Target

    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        target = Target(url, "dev-token-team-a", None, False, "quick", 1, False, "contract-ro-")
        found = engine.run(target, SPEC, tmp_path, tmp_path / "reports")
    assert not found.errors and found.cases > 0
    assert not (tmp_path / "auth.json").exists(), "the file holding the token is removed after the run"
    methods = set()
    for line in next((tmp_path / "reports").glob("ndjson-*.ndjson")).read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        for interaction in ((finished or {}).get("recorder") or {}).get("interactions", {}).values():
            methods |= {interaction["request"]["method"]} if interaction else set()
    assert methods <= {"GET", "HEAD", "OPTIONS"}, methods


def test_an_accepted_deviation_is_reported_and_does_not_fail_the_run(tmp_path: Path) -> None:
    baseline = tmp_path / "deviations.json"
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        root = url.removesuffix("/v1")
        rule = {"method": "GET", "path": "/v1/deployments/*/history", "status": 500}
        assert httpx.post(f"{root}/_emulator/faults", json=rule).status_code == 201
        options = (
            "--base-url",
            url,
            "--api-token",
            "dev-token-team-a",
            "-k",
            # the injected 500s can break other checks too, each only when the run happens to
            # send the request that shows it: this test is about the accepted server error
            "test_check and not_a_server_error",
            "--baseline",
            str(baseline),
        )
        recording = run_suite(*options, "--record-deviations", cwd=tmp_path)
        recorded = json.loads(baseline.read_text())["entries"]
        accepted = run_suite(*options, cwd=tmp_path)
        outcomes = json.loads((tmp_path / "reports" / "conformance.json").read_text())["outcomes"]
    assert recording.returncode == 1, recording.stdout[-3000:]
    assert {(e["operation"], e["check"]) for e in recorded} >= {("GET /deployments/{id}/history", "not_a_server_error")}
    assert accepted.returncode == 0, accepted.stdout[-3000:]
    assert outcomes["test_check[GET /deployments/{id}/history-not_a_server_error]"]["outcome"] == "accepted"
    assert outcomes["test_check[GET /deployments/{id}/runs-not_a_server_error]"]["outcome"] == "passed"


def test_a_server_whose_listing_hides_everything_is_left_with_nothing(
    tmp_path: Path, make_app: Callable[..., FastAPI]
) -> None:
    """The cleanup deletes by the ids the run's own writes got back, never trusting a listing:
    a server whose listings answer no items still ends the run with none of its deployments."""
    from fastapi.responses import JSONResponse

    from paperspace_deployments_toolkit.contract_tests.target import EMULATOR_TOKENS, serve

    app = make_app(tokens=dict(EMULATOR_TOKENS))
    service = app.state.service

    @app.middleware("http")
    async def empty_listings(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if request.method == "GET" and request.url.path.endswith("/deployments") and response.status_code == 200:
            return JSONResponse({"items": [], "hasMore": False})
        return response

    token, other = list(EMULATOR_TOKENS)
    with serve(app) as url:
        result = run_suite(
            "--base-url",
            url,
            "--api-token",
            token,
            "--other-team-token",
            other,
            "-k",
            "POST or test_contract or rules",
            cwd=tmp_path,
        )
    left = {team: service.store.list_deployments(team, None, None, 1000) for team in ("team-a", "team-b")}
    assert left == {"team-a": [], "team-b": []}, f"left behind: {left}"
    assert result.returncode == 1, result.stdout[-3000:]  # the listings broke the contract
    assert "could not delete" not in result.stdout
