"""The emulator's records and errors. No web framework here: errors carry the HTTP status they
answer with (moto's way), and the binding turns them into responses whose Error ``code`` is the
status's, from the one table of codes (the generated runtime's ``ERROR_CODES``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class EmulatorError(Exception):
    status = 500

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(EmulatorError):
    status = 400


class NotFound(EmulatorError):
    status = 404


class Conflict(EmulatorError):
    status = 409


@dataclass(frozen=True)
class Principal:
    """Who called: the team a token belongs to, and the user id revisions record."""

    team: str
    user_id: str


@dataclass
class Deployment:
    id: str
    seq: int  # creation order; listing order and cursors use it
    team: str
    project_id: str
    name: str
    spec: dict[str, Any]  # the latest spec as submitted, wire names, projectId filled in
    revision: int
    state: str
    state_since: datetime
    created_at: datetime
    first_ready_at: datetime | None = None


@dataclass
class Run:
    id: str
    deployment_id: str
    revision: int
    replicas: int
    state: str  # deploying, ready, stopped or failed; the first two are "active"
    started_at: datetime
    ended_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.state in {"deploying", "ready"}


@dataclass(frozen=True)
class Revision:
    deployment_id: str
    revision: int
    spec: dict[str, Any]
    created_at: datetime
    user_id: str


@dataclass(frozen=True)
class LogLine:
    t: datetime
    stream: str
    message: str


@dataclass(frozen=True)
class Page:
    items: list[Deployment]
    has_more: bool
    next_cursor: str | None


@dataclass(frozen=True)
class Series:
    metric: str
    points: list[tuple[datetime, float]] = field(default_factory=list)


# The image rule: a reference that Docker could not parse can never be pulled, and neither can
# one whose repository path contains "unpullable" (so a valid-looking image can fail on purpose).
_REFERENCE = re.compile(
    r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?/)?"  # registry host[:port]/
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"  # path
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"  # :tag
    r"(?:@sha256:[a-f0-9]{64})?$"  # @digest
)


def image_is_pullable(image: str) -> bool:
    return bool(_REFERENCE.match(image)) and "unpullable" not in _repository(image)


def _repository(image: str) -> str:
    """``registry:5000/team/app:tag@sha256:…`` → ``registry:5000/team/app``."""
    name = image.split("@")[0]
    last_slash = name.rfind("/")
    tag_colon = name.rfind(":")
    return name[:tag_colon] if tag_colon > last_slash else name
