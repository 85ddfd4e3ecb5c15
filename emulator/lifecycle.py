"""How a deployment's state moves with time: one table of transitions, applied lazily.

Nothing runs in the background. Whenever a deployment is read, :func:`advance` applies every
transition whose time has come, each at the exact moment it was due (so the log lines it writes
carry that moment), using whatever clock the service has: real time, or a manual clock that
tests move forward. The table:

| from      | to      | after               | when                              |
| --------- | ------- | ------------------- | --------------------------------- |
| deploying | error   | PULL_FAILURE_SECONDS | the image cannot be pulled        |
| deploying | stopped | STOP_SECONDS        | the spec asks for 0 replicas      |
| deploying | ready   | ROLLOUT_SECONDS     | otherwise                         |
| scaling   | stopped | STOP_SECONDS        | the spec asks for 0 replicas      |
| scaling   | ready   | SCALE_SECONDS       | otherwise                         |

An upsert with a changed spec starts a new run and puts the deployment in ``scaling`` when only
the replica count or autoscaling changed on a healthy deployment, in ``deploying`` otherwise.
Entering ``ready`` makes the new run ready and stops the previous ones; entering ``stopped``
stops every run; entering ``error`` fails the new run and leaves the previous one serving.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .domain import Deployment, LogLine, Run, image_is_pullable

ROLLOUT_SECONDS = 30
SCALE_SECONDS = 10
STOP_SECONDS = 5
PULL_FAILURE_SECONDS = 15
# changing only these leaves the running containers as they are: a scale, not a rollout
SCALE_ONLY_FIELDS = frozenset({"replicas", "autoscaling"})


def wanted_replicas(spec: dict[str, Any]) -> int:
    replicas = spec.get("replicas")
    return 1 if replicas is None else int(replicas)


def _pullable(d: Deployment) -> bool:
    return image_is_pullable(str(d.spec.get("image", "")))


def _stopping(d: Deployment) -> bool:
    return wanted_replicas(d.spec) == 0


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    after_seconds: int
    applies: Callable[[Deployment], bool]


TRANSITIONS: tuple[Transition, ...] = (
    Transition("deploying", "error", PULL_FAILURE_SECONDS, lambda d: not _pullable(d)),
    Transition("deploying", "stopped", STOP_SECONDS, _stopping),
    Transition("deploying", "ready", ROLLOUT_SECONDS, lambda d: True),
    Transition("scaling", "stopped", STOP_SECONDS, _stopping),
    Transition("scaling", "ready", SCALE_SECONDS, lambda d: True),
)


def next_transition(deployment: Deployment) -> Transition | None:
    """The first row of the table that applies to the deployment as it is."""
    return next((t for t in TRANSITIONS if t.source == deployment.state and t.applies(deployment)), None)


def state_after_change(deployment: Deployment | None, old_spec: dict[str, Any] | None, new_spec: dict[str, Any]) -> str:
    """The state an upsert puts a deployment in (``deployment`` is None for a new one)."""
    if deployment is None or old_spec is None or deployment.state in {"error", "deploying"}:
        return "deploying"  # a rollout under way or failed stays a rollout
    changed = {k for k in old_spec.keys() | new_spec.keys() if old_spec.get(k) != new_spec.get(k)}
    return "scaling" if changed <= SCALE_ONLY_FIELDS else "deploying"


def advance(deployment: Deployment, runs: list[Run], now: datetime) -> list[LogLine]:
    """Apply every due transition in order; returns the log lines they wrote."""
    lines: list[LogLine] = []
    while (transition := next_transition(deployment)) is not None:
        due = deployment.state_since + timedelta(seconds=transition.after_seconds)
        if due > now:
            break
        lines.extend(_enter(deployment, runs, transition.target, due))
    return lines


def _enter(deployment: Deployment, runs: list[Run], state: str, at: datetime) -> list[LogLine]:
    deployment.state, deployment.state_since = state, at
    newest = max(runs, key=lambda r: r.revision) if runs else None
    older = [r for r in runs if r is not newest and r.active]
    if state == "ready":
        deployment.first_ready_at = deployment.first_ready_at or at
        for run in older:
            run.state, run.ended_at = "stopped", at
        if newest is not None:
            newest.state = "ready"
        replicas = newest.replicas if newest else 0
        return [LogLine(at, "stdout", f"Run for revision {deployment.revision} is ready with {replicas} replica(s)")]
    if state == "stopped":
        for run in [*older, *([newest] if newest else [])]:
            run.state, run.ended_at = "stopped", at
        return [LogLine(at, "stdout", "Deployment stopped: 0 replicas requested")]
    # error: the new run failed; whatever served before keeps serving
    if newest is not None:
        newest.state, newest.ended_at = "failed", at
    image = deployment.spec.get("image")
    return [LogLine(at, "stderr", f"Failed to pull image {image!r}: not found or not a valid reference")]
