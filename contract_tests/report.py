"""The conformance report: a model (:class:`Report`, one per run) and its renderers: the operation
x check matrix and the contract coverage as a terminal summary, Markdown, HTML and JSON.

Outcomes of a cell or a rule: passed, failed, accepted (a failure the baseline records as an
accepted deviation), not applicable (the check has nothing to judge on that operation) and not run
(it could have judged, but this run could not do it: no second token, a read-only target, or
the server gave it nothing to judge) and tooling error (the suite, Schemathesis or Hypothesis
failed there: the server is not blamed). A "not run" is never counted as a pass; every outcome
says how many of the server's answers it judged.

The files in ``reports/`` always describe the run that just ended: a refused or misused run
rewrites them saying why, and removes the previous run's Schemathesis reports.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from paperspace_deployments_toolkit.contract_tests.engine import CHECKS
from paperspace_deployments_toolkit.contract_tests.target import Target
from paperspace_deployments_toolkit.contract_tests.verdict import EXIT_CODES

OUTCOMES = ("passed", "failed", "accepted", "not applicable", "not run", "tooling error")
SYMBOLS = {"passed": "✓", "failed": "✗", "accepted": "~", "not applicable": "·", "not run": "?", "tooling error": "!"}
MATRIX_TEST = "test_check["


@dataclass
class Outcome:
    outcome: str
    reason: str  # a skip's reason, or a failure's first line
    text: str  # a failure's whole message
    judged: int | None = None  # answers of the server the check or rule judged


@dataclass
class Report:
    """The model of one run's report, fed as the run goes; the renderers below turn it into the
    terminal summary, Markdown, HTML and JSON (pytest writes the JUnit XML)."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)  # by node id
    header: list[str] = field(default_factory=list)  # what the run was: target, teams, writes, profile
    refusals: list[tuple[int, str]] = field(default_factory=list)  # (exit code, why) of a run that ended before testing
    requests: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # a failed rule's exchanges, in order
    ledger: Any = None  # the contract rules' probe.Ledger: coverage, violations and their exchanges
    seed: int | None = None
    cases: int | None = None  # Schemathesis's test cases

    def attach_ledger(self, ledger: Any) -> None:
        """The ledger whose coverage and violations the reports show."""
        self.ledger = ledger

    def refuse(self, code: int, reason: str) -> None:
        """The run ends before (or instead of) testing: the reports will say so and why."""
        self.refusals.append((code, reason))

    def refusal_code(self) -> int | None:
        return self.refusals[-1][0] if self.refusals else None

    def describe_target(self, target: Target) -> None:
        """What the report's header says of the run (never a token)."""
        self.seed = target.seed
        self.header[:] = [
            f"- target: {target.base_url}" + (" (the embedded emulator)" if target.embedded else ""),
            f"- teams: {'two (isolation checks run)' if target.other_token else 'one (isolation checks not run)'}",
            f"- writes: {'allowed' if target.allow_writes else 'none (read-only target)'}"
            + (f", at most {target.max_created} deployments, named {target.run_prefix}*" if target.max_created else ""),
            f"- profile: {target.profile}, seed {target.seed}"
            + (f", accepted deviations from {target.baseline.name}" if target.baseline else ""),
        ]

    def describe_run(self, cases: int, report_dir: Path) -> None:
        """What Schemathesis did, for the header."""
        self.cases = cases
        self.header.append(f"- Schemathesis: {cases} test cases in every phase (its own reports: {report_dir})")

    def record(self, test_report: pytest.TestReport) -> None:
        """One test's outcome, as pytest reports it."""
        record(self, test_report)


def coverage_rows(report: Report) -> list[dict[str, Any]]:
    return list(report.ledger.coverage()) if report.ledger is not None else []


