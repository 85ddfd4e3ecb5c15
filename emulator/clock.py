"""Time for the emulator: the wall clock, or a manual one that moves only when told to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

MANUAL_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
# The latest moment a manual clock may show. Reads compute moments after "now" (the next
# lifecycle step, the end of a metrics range), so the clock stops a year short of the last
# moment Python can represent; past it every read would fail.
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class ClockOutOfRange(ValueError):
    """A moment the manual clock cannot show."""


def check_in_range(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ClockOutOfRange(f"{moment.isoformat()} has no time zone")
    if not MANUAL_EPOCH <= moment <= LATEST:
        raise ClockOutOfRange(
            f"{moment.isoformat()} is outside the manual clock's range ({MANUAL_EPOCH.isoformat()} to {LATEST.isoformat()})"
        )
    return moment


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
            raise ClockOutOfRange("the clock only moves forward")
        if seconds > (LATEST - self._now).total_seconds():
            raise ClockOutOfRange(
                f"moving {seconds:g} s would pass {LATEST.isoformat()}, the latest moment the clock shows"
                f" (it is {self._now.isoformat()}; at most {(LATEST - self._now).total_seconds():g} s more)"
            )
        self._now += timedelta(seconds=seconds)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = check_in_range(moment)
