"""The suite's verdict can be trusted: documented exit codes by blame, honest reports, writes
confined to the run, and tokens that never print, whatever goes wrong."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from support.paths import ROOT

from paperspace_deployments_toolkit.contract_tests import engine, verdict
from paperspace_deployments_toolkit.contract_tests.target import EMULATOR_TOKENS, serve
from paperspace_deployments_toolkit.emulator.app import Settings, build_app

pytestmark = pytest.mark.slow

TEAM_A, TEAM_B = EMULATOR_TOKENS


def run_command(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The suite as CI runs it: the console command's module, in a subprocess (failures found are
    not minimised: these tests judge verdicts, exit codes and what is printed, not reproductions)."""
    words = [*args[:2], "--no-shrink", *args[2:]] if args[:1] == ("replay",) else ["--no-shrink", *args]
    command = [sys.executable, "-m", "paperspace_deployments_toolkit.contract_tests", *words]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False, env=env)


def outcomes(reports: Path) -> dict[str, Any]:
    return dict(json.loads((reports / "conformance.json").read_text()))


# -- exit codes and reports


def test_options_that_make_no_sense_exit_2_and_say_so_in_the_reports(tmp_path: Path) -> None:
    result = run_command("--max-created", "1", cwd=tmp_path)
    assert result.returncode == verdict.USAGE, result.stdout[-2000:]
    assert "--max-created must be at least" in result.stdout + result.stderr
    summary = outcomes(tmp_path / "reports")
    assert summary["exit_code"] == verdict.USAGE and "--max-created" in summary["refused"]
    assert "Not tested (exit 2" in (tmp_path / "reports" / "conformance.md").read_text()

    unknown = run_command("--no-such-option", cwd=tmp_path)
    assert unknown.returncode == verdict.USAGE
    assert outcomes(tmp_path / "reports")["exit_code"] == verdict.USAGE

    not_a_number = run_command(cwd=tmp_path, env={**_environ(), "CONTRACT_SEED": "abc"})
    assert not_a_number.returncode == verdict.USAGE
    assert "invalid int value: 'abc'" in not_a_number.stdout + not_a_number.stderr


def test_a_refused_run_replaces_the_previous_runs_reports(tmp_path: Path) -> None:
    with served() as url:
        passed = run_command("--base-url", url, "--api-token", TEAM_A, "-k", "near_miss", cwd=tmp_path)
        stale = tmp_path / "reports" / "schemathesis"
        stale.mkdir()
        (stale / "ndjson-old.ndjson").write_text("{}\n")
        refused = run_command("--base-url", url, "--api-token", "nobody-knows-me", cwd=tmp_path)
    assert passed.returncode == verdict.CONFORMS, passed.stdout[-3000:]
    assert refused.returncode == verdict.REFUSED
    report = (tmp_path / "reports" / "conformance.md").read_text()
    assert "Not tested (exit 3" in report and "the API token is refused (401)" in report
    assert "test_a_near_miss" not in report, "the report still shows the previous run"
    assert not stale.exists(), "the previous run's Schemathesis reports are left as if they were this run's"
    assert outcomes(tmp_path / "reports")["outcomes"] == {}


def test_a_preflight_error_shows_the_status_and_the_start_of_the_body(
    tmp_path: Path, make_app: Callable[..., FastAPI]
) -> None:
    app = make_app(tokens=dict(EMULATOR_TOKENS))

    @app.middleware("http")
    async def broken(request: Any, call_next: Any) -> Any:
        return httpx_response(500, "Traceback (most recent call last): database is locked\n" + "x" * 1000)

    with serve(app) as url:
        result = run_command("--base-url", url, "--api-token", TEAM_A, cwd=tmp_path)
    said = result.stdout + result.stderr
    assert result.returncode == verdict.REFUSED
    assert "answered 500" in said and "Its body began: Traceback (most recent call last): database is locked" in said
    assert "The server's log says why" in said
    assert "x" * 400 not in said, "the body is quoted, not dumped"