def coverage_markdown(report: Report) -> list[str]:
    rows = coverage_rows(report)
    if not rows:
        return ["## Contract coverage", "", "Not measured: the contract rules did not run.", ""]
    lines = [
        "## Contract coverage",
        "",
        "Items of the effective spec (upstream plus overlays): provoked by a request, judged, passed.",
        "",
        "| items | count | reachable | provoked | judged | passed | coverage of the reachable |",
        "| --- | --: | --: | --: | --: | --: | --: |",
    ]
    for row in rows:
        share = f"{100 * row['provoked'] / row['reachable']:.0f} %" if row["reachable"] else "-"
        lines.append(
            f"| {row['kind']} | {row['items']} | {row['reachable']} | {row['provoked']} | {row['judged']} |"
            f" {row['passed']} | {share} |"
        )
    missing = [(row["kind"], m) for row in rows for m in row["not reached"]]
    reachable = [(k, m) for k, m in missing if not m["reason"].startswith("unreachable:")]
    if reachable:
        lines += ["", "Reachable but not reached by this run, and why:", ""]
        lines += [f"- {kind} {_code_span(m['item'])}: {m['reason']}" for kind, m in reachable]
    unreachable = [(k, m) for k, m in missing if m["reason"].startswith("unreachable:")]
    if unreachable:
        lines += ["", "Unreachable by any black-box client, and why:", ""]
        lines += [
            f"- {kind} {_code_span(m['item'])}: {m['reason'].removeprefix('unreachable: ')}" for kind, m in unreachable
        ]
    return [*lines, ""]


def _code_span(text: str) -> str:
    """``text`` (spec names: paths, pointers) as a Markdown code span that nothing in it can end."""
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"


def coverage_terminal(report: Report) -> list[str]:
    """The coverage table in a few lines: one per kind of item."""
    lines = []
    for row in coverage_rows(report):
        missed = [m for m in row["not reached"] if not m["reason"].startswith("unreachable:")]
        lines.append(
            f"contract coverage, {row['kind']}: {row['provoked']} of {row['reachable']} reachable provoked"
            + (f" ({row['items'] - row['reachable']} unreachable)" if row["items"] > row["reachable"] else "")
            + f", {row['judged']} judged, {row['passed']} passed"
            + (f"; {len(missed)} not reached (reports/conformance.md says why)" if missed else "")
        )
    return lines


def _violations(report: Report) -> list[dict[str, Any]]:
    if report.ledger is None:
        return []
    ledger = report.ledger
    by_number = {ex.number: ex for ex in ledger.exchanges}
    return [
        {
            "rule": v.rule,
            "operation": v.operation,
            "expected": v.expected,
            "got": v.got,
            "requests": [by_number[n].record() for n in v.exchanges if n in by_number],
        }
        for v in ledger.violations
    ]


def record(model: Report, report: pytest.TestReport) -> None:
    if report.when != "call" and report.outcome == "passed":
        return
    text = report.longreprtext.strip() if report.failed else ""
    reason = ""
    outcome: str = report.outcome
    properties = dict(report.user_properties)
    if report.failed and properties.get("blame") == "tooling":
        outcome = "tooling error"
        reason = "the server is not blamed: " + next(
            (line[1:].strip() for line in text.splitlines() if line.startswith("E ")), text[-200:]
        )
    elif hasattr(report, "wasxfail"):
        outcome, reason = "accepted", str(report.wasxfail)
    elif report.skipped:
        reason = str(report.longrepr[2]).removeprefix("Skipped: ") if isinstance(report.longrepr, tuple) else ""
        outcome = "not applicable" if reason.startswith("not applicable") else "not run"
    elif report.failed:
        # pytest's "E   ..." line says what broke; a pytest.fail message has none: its first line
        errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
        reason = (errors or [line for line in text.splitlines() if line.strip()] or ["failed"])[0]
    judged = properties.get("judged")
    requests = properties.get("requests")
    if isinstance(requests, list):
        model.requests[report.nodeid] = requests
    if report.nodeid not in model.outcomes or outcome in {"failed", "tooling error"}:
        model.outcomes[report.nodeid] = Outcome(outcome, reason, text, judged if isinstance(judged, int) else None)


def _split(nodeid: str) -> tuple[str, str] | None:
    """(operation, check) of a matrix test's node id, else None."""
    name = nodeid.split("::", 1)[-1]
    if not name.startswith(MATRIX_TEST):
        return None
    operation, check = name[len(MATRIX_TEST) : -1].rsplit("-", 1)
    return operation, check


