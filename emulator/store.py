"""SQLite storage: one transaction per operation, WAL and durable commits.

An answered upsert or delete has been committed with ``synchronous=FULL`` before the answer
leaves, so it survives ``kill -9``. Writers take the database lock up front (``BEGIN
IMMEDIATE``), so concurrent upserts of one name serialise into one deployment with contiguous
revisions, even across processes sharing the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from .domain import Deployment, LogLine, Revision, Run

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, team TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS team_projects (team TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (team, id));
CREATE TABLE IF NOT EXISTS deployments (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    team TEXT NOT NULL,
    project_id TEXT NOT NULL,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    revision INTEGER NOT NULL,
    state TEXT NOT NULL,
    state_since TEXT NOT NULL,
    created_at TEXT NOT NULL,
    first_ready_at TEXT,
    UNIQUE (team, project_id, name)
);
CREATE INDEX IF NOT EXISTS deployments_by_team ON deployments (team, seq);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    deployment_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    replicas INTEGER NOT NULL,
    state TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_deployment ON runs (deployment_id, revision);
CREATE INDEX IF NOT EXISTS active_runs ON runs (deployment_id) WHERE state IN ('deploying', 'ready');
CREATE TABLE IF NOT EXISTS revisions (
    deployment_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (deployment_id, revision)
);
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id TEXT NOT NULL,
    t TEXT NOT NULL,
    stream TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_deployment ON logs (deployment_id, t, id);
"""
# databases written before projects belonged to teams: their projects move to team_projects
MIGRATE = """
BEGIN IMMEDIATE;
INSERT OR IGNORE INTO team_projects (team, id) SELECT team, id FROM projects;
DELETE FROM projects;
COMMIT;
"""
_DEPLOYMENT_COLUMNS = "id, seq, team, project_id, name, spec, revision, state, state_since, created_at, first_ready_at"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _deployment(row: sqlite3.Row) -> Deployment:
    return Deployment(
        id=row["id"],
        seq=row["seq"],
        team=row["team"],
        project_id=row["project_id"],
        name=row["name"],
        spec=json.loads(row["spec"]),
        revision=row["revision"],
        state=row["state"],
        state_since=datetime.fromisoformat(row["state_since"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        first_ready_at=_time(row["first_ready_at"]),
    )


def _run(row: sqlite3.Row) -> Run:
    return Run(
        id=row["id"],
        deployment_id=row["deployment_id"],
        revision=row["revision"],
        replicas=row["replicas"],
        state=row["state"],
        started_at=datetime.fromisoformat(row["started_at"]),
        ended_at=_time(row["ended_at"]),
    )


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # one connection, used by whichever thread serves; the lock keeps transactions whole
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._db.execute("PRAGMA busy_timeout = 5000")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.executescript(SCHEMA)
        self._db.executescript(MIGRATE)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def version(self) -> tuple[int, int]:
        """Changes whenever the data may have: this connection's writes, or another's commits."""
        with self._lock:
            data_version = self._db.execute("PRAGMA data_version").fetchone()[0]
            return self._db.total_changes, int(data_version)

    def _all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self._db.execute(sql, args).fetchall()

    # meta
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?", (key, value, value)
        )

    def next_seq(self) -> int:
        seq = int(self.get_meta("seq") or 0) + 1
        self.set_meta("seq", str(seq))
        return seq

    # projects: each team has its own (a project id names one of the team's projects, so no
    # team can claim an id before another and block it)
    def has_project(self, team: str, project_id: str) -> bool:
        sql = "SELECT 1 FROM team_projects WHERE team = ? AND id = ?"
        return self._db.execute(sql, (team, project_id)).fetchone() is not None

    def add_project(self, team: str, project_id: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO team_projects (team, id) VALUES (?, ?)", (team, project_id))

    # deployments
    def find_deployment(self, team: str, id: str) -> Deployment | None:
        rows = self._all(f"SELECT {_DEPLOYMENT_COLUMNS} FROM deployments WHERE id = ? AND team = ?", id, team)
        return _deployment(rows[0]) if rows else None

    def find_by_name(self, team: str, project_id: str, name: str) -> Deployment | None:
        sql = f"SELECT {_DEPLOYMENT_COLUMNS} FROM deployments WHERE team = ? AND project_id = ? AND name = ?"
        rows = self._all(sql, team, project_id, name)
        return _deployment(rows[0]) if rows else None

    def list_deployments(
        self, team: str, project_id: str | None, before_seq: int | None, limit: int
    ) -> list[Deployment]:
        """Newest first, at most ``limit``, only those created before ``before_seq``."""
        sql = f"SELECT {_DEPLOYMENT_COLUMNS} FROM deployments WHERE team = ?"
        args: list[Any] = [team]
        if project_id is not None:
            sql += " AND project_id = ?"
            args.append(project_id)
        if before_seq is not None:
            sql += " AND seq < ?"
            args.append(before_seq)
        return [_deployment(r) for r in self._all(sql + " ORDER BY seq DESC LIMIT ?", *args, limit)]

    def save_deployment(self, d: Deployment) -> None:
        first_ready = d.first_ready_at.isoformat(timespec="microseconds") if d.first_ready_at else None
        values: tuple[Any, ...] = (d.id, d.seq, d.team, d.project_id, d.name, json.dumps(d.spec), d.revision, d.state)
        values += (
            d.state_since.isoformat(timespec="microseconds"),
            d.created_at.isoformat(timespec="microseconds"),
            first_ready,
        )
        self._db.execute(
            f"INSERT OR REPLACE INTO deployments ({_DEPLOYMENT_COLUMNS}) VALUES ({', '.join('?' * 11)})", values
        )

    def delete_deployment(self, id: str) -> None:
        for table, column in (
            ("deployments", "id"),
            ("runs", "deployment_id"),
            ("revisions", "deployment_id"),
            ("logs", "deployment_id"),
        ):
            self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (id,))

    # runs, revisions, logs
    # A deployment's live runs: the active ones and the run of its newest revision. Nothing about
    # a deployment needs the runs that ended before (they are history), so reads and upserts cost
    # the same for a deployment with 10,000 revisions as for a new one.
    def live_runs_of(self, deployments: list[Deployment]) -> dict[str, list[Run]]:
        """The live runs of several deployments (a page of a listing), oldest revision first."""
        found: dict[str, dict[str, Run]] = {d.id: {} for d in deployments}
        if not deployments:
            return {}
        marks = ", ".join("?" * len(deployments))
        # two index searches (a compound query or a row-value IN would let SQLite scan every run)
        active = f"SELECT * FROM runs WHERE deployment_id IN ({marks}) AND state IN ('deploying', 'ready')"
        pairs = ", ".join(["(?, ?)"] * len(deployments))
        newest = (
            f"WITH wanted(deployment_id, revision) AS (VALUES {pairs}) SELECT runs.* FROM wanted"
            " CROSS JOIN runs ON runs.deployment_id = wanted.deployment_id AND runs.revision = wanted.revision"
        )
        rows = self._all(active, *(d.id for d in deployments))
        rows += self._all(newest, *(value for d in deployments for value in (d.id, d.revision)))
        for row in rows:
            found[row["deployment_id"]][row["id"]] = _run(row)
        return {id: sorted(runs.values(), key=lambda r: r.revision) for id, runs in found.items()}

    def live_runs(self, deployment: Deployment) -> list[Run]:
        return self.live_runs_of([deployment])[deployment.id]

    def save_run(self, r: Run) -> None:
        ended = r.ended_at.isoformat(timespec="microseconds") if r.ended_at else None
        values = (
            r.id,
            r.deployment_id,
            r.revision,
            r.replicas,
            r.state,
            r.started_at.isoformat(timespec="microseconds"),
            ended,
        )
        self._db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)", values)

    def add_revision(self, r: Revision) -> None:
        values = (
            r.deployment_id,
            r.revision,
            json.dumps(r.spec),
            r.created_at.isoformat(timespec="microseconds"),
            r.user_id,
        )
        self._db.execute("INSERT INTO revisions VALUES (?, ?, ?, ?, ?)", values)

    def revisions(self, deployment_id: str) -> list[Revision]:
        rows = self._all("SELECT * FROM revisions WHERE deployment_id = ? ORDER BY revision", deployment_id)
        return [_revision(r) for r in rows]

    def revision(self, deployment_id: str, revision: int) -> Revision | None:
        rows = self._all("SELECT * FROM revisions WHERE deployment_id = ? AND revision = ?", deployment_id, revision)
        return _revision(rows[0]) if rows else None

    def add_logs(self, deployment_id: str, lines: list[LogLine]) -> None:
        rows = [(deployment_id, line.t.isoformat(timespec="microseconds"), line.stream, line.message) for line in lines]
        self._db.executemany("INSERT INTO logs (deployment_id, t, stream, message) VALUES (?, ?, ?, ?)", rows)

    def newest_logs(self, deployment_id: str, limit: int) -> list[LogLine]:
        sql = "SELECT t, stream, message FROM logs WHERE deployment_id = ? ORDER BY t DESC, id DESC LIMIT ?"
        rows = self._all(sql, deployment_id, limit)
        return [LogLine(datetime.fromisoformat(r["t"]), r["stream"], r["message"]) for r in reversed(rows)]

    def wipe(self, keep_meta: tuple[str, ...]) -> None:
        kept = {key: self.get_meta(key) for key in keep_meta}
        for table in ("projects", "team_projects", "deployments", "runs", "revisions", "logs", "meta"):
            self._db.execute(f"DELETE FROM {table}")
        for key, value in kept.items():
            if value is not None:
                self.set_meta(key, value)


def _revision(row: sqlite3.Row) -> Revision:
    return Revision(
        row["deployment_id"],
        row["revision"],
        json.loads(row["spec"]),
        datetime.fromisoformat(row["created_at"]),
        row["user_id"],
    )
