# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
# (hand-owned runtime: templates/runtime/_response.py)
"""What a call answers: the response parsed into the operation's type (or the status error its
status means), the :class:`APIResponse` a call made through ``with_raw_response`` answers instead,
and what a response says about waiting (``Retry-After``), which retries and waiters both honour.
"""

from __future__ import annotations

import email.utils
import functools
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx
import pydantic

from ._enums import accept_unknown_values
from .errors import (
    APIResponseValidationError,
    request_id_of,
    status_error_from_response,
)

T = TypeVar("T")
P = ParamSpec("P")

# set while a call made through ``with_raw_response`` runs: it then answers an APIResponse
_RAW_RESPONSE: ContextVar[bool] = ContextVar("raw_response", default=False)


class _Unparsed:
    pass


_UNPARSED = _Unparsed()


class APIResponse(Generic[T]):
    """An answer of a call made through ``client.with_raw_response``: the HTTP response as received,
    and :meth:`parse` for the value the plain call returns (parsed once, on first use).

    A status outside 2xx still raises the error the plain call raises (it carries the response).
    """

    def __init__(self, response: httpx.Response, parse: Callable[[], T], retries_taken: int) -> None:
        self.http_response = response
        self.retries_taken = retries_taken  # how many times the call was repeated before this answer
        self._parse = parse
        self._parsed: T | _Unparsed = _UNPARSED

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def request_id(self) -> str | None:
        return request_id_of(self.http_response)

    @property
    def elapsed(self) -> timedelta:
        return self.http_response.elapsed

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> T:
        if isinstance(self._parsed, _Unparsed):
            self._parsed = self._parse()
        return self._parsed

    def __repr__(self) -> str:
        # no query string: an API key may travel there
        return f"<APIResponse [{self.status_code} {self.http_response.reason_phrase}] {self.method} {self.url.path}>"


def to_raw_response_wrapper(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """``method`` answering an :class:`APIResponse` of what it returns."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = _RAW_RESPONSE.set(True)
        try:
            return cast(APIResponse[T], method(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped


def async_to_raw_response_wrapper(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[APIResponse[T]]]:
    """The async ``method`` answering an :class:`APIResponse` of what it returns."""

    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = _RAW_RESPONSE.set(True)  # a context variable: seen by this task only
        try:
            return cast(APIResponse[T], await method(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped


def parse_response(response: httpx.Response, cast_to: type[T]) -> T:
    """The value a plain call returns: ``response`` parsed as ``cast_to``; raises the status error
    of a status outside 2xx, or :class:`APIResponseValidationError` for an answer that does not fit."""
    if not response.is_success:
        raise status_error_from_response(response)
    if cast_to is type(None):
        return None
    if cast_to is bytes:  # an answer the spec does not describe as JSON, as it came
        return cast(T, response.content)
    if cast_to is str:
        return cast(T, response.text)
    try:
        body = response.json()
    except ValueError as exc:
        raise APIResponseValidationError("The answer is not JSON.", response=response, body=response.text) from exc
    try:
        token = accept_unknown_values.set(True)  # a value a newer server added to an enum is kept
        try:
            return cast(T, _adapter(cast_to).validate_python(body))
        finally:
            accept_unknown_values.reset(token)
    except pydantic.ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<body>'}: {e['msg']}" for e in exc.errors())
        raise APIResponseValidationError(
            f"The answer does not match {_name(cast_to)}: {problems}", response=response, body=body
        ) from exc


def call_result(response: httpx.Response, retries_taken: int, parse: Callable[[], T]) -> T:
    """What a generated method returns: the parsed value, or in raw mode an APIResponse of it."""
    if not _RAW_RESPONSE.get():
        return parse()
    if not response.is_success:
        raise status_error_from_response(response)
    return cast(T, APIResponse(response, parse, retries_taken))


def _retry_after_seconds(response: httpx.Response | None) -> float | None:
    """The seconds ``response`` asks to wait (below 0 for a date already past), or None when it
    does not say; each caller decides how much of it to honour."""
    header: str | None = response.headers.get("retry-after") if response is not None else None
    if not header:
        return None
    try:
        return float(header)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return moment.timestamp() - time.time()


_ADAPTERS: dict[Any, pydantic.TypeAdapter[Any]] = {}


def _adapter(cast_to: Any) -> pydantic.TypeAdapter[Any]:
    """Building an adapter costs far more than a request's parsing; build each once."""
    adapter = _ADAPTERS.get(cast_to)
    if adapter is None:
        adapter = _ADAPTERS[cast_to] = pydantic.TypeAdapter(cast_to)
    return adapter


def _name(cast_to: Any) -> str:
    return getattr(cast_to, "__name__", None) or str(cast_to)


__all__ = [
    "APIResponse",
    "async_to_raw_response_wrapper",
    "call_result",
    "parse_response",
    "to_raw_response_wrapper",
]
