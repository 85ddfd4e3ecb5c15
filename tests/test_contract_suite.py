"""The conformance suite itself: it passes the emulator and fails servers that break the contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from conftest import ROOT
from test_emulator_process import emulator_process


def run_suite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", str(ROOT / "contract_tests"), "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def test_a_refused_token_stops_the_run_instead_of_passing(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        result = run_suite("--base-url", url, "--api-token", "nobody-knows-me", cwd=ROOT)
    assert result.returncode == 3
    assert "conformance run refused: the API token is refused (401)" in result.stdout + result.stderr


def test_a_server_error_on_one_operation_fails_the_run_and_is_reported(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        root = url.removesuffix("/v1")
        rule = {"method": "GET", "path": "/v1/deployments/*/history", "status": 500}
        assert httpx.post(f"{root}/_emulator/faults", json=rule).status_code == 201
        result = run_suite("--base-url", url, "--api-token", "dev-token-team-a", "-k", "history", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    report = (tmp_path / "reports" / "conformance.md").read_text()
    assert "| `test_operation_conforms[GET /deployments/{id}/history]` | failed |" in report
