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
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract_tests.target import Target

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
    "logs_respect_limit": "logs hold at most `limit` lines, oldest first",
    "metric_points_within_range": "every metric point lies within [start, end]",
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

    def describe(self, seed: int | None) -> str:
        lines = [
            f"{self.operation} | {self.check}: {self.title} ({self.phase} phase, case {self.case_id})",
            "",
            *self.message.strip().splitlines(),
            "",
            "Reproduce with:",
            f"    {self.curl}",
        ]
        if seed is not None:
            lines.append(f"    (the whole run: --seed {seed})")
        return "\n".join(lines)


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
    errors: list[str]  # what kept Schemathesis from testing something
    cases: int
    output_tail: str
    report_dir: Path

    def cell(self, operation: str, check: str) -> Cell:
        return self.cells.get((operation, check), Cell())

    def is_accepted(self, failure: Failure) -> bool:
        return (failure.operation, failure.kind) not in self.new_failures


def command(target: Target, spec: str, workdir: Path, report_dir: Path) -> list[str]:
    """The `st run` command line (the token travels in the config file, never in argv)."""
    users = [("team-under-test", target.token)]
    if target.other_token:
        users.append(("other-team", target.other_token))
    auth = {
        "auth": [{"name": n, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {t}"}]} for n, t in users]
    }
    auth_file = workdir / "auth.json"
    auth_file.write_text(json.dumps(auth))
    auth_file.chmod(0o600)
    config = [
        'hooks = "contract_tests.checks"',
        "[auth.wfc]",
        f"path = {json.dumps(str(auth_file))}",
    ]
    if target.other_token:
        config.append('peers = ["team-under-test", "other-team"]')
    (workdir / "schemathesis.toml").write_text("\n".join(config) + "\n")
    argv = [str(Path(sys.executable).with_name("st")), "--config-file", str(workdir / "schemathesis.toml"), "run"]
    argv += [spec, "--url", target.base_url, "--checks", "all"]
    argv += ["--max-examples", str(target.examples), "--workers", str(target.workers), "--continue-on-failure"]
    argv += ["--report", "ndjson,junit,html,json", "--report-dir", str(report_dir)]
    argv += ["--seed", str(target.seed)]
    if not target.allow_writes:
        argv += ["--include-method", "GET"]
    if target.baseline is not None:
        argv += ["--baseline", str(target.baseline)]
        if target.record_deviations:
            argv.append("--baseline-update")
    return argv


def run(target: Target, spec: str, workdir: Path, report_dir: Path) -> Findings:
    report_dir = report_dir.resolve()  # st runs in workdir
    report_dir.mkdir(parents=True, exist_ok=True)
    for old in report_dir.glob("*"):  # one run's reports at a time
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    argv = command(target, spec, workdir, report_dir)
    # the hooks module must import from the project, wherever the suite was started
    env = {**_environ(), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, env=env, timeout=7200, check=False)
    return read_findings(report_dir, result.returncode, result.stdout + result.stderr, target.seed)


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def read_findings(report_dir: Path, exit_code: int, output: str, seed: int | None) -> Findings:
    events = sorted(report_dir.glob("ndjson-*.ndjson"))
    summaries = sorted(report_dir.glob("json-*.json"))
    cells: dict[tuple[str, str], Cell] = {}
    errors: list[str] = []
    cases = 0
    if not events or not summaries:
        errors.append("Schemathesis wrote no report: " + output.strip()[-2000:])
        return Findings(seed, exit_code, cells, set(), errors, 0, output[-4000:], report_dir)
    for event in _events(events[-1]):
        name, payload = next(iter(event.items()))
        if name == "NonFatalError":
            errors.append(f"{payload.get('label', '?')}: {_error_text(payload)}")
        elif name == "FatalError":
            errors.append(f"Schemathesis stopped: {_error_text(payload)}")
        elif name == "ScenarioFinished":
            recorder = payload.get("recorder") or {}
            phase = str(payload.get("phase", ""))
            for case_id, checks in (recorder.get("checks") or {}).items():
                operation = _operation(recorder, case_id)
                cases += 1
                for check in checks:
                    cell = cells.setdefault((operation, check["name"]), Cell())
                    cell.checked += 1
                    if check.get("status") == "failure":
                        cell.failures.append(_failure(recorder, case_id, operation, check, phase))
    summary = json.loads(summaries[-1].read_text())
    new = {(op, f["type"]) for f in summary.get("failures") or [] for op in f.get("operations") or []}
    return Findings(seed, exit_code, cells, new, errors, cases, output[-4000:], report_dir)


def _events(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _error_text(payload: dict[str, Any]) -> str:
    info = payload.get("info") or payload.get("value") or payload
    if isinstance(info, dict):
        return str(info.get("message") or info.get("title") or json.dumps(info)[:500])
    return str(info)[:500]


def _operation(recorder: dict[str, Any], case_id: str) -> str:
    """The operation a case exercised ("Stateful tests" scenarios span several)."""
    case = ((recorder.get("cases") or {}).get(case_id) or {}).get("value") or {}
    if case.get("method") and case.get("path"):
        return f"{str(case['method']).upper()} {case['path']}"
    return str(recorder.get("label", "?"))


def _failure(recorder: dict[str, Any], case_id: str, operation: str, check: dict[str, Any], phase: str) -> Failure:
    failure = (check.get("failure_info") or {}).get("failure") or {}
    interaction = (recorder.get("interactions") or {}).get(case_id) or {}
    return Failure(
        operation=str(failure.get("operation") or operation),
        check=str(check["name"]),
        kind=str(failure.get("type", "")),
        code=str(failure.get("code") or ""),
        title=str(failure.get("title", check["name"])),
        message=str(failure.get("message", "")),
        phase=phase,
        curl=curl(interaction.get("request") or {}),
        case_id=case_id,
    )


def curl(request: dict[str, Any]) -> str:
    """A curl command for a recorded request; the token is left to the shell's $CONTRACT_API_TOKEN."""
    if not request:
        return "(no request recorded)"
    parts = ["curl", "-X", str(request.get("method", "GET"))]
    for name, values in sorted((request.get("headers") or {}).items()):
        for value in values if isinstance(values, list) else [values]:
            if name.lower() == "authorization":
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
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return [f"{m.upper()} {path}" for path, item in spec["paths"].items() for m in item if m in methods]


def checks_of(findings: Findings) -> list[str]:
    return sorted({check for _, check in findings.cells})


def fold(values: Iterable[Failure]) -> list[Failure]:
    """One failure per distinct (kind, message), the first seen."""
    seen: dict[tuple[str, str], Failure] = {}
    for failure in values:
        seen.setdefault((failure.kind, failure.message), failure)
    return list(seen.values())
