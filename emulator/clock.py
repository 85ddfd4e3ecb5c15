"""Time for the emulator: the wall clock, or a manual one that moves only when told to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

MANUAL_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...


class RealClock:
    """Wall-clock time, in UTC, to the millisecond (what the API's timestamps carry)."""

    kind = "real"

    def now(self) -> datetime:
        moment = datetime.now(UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class ManualClock:
    """Starts at ``start`` and moves only through :meth:`advance`; lifecycles never need a sleep."""

    kind = "manual"

    def __init__(self, start: datetime = MANUAL_EPOCH) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._now += timedelta(seconds=seconds)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment
