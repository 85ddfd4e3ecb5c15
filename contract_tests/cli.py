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

from contract_tests import verdict


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        status = _run(arguments)
    except KeyboardInterrupt:
        status = verdict.INTERRUPTED
    except Exception as exc:  # the suite itself broke: one line, and the server is not blamed
        print(f"deployments-contract: the suite failed ({type(exc).__name__}: {exc})", file=sys.stderr)
        status = verdict.TOOLING_ERROR
    if "--help" not in arguments and "-h" not in arguments:
        print(f"deployments-contract: exit {status}: {verdict.EXIT_CODES.get(status, 'unknown')}")
    return status


def _run(arguments: list[str]) -> int:
    from contract_tests import report

    report.clear(report.REPORTS)  # whatever happens next, no report of a previous run is left
    suite = Path(__file__).resolve().parent
    junit = f"--junitxml={report.REPORTS / 'junit.xml'}"
    status = int(pytest.main([str(suite), "-p", "no:cacheprovider", junit, *arguments]))
    if status in {pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED}:
        why = (
            "the options were refused (pytest's message is above)"
            if status == pytest.ExitCode.USAGE_ERROR
            else "no test was selected (check -k or the test names)"
        )
        report.refuse(verdict.USAGE, why)
        report.write_files(report.REPORTS, verdict.USAGE)
        return verdict.USAGE
    return verdict.documented(status, refused=report.refusal_code())
