"""Generation: `make generate` (a cold process) against openapi-python-client and
datamodel-code-generator on the same spec, and against openapi-python-client on synthetic specs of
100, 1,000 and 5,000 operations, on the same API of 1,000 operations as OpenAPI 3.0, as 3.1 and
split over files, and on the test corpus's 3.1 and multi-file specs: wall time and peak memory (a
benchmark, never a test).

    .venv/bin/python bench/generate_speed.py [--runs 5] [--sizes 100,1000,5000]

Each tool runs as a cold process, interleaved with the others, several times. Peers are installed
into bench/.peers/ (ignored by git), never made project dependencies; datamodel-code-generator is
the version the generator itself uses. openapi-python-client formats its output with ruff (ours,
on PATH), as we format ours.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, machine
from bench.peers import OPENAPI_PYTHON_CLIENT, peer_command, with_our_tools_on_path
from bench.results import Area, Chart, Table, print_area, ratio, span
from bench.synthetic_spec import synthetic_spec, write_multifile

SPEC = ROOT / "spec" / "paperspace-deployments-api-openapi.yml"
CORPUS = {"3.1 (tests/specs/openapi31.yaml)": ROOT / "tests" / "specs" / "openapi31.yaml"}
CORPUS["multi-file (tests/specs/multifile/)"] = ROOT / "tests" / "specs" / "multifile" / "openapi.yaml"


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB, the largest process of the run) of ``command``."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: nobody reads while it runs
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{command[0]} failed ({process.returncode}): {errors.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def commands(spec: Path, out: Path) -> dict[str, tuple[list[str], dict[str, str] | None]]:
    python = sys.executable
    ours = [
        python,
        "-m",
        "paperspace_deployments_toolkit.generator",
        "generate",
        "--spec",
        str(spec),
        "--out",
        str(out / "ours"),
        "--force",
    ]
    ours += ["--package", "bench_client", "--max-nodes", "1000000"]  # 5,000 operations: 319,051 nodes
    peer = peer_command(OPENAPI_PYTHON_CLIENT, "openapi-python-client")
    peer += ["generate", "--path", str(spec), "--output-path", str(out / "peer"), "--overwrite"]
    models = [str(Path(python).parent / "datamodel-codegen"), "--input", str(spec), "--input-file-type", "openapi"]
    models += ["--output", str(out / "models.py"), "--output-model-type", "pydantic_v2.BaseModel"]
    return {
        "ours: make generate (validate, models, sync + async clients, stubs)": (ours, None),
        "openapi-python-client 0.29.1 (client)": (peer, with_our_tools_on_path()),
        "datamodel-code-generator 0.89.0 (models only)": (models, None),
    }


def attempt(command: list[str], env: dict[str, str] | None = None) -> tuple[float | None, str]:
    """Wall seconds of ``command``, or None and the last line of what it said when it failed."""
    try:
        return run_measured(command, env)[0], ""
    except RuntimeError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        return None, (lines[-1] if lines else str(exc))[:160]


def dialects(out: Path, runs: int, operations: int = 1000) -> tuple[Table, float]:
    """The same API as OpenAPI 3.0, 3.1 and split over files: each tool's wall time and time per
    operation; and ours on 3.1 per operation as a ratio of 3.0 (the goal: within 10 %)."""
    variants = {
        "3.0, one file": _write(out / "d30.json", synthetic_spec(operations, "3.0")),
        "3.1, one file": _write(out / "d31.json", synthetic_spec(operations, "3.1")),
        "3.0, a file per schema and path": write_multifile(synthetic_spec(operations, "3.0"), out / "dmf"),
    }
    times: dict[str, dict[str, list[float]]] = {name: {"ours": [], "peer": []} for name in variants}
    failures: dict[str, str] = {}
    for _ in range(runs):
        for name, spec in variants.items():
            contenders = commands(spec, out / f"o-{len(times[name]['ours'])}")
            ours, peer = list(contenders)[:2]
            times[name]["ours"].append(run_measured(*contenders[ours])[0])
            wall, failure = attempt(*contenders[peer])
            if wall is None:
                failures[name] = failure
            else:
                times[name]["peer"].append(wall)
    rows = []
    for name, found in times.items():
        peer = span(found["peer"]) if found["peer"] else f"fails: {failures.get(name, '?')}"
        per_op = 1000 * min(found["ours"]) / operations
        rows.append([name, span(found["ours"]), f"{per_op:.2f}", peer])
    dialect_ratio = min(times["3.1, one file"]["ours"]) / min(times["3.0, one file"]["ours"])
    columns = ["the same API of 1,000 operations", "ours s", "ours ms/op", "openapi-python-client s"]
    return Table(f"OpenAPI 3.0, 3.1 and split over files ({runs} interleaved runs)", columns, rows), dialect_ratio


def corpus(out: Path) -> Table:
    """Whether each tool generates the test corpus's 3.1 and multi-file specs, and how fast."""
    rows = []
    for name, spec in CORPUS.items():
        contenders = commands(spec, out / "corpus")
        ours, peer = list(contenders)[:2]
        found = [attempt(*contenders[tool]) for tool in (ours, peer)]
        rows.append([name, *(f"{wall:.2f} s" if wall is not None else f"fails: {why}" for wall, why in found)])
    return Table("The test corpus", ["spec", "ours", "openapi-python-client"], rows)