def _matrix(report: Report) -> tuple[list[str], list[str], dict[tuple[str, str], tuple[str, Outcome]]]:
    operations: list[str] = []
    checks: list[str] = []
    cells: dict[tuple[str, str], tuple[str, Outcome]] = {}
    for nodeid, outcome in report.outcomes.items():
        where = _split(nodeid)
        if where is None:
            continue
        operation, check = where
        operations += [] if operation in operations else [operation]
        checks += [] if check in checks else [check]
        cells[where] = (nodeid, outcome)
    return operations, checks, cells


def _others(report: Report) -> list[tuple[str, Outcome]]:
    return [(nodeid, o) for nodeid, o in report.outcomes.items() if _split(nodeid) is None]


def _counts(report: Report) -> str:
    counts = {o: sum(1 for v in report.outcomes.values() if v.outcome == o) for o in OUTCOMES}
    return ", ".join(f"{counts[o]} {o}" for o in OUTCOMES)


def _anchor(nodeid: str) -> str:
    return "f-" + "".join(c if c.isalnum() else "-" for c in nodeid.split("::", 1)[-1]).strip("-").lower()


def _relative(nodeid: str) -> str:
    """A test's node id from the suite's folder (``test_rules.py::test_x``), wherever pytest ran."""
    path, _, name = nodeid.partition("::")
    return f"{Path(path).name}::{name}"


def markdown(report: Report, exit_code: int) -> str:
    operations, checks, cells = _matrix(report)
    lines = ["# Conformance report", "", *report.header, "", f"**{_verdict_line(exit_code)}**; {_counts(report)}", ""]
    legend = ", ".join(f"{SYMBOLS[o]} {o}" for o in OUTCOMES)
    if operations:
        lines += ["## Checks x operations", "", legend, ""]
        lines.append("| check | " + " | ".join(f"`{o}`" for o in operations) + " | what it holds the server to |")
        lines.append("| --- |" + " :-: |" * len(operations) + " --- |")
        for check in checks:
            row = []
            for operation in operations:
                nodeid, outcome = cells.get((operation, check), ("", Outcome("not run", "", "")))
                symbol = SYMBOLS[outcome.outcome]
                row.append(f"[{symbol}](#{_anchor(nodeid)})" if outcome.outcome == "failed" else symbol)
            lines.append(f"| `{check}` | " + " | ".join(row) + f" | {CHECKS.get(check, '')} |")
        lines.append("")
    lines += coverage_markdown(report)
    lines += [
        "## The API's rules and the run itself",
        "",
        "| test | outcome | answers judged | detail |",
        "| --- | --- | --: | --- |",
    ]
    for nodeid, outcome in sorted(_others(report)):
        name = nodeid.split("::", 1)[-1]
        judged = "" if outcome.judged is None else str(outcome.judged)
        lines.append(f"| `{name}` | {outcome.outcome} | {judged} | {outcome.reason.replace('|', '/')} |")
    failed = [(n, o) for n, o in report.outcomes.items() if o.outcome in {"failed", "tooling error"}]
    if failed:
        lines += ["", "## Failures", ""]
        for nodeid, outcome in failed:
            lines += [f'<a id="{_anchor(nodeid)}"></a>', f"### `{nodeid.split('::', 1)[-1]}`", "", "```"]
            lines += [outcome.text.replace("```", "'''"), "```", ""]
    return "\n".join(lines) + "\n"


