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
import subprocess
import tempfile
from pathlib import Path

import httpx

from bench.common import ROOT, TOKEN, machine, served_emulator, summary
from bench.peers import OPENAPI_PYTHON_CLIENT, PEERS, generate_with_openapi_python_client, python_with

SPEC = ROOT / "generated" / "openapi.json"
WORKER = ROOT / "bench" / "client_worker.py"
PAIRS = [("sync", "ours_sync", "raw_sync", "opc_sync"), ("async", "ours_async", "raw_async", "opc_async")]


def client_bench_python() -> Path:
    """A virtualenv with the generated package (non-editable) and attrs + dateutil for the peer."""
    python = PEERS / "client-bench" / "bin" / "python"
    marker = PEERS / "client-bench" / ".installed"
    if not marker.exists():
        subprocess.run([str(python_with(OPENAPI_PYTHON_CLIENT)), "-m", "venv", str(PEERS / "client-bench")], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, str(ROOT / "generated"), "attrs", "python-dateutil"], check=True)
        marker.write_text("ok\n")
    else:  # the generated package may have changed since: reinstall it only
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
        subprocess.run([*pip, "--force-reinstall", str(ROOT / "generated")], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
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
            command += [str(args.rounds), str(args.requests)]
            # the client on one core, the server on the other: neither waits for the other's CPU
            command = ["taskset", "-c", "0", *command]
            figures = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    print(f"machine: {machine()}; {args.rounds} rounds of {args.requests} requests; {figures['versions']}")
    for kind, title in (("per_request", "wall"), ("cpu_per_request", "client CPU")):
        print(f"\n| client | {title} µs per request, median (min-max) | over raw httpx + json, per round (min-max) |")
        print("| --- | --- | --- |")
        for _, ours, raw, peer in PAIRS:
            base = figures[kind][raw]
            for name in (raw, ours, peer):
                values = figures[kind][name]
                over = [(mine - theirs) / theirs for mine, theirs in zip(values, base, strict=True)]  # paired rounds
                print(f"| {name} | {summary(values, 1e6, 0)} | {summary(over, 100, 1)} % |")
    print(
        "\n| client, no network (MockTransport) | µs per call | extra over raw | extra as a share of a raw sync request |"
    )
    print("| --- | --- | --- | --- |")
    raw_memory, raw_sync = figures["per_request"]["raw_memory"], figures["per_request"]["raw_sync"]
    for name in ("raw_memory", "ours_memory", "opc_memory"):
        values = figures["per_request"][name]
        extra = [mine - theirs for mine, theirs in zip(values, raw_memory, strict=True)]
        share = [e / wall for e, wall in zip(extra, raw_sync, strict=True)]
        print(f"| {name} | {summary(values, 1e6, 0)} | {summary(extra, 1e6, 0)} µs | {summary(share, 100, 1)} % |")
    print("\n| package | import ms, median (min-max) |")
    print("| --- | --- |")
    for name, values in figures["import_seconds"].items():
        print(f"| {name} | {summary(values, 1e3, 0)} |")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), **figures}, indent=2))


if __name__ == "__main__":
    main()
