"""``deployments-contract``: the conformance suite as one command, with documented exit codes.

It runs the suite (``pytest contract_tests``) with the options given, writes ``reports/`` in the
current directory (JUnit XML included), and exits with one of the codes of ``verdict``: 0 the
server conforms, 1 it broke the contract, 2 the options make no sense, 3 the run was refused,
70 an error inside the tooling (the server is not blamed), 130 interrupted. CI should call it
rather than ``make contract``, which turns every failure into make's own exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from contract_tests import report, verdict

REPORTS = Path("reports")


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    suite = Path(__file__).resolve().parent
    status = int(pytest.main([str(suite), "-p", "no:cacheprovider", f"--junitxml={REPORTS / 'junit.xml'}", *arguments]))
    if status in {pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED}:
        why = (
            "the options were refused (pytest's message is above)"
            if status == pytest.ExitCode.USAGE_ERROR
            else "no test was selected (check -k or the test names)"
        )
        status = verdict.USAGE
        report.refuse(status, why)
        report.write_files(REPORTS, status)
    if "--help" not in arguments and "-h" not in arguments:
        print(f"deployments-contract: exit {status}: {verdict.EXIT_CODES.get(status, 'pytest exit status')}")
    return status
