"""One Schemathesis run per session, through its own engine (`st run`), read back cell by cell.

Schemathesis runs every phase (examples, coverage, fuzzing, stateful along the spec's links) and
every check, plus the suite's own checks (``contract_tests.checks``, loaded as hooks). Its NDJSON
event stream records each check on each case; :func:`read_findings` folds it into one cell per
operation and check, which the suite's tests then assert one by one, so the JUnit report and the
Markdown matrix are the operation x check matrix.

Why the CLI and not the pytest integration: the CLI's stateful engine copes with a server whose
state moves on between examples (Hypothesis's pytest state machine calls that flaky), and its
baseline (``--baseline``) is Schemathesis's own way to record accepted failures.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from paperspace_deployments_toolkit.contract_tests.target import Secret, Target
from paperspace_deployments_toolkit.generator.openapi import HTTP_METHODS

# Every check in the matrix and what it holds the server to (the README repeats these).
CHECKS: dict[str, str] = {
    "not_a_server_error": "no answer is a 5xx",
    "status_code_conformance": "every status is one the operation documents",
    "content_type_conformance": "every answer's Content-Type is documented for its status",
    "response_headers_conformance": "headers the spec documents for an answer are there and valid",
    "response_schema_conformance": "every body matches the schema documented for its status",
    "positive_data_acceptance": "schema-valid requests are not rejected as invalid",
    "negative_data_rejection": "schema-violating requests get a 4xx, never a 2xx",
    "missing_required_header": "a request without its Authorization header gets a 401",
    "ignored_auth": "a missing or made-up token gets a 401, never data",
    "unsupported_method": "a method the path does not document gets a 405",
    "allow_header_conformance": "a 405's Allow header lists exactly the documented methods",
    "use_after_free": "after a DELETE, the deleted deployment answers 404 everywhere",
    "ensure_resource_availability": "a created deployment can be read at once",
    "object_level_authorization": "a second team cannot read the first team's deployments",
    "error_code_matches_status": "an Error body's code names its status (404 is NOT_FOUND)",
    "page_respects_limit": "a page holds at most `limit` items; hasMore comes with nextPage",
    "logs_respect_limit": "logs hold at most `limit` lines",
    "logs_oldest_first": "log lines come oldest first (judged on answers with distinct timestamps)",
    "metric_points_within_range": "every metric point lies within [start, end]",
}

AUTH_FILE = "auth.json"
# Checks that act only in one phase's scenarios: elsewhere Schemathesis records them as passing
# without having judged anything, so their cells count only answers from that phase.
ONLY_IN_PHASE = {
    "use_after_free": "stateful",
    "ensure_resource_availability": "stateful",
    "missing_required_header": "coverage",
    "unsupported_method": "coverage",
    "allow_header_conformance": "coverage",
}
STATEFUL_ONLY = ("use_after_free", "ensure_resource_availability", "object_level_authorization")


@dataclass
class Failure:
    operation: str
    check: str
    kind: str  # Schemathesis's failure class, e.g. AcceptedNegativeData
    code: str  # e.g. ST201; empty for the suite's own checks
    title: str
    message: str
    phase: str
    curl: str
    case_id: str
    answered: str = ""  # the status and the start of the body that failed the check

    def describe(self, seed: int | None) -> str:
        lines = [
            f"{self.operation} | {self.check}: {self.title} ({self.phase} phase, case {self.case_id})",
            *([f"answered: {self.answered}"] if self.answered else []),
            "",
            *self.message.strip().splitlines(),
            "",
            "Reproduce with:",
            f"    {self.curl}",
        ]
        if seed is not None:
            lines.append(f"    (the whole run: --seed {seed})")
        return "\n".join(lines)


# Errors Schemathesis reports that the server caused: it stopped answering, answered too slowly,
# or broke the connection. Any other error is the tooling's (the suite's hooks and checks,
# Schemathesis, Hypothesis, CPython), which the run reports without blaming the server.
SERVER_ERROR_TYPES = frozenset(
    {
        "ConnectionError",
        "ConnectTimeout",
        "ReadTimeout",
        "Timeout",
        "ChunkedEncodingError",
        "ContentDecodingError",
        "TooManyRedirects",
        "SSLError",
        "ProxyError",
        "RetryError",
        "UnhealthyAPIError",
        "UnresponsiveOperationError",
    }
)


@dataclass(frozen=True)
class RunError:
    """Something that kept Schemathesis from testing part of the target, and who caused it."""

    text: str
    tooling: bool


@dataclass
class Cell:
    """One check on one operation: how many answers it judged, and what failed."""

    checked: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Findings:
    seed: int | None
    exit_code: int
    cells: dict[tuple[str, str], Cell]
    new_failures: set[tuple[str, str]]  # (operation, failure kind) the baseline does not cover
    errors: list[RunError]  # what kept Schemathesis from testing something
    cases: int
    output_tail: str
    report_dir: Path
    baseline_entries: set[tuple[str, str, str]] = field(default_factory=set)

    def cell(self, operation: str, check: str) -> Cell:
        return self.cells.get((operation, check), Cell())

    def is_accepted(self, failure: Failure) -> bool:
        """A failure the baseline records, which Schemathesis did not count as new either."""
        if (failure.operation, failure.check, failure.kind) not in self.baseline_entries:
            return False
        labels = {failure.operation} | ({STATEFUL_LABEL} if failure.phase == "stateful" else set())
        return not any((label, failure.kind) in self.new_failures for label in labels)


def command(target: Target, spec: str, workdir: Path, report_dir: Path) -> list[str]:
    """The `st run` command line (the token travels in the config file, never in argv)."""
    users = [("team-under-test", target.token)]  # Secret: shown as '***' in any traceback
    if target.other_token:
        users.append(("other-team", target.other_token))
    # one expression into a Secret: no local of this frame holds a plain "Bearer <token>"
    content = Secret(
        json.dumps(
            {
                "auth": [
                    {"name": n, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {t}"}]} for n, t in users
                ]
            }
        )
    )
    auth_file = workdir / AUTH_FILE
    descriptor = os.open(auth_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others
    with os.fdopen(descriptor, "w") as handle:
        handle.write(content)
    config = [
        'hooks = "paperspace_deployments_toolkit.contract_tests.checks"',
        "[auth.wfc]",
        f"path = {json.dumps(str(auth_file))}",
        # no `user` pin: unpinned, Schemathesis may retry a refused request as the other team,
        # so the sweep cleans both teams' accounts
    ]
    if target.other_token:
        config.append('peers = ["team-under-test", "other-team"]')
    if not target.allow_writes:
        # the coverage phase would also try undocumented methods (DELETE, PUT, ...) on every path
        config += ["[phases.coverage]", 'unexpected-methods = ["OPTIONS"]']
    (workdir / "schemathesis.toml").write_text("\n".join(config) + "\n")
    argv = [str(Path(sys.executable).with_name("st")), "--config-file", str(workdir / "schemathesis.toml"), "run"]
    argv += [spec, "--url", target.base_url, "--checks", "all"]
    argv += ["--max-examples", str(target.examples), "--workers", str(target.workers), "--continue-on-failure"]
    argv += ["--report", "ndjson,junit,html,json", "--report-dir", str(report_dir)]
    argv += ["--seed", str(target.seed), "--request-timeout", str(target.request_timeout)]
    if not target.allow_writes:
        argv += ["--include-method", "GET"]
    if not target.shrink:
        argv.append("--no-shrink")
    if target.baseline is not None:
        argv += ["--baseline", str(target.baseline)]
        if target.record_deviations:
            argv.append("--baseline-update")
    return argv


def run(
    target: Target, spec: str, workdir: Path, report_dir: Path, progress: Callable[[str], None] | None = None
) -> Findings:
    """Schemathesis's findings on ``target``; ``progress`` is told how far it has got as it runs."""
    report_dir = report_dir.resolve()  # st runs in workdir
    report_dir.mkdir(parents=True, exist_ok=True)
    for old in report_dir.glob("*"):  # one run's reports at a time
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    argv = command(target, spec, workdir, report_dir)
    # the hooks module is imported from the installed toolkit; the tokens travel in the auth file,
    # so the child's environment goes without them
    env = {k: v for k, v in os.environ.items() if not (k.startswith("CONTRACT_") and k.endswith("TOKEN"))}
    watcher = Progress(report_dir)
    try:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as said:  # a file, not a pipe: nobody reads it meanwhile
            process = subprocess.Popen(argv, cwd=workdir, stdout=said, stderr=subprocess.STDOUT, text=True, env=env)
            try:
                returncode = _wait(process, progress, watcher)
            finally:
                if process.poll() is None:  # interrupted, or out of time
                    process.kill()
                    process.wait()
            said.seek(0)
            output = said.read()
    finally:
        (workdir / AUTH_FILE).unlink(missing_ok=True)
    return read_findings(report_dir, returncode, output, target.seed, target.baseline)


