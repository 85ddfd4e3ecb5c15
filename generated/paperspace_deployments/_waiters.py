# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
# (hand-owned runtime: templates/runtime/_waiters.py)
"""Waiters: a ``wait_for_<name>`` method polls an operation until the status in its answer is
one the spec's ``x-waiters`` calls success, and raises :class:`WaiterFailureError` on a status
from which success cannot come, or :class:`WaiterTimeoutError` when time is up. The poll loop
lives here, for both flavours; the client lends it only the poll and its way of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar, cast

import httpx

from ._response import _RAW_RESPONSE, APIResponse, _retry_after_seconds
from .errors import APIStatusError, WaiterFailureError, WaiterTimeoutError

T = TypeVar("T")


@dataclass(frozen=True)
class Waiting:
    """What a ``wait_for_<name>`` method polls for; generated from the spec's ``x-waiters``."""

    name: str
    status: tuple[str, ...]  # the attribute path of the status on the polled answer
    success: frozenset[str]
    failure: frozenset[str]

    def status_of(self, answer: Any) -> str | None:
        value = answer
        for attribute in self.status:
            value = getattr(value, attribute, None)
        if isinstance(value, Enum):
            value = value.value
        return None if value is None else str(value)

    def reached(self, answer: Any, remaining: float) -> bool:
        """Whether ``answer`` is what is waited for; raises when it never will be, or time is up."""
        status = self.status_of(answer)
        if status in self.success:
            return True
        if status in self.failure:
            message = (
                f"{self.name}: the status became {status!r}, from which it will not become {_one_of(self.success)}"
            )
            raise WaiterFailureError(message, waiter=self.name, last_answer=answer, status=status)
        if remaining <= 0:
            message = f"{self.name}: the status is still {status!r}, not {_one_of(self.success)}, and time is up"
            raise WaiterTimeoutError(message, waiter=self.name, last_answer=answer, status=status)
        return False

    def refused(self, error: APIStatusError, last_answer: Any, remaining: float) -> None:
        """A poll answered 429 or 503 (the client's own retries used up): the wait goes on, unless
        time is up; any other error ends it as it is."""
        if error.status_code not in _POLL_AGAIN:
            raise error
        if remaining <= 0:
            status = None if last_answer is None else self.status_of(last_answer)
            message = f"{self.name}: the server still asks to wait ({error.status_code}), and time is up"
            raise WaiterTimeoutError(message, waiter=self.name, last_answer=last_answer, status=status) from error

    @staticmethod
    def delay(response: httpx.Response, poll_interval: float, remaining: float) -> float:
        """Seconds before the next poll: the answer's ``Retry-After`` if it gave one, never past the
        deadline (the last poll is made at it)."""
        retry_after = _retry_after_seconds(response)
        wanted = retry_after if retry_after is not None and retry_after >= 0 else poll_interval
        return max(0.0, min(wanted, remaining))


_POLL_AGAIN = frozenset({429, 503})  # answers that say "later", which a waiter waits out


def _one_of(values: frozenset[str]) -> str:
    return " or ".join(repr(v) for v in sorted(values))


def _check_wait(timeout: float, poll_interval: float) -> float:
    """The deadline of a wait that starts now."""
    if not timeout >= 0 or not poll_interval >= 0:  # NaN is refused too
        raise ValueError(f"timeout and poll_interval must be seconds, 0 or more (got {timeout!r}, {poll_interval!r})")
    return time.monotonic() + timeout


def wait_for(
    poll: Callable[[], T],
    waiting: Waiting,
    *,
    timeout: float,
    poll_interval: float,
    on_poll: Callable[[T], object] | None,
    sleep: Callable[[float], None],
) -> T:
    """Calls ``poll`` until ``waiting`` is reached, sleeping with ``sleep`` (the client's, which
    tests replace) between polls."""
    deadline = _check_wait(timeout, poll_interval)
    last: T | None = None
    while True:
        token = _RAW_RESPONSE.set(True)  # the answer's headers too: its Retry-After
        try:
            raw = cast(APIResponse[T], poll())
        except APIStatusError as refused:
            waiting.refused(refused, last, deadline - time.monotonic())
            sleep(waiting.delay(refused.response, poll_interval, deadline - time.monotonic()))
            continue
        finally:
            _RAW_RESPONSE.reset(token)
        last = answer = raw.parse()
        if on_poll is not None:
            on_poll(answer)
        if waiting.reached(answer, deadline - time.monotonic()):
            return answer
        sleep(waiting.delay(raw.http_response, poll_interval, deadline - time.monotonic()))


async def async_wait_for(
    poll: Callable[[], Awaitable[T]],
    waiting: Waiting,
    *,
    timeout: float,
    poll_interval: float,
    on_poll: Callable[[T], object] | None,
    sleep: Callable[[float], Awaitable[None]],
) -> T:
    """:func:`wait_for` of an async client: ``poll`` and ``sleep`` are awaited, and so is an
    ``on_poll`` that is a coroutine function."""
    import inspect  # here, not at the top: only an async wait needs it

    deadline = _check_wait(timeout, poll_interval)
    last: T | None = None
    while True:
        token = _RAW_RESPONSE.set(True)  # the answer's headers too: its Retry-After
        try:
            raw = cast(APIResponse[T], await poll())
        except APIStatusError as refused:
            waiting.refused(refused, last, deadline - time.monotonic())
            await sleep(waiting.delay(refused.response, poll_interval, deadline - time.monotonic()))
            continue
        finally:
            _RAW_RESPONSE.reset(token)
        last = answer = raw.parse()
        if on_poll is not None:
            called = on_poll(answer)
            if inspect.isawaitable(called):  # an async callback is awaited
                await called
        if waiting.reached(answer, deadline - time.monotonic()):
            return answer
        await sleep(waiting.delay(raw.http_response, poll_interval, deadline - time.monotonic()))


__all__ = ["Waiting", "async_wait_for", "wait_for"]