def _write(path: Path, spec: dict[str, object]) -> Path:
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def measure(runs: int = 5, sizes: tuple[int, ...] = (100, 1000, 5000)) -> Area:
    area = Area(
        name="generation",
        title="Generation",
        command=f"make bench (bench/generate_speed.py --runs {runs})",
        headline="",
    )
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        contenders = commands(SPEC, out)
        walls: dict[str, list[float]] = {name: [] for name in contenders}
        memory: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(runs):
            for name, (command, env) in contenders.items():
                wall, peak = run_measured(command, env)
                walls[name].append(wall)
                memory[name].append(peak)
        ours, peer, models = list(contenders)
        rows = [[name, span(walls[name]), span(memory[name], digits=0)] for name in contenders]
        area.tables.append(Table("This project's spec (9 operations)", ["tool", "wall s", "peak MiB"], rows))
        scale_walls: dict[str, list[list[float]]] = {"ours": [], "openapi-python-client": []}
        scale_rows = []
        for size in sizes:
            spec = out / f"synthetic-{size}.json"
            spec.write_text(json.dumps(synthetic_spec(size)), encoding="utf-8")
            pair = commands(spec, out / f"s{size}")
            times: dict[str, list[float]] = {"ours": [], "openapi-python-client": []}
            peaks: dict[str, list[float]] = {"ours": [], "openapi-python-client": []}
            for _ in range(runs if size <= 1000 else 1):
                for key, name in (("ours", ours), ("openapi-python-client", peer)):
                    wall, peak = run_measured(*pair[name])
                    times[key].append(wall)
                    peaks[key].append(peak)
            for key in times:
                scale_walls[key].append(times[key])
            per_op = 1000 * min(times["ours"]) / size
            scale_rows.append(
                [
                    f"{size:,}",
                    span(times["ours"]),
                    span(peaks["ours"], digits=0),
                    f"{per_op:.1f}",
                    span(times["openapi-python-client"]),
                    span(peaks["openapi-python-client"], digits=0),
                    f"{ratio(times['ours'], times['openapi-python-client']):.2f}",
                ]
            )
        area.tables.append(
            Table(
                "Synthetic specs (bench/synthetic_spec.py: 5 operations and 2 schemas per resource)",
                ["operations", "ours s", "ours MiB", "ours ms/op", "peer s", "peer MiB", "ours / peer"],
                scale_rows,
            )
        )
        dialect_table, dialect_ratio = dialects(out, runs)
        area.tables += [dialect_table, corpus(out)]
    area.headline = (
        f"`make generate` {span(walls[ours])} s vs openapi-python-client {span(walls[peer])} s "
        f"(ratio {ratio(walls[ours], walls[peer]):.2f}) and datamodel-code-generator (models only) "
        f"{span(walls[models])} s; on {sizes[-1]:,} operations {scale_rows[-1][1]} s vs {scale_rows[-1][4]} s "
        f"(ratio {scale_rows[-1][6]}); OpenAPI 3.1 costs {dialect_ratio:.2f}x 3.0 per operation."
    )
    area.notes = [
        f"{runs} interleaved runs per tool on this spec; on the synthetic specs {runs} runs up to 1,000 "
        "operations and one at 5,000. Peak memory is the largest process's resident set (`wait4`).",
        "Ours validates the spec (openapi-spec-validator), writes models, two clients and server stubs and "
        "formats them; openapi-python-client writes one client; datamodel-code-generator writes models only.",
    ]
    groups = ["this spec", *[f"{size:,} ops" for size in sizes]]
    area.chart = Chart(
        "Generation wall time (cold process)",
        "seconds",
        groups,
        {
            "ours": [walls[ours], *scale_walls["ours"]],
            "openapi-python-client": [walls[peer], *scale_walls["openapi-python-client"]],
        },
    )
    return area


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,5000")
    args = parser.parse_args()
    area = measure(args.runs, tuple(int(s) for s in args.sizes.split(",")))
    print_area(area, machine())


if __name__ == "__main__":
    main()