PROGRESS_EVERY = 5.0  # seconds between two progress lines of a running Schemathesis
ENGINE_TIMEOUT = 7200.0


def _wait(process: subprocess.Popen[str], progress: Callable[[str], None] | None, watcher: Progress) -> int:
    """``process``'s exit code, saying how far it has got every :data:`PROGRESS_EVERY` seconds."""
    waited = 0.0
    while True:
        try:
            return process.wait(timeout=PROGRESS_EVERY)
        except subprocess.TimeoutExpired:
            waited += PROGRESS_EVERY
            if waited >= ENGINE_TIMEOUT:
                raise
            try:
                line = watcher.line()
            except Exception:  # a progress line is a courtesy: an event it cannot read never stops the run
                line = ""
            if progress is not None and line:
                progress(line)


class Progress:
    """How far a running Schemathesis has got, read from its NDJSON events as they are written:
    the phase, the test cases so far and how many of them failed a check."""

    def __init__(self, report_dir: Path) -> None:
        self.report_dir = report_dir
        self.phase = ""
        self.cases = 0
        self.failed = 0
        self._offset = 0

    def line(self) -> str:
        events = sorted(self.report_dir.glob("ndjson-*.ndjson"))
        if not events:
            return ""
        with events[-1].open("rb") as stream:
            stream.seek(self._offset)
            chunk = stream.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits for the next look
        self._offset += len(complete)
        for raw in complete.splitlines():
            self._count(raw)
        if not self.phase:
            return ""
        return f"Schemathesis: {self.phase} phase, {self.cases} test cases, {self.failed} failing so far"

    def _count(self, raw: bytes) -> None:
        try:
            event = json.loads(raw)
        except ValueError:
            return
        if not isinstance(event, dict) or not event:
            return
        name, payload = next(iter(event.items()))
        if not isinstance(payload, dict):
            return
        if name in {"PhaseStarted", "ScenarioFinished"}:
            phase = payload.get("phase")
            self.phase = str(phase.get("name", "") if isinstance(phase, dict) else phase or self.phase)
        if name == "ScenarioFinished":
            checks = (payload.get("recorder") or {}).get("checks") or {}
            self.cases += len(checks)
            self.failed += sum(any(c.get("status") == "failure" for c in found) for found in checks.values())


