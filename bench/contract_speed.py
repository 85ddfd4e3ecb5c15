"""The conformance suite: wall time and Schemathesis test cases per second of its `quick` and
`full` profiles against the embedded emulator, against a plain `st run` with every check against
`prism mock` at the same number of examples (a benchmark, never a test).

    .venv/bin/python bench/contract_speed.py [--runs 2]

The suite does more than `st run` (its own checks as hooks, the rules and the model after the
Schemathesis run, two teams, the sweep); the test cases are counted the same way for both, from
Schemathesis's NDJSON report. Prism is installed into bench/.peers/ by emulator_speed.py's helper.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, TOKEN, machine
from bench.emulator_speed import free_port, prism_executable, wait_until_up
from bench.results import Area, Chart, Table, print_area, ratio, span
from paperspace_deployments_toolkit.contract_tests.target import PROFILES


def _count_cases(report_dir: Path) -> int:
    """Test cases in a Schemathesis NDJSON report, counted as the suite counts them."""
    cases = 0
    for report in sorted(report_dir.glob("ndjson-*.ndjson")):
        for line in report.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if "ScenarioFinished" in event:
                cases += len(((event["ScenarioFinished"].get("recorder") or {}).get("checks")) or {})
    return cases


def run_suite(profile: str) -> tuple[float, int]:
    """Wall seconds of `make contract`'s pytest run with ``profile``, and its Schemathesis test cases."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "pytest", str(ROOT / "contract_tests"), "-p", "no:cacheprovider", "-q"]
        start = time.perf_counter()
        result = subprocess.run(
            command, cwd=scratch, capture_output=True, text=True, env={**os.environ, "CONTRACT_PROFILE": profile}
        )
        wall = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"the suite failed ({result.returncode}): {result.stdout[-2000:]}")
        summary = (Path(scratch) / "reports" / "conformance.md").read_text(encoding="utf-8")
        found = re.search(r"Schemathesis: (\d+) test cases", summary)
        return wall, int(found.group(1)) if found else 0


def run_st_against_prism(base_url: str, examples: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as scratch:
        command = [str(Path(sys.executable).with_name("st")), "run", str(ROOT / "generated" / "openapi.json")]
        command += ["--url", base_url, "--checks", "all", "--max-examples", str(examples), "--workers", "2"]
        command += ["--seed", "20261128", "-H", f"Authorization: Bearer {TOKEN}"]
        command += ["--report", "ndjson", "--report-dir", scratch]
        start = time.perf_counter()
        subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)  # prism fails checks
        wall = time.perf_counter() - start
        return wall, _count_cases(Path(scratch))


def measure(runs: int = 2) -> Area:
    port = free_port()
    prism = subprocess.Popen(
        [str(prism_executable()), "mock", "-h", "127.0.0.1", "-p", str(port), str(ROOT / "generated" / "openapi.json")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    figures: dict[tuple[str, str], list[tuple[float, int]]] = {}
    try:
        wait_until_up(f"http://127.0.0.1:{port}/deployments", {"Authorization": f"Bearer {TOKEN}"})
        for _ in range(runs):
            for profile in PROFILES:
                figures.setdefault(("suite", profile), []).append(run_suite(profile))
                peer = run_st_against_prism(f"http://127.0.0.1:{port}", PROFILES[profile])
                figures.setdefault(("st", profile), []).append(peer)
    finally:
        prism.terminate()
        prism.wait(timeout=10)
    rows = []
    rates: dict[str, list[list[float]]] = {"suite vs emulator": [], "st run vs prism mock": []}
    for profile in PROFILES:
        ours, theirs = figures[("suite", profile)], figures[("st", profile)]
        our_rate, their_rate = [c / w for w, c in ours], [c / w for w, c in theirs]
        rates["suite vs emulator"].append(our_rate)
        rates["st run vs prism mock"].append(their_rate)
        rows.append(
            [
                f"{profile} ({PROFILES[profile]} examples)",
                span([w for w, _ in ours], digits=1),
                span([float(c) for _, c in ours], digits=0),
                span(our_rate, digits=0),
                span([w for w, _ in theirs], digits=1),
                span([float(c) for _, c in theirs], digits=0),
                span(their_rate, digits=0),
                f"{ratio(our_rate, their_rate):.2f}",
            ]
        )
    columns = ["profile", "suite s", "suite cases", "suite cases/s", "st s", "st cases", "st cases/s"]
    columns += ["cases/s ratio"]
    quick, full = (figures[("suite", p)] for p in PROFILES)
    return Area(
        name="contract",
        title="Contract suite",
        command=f"make bench (bench/contract_speed.py --runs {runs})",
        headline=(
            f"`make contract` quick {span([w for w, _ in quick], digits=1)} s, full "
            f"{span([w for w, _ in full], digits=1)} s against the emulator; Schemathesis test cases per second "
            f"{rows[0][3]} (quick) and {rows[1][3]} (full) vs `st run --checks all` against prism mock "
            f"{rows[0][6]} and {rows[1][6]}."
        ),
        tables=[Table("Whole runs, cold processes, interleaved", columns, rows)],
        notes=[
            "The suite's wall time includes starting the embedded emulator, its rules and model tests, two "
            "teams and the sweep; `st run` is one Schemathesis run with every check and the same seed.",
        ],
        chart=Chart(
            "Schemathesis test cases per second",
            "test cases/s",
            [f"{p} ({n} examples)" for p, n in PROFILES.items()],
            rates,
            higher_is_better=True,
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    area = measure(parser.parse_args().runs)
    print_area(area, machine())


if __name__ == "__main__":
    main()
