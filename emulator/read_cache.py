"""A cache of read answers in front of the stubs: the same bytes, without recomputing them.

``GET`` of the listings and of one deployment are answered from the cache when nothing was
written since (the store's version, which also sees other processes' commits) and the clock has
not reached the moment the answer would change (the next lifecycle transition, or the next
minute of an autoscaled deployment's load); the backend says when that moment is through
:data:`STABLE_UNTIL`. Anything else (an unknown token, a fault rule, any other route) goes
through the whole stack. Keys include the caller's team, so teams never share an answer.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRIES = 1024
CACHED_PATHS = re.compile(r"^/v1/(deployments|deployments/[^/]+|projects/[^/]+/deployments)$")


@dataclass
class StableUntil:
    """Filled in by the backend while it answers; an answer it did not date is not kept."""

    known: bool = False
    moment: datetime | None = None  # None with known=True: stable until the next write
    team: str | None = None  # whom the backend answered: the key must name the same team


STABLE_UNTIL: ContextVar[StableUntil | None] = ContextVar("stable_until", default=None)


def note_stable_until(moment: datetime | None, team: str) -> None:
    hint = STABLE_UNTIL.get()
    if hint is not None:
        hint.known, hint.moment, hint.team = True, moment, team


@dataclass
class _Entry:
    version: tuple[int, int]
    valid_until: datetime | None
    start: Message
    body: bytes = field(default=b"")


class ReadCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        team_of: Mapping[str, str],
        version: Callable[[], tuple[int, int]],
        now: Callable[[], datetime],
    ) -> None:
        self.app = app
        self.team_of = team_of
        self.version = version
        self.now = now
        self.entries: OrderedDict[tuple[str, str, bytes], _Entry] = OrderedDict()

    def _key(self, scope: Scope) -> tuple[str, str, bytes] | None:
        if scope["type"] != "http" or scope["method"] != "GET" or not CACHED_PATHS.match(scope["path"]):
            return None
        found = [value for name, value in scope["headers"] if name == b"authorization"]
        if len(found) != 1:  # none (a 401), or several that parsers may read differently
            return None
        scheme, _, token = found[0].decode("latin-1").partition(" ")
        team = self.team_of.get(token.strip()) if scheme.lower() == "bearer" else None
        return None if team is None else (team, scope["path"], scope["query_string"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        version = self.version()
        entry = self.entries.get(key)
        if (
            entry is not None
            and entry.version == version
            and (entry.valid_until is None or self.now() < entry.valid_until)
        ):
            self.entries.move_to_end(key)
            await send(entry.start)
            await send({"type": "http.response.body", "body": entry.body})
            return
        await self._fill(key, version, scope, receive, send)

    async def _fill(
        self, key: tuple[str, str, bytes], version: tuple[int, int], scope: Scope, receive: Receive, send: Send
    ) -> None:
        hint = StableUntil()
        token = STABLE_UNTIL.set(hint)
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            STABLE_UNTIL.reset(token)
        start, *bodies = captured or [{}]
        complete = all(not m.get("more_body") for m in bodies)
        # only a whole 200 that the backend dated, computed while nothing was written, is kept
        answered_for_key = hint.known and hint.team == key[0]
        if start.get("status") == 200 and answered_for_key and complete and self.version() == version:
            self.entries[key] = _Entry(version, hint.moment, start, b"".join(m.get("body", b"") for m in bodies))
            if len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)
