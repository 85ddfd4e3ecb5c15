"""The suite's verdict, run after run: ``deployments-contract`` against the embedded emulator N
times in a row, each in its own directory, with each run's exit code and Schemathesis test cases.

    .venv/bin/python bench/contract_repeat.py [--runs 30] [--python .venv-3.12/bin/python]

A verdict that is not 0 on every run is a false alarm (the emulator conforms): the summary says
how many runs were green and prints the first lines of what went wrong in the others. Exits 1
unless every run was green. ``make contract-repeat`` runs it (``RUNS=30``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def one_run(python: str, directory: Path) -> tuple[int, int | None, str]:
    """(exit code, Schemathesis test cases, the end of the output) of one run in ``directory``."""
    result = subprocess.run(
        [python, "-m", "paperspace_deployments_toolkit.contract_tests"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    report = directory / "reports" / "conformance.json"
    cases = json.loads(report.read_text(encoding="utf-8")).get("schemathesis_cases") if report.exists() else None
    return result.returncode, cases, (result.stdout + result.stderr)[-1500:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--python", default=sys.executable, help="the interpreter of the virtualenv to run")
    options = parser.parse_args()
    options.python = os.path.abspath(
        options.python
    )  # each run starts in its own directory; no resolve: a venv's python is a link
    version = subprocess.run(
        [options.python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    codes: list[int] = []
    cases: list[int] = []
    for n in range(1, options.runs + 1):
        with tempfile.TemporaryDirectory(prefix="contract-repeat-") as scratch:
            code, count, tail = one_run(options.python, Path(scratch))
        codes.append(code)
        cases += [count] if count is not None else []
        print(f"run {n:>3}: exit {code}, {count} Schemathesis test cases", flush=True)
        if code != 0:
            print("    " + "\n    ".join(tail.splitlines()[-12:]), flush=True)
    green = codes.count(0)
    spread = f"{min(cases)}-{max(cases)}, median {statistics.median(cases):g}" if cases else "none"
    print(f"CPython {version} ({platform.machine()}): {green} of {len(codes)} runs green; test cases per run {spread}")
    return 0 if green == len(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
