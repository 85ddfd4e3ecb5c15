"""The emulated Deployments service: one method per operation, on records, without HTTP."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import lifecycle, metrics
from .clock import Clock, ClockOutOfRange, ManualClock
from .domain import BadRequest, Deployment, LogLine, NotFound, Page, Principal, Revision, Run, Series
from .store import Store

DEFAULT_METRICS_RANGE = timedelta(hours=1)
CLUSTER_ID = "clu-emulator"


@dataclass(frozen=True)
class DeploymentView:
    """A deployment as a reader sees it now: its record plus the replica count it runs."""

    record: Deployment
    replicas: int
    endpoint: str
    at: datetime  # the moment it shows
    autoscaled: bool  # whether `replicas` follows the emulated load


@dataclass(frozen=True)
class RunView:
    run: Run
    replicas: int


DEFAULT_PROJECT_PREFIX, DEFAULT_PROJECT_SUFFIX = "prj-", "-default"


def _default_project_team(project_id: str) -> str | None:
    """The team whose default project this id names, if it names one."""
    if project_id.startswith(DEFAULT_PROJECT_PREFIX) and project_id.endswith(DEFAULT_PROJECT_SUFFIX):
        return project_id[len(DEFAULT_PROJECT_PREFIX) : -len(DEFAULT_PROJECT_SUFFIX)] or None
    return None


class DeploymentService:
    def __init__(self, store: Store, clock: Clock, *, seed: int = 0) -> None:
        self.store = store
        self.clock = clock
        self.seed = seed
        if isinstance(clock, ManualClock):  # a manual clock carries on where it stopped
            saved = store.get_meta("manual_clock")
            if saved is not None:
                clock.set(_saved_moment(saved))

    # helpers
    def _id(self, prefix: str, *parts: object) -> str:
        digest = hashlib.sha256(":".join(map(str, (self.seed, prefix, *parts))).encode()).hexdigest()
        return f"{prefix}{digest[:12]}"

    def default_project(self, team: str) -> str:
        return f"{DEFAULT_PROJECT_PREFIX}{team}{DEFAULT_PROJECT_SUFFIX}"

    def _project_of(self, principal: Principal, submitted: dict[str, Any]) -> str:
        """The project an upsert goes to: the one named, or the team's default. Another team's
        default project is not found: it is reserved for its team, named or not yet used."""
        project_id = str(submitted.get("projectId") or self.default_project(principal.team))
        if _default_project_team(project_id) not in (None, principal.team):
            raise NotFound(f"Project {project_id!r} not found")
        return project_id

    def _load(self, principal: Principal, id: str, now: datetime) -> tuple[Deployment, list[Run]]:
        """The caller's deployment with its lifecycle brought up to ``now``; 404 for anyone else's."""
        deployment = self.store.find_deployment(principal.team, id)
        if deployment is None:
            raise NotFound(f"Deployment {id!r} not found")
        runs = self.store.live_runs(deployment)
        self._advance(deployment, runs, now)
        return deployment, runs

    def _advance(self, deployment: Deployment, runs: list[Run], now: datetime) -> None:
        lines = lifecycle.advance(deployment, runs, now)
        if lines:
            self.store.save_deployment(deployment)
            for run in runs:
                self.store.save_run(run)
            self.store.add_logs(deployment.id, lines)

    def _view(self, deployment: Deployment, runs: list[Run], now: datetime) -> DeploymentView:
        serving = [r for r in runs if r.state == "ready"]
        replicas, autoscaled = 0, False
        if serving:
            # the serving run follows its own revision's spec, which a failed rollout did not replace
            spec = self._spec_of(deployment, serving[-1].revision)
            autoscaled = metrics.is_autoscaled(spec)
            replicas = metrics.replicas_at(spec, self.seed, deployment.id, now) if autoscaled else serving[-1].replicas
        host = f"{_dns_label(deployment.name)}-{deployment.id[-6:]}.{_dns_label(deployment.team)}"
        return DeploymentView(deployment, replicas, f"https://{host}.deployments.example", now, autoscaled)

    def _spec_of(self, deployment: Deployment, revision: int) -> dict[str, Any]:
        if revision == deployment.revision:
            return deployment.spec
        found = self.store.revision(deployment.id, revision)
        return found.spec if found is not None else deployment.spec

    def stable_until(self, views: list[DeploymentView]) -> datetime | None:
        """Until when these views stay as they are unless something is written (None: no limit):
        the next lifecycle transition due, or the next minute for a deployment that autoscales."""
        moments = []
        for view in views:
            d = view.record
            transition = lifecycle.next_transition(d)
            if transition is not None:
                moments.append(d.state_since + timedelta(seconds=transition.after_seconds))
            if view.autoscaled:
                moments.append(metrics.next_bucket(view.at))
        return min(moments, default=None)

    # operations
    def upsert(self, principal: Principal, submitted: dict[str, Any]) -> DeploymentView:
        now = self.clock.now()
        project_id = self._project_of(principal, submitted)
        spec = {**submitted, "projectId": project_id}
        name = str(spec["name"])
        with self.store.transaction():
            self.store.add_project(principal.team, project_id)
            existing = self.store.find_by_name(principal.team, project_id, name)
            if existing is None:
                deployment = self._create(principal, spec, now)
                runs: list[Run] = []
            else:
                deployment, runs = existing, self.store.live_runs(existing)
                self._advance(deployment, runs, now)
                if deployment.spec == spec:  # the identical spec again: nothing changes
                    return self._view(deployment, runs, now)
            runs.append(self._roll_out(principal, deployment, existing.spec if existing else None, spec, now))
            return self._view(deployment, runs, now)

    def _create(self, principal: Principal, spec: dict[str, Any], now: datetime) -> Deployment:
        seq = self.store.next_seq()
        return Deployment(
            id=self._id("dep", seq),
            seq=seq,
            team=principal.team,
            project_id=str(spec["projectId"]),
            name=str(spec["name"]),
            spec=spec,
            revision=0,
            state="deploying",
            state_since=now,
            created_at=now,
        )

    def _roll_out(
        self, principal: Principal, d: Deployment, old: dict[str, Any] | None, spec: dict[str, Any], now: datetime
    ) -> Run:
        """Record the new revision and start the run that rolls it out."""
        d.state = lifecycle.state_after_change(d if old is not None else None, old, spec)
        d.spec, d.state_since, d.revision = spec, now, d.revision + 1
        for superseded in self.store.live_runs(d):  # a rollout that never finished never will
            if superseded.state == "deploying":
                superseded.state, superseded.ended_at = "stopped", now
                self.store.save_run(superseded)
        run = Run(
            self._id("run", d.id, d.revision), d.id, d.revision, lifecycle.wanted_replicas(spec), "deploying", now
        )
        self.store.save_deployment(d)
        self.store.save_run(run)
        self.store.add_revision(Revision(d.id, d.revision, spec, now, principal.user_id))
        verb = "Rolling out" if d.state == "deploying" else "Scaling to"
        detail = spec.get("image") if d.state == "deploying" else f"{run.replicas} replica(s)"
        self.store.add_logs(d.id, [LogLine(now, "stdout", f"Revision {d.revision}: {verb} {detail}")])
        return run

    def get(self, principal: Principal, id: str) -> DeploymentView:
        now = self.clock.now()
        with self.store.transaction():
            deployment, runs = self._load(principal, id, now)
            return self._view(deployment, runs, now)

    def list_deployments(
        self, principal: Principal, *, after: str | None, limit: int, project_id: str | None = None
    ) -> tuple[list[DeploymentView], Page]:
        now = self.clock.now()
        before = decode_cursor(after) if after is not None else None
        with self.store.transaction():
            if project_id is not None and not self.store.has_project(principal.team, project_id):
                raise NotFound(f"Project {project_id!r} not found")
            found = self.store.list_deployments(principal.team, project_id, before, limit + 1)
            page_items = found[:limit]
            views = []
            runs_by_deployment = self.store.live_runs_of(page_items)
            for deployment in page_items:
                runs = runs_by_deployment[deployment.id]
                self._advance(deployment, runs, now)
                views.append(self._view(deployment, runs, now))
        has_more = len(found) > limit
        cursor = encode_cursor(page_items[-1].seq) if has_more else None
        return views, Page(page_items, has_more, cursor)

    def delete(self, principal: Principal, id: str) -> None:
        with self.store.transaction():
            if self.store.find_deployment(principal.team, id) is None:
                raise NotFound(f"Deployment {id!r} not found")
            self.store.delete_deployment(id)

    def runs(self, principal: Principal, id: str) -> list[RunView]:
        now = self.clock.now()
        with self.store.transaction():
            deployment, runs = self._load(principal, id, now)
            view = self._view(deployment, runs, now)
        return [RunView(r, view.replicas if r.state == "ready" else r.replicas) for r in runs if r.active]

    def metrics(self, principal: Principal, id: str, start: datetime | None, end: datetime | None) -> list[Series]:
        now = self.clock.now()
        end = _utc(end) if end else now
        start = _utc(start) if start else _earlier(end, DEFAULT_METRICS_RANGE)
        with self.store.transaction():
            deployment, _ = self._load(principal, id, now)
        return metrics.series(deployment.spec, self.seed, deployment.id, start, end, deployment.first_ready_at)

    def logs(self, principal: Principal, id: str, limit: int) -> list[LogLine]:
        now = self.clock.now()
        with self.store.transaction():
            deployment, _ = self._load(principal, id, now)
            stored = self.store.newest_logs(deployment.id, limit)
        output: list[LogLine] = []
        if deployment.first_ready_at is not None:
            serving_until = now if deployment.state in {"ready", "scaling"} else deployment.state_since
            output = metrics.container_output(self.seed, deployment.id, deployment.first_ready_at, serving_until, limit)
        merged = sorted(stored + output, key=lambda line: line.t)  # stable: lifecycle lines first at a tie
        return merged[-limit:]

    def history(self, principal: Principal, id: str) -> list[Revision]:
        now = self.clock.now()
        with self.store.transaction():
            deployment, _ = self._load(principal, id, now)
            return self.store.revisions(deployment.id)

    # control
    def reset(self) -> None:
        with self.store.transaction():
            self.store.wipe(keep_meta=("seq", "manual_clock"))

    def advance_clock(self, seconds: float) -> datetime:
        if not isinstance(self.clock, ManualClock):
            raise BadRequest("the clock is real time; start the emulator with --clock manual to move it")
        try:
            moment = self.clock.advance(seconds)
        except ClockOutOfRange as exc:
            raise BadRequest(str(exc)) from None
        with self.store.transaction():
            self.store.set_meta("manual_clock", moment.isoformat())
        return moment


def _saved_moment(saved: str) -> datetime:
    """The manual clock as the database keeps it; one that cannot be shown is refused at start."""
    try:
        return datetime.fromisoformat(saved)
    except ValueError:
        raise ClockOutOfRange(f"the saved manual clock {saved[:40]!r} is not a moment") from None


def _dns_label(text: str) -> str:
    """A name made safe for a host name: any name a user picks still gives a valid URL."""
    label = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return label or "d"


def _utc(moment: datetime) -> datetime:
    """The moment in UTC (without an offset it is read as UTC, as the API's own timestamps are);
    a moment past the ends of the calendar in UTC is clamped to them."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.max if moment.year > 1 else datetime.min).replace(tzinfo=UTC)


def _earlier(moment: datetime, span: timedelta) -> datetime:
    try:
        return moment - span
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


_CURSOR_PREFIX = "v1:"


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


_CURSOR = re.compile(r"v1:([1-9][0-9]{0,17})")  # a creation sequence number, as given out


def decode_cursor(cursor: str) -> int:
    try:
        found = _CURSOR.fullmatch(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii"))
        if found:
            return int(found.group(1))
    except (binascii.Error, UnicodeError, ValueError):
        pass
    # any string is schema-valid, so an unknown cursor is a page that does not exist, not bad input
    message = f"`after` is not a cursor this service gave out: {cursor[:64]!r}"
    raise NotFound(message, details=[{"location": "query.after"}])