def httpx_response(status: int, text: str) -> Any:
    from fastapi.responses import PlainTextResponse

    return PlainTextResponse(text, status_code=status)


BROKEN_TOOL = """
from paperspace_deployments_toolkit.contract_tests import engine

def pytest_configure(config):
    def read_findings(*args, **kwargs):
        raise SystemError("AST constructor recursion depth mismatch (before=66, after=134)")
    engine.read_findings = read_findings
"""


def test_an_error_inside_the_tooling_exits_70_and_does_not_blame_the_server(tmp_path: Path) -> None:
    (tmp_path / "broken_tool.py").write_text(BROKEN_TOOL)
    env = {**_environ(), "PYTHONPATH": str(tmp_path)}
    with served() as url:
        result = run_command(
            "--base-url", url, "--api-token", TEAM_A, "-p", "broken_tool", "-k", "test_check", cwd=tmp_path, env=env
        )
    assert result.returncode == verdict.TOOLING_ERROR, result.stdout[-3000:]
    assert "exit 70: an error inside the tooling: the server is not blamed" in result.stdout
    summary = outcomes(tmp_path / "reports")
    assert summary["exit_code"] == verdict.TOOLING_ERROR
    kinds = {o["outcome"] for o in summary["outcomes"].values()}
    assert "tooling error" in kinds and "failed" not in kinds


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_schemathesis_errors_are_blamed_on_the_server_only_when_it_stopped_answering(tmp_path: Path) -> None:
    events = [
        {"NonFatalError": {"label": "GET /deployments", "value": {"type": "ConnectionError", "message": "refused"}}},
        {"NonFatalError": {"label": "GET /deployments", "value": {"type": "ReadTimeout", "message": "slow"}}},
        {"NonFatalError": {"label": "POST /deployments", "value": {"type": "SystemError", "message": "AST depth"}}},
        {"FatalError": {"value": {"type": "KeyError", "message": "'x'"}}},
    ]
    (tmp_path / "ndjson-1.ndjson").write_text("\n".join(json.dumps(e) for e in events) + "\n")
    (tmp_path / "json-1.json").write_text(json.dumps({"complete": True, "failures": []}))
    found = engine.read_findings(tmp_path, 1, "", seed=1)
    assert [(e.text.split(":")[0], e.tooling) for e in found.errors] == [
        ("GET /deployments", False),
        ("GET /deployments", False),
        ("POST /deployments", True),
        ("Schemathesis stopped", True),
    ]


def test_only_errors_from_the_servers_answers_blame_the_server() -> None:
    import paperspace_deployments as sdk

    assert verdict.blames_server(AssertionError("x"))
    assert verdict.blames_server(sdk.APIConnectionError())
    assert verdict.blames_server(httpx.ConnectError("refused"))
    assert verdict.blames_server(BaseExceptionGroup("flaky", [KeyError("x"), AssertionError("y")]))
    assert not verdict.blames_server(SystemError("AST constructor recursion depth mismatch"))
    assert not verdict.blames_server(KeyError("x"))
    assert not verdict.blames_server(verdict.ToolingError("x"))
    assert verdict.Tally(server=1, tooling=1).exit_code(1) == verdict.VIOLATIONS
    assert verdict.Tally(tooling=1).exit_code(1) == verdict.TOOLING_ERROR


# -- writes stay within the run


@contextmanager
def served(log: list[tuple[str, str]] | None = None, tokens: dict[str, str] | None = None) -> Iterator[str]:
    """The emulator on 127.0.0.1, every request's method and path appended to ``log``."""
    app = build_app(Settings(db=":memory:", clock="manual", tokens=tokens or dict(EMULATOR_TOKENS)))
    if log is not None:

        @app.middleware("http")
        async def access_log(request: Any, call_next: Any) -> Any:
            log.append((request.method, request.url.path))
            return await call_next(request)

    try:
        with serve(app) as url:
            yield url
    finally:
        app.state.service.store.close()


