"""The emulator's cost against history and hostile bodies (a benchmark, never a test).

    .venv/bin/python bench/emulator_history.py [--requests 100000] [--deployments 1000] [--revisions 100]

1. **Per request, fresh against long history**: median latency of runs, metrics, logs, get and
   an upsert (a changed spec) on a deployment with one revision and on one with 10,000.
2. **A long mixed run**: ``--requests`` requests (get 40 %, list 15 %, runs 10 %, logs 10 %,
   metrics 10 %, upsert 10 %, history 5 %) over ``--deployments`` deployments of ``--revisions``
   revisions each, 16 connections; requests per second in each quarter of the run and the
   emulator's resident memory at the end.
3. **Hostile bodies**: the longest a small read waits while the emulator answers bodies made to
   be expensive (170,000 invalid ports; nesting 300 deep), i.e. how long validation holds the loop.

Databases are seeded in-process (``synchronous=OFF``, a benchmark's shortcut), then served by
``python -m paperspace_deployments_toolkit.emulator`` on 127.0.0.1 with the manual clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.common import ROOT, TOKEN, machine
from bench.results import Area, Table, print_area
from paperspace_deployments_toolkit.emulator.app import user_id_for
from paperspace_deployments_toolkit.emulator.clock import ManualClock
from paperspace_deployments_toolkit.emulator.domain import Principal
from paperspace_deployments_toolkit.emulator.service import DeploymentService
from paperspace_deployments_toolkit.emulator.store import Store

AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONNECTIONS = 16
MIX = (("get", 40), ("list", 15), ("runs", 10), ("logs", 10), ("metrics", 10), ("upsert", 10), ("history", 5))


def _spec(name: str, revision: int) -> dict[str, object]:
    return {"name": name, "image": "nginx:1.25", "machineType": "A4000", "env": {"REVISION": str(revision)}}


def seed(db: Path, deployments: dict[str, int]) -> dict[str, str]:
    """Deployments named as given, each upserted that many times; their ids by name."""
    store = Store(str(db))
    store._db.execute("PRAGMA synchronous = OFF")  # seeding only: the served emulator writes durably
    service = DeploymentService(store, ManualClock(), seed=0)
    principal = Principal("team-a", user_id_for(TOKEN))
    ids = {}
    for name, revisions in deployments.items():
        for revision in range(revisions):
            ids[name] = service.upsert(principal, _spec(name, revision)).record.id
    service.advance_clock(60)  # the newest rollouts are ready
    store.close()
    return ids


@contextmanager
def served(db: Path) -> Iterator[tuple[str, int]]:
    command = [
        sys.executable,
        "-m",
        "paperspace_deployments_toolkit.emulator",
        "--port",
        "0",
        "--db",
        str(db),
        "--clock",
        "manual",
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert process.stdout is not None
            found = re.search(r"on (http://127\.0\.0\.1:\d+/v1)", process.stdout.readline())
            if not found:
                raise SystemExit("the emulator did not start")
            yield found.group(1), process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _request(kind: str, id: str, name: str, n: int) -> tuple[str, str, dict[str, object] | None]:
    if kind == "upsert":
        return "POST", "/deployments", _spec(name, 1_000_000 + n)
    path = {"get": "", "runs": "/runs", "logs": "/logs?limit=50", "metrics": "/metrics", "history": "/history"}
    if kind == "list":
        return "GET", "/deployments?limit=20", None
    return "GET", f"/deployments/{id}{path[kind]}", None


def per_request(url: str, ids: dict[str, str], repeats: int) -> dict[str, dict[str, float]]:
    """Median milliseconds per kind of request, per deployment."""
    found: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=url, headers=AUTH, timeout=60) as client:
        for name, id in ids.items():
            found[name] = {}
            for kind in ("get", "runs", "metrics", "logs", "upsert"):
                times = []
                for n in range(repeats):
                    method, path, body = _request(kind, id, name, n)
                    start = time.perf_counter()
                    response = client.request(method, path, json=body)
                    times.append(time.perf_counter() - start)
                    if response.status_code != 200:
                        raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:200]}")
                found[name][kind] = statistics.median(times) * 1000
    return found


async def mixed(url: str, ids: list[str], names: list[str], requests: int) -> list[float]:
    """Completion times of ``requests`` mixed requests, 16 at a time."""
    rng = random.Random(20261201)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    plan = [(rng.choice(kinds), rng.randrange(len(ids))) for _ in range(requests)]
    done: list[float] = []
    errors: list[str] = []
    position = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal position
        while position < len(plan):
            n = position
            position += 1
            kind, which = plan[n]
            method, path, body = _request(kind, ids[which], names[which], n)
            response = await client.request(method, path, json=body)
            if response.status_code != 200:
                errors.append(f"{method} {path}: {response.status_code}")
            done.append(time.perf_counter())

    limits = httpx.Limits(max_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=url, headers=AUTH, timeout=60, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONNECTIONS)))
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, first: {errors[0]}")
    return done


def quarters(done: list[float], start: float) -> list[float]:
    """Requests per second in each quarter of the run (by request count)."""
    times = sorted(done)
    size = len(times) // 4
    rates, begin = [], start
    for q in range(4):
        end = times[(q + 1) * size - 1]
        rates.append(size / (end - begin))
        begin = end
    return rates


async def longest_wait_during_hostile_bodies(url: str, id: str) -> tuple[float, float]:
    """(longest wait of a small read while hostile bodies are answered, the same with none)."""
    hostile = [
        json.dumps({"name": "h", "image": "i", "machineType": "m", "ports": [-1] * 170_000}).encode(),
        b'{"name": "h", "image": "i", "machineType": "m", "extra": ' + b"[" * 300 + b"]" * 300 + b"}",
    ] * 5
    async with httpx.AsyncClient(base_url=url, headers=AUTH, timeout=60) as client:

        async def probe(stop: asyncio.Event) -> float:
            longest = 0.0
            while not stop.is_set():
                start = time.perf_counter()
                await client.get(f"/deployments/{id}")
                longest = max(longest, time.perf_counter() - start)
            return longest

        async def run(bodies: list[bytes]) -> float:
            stop = asyncio.Event()
            prober = asyncio.create_task(probe(stop))
            headers = {**AUTH, "Content-Type": "application/json"}
            for body in bodies:
                answer = await client.post("/deployments", content=body, headers=headers)
                assert answer.status_code == 400, answer.status_code
            if not bodies:
                await asyncio.sleep(3)  # a benchmark's quiet baseline
            stop.set()
            return await prober

        return await run(hostile), await run([])


def measure(requests: int = 100_000, deployments: int = 1000, revisions: int = 100, repeats: int = 200) -> Area:
    with tempfile.TemporaryDirectory(prefix="bench-history-") as scratch:
        short = Path(scratch) / "short.sqlite3"
        ids = seed(short, {"fresh": 1, "long": 10_000})
        with served(short) as (url, _):
            costs = per_request(url, ids, repeats)
            hostile, quiet = asyncio.run(longest_wait_during_hostile_bodies(url, ids["fresh"]))
        many = Path(scratch) / "many.sqlite3"
        names = [f"d{n:04d}" for n in range(deployments)]
        seeded = seed(many, dict.fromkeys(names, revisions))
        with served(many) as (url, pid):
            start = time.perf_counter()
            done = asyncio.run(mixed(url, [seeded[n] for n in names], names, requests))
            rates = quarters(done, start)
            rss = rss_mib(pid)
    kinds = ("get", "runs", "metrics", "logs", "upsert")
    rows = [
        [
            kind,
            f"{costs['fresh'][kind]:.2f}",
            f"{costs['long'][kind]:.2f}",
            f"{costs['long'][kind] / costs['fresh'][kind]:.2f}x",
        ]
        for kind in kinds
    ]
    worst = max(costs["long"][k] / costs["fresh"][k] for k in kinds)
    drift = rates[3] / rates[0]
    quarter_text = ", ".join(f"{r:.0f}" for r in rates)
    headline = (
        f"10,000 revisions cost at most {worst:.2f}x a new deployment; {requests:,} mixed requests over"
        f" {deployments:,} deployments x {revisions} revisions: {quarter_text} req/s by quarter"
        f" (last/first {drift:.2f}), RSS {rss:.0f} MiB at the end; a read waited at most"
        f" {hostile * 1000:.0f} ms while hostile bodies were answered ({quiet * 1000:.0f} ms without)"
    )
    table = Table(
        "Per request: a deployment with one revision against one with 10,000",
        ["request", "1 revision (ms, median)", "10,000 revisions (ms, median)", "ratio"],
        rows,
    )
    long_run = Table(
        f"{requests:,} mixed requests, {CONNECTIONS} connections, over {deployments:,} deployments x {revisions} revisions",
        ["quarter", "requests per second"],
        [[str(q + 1), f"{rate:.0f}"] for q, rate in enumerate(rates)] + [["RSS at the end", f"{rss:.0f} MiB"]],
    )
    return Area("history", "Emulator cost against history", "make bench-history", headline, tables=[table, long_run])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--deployments", type=int, default=1000)
    parser.add_argument("--revisions", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    print_area(measure(args.requests, args.deployments, args.revisions, args.repeats), machine())


if __name__ == "__main__":
    main()
