"""Emulated load, metrics and container output: deterministic functions of seed, deployment and time.

The same (seed, deployment id, moment) always gives the same numbers, so tests and users can
rely on them, and the replica count autoscaling reports is the one these numbers call for.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from typing import Any

from .domain import LogLine, Series

MAX_POINTS = 120  # per series; the step grows with the range to keep within it
MIN_STEP_SECONDS = 60
CPU_PERCENT_PER_REQUEST = 2.0  # one request per second costs this much of one replica's CPU
MEMORY_MIB_PER_REQUEST = 4.0
BASE_MEMORY_MIB = 256.0
DEFAULT_TARGETS = {"cpu": 60, "memory": 1024, "requests": 50}
OUTPUT_EVERY_SECONDS = 60


def _unit(seed: int, *parts: object) -> float:
    """A number in [0, 1) fixed by its inputs."""
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def requests_per_second(seed: int, deployment_id: str, t: datetime) -> float:
    """Total requests per second reaching the deployment at ``t``: a daily wave plus jitter."""
    base = 5 + 95 * _unit(seed, deployment_id, "base")
    phase = 2 * math.pi * _unit(seed, deployment_id, "phase")
    wave = 1 + 0.6 * math.sin(2 * math.pi * t.timestamp() / 86400 + phase)
    jitter = 0.9 + 0.2 * _unit(seed, deployment_id, int(t.timestamp() // MIN_STEP_SECONDS))
    return round(base * wave * jitter, 3)


def _totals(seed: int, deployment_id: str, t: datetime) -> dict[str, float]:
    rps = requests_per_second(seed, deployment_id, t)
    return {"cpu": rps * CPU_PERCENT_PER_REQUEST, "memory": rps * MEMORY_MIB_PER_REQUEST, "requests": rps}


def next_bucket(t: datetime) -> datetime:
    """The next moment the emulated load (and so an autoscaled replica count) may change."""
    bucket = math.floor(t.timestamp() / MIN_STEP_SECONDS) + 1
    return datetime.fromtimestamp(bucket * MIN_STEP_SECONDS, t.tzinfo)


def is_autoscaled(spec: dict[str, Any]) -> bool:
    policy = spec.get("autoscaling") or {}
    return spec.get("replicas") != 0 and bool({"min", "max"} & policy.keys())


def replicas_at(spec: dict[str, Any], seed: int, deployment_id: str, t: datetime) -> int:
    """The replica count at ``t``: the spec's, or what the autoscaling policy calls for."""
    policy = spec.get("autoscaling") or {}
    fixed = spec.get("replicas")
    fixed = 1 if fixed is None else int(fixed)
    if not is_autoscaled(spec):
        return fixed
    low = int(policy.get("min", 1))
    high = max(low, int(policy.get("max", low)))  # a max below min is read as max = min
    metric = policy.get("metric") or "cpu"
    target = policy.get("target") or DEFAULT_TARGETS[metric]
    total = _totals(seed, deployment_id, t)[metric]
    # integers beyond a float's range are schema-valid targets; no load ever reaches them
    wanted = 1 if target > total else math.ceil(total / target)
    return max(low, min(high, wanted))


def series(
    spec: dict[str, Any], seed: int, deployment_id: str, start: datetime, end: datetime, live: datetime | None
) -> list[Series]:
    """cpu (% per replica), memory (MiB per replica) and requests (per second) over [start, end].

    ``live`` is when the deployment first served; before it, and while it has no replicas,
    every value is 0. A range that ends before it starts holds no points.
    """
    if end < start:
        return [Series(name) for name in ("cpu", "memory", "requests")]
    span = (end - start).total_seconds()
    step = max(MIN_STEP_SECONDS, math.ceil(span / (MAX_POINTS - 1)) if span else MIN_STEP_SECONDS)
    moments = [start + timedelta(seconds=step * n) for n in range(int(span // step) + 1)]
    result = {name: Series(name) for name in ("cpu", "memory", "requests")}
    for t in moments:
        replicas = replicas_at(spec, seed, deployment_id, t) if live is not None and t >= live else 0
        totals = _totals(seed, deployment_id, t) if replicas else {"cpu": 0.0, "memory": 0.0, "requests": 0.0}
        per_replica_cpu = min(100.0, totals["cpu"] / replicas) if replicas else 0.0
        memory = BASE_MEMORY_MIB + totals["memory"] / replicas if replicas else 0.0
        result["cpu"].points.append((t, round(per_replica_cpu, 3)))
        result["memory"].points.append((t, round(memory, 3)))
        result["requests"].points.append((t, totals["requests"]))
    return list(result.values())


def container_output(seed: int, deployment_id: str, since: datetime, until: datetime, newest: int) -> list[LogLine]:
    """What the container printed in (since, until]: the newest ``newest`` lines, oldest first."""
    if newest <= 0 or until <= since:
        return []
    first = math.floor(since.timestamp() / OUTPUT_EVERY_SECONDS) + 1
    last = math.floor(until.timestamp() / OUTPUT_EVERY_SECONDS)
    lines = []
    for tick in range(max(first, last - newest + 1), last + 1):
        t = datetime.fromtimestamp(tick * OUTPUT_EVERY_SECONDS, since.tzinfo)
        roll = _unit(seed, deployment_id, "log", tick)
        if roll < 0.1:
            lines.append(LogLine(t, "stderr", f"warning: slow upstream, retried in {int(roll * 1000)} ms"))
        else:
            lines.append(LogLine(t, "stdout", f"GET /health 200 {1 + int(roll * 40)}ms"))
    return lines