def test_no_write_reaches_a_deployment_the_run_did_not_create(tmp_path: Path) -> None:
    log: list[tuple[str, str]] = []
    with served(log) as url:
        before: dict[str, Any] = {}
        for token in (TEAM_A, TEAM_B):
            auth = {"Authorization": f"Bearer {token}"}
            for name in ("users-web", "users-worker"):
                for image in ("nginx:1", "nginx:2"):  # two revisions each
                    sent = {"name": name, "image": image, "machineType": "A4000"}
                    created = httpx.post(f"{url}/deployments", headers=auth, json=sent).json()
                history = httpx.get(f"{url}/deployments/{created['id']}/history", headers=auth).json()
                before[created["id"]] = (token, history)
        log.clear()
        # the confinement of a target off loopback, asked for on this loopback one
        result = run_command(
            "--base-url",
            url,
            "--api-token",
            TEAM_A,
            "--other-team-token",
            TEAM_B,
            "--allow-writes",
            cwd=tmp_path,
            env={**_environ(), "CONTRACT_CONFINE": "strict"},
        )
        after = {
            id: httpx.get(f"{url}/deployments/{id}/history", headers={"Authorization": f"Bearer {token}"}).json()
            for id, (token, _) in before.items()
        }
    assert result.returncode == verdict.CONFORMS, result.stdout[-3000:]
    writes = [(method, path) for method, path in log if method not in {"GET", "OPTIONS"}]
    assert writes, "the run wrote nothing: the confinement was not exercised"
    touched = [(method, path) for method, path in writes for id in before if id in path]
    assert not touched, f"writes reached deployments the run did not create: {touched}"
    assert after == {id: history for id, (_, history) in before.items()}, "a pre-existing deployment changed"


# -- no secrets anywhere

CANARY_SERVER = """
import os, sys, socket, uvicorn
from paperspace_deployments_toolkit.emulator.app import Settings, build_app

mode, tokens = sys.argv[1], dict(t.split("=", 1) for t in sys.argv[2:])
app = build_app(Settings(db=":memory:", clock="manual", tokens=tokens))
seen = [0]

@app.middleware("http")
async def fail(request, call_next):
    from fastapi.responses import PlainTextResponse, JSONResponse
    import asyncio
    seen[0] += request.url.path.startswith("/v1/")  # the API's requests; the preflight sends two
    if mode == "dies" and seen[0] > 40:
        os._exit(1)  # killed mid-run: every later connection is refused
    if mode == "errors" and seen[0] > 2:
        return JSONResponse({"code": "INTERNAL_SERVER_ERROR", "message": "boom"}, status_code=500)
    if mode == "malformed" and seen[0] > 2 and request.method == "GET":
        return PlainTextResponse("{not json", status_code=200, media_type="application/json")
    if mode == "slow" and seen[0] > 2 and request.url.path.endswith("/metrics"):
        await asyncio.sleep(2)
    return await call_next(request)

sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen(128)
print(f"on http://127.0.0.1:{sock.getsockname()[1]}/v1", flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
"""


@contextmanager
def canary_server(mode: str, tokens: dict[str, str]) -> Iterator[str]:
    argv = [sys.executable, "-c", CANARY_SERVER, mode, *(f"{t}={team}" for t, team in tokens.items())]
    with subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()  # printed once the socket listens
            assert banner.startswith("on http://"), banner
            yield banner.split()[1]
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize("mode", ["dies", "errors", "malformed", "slow", "refused"])
def test_no_token_is_printed_or_reported_whatever_fails(tmp_path: Path, mode: str) -> None:
    canary, other = "canary-" + secrets.token_hex(8), "canary-" + secrets.token_hex(8)
    # everything that could show a token: locals in long tracebacks, Schemathesis's own reports
    options = ["--api-token", canary, "--other-team-token", other, "-l", "--tb=long", "--request-timeout", "0.5"]
    if mode == "refused":
        with served() as url:
            closed = url  # the server is gone once the block ends: connections are refused
        result = run_command("--base-url", closed, *options, cwd=tmp_path)
        assert result.returncode == verdict.REFUSED
    else:
        with canary_server(mode, {canary: "team-a", other: "team-b"}) as url:
            result = run_command("--base-url", url, *options, cwd=tmp_path)
        assert result.returncode == verdict.VIOLATIONS, result.stdout[-3000:]
    leaks = [name for name, text in _everything_written(result, tmp_path) if canary in text or other in text]
    assert not leaks, f"the token appears in {leaks}"