def html_page(report: Report, schemathesis_report: str | None, exit_code: int) -> str:
    operations, checks, cells = _matrix(report)
    esc = html.escape
    colors = {
        "passed": "#d9f2d9",
        "failed": "#f8c8c8",
        "accepted": "#fbe7b5",
        "not applicable": "#f2f2f2",
        "not run": "#e6e6f5",
        "tooling error": "#e0c8f0",
    }
    out = [
        "<!doctype html><meta charset='utf-8'><title>Conformance report</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 6px;text-align:center}th.op,td.op{text-align:left}"
        "th.ck{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal}"
        "pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style>",
        "<h1>Conformance report</h1><ul>",
        *[f"<li>{esc(line.removeprefix('- '))}</li>" for line in report.header],
        f"</ul><p><b>{esc(_verdict_line(exit_code))}</b>; {esc(_counts(report))}</p>",
        "<p>"
        + " ".join(f"<span style='background:{colors[o]};padding:2px 6px'>{SYMBOLS[o]} {o}</span>" for o in OUTCOMES),
    ]
    if schemathesis_report:
        out.append(f" · <a href='{esc(schemathesis_report)}'>Schemathesis's own report</a>")
    out.append("</p>")
    if operations:
        out.append(
            "<table><tr><th class='op'>operation</th>" + "".join(f"<th class='ck'>{esc(c)}</th>" for c in checks)
        )
        for operation in operations:
            out.append(f"<tr><td class='op'><code>{esc(operation)}</code></td>")
            for check in checks:
                nodeid, outcome = cells.get((operation, check), ("", Outcome("not run", "", "")))
                judged = "" if outcome.judged is None else f", {outcome.judged} answers judged"
                title = esc(f"{check}: {outcome.outcome}{judged}" + (f" ({outcome.reason})" if outcome.reason else ""))
                symbol = SYMBOLS[outcome.outcome]
                if outcome.outcome == "failed":
                    symbol = f"<a href='#{_anchor(nodeid)}'>{symbol}</a>"
                out.append(f"<td style='background:{colors[outcome.outcome]}' title='{title}'>{symbol}</td>")
            out.append("</tr>")
        out.append("</table>")
    out.append("<h2>Contract coverage</h2>")
    out.append(_markdownish_to_html(coverage_markdown(report)[2:]))
    out.append("<h2>The API's rules and the run itself</h2><table>")
    for nodeid, outcome in sorted(_others(report)):
        out.append(
            f"<tr><td class='op'><code>{esc(nodeid.split('::', 1)[-1])}</code></td>"
            f"<td style='background:{colors[outcome.outcome]}'>{esc(outcome.outcome)}</td>"
            f"<td>{'' if outcome.judged is None else outcome.judged}</td>"
            f"<td class='op'>{esc(outcome.reason)}</td></tr>"
        )
    out.append("</table>")
    failed = [(n, o) for n, o in report.outcomes.items() if o.outcome in {"failed", "tooling error"}]
    if failed:
        out.append("<h2>Failures</h2>")
        for nodeid, outcome in failed:
            out.append(f"<h3 id='{_anchor(nodeid)}'><code>{esc(nodeid.split('::', 1)[-1])}</code></h3>")
            out.append(f"<pre>{esc(outcome.text)}</pre>")
    return "\n".join(out) + "\n"


def _markdownish_to_html(lines: list[str]) -> str:
    """The coverage section's table and list as HTML."""
    esc = html.escape
    out, in_list = [], False
    for line in lines:
        if line.startswith("| ---"):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            tag = "th" if cells[0] == "items" else "td"
            out.append("<tr>" + "".join(f"<{tag}>{esc(c)}</{tag}>" for c in cells) + "</tr>")
        elif line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{esc(line[2:])}</li>")
        elif line:
            out.append(f"<p>{esc(line)}</p>")
    text = "\n".join(out)
    text = text.replace("<tr>", "<table><tr>", 1) if "<tr>" in text else text
    if "<tr>" in text:
        last = text.rfind("</tr>") + len("</tr>")
        text = text[:last] + "</table>" + text[last:]
    return text + ("</ul>" if in_list else "")


def terminal_lines(report: Report) -> list[str]:
    """The matrix on one screen: a column per check, numbered, and the rules below it."""
    operations, checks, cells = _matrix(report)
    lines: list[str] = []
    if operations:
        width = max(len(o) for o in operations)
        lines.append(" " * width + "  " + "".join(f"{i + 1:>3}" for i in range(len(checks))))
        for operation in operations:
            row = "".join(
                f"{SYMBOLS[cells.get((operation, c), ('', Outcome('not run', '', '')))[1].outcome]:>3}" for c in checks
            )
            lines.append(f"{operation:<{width}}  {row}")
        names = [f"{i + 1:>2} {c}" for i, c in enumerate(checks)]
        column = (len(names) + 2) // 3
        for i in range(column):
            lines.append("   ".join(f"{n:<33}" for n in names[i::column]).rstrip())
        lines.append("   ".join(f"{SYMBOLS[o]} {o}" for o in OUTCOMES))
    for nodeid, outcome in sorted(_others(report)):
        lines.append(
            f"{SYMBOLS[outcome.outcome]} {nodeid.split('::', 1)[-1]}"
            + (f" ({outcome.judged} answers judged)" if outcome.judged else "")
            + (f": {outcome.reason}" if outcome.outcome != "passed" and outcome.reason else "")
        )
    return lines


