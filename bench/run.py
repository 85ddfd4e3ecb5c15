"""`make bench`: every benchmark area in turn, then bench/RESULTS.md and a PNG chart per area in
bench/results/. A benchmark never fails the test suite; this only measures and writes.

    .venv/bin/python bench/run.py [--only generation,emulator,history,client,contract,hostile] [--fast]

`--fast` takes fewer runs and shorter loads (for trying it out; the committed results use the
defaults). Peers are installed by each area into bench/.peers/ (ignored by git).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import client_speed, contract_speed, emulator_history, emulator_speed, generate_speed, hostile_specs
from bench.common import ROOT, machine
from bench.peers import OPENAPI_PYTHON_CLIENT, PEERS
from bench.results import Area, draw, write_results

BENCH = ROOT / "bench"


def areas(fast: bool) -> dict[str, Callable[[], Area]]:
    return {
        "generation": lambda: generate_speed.measure(
            runs=2 if fast else 5, sizes=(100, 1000) if fast else (100, 1000, 5000)
        ),
        "emulator": lambda: emulator_speed.measure(seconds=3 if fast else 8, rounds=1 if fast else 2),
        "history": lambda: emulator_history.measure(
            requests=10_000 if fast else 100_000, deployments=100 if fast else 1000, repeats=50 if fast else 200
        ),
        "client": lambda: client_speed.measure(rounds=5 if fast else 15, requests=200 if fast else 400),
        "contract": lambda: contract_speed.measure(runs=1 if fast else 2),
        "hostile": lambda: hostile_specs.measure(),
    }


def versions() -> str:
    names = ["httpx", "pydantic", "fastapi", "uvicorn", "schemathesis", "datamodel-code-generator"]
    found = [f"{name} {importlib.metadata.version(name)}" for name in names]
    found.append(OPENAPI_PYTHON_CLIENT.replace("==", " "))
    prism = str(PEERS / "prism" / "node_modules" / ".bin" / "prism")
    for label, command in (
        ("wrk", ["wrk", "--version"]),
        ("node", ["node", "--version"]),
        ("prism", [prism, "--version"]),
    ):
        try:
            out = subprocess.run(command, capture_output=True, text=True, check=False)
            words = (out.stdout or out.stderr).split()
            found.append(f"{label} {words[1] if label == 'wrk' else words[-1]}")
        except (OSError, IndexError):
            pass
    return f"Python {platform.python_version()}, " + ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="generation,emulator,history,client,contract,hostile")
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args()
    chosen = areas(args.fast)
    results: list[Area] = []
    for name in args.only.split(","):
        start = time.perf_counter()
        print(f"bench: {name}...", flush=True)
        try:
            area = chosen[name]()
        except (Exception, SystemExit) as exc:  # one area's failure is a line of the results, not the end
            area = Area(name, name.capitalize(), "make bench", f"not measured: {type(exc).__name__}: {exc}")
        print(f"bench: {name} done in {time.perf_counter() - start:.0f} s: {area.headline}", flush=True)
        if area.chart is not None:
            draw(area.chart, BENCH / "results" / f"{area.name}.png")
        results.append(area)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    write_results(results, machine(), versions(), BENCH / "RESULTS.md", when)
    print(f"bench: wrote {Path('bench/RESULTS.md')} and the charts in bench/results/")


if __name__ == "__main__":
    main()