def _everything_written(result: subprocess.CompletedProcess[str], directory: Path) -> Iterator[tuple[str, str]]:
    yield "stdout", result.stdout
    yield "stderr", result.stderr
    files = [p for p in (directory / "reports").rglob("*") if p.is_file()]
    assert len(files) >= 3, files  # the suite's reports at least
    for path in files:
        yield str(path.relative_to(directory)), path.read_bytes().decode("utf-8", "replace")


def test_the_canary_search_finds_a_token_where_one_is_printed(tmp_path: Path) -> None:
    """The search above can fail: a run whose traceback shows the token is caught by it."""
    canary = "canary-" + secrets.token_hex(8)
    leaky = tmp_path / "test_leaky.py"
    leaky.write_text(
        textwrap.dedent(f"""
        def test_leak():
            token = {canary!r}
            assert token == "other"
        """)
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(leaky), "-l", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    (tmp_path / "reports").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "reports" / name).write_text("")
    assert [n for n, text in _everything_written(result, tmp_path) if canary in text] == ["stdout"]


def test_a_rule_that_could_judge_nothing_is_not_run_never_passed(
    tmp_path: Path, make_app: Callable[..., FastAPI]
) -> None:
    """Without a clock to move, every log line of the emulator has one timestamp: order is not judged."""
    app = make_app(tokens=dict(EMULATOR_TOKENS))

    @app.middleware("http")
    async def no_control_api(request: Any, call_next: Any) -> Any:
        if request.url.path.startswith("/_emulator"):
            return httpx_response(404, "not here")
        return await call_next(request)

    with serve(app) as url:
        result = run_command("--base-url", url, "--api-token", TEAM_A, "-k", "oldest_first and rules", cwd=tmp_path)
    assert result.returncode == verdict.CONFORMS, result.stdout[-3000:]
    rule = outcomes(tmp_path / "reports")["outcomes"]["test_logs_never_exceed_limit_and_come_oldest_first"]
    assert {k: rule[k] for k in ("outcome", "reason", "judged")} == {
        "outcome": "not run",
        "reason": "not run: every log line had the same timestamp: their order says nothing",
        "judged": 0,
    }


# -- blame: the server's malformed answers exit 1, the suite's own bug exits 70

MALFORMED: dict[str, tuple[str, Any]] = {
    "history answers []": (r"/v1/deployments/[^/]+/history", []),
    "history answers null": (r"/v1/deployments/[^/]+/history", None),
    "history answers an object": (r"/v1/deployments/[^/]+/history", {"revision": 1}),
    "history answers a list of numbers": (r"/v1/deployments/[^/]+/history", [1, 2]),
    "a deployment answers a list": (r"/v1/deployments/[^/]+", [{"id": "x"}]),
    "runs answer a string": (r"/v1/deployments/[^/]+/runs", "runs"),
    "the listing's items are null": (r"/v1/deployments", {"items": None, "hasMore": False}),
}


