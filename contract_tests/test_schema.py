"""Everything Schemathesis can check against the effective spec: one test per operation and check.

A session-wide Schemathesis run (every phase, every check, the suite's own checks as hooks; see
``engine.py``) is read back cell by cell: ``test_check[GET /deployments | not_a_server_error]``
passes when the check judged answers of that operation and none failed, fails with the request
that broke it, and is skipped as "not applicable" or "not run" (with the reason) otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paperspace_deployments_toolkit.contract_tests import engine, report
from paperspace_deployments_toolkit.contract_tests.conftest import SPEC, Judged
from paperspace_deployments_toolkit.contract_tests.inventory import Contract
from paperspace_deployments_toolkit.contract_tests.session import Run
from paperspace_deployments_toolkit.contract_tests.target import Target
from paperspace_deployments_toolkit.contract_tests.verdict import ToolingError

SPEC_DOCUMENT: dict[str, Any] = json.loads(Path(SPEC).read_text(encoding="utf-8"))
CONTRACT = Contract(SPEC_DOCUMENT)  # references followed: a response given as a $ref documents its headers too
OPERATIONS = engine.operations(SPEC_DOCUMENT)

CHECKS = engine.CHECKS


def _operation_object(label: str) -> dict[str, Any]:
    method, path = label.split(" ", 1)
    return dict(SPEC_DOCUMENT["paths"][path][method.lower()])


def not_checked(label: str, check: str, target: Target) -> str | None:
    """Why a cell cannot pass or fail: "not applicable: ..." or "not run: ...", else None."""
    method, path = label.split(" ", 1)
    if method != "GET" and not target.allow_writes:
        return "not run: the target is read-only (pass --allow-writes)"
    if check == "object_level_authorization" and not target.other_token:
        return "not run: no second team's token (--other-team-token)"
    if check in engine.STATEFUL_ONLY and "{" not in path:
        return "not applicable: the operation reads no single deployment"
    if check in engine.STATEFUL_ONLY and not target.allow_writes:
        return "not run: it needs deployments the run creates (pass --allow-writes)"
    if check == "use_after_free" and method != "GET":
        return "not applicable: only reads can use what a DELETE removed"
    if check == "response_headers_conformance" and not any(
        response.get("headers") for response in CONTRACT.by_label(label).responses.values()
    ):
        return "not applicable: the operation documents no response headers"
    if check == "page_respects_limit" and "x-pagination" not in _operation_object(label):
        return "not applicable: the operation is not paginated"
    if check in {"logs_respect_limit", "logs_oldest_first"} and not path.endswith("/logs"):
        return "not applicable: not the logs operation"
    if check == "metric_points_within_range" and not path.endswith("/metrics"):
        return "not applicable: not the metrics operation"
    return None


@pytest.fixture(scope="session")
def findings(
    target: Target, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config, run: Run
) -> Iterator[engine.Findings]:
    workdir = tmp_path_factory.mktemp("schemathesis")
    terminal = pytestconfig.pluginmanager.get_plugin("terminalreporter")

    def progress(line: str) -> None:  # on the terminal as it runs, whatever pytest captures
        if terminal is not None:
            terminal.write_line(f"  {line}")

    found = engine.run(target, SPEC, workdir, report.REPORTS / "schemathesis", progress)
    run.report.describe_run(found.cases, report.REPORTS / "schemathesis")
    yield found


def test_schemathesis_reached_the_server_throughout(findings: engine.Findings, judged: Judged) -> None:
    """The server answered every request Schemathesis sent: it did not stop, hang or drop them."""
    by_server = [e.text for e in findings.errors if not e.tooling]
    if by_server:
        pytest.fail("The server stopped answering Schemathesis:\n" + "\n".join(by_server), pytrace=False)
    judged.add(findings.cases)


def test_schemathesis_ran_every_phase_without_tooling_errors(findings: engine.Findings) -> None:
    """The run itself: Schemathesis, Hypothesis and the suite's hooks worked (no schema, hook or
    interpreter errors). A failure here is the tooling's: the server is not blamed."""
    by_tooling = [e.text for e in findings.errors if e.tooling]
    if by_tooling:
        raise ToolingError("Schemathesis could not test everything:\n" + "\n".join(by_tooling))
    if findings.cases == 0:
        raise ToolingError("Schemathesis ran no test case:\n" + findings.output_tail)


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("label", OPERATIONS)
def test_check(findings: engine.Findings, target: Target, judged: Judged, label: str, check: str) -> None:
    reason = not_checked(label, check, target)
    if reason:
        pytest.skip(reason)
    cell = findings.cell(label, check)
    judged.add(cell.checked)
    judged.why_none = "Schemathesis sent this operation no request this check could judge"
    new = [f for f in cell.failures if not findings.is_accepted(f)]
    if new:
        details = "\n\n".join(f.describe(findings.seed) for f in engine.fold(new))
        pytest.fail(f"{len(new)} of {cell.checked} answers failed `{check}`:\n\n{details}", pytrace=False)
    if cell.failures:
        pytest.xfail(f"accepted deviation (baseline): {cell.failures[0].title}")


def test_no_check_outside_the_matrix_failed(findings: engine.Findings) -> None:
    """A check Schemathesis added after this suite was written still fails the run."""
    others = [
        failure
        for (_, check), cell in findings.cells.items()
        if check not in CHECKS
        for failure in cell.failures
        if not findings.is_accepted(failure)
    ]
    if others:
        pytest.fail("\n\n".join(f.describe(findings.seed) for f in engine.fold(others)), pytrace=False)
