"""Slow or idle clients cannot starve the others: a deadline for headers and a cap on connections.

uvicorn keeps a connection that never finishes its request headers for as long as the client
likes, and accepts connections until the process runs out of file descriptors (20,200 held open
once reset every new request). Its h11 protocol is kept and given two rules:

- **header deadline**: a request's headers must be complete within ``header_timeout`` seconds of
  the connection opening, or of the first byte of the next request on a kept-alive connection;
  otherwise the connection is closed;
- **connection cap**: past ``max_connections``, opening one more closes the oldest connection that
  is not in the middle of a request (still sending headers, or idle between requests); if every
  one is busy, the new one is closed instead. A normal client therefore always gets in.
"""

from __future__ import annotations

import asyncio
import resource
from dataclasses import dataclass, field
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT = 10.0
FD_HEADROOM = 64  # descriptors kept free for the database, logs and the listening socket


def default_max_connections() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = soft if soft != resource.RLIM_INFINITY else 4096
    return max(16, min(1000, limit - FD_HEADROOM))


@dataclass
class ConnectionLimits:
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    max_connections: int = field(default_factory=default_max_connections)
    # open connections, oldest first (a dict keeps insertion order)
    open: dict[GuardedH11Protocol, None] = field(default_factory=dict, repr=False)
    closed_slow: int = 0
    evicted: int = 0


class GuardedH11Protocol(H11Protocol):
    limits: ConnectionLimits  # set on the subclass :func:`guarded_protocol` makes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        limits = self.limits
        limits.open[self] = None
        if len(limits.open) > limits.max_connections:
            idle = next((c for c in limits.open if c is not self and c._between_requests()), None)
            limits.evicted += 1
            (idle or self)._close()
            if idle is None:
                return
        self._arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self.limits.open.pop(self, None)
        self._disarm_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:  # still waiting for a request's headers
            if self._header_deadline is None and not self.transport.is_closing():
                self._arm_deadline()
        else:
            self._disarm_deadline()

    def _between_requests(self) -> bool:
        return self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)

    def _arm_deadline(self) -> None:
        self._header_deadline = self.loop.call_later(self.limits.header_timeout, self._headers_too_slow)

    def _disarm_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.limits.closed_slow += 1
            self._close()

    def _close(self) -> None:
        self._disarm_deadline()
        self.limits.open.pop(self, None)
        if not self.transport.is_closing():
            self.transport.close()


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedH11Protocol]:
    """The protocol class to hand uvicorn (``Config(http=...)``), bound to ``limits``."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"limits": limits})