@pytest.mark.parametrize("shape", list(MALFORMED))
def test_a_malformed_answer_of_any_shape_is_the_servers_fault(
    tmp_path: Path, shape: str, make_app: Callable[..., FastAPI]
) -> None:
    import re

    from fastapi.responses import JSONResponse

    path, body = MALFORMED[shape]
    app = make_app(tokens=dict(EMULATOR_TOKENS))
    pattern = re.compile(path)

    @app.middleware("http")
    async def malformed(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        if request.method == "GET" and pattern.fullmatch(request.url.path) and response.status_code == 200:
            # the listing's own preflight read (limit=1) stays whole, so the run is not refused
            if request.url.path.endswith("/deployments") and request.query_params.get("limit") == "1":
                return response
            return JSONResponse(body)
        return response

    with serve(app) as url:
        result = run_command(
            "--base-url",
            url,
            "--api-token",
            TEAM_A,
            "--other-team-token",
            TEAM_B,
            "-k",
            "test_contract or rules or model",
            cwd=tmp_path,
        )
    summary = outcomes(tmp_path / "reports")
    kinds = {name: o["outcome"] for name, o in summary["outcomes"].items()}
    assert result.returncode == verdict.VIOLATIONS, result.stdout[-3000:]
    assert "tooling error" not in kinds.values(), {k: v for k, v in kinds.items() if v == "tooling error"}
    assert "Traceback" not in result.stdout, "a server's fault is shown as a short block, not a traceback"


PLANTED_BUG = """
from paperspace_deployments_toolkit.contract_tests import test_contract as rules

def _compare(*args, **kwargs):
    raise ZeroDivisionError("a bug planted in a rule")

rules._compare = _compare
"""


def test_a_bug_in_a_rule_exits_70_against_a_conforming_server(tmp_path: Path) -> None:
    (tmp_path / "planted_bug.py").write_text(PLANTED_BUG)
    env = {**_environ(), "PYTHONPATH": str(tmp_path)}
    with served() as url:
        result = run_command(
            "--base-url",
            url,
            "--api-token",
            TEAM_A,
            "-p",
            "planted_bug",
            "-k",
            "reads_back_everywhere",
            cwd=tmp_path,
            env=env,
        )
    assert result.returncode == verdict.TOOLING_ERROR, result.stdout[-3000:]
    outcome = outcomes(tmp_path / "reports")["outcomes"]["test_every_field_written_reads_back_everywhere"]
    assert outcome["outcome"] == "tooling error" and "ZeroDivisionError" in outcome["reason"]


def test_replay_says_a_recorded_failure_still_fails_against_the_server_and_is_fixed_against_the_emulator(
    tmp_path: Path,
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(tokens=dict(EMULATOR_TOKENS))
    service = app.state.service
    original = service.history
    service.history = lambda principal, id: original(principal, id)[:-1]  # the newest revision left out
    with serve(app) as url:
        first = run_command("--base-url", url, "--api-token", TEAM_A, "-k", "replaces or reads_back", cwd=tmp_path)
        recorded = tmp_path / "recorded.json"
        recorded.write_text((tmp_path / "reports" / "conformance.json").read_text())
        again = run_command("replay", str(recorded), "--base-url", url, "--api-token", TEAM_A, cwd=tmp_path)
    fixed = run_command("replay", str(recorded), cwd=tmp_path)  # the embedded emulator
    assert first.returncode == verdict.VIOLATIONS, first.stdout[-2000:]
    failed = [n for n, o in json.loads(recorded.read_text())["outcomes"].items() if o["outcome"] == "failed"]
    assert failed
    assert again.returncode == verdict.VIOLATIONS, again.stdout[-2000:]
    assert all(f"still fails  {name}" in again.stdout for name in failed), again.stdout[-2000:]
    assert fixed.returncode == verdict.CONFORMS, fixed.stdout[-2000:]
    assert all(f"fixed        {name}" in fixed.stdout for name in failed), fixed.stdout[-2000:]
    unusable = run_command("replay", str(tmp_path / "no-such.json"), cwd=tmp_path)
    assert unusable.returncode == verdict.USAGE and "not a conformance report" in unusable.stdout + unusable.stderr
    hostile = tmp_path / "hostile.json"  # a report is input: it may not name a path for pytest to collect
    hostile.write_text(json.dumps({"outcomes": {"x": {"outcome": "failed", "nodeid": "../../x.py::test_x"}}}))
    refused = run_command("replay", str(hostile), cwd=tmp_path)
    assert refused.returncode == verdict.USAGE and "not the suite's" in refused.stdout + refused.stderr
