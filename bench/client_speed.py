"""Per-request cost of our sync and async clients against raw httpx + json and a client that
openapi-python-client generates from the same spec, all against one emulator on 127.0.0.1; and
the import time of each package (a benchmark, never a test).

    .venv/bin/python bench/client_speed.py [--rounds 7] [--requests 1000]

The three clients run in one process of a separate virtualenv (bench/.peers/client-bench, ignored
by git) holding only the generated package and what openapi-python-client's output needs, as a
user's would: same httpx, no dev tools. Contenders are interleaved round by round; each round
sends ``--requests`` sequential ``GET /deployments/{id}`` on one kept-alive connection.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, TOKEN, machine, served_emulator
from bench.peers import generate_with_openapi_python_client, pip_install, python_with
from bench.results import Area, Chart, Table, print_area, span

SPEC = ROOT / "generated" / "openapi.json"
WORKER = ROOT / "bench" / "client_worker.py"
PAIRS = [("sync", "ours_sync", "raw_sync", "opc_sync"), ("async", "ours_async", "raw_async", "opc_async")]


def client_bench_python() -> Path:
    """A virtualenv with the generated package (non-editable) and attrs + dateutil for the peer."""
    package = str(ROOT / "generated")
    python = python_with(package, "attrs", "python-dateutil", name="client-bench")
    # the generated package changes with the spec: always measure the current one
    subprocess.run([*pip_install(python), "--no-deps", "--force-reinstall", package], check=True)
    return python


def collect(rounds: int, requests: int) -> dict[str, Any]:
    """The worker's figures: per-request wall and CPU seconds of every client, import seconds."""
    python = client_bench_python()
    with tempfile.TemporaryDirectory() as scratch:
        package = generate_with_openapi_python_client(SPEC, Path(scratch) / "opc")
        with served_emulator(cpu=1) as url:
            created = httpx.post(
                f"{url}/deployments",
                json={"name": "bench", "image": "nginx:1", "machineType": "A4000"},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            created.raise_for_status()
            command = [str(python), str(WORKER), url, TOKEN, created.json()["id"], str(package.parent), package.name]
            command += [str(rounds), str(requests)]
            # the client on one core, the server on the other: neither waits for the other's CPU
            command = ["taskset", "-c", "0", *command]
            figures: dict[str, Any] = json.loads(
                subprocess.run(command, capture_output=True, text=True, check=True).stdout
            )
    return figures


LABELS = {
    "raw_sync": "raw httpx + json (sync)",
    "ours_sync": "ours, Client",
    "opc_sync": "openapi-python-client (sync)",
    "raw_async": "raw httpx + json (async)",
    "ours_async": "ours, AsyncClient",
    "opc_async": "openapi-python-client (asyncio)",
    "raw_memory": "raw httpx + json",
    "ours_memory": "ours, Client",
    "opc_memory": "openapi-python-client",
}


def measure(rounds: int = 15, requests: int = 400) -> Area:
    figures = collect(rounds, requests)
    wall, cpu = figures["per_request"], figures["cpu_per_request"]
    rows = []
    for _, ours, raw, peer in PAIRS:
        for name in (raw, ours, peer):
            over = [(mine - base) / base for mine, base in zip(wall[name], wall[raw], strict=True)]  # paired rounds
            rows.append([LABELS[name], span(wall[name], 1e6, 0), span(cpu[name], 1e6, 0), span(over, 100, 1)])
    memory_rows = []
    shares: dict[str, list[float]] = {}
    for name in ("raw_memory", "ours_memory", "opc_memory"):
        extra = [mine - base for mine, base in zip(wall[name], wall["raw_memory"], strict=True)]
        shares[name] = [e / w for e, w in zip(extra, wall["raw_sync"], strict=True)]
        memory_rows.append([LABELS[name], span(wall[name], 1e6, 0), span(extra, 1e6, 0), span(shares[name], 100, 1)])
    import_rows = [[name, span(values, 1e3, 0)] for name, values in figures["import_seconds"].items()]
    ours_share, peer_share = (statistics.median(shares[n]) * 100 for n in ("ours_memory", "opc_memory"))
    direct = statistics.median(wall["ours_sync"]) / statistics.median(wall["raw_sync"]) - 1
    imports = {name: statistics.median(values) * 1e3 for name, values in figures["import_seconds"].items()}
    return Area(
        name="client",
        title="Client",
        command=f"make bench (bench/client_speed.py --rounds {rounds} --requests {requests})",
        headline=(
            f"our sync client's cost over raw httpx + json is {ours_share:.1f} % of a request to a local emulator "
            f"(openapi-python-client's: {peer_share:.1f} %); measured over the socket, {100 * direct:+.1f} % "
            f"(medians); `import paperspace_deployments` {imports['import paperspace_deployments']:.0f} ms, "
            f"`from paperspace_deployments import Client` "
            f"{imports['from paperspace_deployments import Client']:.0f} ms."
        ),
        tables=[
            Table(
                f"GET /deployments/{{id}} against one emulator on 127.0.0.1 ({rounds} rounds of {requests} "
                "sequential requests, interleaved; client and server on different cores)",
                ["client", "wall µs/request", "client CPU µs/request", "over raw, per round %"],
                rows,
            ),
            Table(
                "The same call with no network (httpx.MockTransport, the emulator's answer canned)",
                ["client", "µs/call", "extra over raw µs", "extra as % of a raw request to the emulator"],
                memory_rows,
            ),
            Table("Import time (a fresh interpreter, 10 times)", ["statement", "ms"], import_rows),
        ],
        notes=[
            f"Every client ran in one clean virtualenv (bench/.peers/client-bench) with the same httpx: "
            f"{figures['versions']}.",
            "The per-round percentages over the socket vary by tens of percent on this 2-core machine; the "
            "no-network row isolates what each client adds.",
            "`import paperspace_deployments` loads names on first use; the client's first use imports httpx "
            "and pydantic (the first row of the import table is that floor).",
        ],
        chart=Chart(
            "Per-call cost with no network (MockTransport)",
            "µs per call",
            ["GET /deployments/{id}"],
            {LABELS[n]: [[v * 1e6 for v in wall[n]]] for n in ("raw_memory", "ours_memory", "opc_memory")},
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    area = measure(args.rounds, args.requests)
    print_area(area, machine())


if __name__ == "__main__":
    main()
