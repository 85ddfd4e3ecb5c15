"""The emulator against `prism mock` on the same spec: requests per second and p50/p99 latency of
``GET /v1/deployments`` (20 items), ``GET /v1/deployments/{id}`` and ``POST /v1/deployments``, one
server process each (a benchmark, never a test).

    .venv/bin/python bench/emulator_speed.py [--seconds 8] [--rounds 2]

The load comes from 127.0.0.1 and is bounded in time: wrk (Debian's package; installed with apt
when missing and this runs as root) with 2 threads and 32 connections, or, where wrk cannot be
had, bench/loadgen.py (one Python process, 32 connections: a lower bound for both servers).
Prism is installed from the npm registry into bench/.peers/ (ignored by git). Rounds interleave
the servers; the emulator starts with 20 deployments.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import ROOT, TOKEN, machine, served_emulator
from bench.loadgen import run_load
from bench.peers import PEERS
from bench.results import Area, Chart, Table, print_area, span

CONNECTIONS = 32
UPSERT = {"name": "bench-upsert", "image": "nginx:1.25", "machineType": "A4000"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, headers: dict[str, str]) -> None:
    for _ in range(300):
        try:
            httpx.get(url, headers=headers, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)  # a benchmark waiting for a server to boot, not a test
    raise SystemExit(f"nothing answers at {url}")


def load_generator() -> str:
    """``wrk`` when it is installed or can be (apt, as root), else ``python``."""
    if shutil.which("wrk") is None and shutil.which("apt-get") is not None and _is_root():
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
    return "wrk" if shutil.which("wrk") else "python"


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _milliseconds(text: str) -> float:
    """wrk's latency text ("812.00us", "3.51ms", "1.02s", "1.50m") in milliseconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:
        return float("nan")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, seconds: int, method: str, body: bytes, scratch: Path) -> tuple[float, float, float]:
    """Successful answers per second, p50 and p99 in ms."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {TOKEN}"]
    if method == "POST":
        script = scratch / "post.lua"
        script.write_text(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(body.decode())}\n'
            'wrk.headers["Content-Type"] = "application/json"\n',
            encoding="utf-8",
        )
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    rps *= (total - int(failed.group(1))) / total if failed and total else 1.0  # only answers that succeeded count
    p50, p99 = (
        # the Latency Distribution lines only: "86.50%" in the thread stats above also ends in "50%"
        _milliseconds(found.group(1)) if (found := re.search(rf"^\s+{q}%\s+(\S+)", out, re.M)) else float("nan")
        for q in (50, 99)
    )
    return rps, p50, p99


def prism_executable() -> Path:
    exe = PEERS / "prism" / "node_modules" / ".bin" / "prism"
    if not exe.exists():
        (PEERS / "prism").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(PEERS / "prism"), "@stoplight/prism-cli@5"], check=True
        )
    return exe


def measure(seconds: int = 8, rounds: int = 2) -> Area:
    generator = load_generator()
    prism_port = free_port()
    prism_command = [str(prism_executable()), "mock", "-h", "127.0.0.1", "-p", str(prism_port)]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with (
        served_emulator() as emulator_url,
        subprocess.Popen(
            [*prism_command, str(ROOT / "generated" / "openapi.json")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as prism,
    ):
        try:
            servers = {"prism mock": f"http://127.0.0.1:{prism_port}", "emulator": emulator_url}
            for base in servers.values():
                wait_until_up(f"{base}/deployments", auth)
            emulator_base = servers["emulator"]
            ids = [
                httpx.post(f"{emulator_base}/deployments", headers=auth, json={**UPSERT, "name": f"d{n}"}).json()["id"]
                for n in range(20)
            ]
            requests = {
                "GET /deployments?limit=20": ("GET", "/deployments?limit=20", b""),
                "GET /deployments/{id}": ("GET", f"/deployments/{ids[0]}", b""),
                "POST /deployments (upsert)": ("POST", "/deployments", json.dumps(UPSERT).encode()),
            }
            figures: dict[tuple[str, str], list[tuple[float, float, float]]] = {
                (request, server): [] for request in requests for server in servers
            }
            with tempfile.TemporaryDirectory() as scratch:
                for _ in range(rounds):
                    for request, (method, path, body) in requests.items():
                        for server, base in servers.items():
                            if generator == "wrk":
                                result = wrk(base + path, seconds, method, body, Path(scratch))
                            else:
                                load = run_load(
                                    base + path, seconds=seconds, connections=CONNECTIONS, headers=auth, method=method,
                                    body=body,
                                )  # fmt: skip
                                result = (load.requests_per_second, load.p50_ms, load.p99_ms)
                            figures[(request, server)].append(result)
        finally:
            prism.terminate()  # the context manager only waits for it
    rows = []
    ratios = {}
    for request in requests:
        ours, theirs = figures[(request, "emulator")], figures[(request, "prism mock")]
        our_rps, their_rps = [r[0] for r in ours], [r[0] for r in theirs]
        ratios[request] = sorted(o / t for o, t in zip(our_rps, their_rps, strict=True))
        rows.append(
            [
                request,
                span(their_rps, digits=0),
                span([r[1] for r in theirs]),
                span([r[2] for r in theirs]),
                span(our_rps, digits=0),
                span([r[1] for r in ours]),
                span([r[2] for r in ours]),
                "/".join(f"{r:.1f}" for r in ratios[request]) + "x",
            ]
        )
    columns = ["request", "prism req/s", "prism p50 ms", "prism p99 ms", "emulator req/s"]
    columns += ["emulator p50 ms", "emulator p99 ms", "emulator / prism (per round)"]
    load_text = f"wrk -t2 -c{CONNECTIONS}" if generator == "wrk" else f"bench/loadgen.py, {CONNECTIONS} connections"
    area = Area(
        name="emulator",
        title="Emulator",
        command=f"make bench (bench/emulator_speed.py --seconds {seconds} --rounds {rounds})",
        headline="requests per second, emulator vs prism mock: "
        + "; ".join(f"{request} {'/'.join(f'{r:.1f}' for r in values)}x" for request, values in ratios.items())
        + f" ({load_text}, {seconds} s a run, {rounds} rounds).",
        tables=[Table(f"One server process each; load: {load_text} from 127.0.0.1", columns, rows)],
        notes=[
            "The emulator keeps state (SQLite), checks tokens and validates input; prism answers from the "
            "spec without state. Reads of the emulator are mostly read-cache hits, as repeated reads are.",
        ],
    )
    area.chart = Chart(
        "Requests per second (one process each)",
        "requests/s",
        list(requests),
        {server: [[r[0] for r in figures[(request, server)]] for request in requests] for server in servers},
        higher_is_better=True,
    )
    return area


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    area = measure(args.seconds, args.rounds)
    print_area(area, machine())


if __name__ == "__main__":
    main()
