"""Fault injection: rules that make matching API calls slow, fail, or both, a given number of times."""

from __future__ import annotations

import asyncio
import fnmatch
import threading
from dataclasses import dataclass

from .domain import BadRequest


@dataclass
class FaultRule:
    """``method`` ("*" for any) and ``path`` (a glob such as ``/v1/deployments/*``) select calls;
    ``latency_ms`` delays them; ``status`` answers them with an error instead (a 429 or 503 may
    carry ``retry_after`` seconds); ``count`` is how many calls it affects (None: all)."""

    method: str = "*"
    path: str = "*"
    status: int | None = None
    retry_after: int | None = None
    latency_ms: int = 0
    count: int | None = None

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise BadRequest("a fault's status must be an error status (400-599)")
        if self.latency_ms < 0 or (self.count is not None and self.count < 1):
            raise BadRequest("latency_ms must be 0 or more and count 1 or more")
        if self.status is None and self.latency_ms == 0:
            raise BadRequest("a fault needs a status, a latency, or both")

    def matches(self, method: str, path: str) -> bool:
        return self.method in {"*", method.upper()} and fnmatch.fnmatchcase(path, self.path)


class Faults:
    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first rule that matches this call, used up by one."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    if rule.count is not None:
                        rule.count -= 1
                        if rule.count == 0:
                            self._rules.remove(rule)
                    return rule
        return None


async def delay(rule: FaultRule) -> None:
    if rule.latency_ms:
        await asyncio.sleep(rule.latency_ms / 1000)  # real time: the point is a slow answer