def read_findings(
    report_dir: Path, exit_code: int, output: str, seed: int | None, baseline: Path | None = None
) -> Findings:
    events = sorted(report_dir.glob("ndjson-*.ndjson"))
    summaries = sorted(report_dir.glob("json-*.json"))
    cells: dict[tuple[str, str], Cell] = {}
    errors: list[RunError] = []
    cases = 0
    if not events or not summaries:
        errors.append(RunError("Schemathesis wrote no report: " + output.strip()[-2000:], tooling=True))
        return Findings(seed, exit_code, cells, set(), errors, 0, output[-4000:], report_dir)
    for event in _events(events[-1]):
        name, payload = next(iter(event.items()))
        if name == "NonFatalError":
            errors.append(RunError(f"{payload.get('label', '?')}: {_error_text(payload)}", _by_tooling(payload)))
        elif name == "FatalError":
            errors.append(RunError(f"Schemathesis stopped: {_error_text(payload)}", _by_tooling(payload)))
        elif name == "ScenarioFinished":
            recorder = payload.get("recorder") or {}
            phase = str(payload.get("phase", ""))
            for case_id, checks in (recorder.get("checks") or {}).items():
                operation = _operation(recorder, case_id)
                cases += 1
                for check in checks:
                    status = check.get("status")
                    if status == "error":
                        errors.append(
                            RunError(
                                f"{operation}: check {check['name']} raised an error (case {case_id})", tooling=True
                            )
                        )
                    # a failure counts from any phase; a success only where the check can act
                    judged = status == "failure" or (
                        status == "success" and ONLY_IN_PHASE.get(check["name"], phase) == phase
                    )
                    if not judged:
                        continue
                    cell = cells.setdefault((operation, check["name"]), Cell())
                    cell.checked += 1
                    if status == "failure":
                        cell.failures.append(_failure(recorder, case_id, operation, check, phase))
    summary = json.loads(summaries[-1].read_text())
    if exit_code not in {0, 1} or summary.get("complete") is not True:
        # the server's fault if it stopped answering (a server error above says so), else the tool's
        by_server = any(not e.tooling for e in errors)
        errors.append(
            RunError(f"Schemathesis did not complete (exit {exit_code}): {output.strip()[-1500:]}", not by_server)
        )
    new = {(op, f["type"]) for f in summary.get("failures") or [] for op in f.get("operations") or []}
    accepted = _baseline_entries(baseline)
    return Findings(seed, exit_code, cells, new, errors, cases, output[-4000:], report_dir, accepted)


def _baseline_entries(baseline: Path | None) -> set[tuple[str, str, str]]:
    """(operation, check, failure kind) of every unexpired entry of the baseline file."""
    if baseline is None or not baseline.exists():
        return set()
    today = date.today().isoformat()
    entries = json.loads(baseline.read_text()).get("entries") or []
    return {
        (e["operation"], e["check"], e["failure"]) for e in entries if not e.get("expires") or e["expires"] >= today
    }