def _verdict_line(code: int) -> str:
    return f"exit {code}: {EXIT_CODES.get(code, 'pytest exit status')}"


def _refusal_page(report: Report, code: int, reason: str) -> tuple[str, str]:
    """The Markdown and HTML of a run that ended before testing."""
    md = ["# Conformance report", "", *report.header, "", f"**Not tested ({_verdict_line(code)})**", "", "```"]
    md += [reason.replace("```", "'''"), "```", ""]
    page = (
        "<!doctype html><meta charset='utf-8'><title>Conformance report</title><h1>Conformance report</h1>"
        f"<p><b>Not tested ({html.escape(_verdict_line(code))})</b></p><pre>{html.escape(reason)}</pre>\n"
    )
    return "\n".join(md), page


REPORTS = Path("reports")  # where every run writes its reports, relative to where it was started
OWN_FILES = ("conformance.md", "conformance.html", "conformance.json", "junit.xml", "schemathesis")


def clear(directory: Path) -> None:
    """Remove the previous run's reports, so none of them can pass for this run's."""
    for name in OWN_FILES:
        path = directory / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a reader never sees half a report."""
    scratch = path.with_name(f".{path.name}.partial")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


def write_files(report: Report, directory: Path, exit_code: int) -> None:
    """Rewrite every report of the suite for the run that just ended (a refused one included)."""
    directory.mkdir(exist_ok=True)
    if report.refusals or not report.outcomes:
        code, reason = report.refusals[-1] if report.refusals else (exit_code, "no test ran: see the terminal output")
        code = exit_code if exit_code not in {0, 1} else code
        md, page = _refusal_page(report, code, reason)
        _write(directory / "conformance.md", md)
        _write(directory / "conformance.html", page)
        summary = {"exit_code": code, "verdict": EXIT_CODES.get(code, ""), "refused": reason, "outcomes": {}}
        _write(directory / "conformance.json", json.dumps(summary, indent=1) + "\n")
        return
    _write(directory / "conformance.md", markdown(report, exit_code))
    outcomes = {
        nodeid.split("::", 1)[-1]: {
            "outcome": o.outcome,
            "reason": o.reason,
            "judged": o.judged,
            "nodeid": _relative(nodeid),
        }
        | ({"text": o.text} if o.outcome in {"failed", "tooling error"} else {})
        | ({"requests": report.requests[nodeid]} if nodeid in report.requests else {})
        for nodeid, o in report.outcomes.items()
    }
    summary = {
        "exit_code": exit_code,
        "verdict": EXIT_CODES.get(exit_code, ""),
        "schemathesis_cases": report.cases,
        "seed": report.seed,
        "outcomes": outcomes,
        "coverage": coverage_rows(report),
        "violations": _violations(report),
    }
    _write(directory / "conformance.json", json.dumps(summary, indent=1, sort_keys=True) + "\n")
    schemathesis_html = sorted((directory / "schemathesis").glob("html-*/index.html"))
    link = str(schemathesis_html[-1].relative_to(directory)) if schemathesis_html else None
    _write(directory / "conformance.html", html_page(report, link, exit_code))


def print_summary(report: Report, terminalreporter: Any, directory: Path) -> None:
    terminalreporter.section("conformance")
    for line in report.header:
        terminalreporter.write_line(line)
    if report.refusals or not report.outcomes:
        terminalreporter.write_line(report.refusals[-1][1] if report.refusals else "no test ran")
    else:
        for line in terminal_lines(report):
            terminalreporter.write_line(line)
        for line in coverage_terminal(report):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"{_counts(report)}")
    terminalreporter.write_line(f"report: {directory / 'conformance.md'}, .html and .json; JUnit XML with --junitxml")
