"""Requests per second and latency of the emulator against `prism mock` on the same spec (a
benchmark, never a test). wrk (Debian's package) drives both from 127.0.0.1, bounded in time.

    .venv/bin/python bench/emulator_speed.py [--seconds 10] [--rounds 2]

The emulator gets 20 deployments first; prism answers from the spec's examples. Prism is
installed from the npm registry into bench/.peers/ (ignored by git). Rounds are interleaved.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / ".peers"
TOKEN = "dev-token-team-a"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, headers: dict[str, str]) -> None:
    for _ in range(200):
        try:
            httpx.get(url, headers=headers, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)  # a benchmark waiting for a server to boot, not a test
    raise SystemExit(f"nothing answers at {url}")


def wrk(url: str, token: str, seconds: int) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {token}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    return rps, p99


def prism_executable() -> Path:
    exe = PEERS / "prism" / "node_modules" / ".bin" / "prism"
    if not exe.exists():
        (PEERS / "prism").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(PEERS / "prism"), "@stoplight/prism-cli"], check=True
        )
    return exe


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    emulator_port, prism_port = free_port(), free_port()
    emulator = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(emulator_port), "--db", ":memory:"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    prism = subprocess.Popen(
        [
            str(prism_executable()),
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            str(prism_port),
            str(ROOT / "generated" / "openapi.json"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{emulator_port}/v1"
        auth = {"Authorization": f"Bearer {TOKEN}"}
        wait_until_up(f"{base}/deployments", auth)
        wait_until_up(f"http://127.0.0.1:{prism_port}/deployments", auth)
        ids = [
            httpx.post(
                f"{base}/deployments", headers=auth, json={"name": f"d{n}", "image": "nginx:1", "machineType": "A4000"}
            ).json()["id"]
            for n in range(20)
        ]
        targets = {
            "GET /v1/deployments?limit=20": (
                f"{base}/deployments?limit=20",
                f"http://127.0.0.1:{prism_port}/deployments?limit=20",
            ),
            "GET /v1/deployments/{id}": (
                f"{base}/deployments/{ids[0]}",
                f"http://127.0.0.1:{prism_port}/deployments/{ids[0]}",
            ),
        }
        results: dict[str, list[tuple[float, str, float, str]]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (ours, theirs) in targets.items():
                results[name].append((*wrk(theirs, TOKEN, args.seconds), *wrk(ours, TOKEN, args.seconds)))
        print("| request | prism req/s (p99) | emulator req/s (p99) | ratio |")
        print("| --- | --- | --- | --- |")
        for name, rounds in results.items():
            for prism_rps, prism_p99, our_rps, our_p99 in rounds:
                print(
                    f"| {name} | {prism_rps:,.0f} ({prism_p99}) | {our_rps:,.0f} ({our_p99}) | {our_rps / prism_rps:.1f} |"
                )
        print(json.dumps({"wrk": "-t2 -c32 --latency", "seconds": args.seconds, "rounds": args.rounds}))
    finally:
        for process in (emulator, prism):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