def _events(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _by_tooling(payload: dict[str, Any]) -> bool:
    value = payload.get("value")
    kind = value.get("type") if isinstance(value, dict) else None
    return kind not in SERVER_ERROR_TYPES


def _error_text(payload: dict[str, Any]) -> str:
    info = payload.get("info") or payload.get("value") or payload
    if isinstance(info, dict):
        return str(info.get("message") or info.get("title") or json.dumps(info)[:500])
    return str(info)[:500]


STATEFUL_LABEL = "Stateful tests"  # Schemathesis's label of a stateful scenario


def _operation(recorder: dict[str, Any], case_id: str) -> str:
    """The operation a case belongs to: its scenario's, or for a stateful scenario (which spans
    several) the case's own. Not the method sent: an unexpected-method probe of DELETE /x belongs
    to the operation it probes."""
    label = str(recorder.get("label", "?"))
    case = ((recorder.get("cases") or {}).get(case_id) or {}).get("value") or {}
    if label == STATEFUL_LABEL and case.get("method") and case.get("path"):
        return f"{str(case['method']).upper()} {case['path']}"
    return label


def _failure(recorder: dict[str, Any], case_id: str, operation: str, check: dict[str, Any], phase: str) -> Failure:
    failure = (check.get("failure_info") or {}).get("failure") or {}
    interaction = (recorder.get("interactions") or {}).get(case_id) or {}
    # the credentials the failing request carried (Schemathesis records them filtered)
    scenario = str(failure.get("scenario") or "")
    auth = {"no_auth": "", "invalid_auth": MADE_UP, "generated_auth": MADE_UP}.get(scenario)
    if check.get("name") == "missing_required_header":
        auth = ""
    return Failure(
        operation=str(failure.get("operation") or operation),
        check=str(check["name"]),
        kind=str(failure.get("type", "")),
        code=str(failure.get("code") or ""),
        title=str(failure.get("title", check["name"])),
        message=str(failure.get("message", "")),
        phase=phase,
        curl=curl(interaction.get("request") or {}, auth=auth),
        case_id=case_id,
        answered=_answered(interaction.get("response")),
    )


MADE_UP = "Bearer contract-suite-made-up-token"  # what an invalid-credentials reproduction sends


def _answered(response: Any) -> str:
    if not isinstance(response, dict) or "status_code" not in response:
        return ""
    body = _body(response.get("content")) or ""
    shown = body[:200].encode("unicode_escape").decode("ascii")
    return f"{response['status_code']} {shown}".rstrip() + ("..." if len(body) > 200 else "")


def curl(request: dict[str, Any], auth: str | None = None) -> str:
    """A curl command for a recorded request; the token is left to the shell's $CONTRACT_API_TOKEN.
    ``auth``: the Authorization header the request really carried ("" for none), where the
    record does not show it (a check that sent no token or a made-up one)."""
    if not request:
        return "(no request recorded)"
    parts = ["curl", "-X", str(request.get("method", "GET"))]
    if auth:
        parts += ["-H", f"Authorization: {auth}"]
    for name, values in sorted((request.get("headers") or {}).items()):
        for value in values if isinstance(values, list) else [values]:
            if name.lower() == "authorization":
                if auth is None:
                    parts += ["-H", "Authorization: Bearer $CONTRACT_API_TOKEN"]
            elif name.lower() not in {"user-agent", "accept-encoding", "accept", "connection", "content-length"}:
                parts += ["-H", f"{name}: {value}"]
    body = _body(request.get("body"))
    if body is not None:
        parts += ["--data-binary", body]
    parts.append(str(request.get("uri", "")))
    return " ".join(_quote(p) for p in parts)


def _quote(part: str) -> str:
    if part == "Authorization: Bearer $CONTRACT_API_TOKEN":
        return '"Authorization: Bearer $CONTRACT_API_TOKEN"'  # double quotes: the shell fills it in
    return shlex.quote(part)


def _body(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, dict) and "$base64" in body:
        raw = base64.b64decode(body["$base64"])
        text = raw.decode("utf-8", errors="backslashreplace")
        return text[:4000]
    if isinstance(body, dict) and "string" in body:
        return str(body["string"])[:4000]
    return json.dumps(body)[:4000]


def operations(spec: dict[str, Any]) -> list[str]:
    """Every operation's label, in the spec's order: "GET /deployments", ..."""
    return [f"{m.upper()} {path}" for path, item in spec["paths"].items() for m in item if m in HTTP_METHODS]


def fold(values: Iterable[Failure]) -> list[Failure]:
    """One failure per distinct (kind, message), the first seen."""
    seen: dict[tuple[str, str], Failure] = {}
    for failure in values:
        seen.setdefault((failure.kind, failure.message), failure)
    return list(seen.values())
