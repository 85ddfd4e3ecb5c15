# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
# (hand-owned runtime: templates/runtime/_base_client.py)
"""The sync and async base clients under every generated client method: configuration, building
a call, sending it over httpx, retrying what may be retried, and waiting between attempts. What a
call's parts mean lives in the modules it imports: values and secrets in ``_types``, encoding in
``_encoding``, parsing and raw answers in ``_response``, pages in ``_pagination``, waiters in
``_waiters``. Generated methods are one call into a client of this module each.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar

import httpx
import pydantic

from ._encoding import (
    _form_parts,
    _header_value,
    _query_value,
    encode_body,
    expand_path,
)
from ._pagination import AsyncPage, AsyncPaginator, Paging, SyncPage
from ._response import _retry_after_seconds, call_result, parse_response
from ._types import (
    _CREDENTIAL_HEADERS,
    NOT_GIVEN,
    NotGiven,
    Secret,
    Timeout,
    _MaskedHeaders,
    refuse_unsendable_key,
)
from ._version import __version__
from ._waiters import Waiting, async_wait_for, wait_for
from .errors import APIConnectionError, APIError, APITimeoutError

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)
PageT = TypeVar("PageT", bound=pydantic.BaseModel)

log = logging.getLogger(__package__)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5  # seconds; doubled per retry
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not honoured: back off normally instead
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRYABLE_TRANSPORT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


# built on every call: slots, not frozen (frozen sets each field the slow way); its repr leaves out
# what may be secret (headers, query, cookies, body), as a traceback showing locals prints it
@dataclass(slots=True, repr=False)
class _Call:
    method: str
    url: str
    params: dict[str, Any]
    headers: _MaskedHeaders
    cookies: dict[str, str]
    json: Any
    content: bytes | None  # a body sent as it is (bytes, text)
    data: dict[str, Any] | None  # form fields (urlencoded, or the text parts of a multipart body)
    files: list[tuple[str, Any]] | None  # the parts of a multipart body
    timeout: Timeout | NotGiven
    max_retries: int
    idempotent: bool

    def __repr__(self) -> str:
        return f"<_Call {self.method} {self.url}>"


class BaseClient:
    """Configuration and everything about a call that does not wait: building it, and deciding
    whether to try it again."""

    _api_key_env: ClassVar[str]
    _base_url_env: ClassVar[str]
    _default_base_url: ClassVar[str]

    def __init__(
        self,
        *,
        api_key: str | Secret | None,
        base_url: str | httpx.URL | None,
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if not isinstance(api_key, Secret):  # rebound at once: this frame's locals show the mask
            api_key = Secret(api_key if api_key is not None else os.environ.get(self._api_key_env, ""))
        if not api_key.value:
            raise APIError(f"No API key: pass api_key= or set the {self._api_key_env} environment variable.")
        refuse_unsendable_key(api_key)
        self._api_key = api_key
        self.base_url = httpx.URL(str(base_url or os.environ.get(self._base_url_env) or self._default_base_url))
        self._url_prefix = str(self.base_url).rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._default_headers = _MaskedHeaders(default_headers or {})
        # the same on every call: built once (a call's own headers are merged over them)
        self._common_headers = _MaskedHeaders(
            {
                "Accept": "application/json",
                "User-Agent": f"{__package__}/{__version__} httpx/{httpx.__version__}",
                **self._default_headers,
            }
        )
        self._authorization = Secret(f"Bearer {api_key.value}")
        self._call_headers = self._common_headers  # empty when our own http client already sends them

    def __repr__(self) -> str:
        # a traceback showing locals shows ``self`` of a constructor that failed: no base_url yet
        return f"{type(self).__name__}(base_url={str(getattr(self, 'base_url', None))!r}, api_key='***')"

    def _copy_settings(self, **changes: Any) -> dict[str, Any]:
        settings = {
            "api_key": self._api_key,
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self._default_headers,
        }
        settings.update({k: v for k, v in changes.items() if not isinstance(v, NotGiven)})
        return settings

    def _call(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        content_type: str | None = None,
        form: Any = None,
        multipart: Any = None,
        credentials: tuple[tuple[str, str], ...] = (),
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        idempotent: bool = True,
    ) -> _Call:
        all_headers = _MaskedHeaders(self._call_headers)
        if headers:
            all_headers.update({k: _header_value(v) for k, v in headers.items() if v is not None})
        if extra_headers:
            all_headers.update(extra_headers)
        if content is not None and content_type:
            all_headers["Content-Type"] = content_type
        query = {k: _query_value(v) for k, v in params.items() if v is not None} if params else {}
        jar = {k: str(v) for k, v in cookies.items() if v is not None} if cookies else {}
        # the key goes in last: when httpx fails to encode a header, its locals hold an earlier one
        if not credentials:
            all_headers["Authorization"] = self._authorization.value
        for kind, name in credentials:  # where the spec says this operation takes the key
            self._place_key(kind, name, all_headers, query, jar)
        data, files = _form_parts(form if form is not None else multipart, files_allowed=multipart is not None)
        return _Call(
            method=method.upper(),
            url=self._url_prefix + expand_path(path, path_params) if path_params else self._url_prefix + path,
            params=query,
            headers=all_headers,
            cookies=jar,
            json=None if json is None else encode_body(json),
            content=content.encode() if isinstance(content, str) else content,
            data=data,
            files=files,
            timeout=timeout,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            idempotent=idempotent,
        )

    def _place_key(
        self, kind: str, name: str, headers: _MaskedHeaders, query: dict[str, Any], cookies: dict[str, str]
    ) -> None:
        if kind == "bearer":
            headers["Authorization"] = self._authorization.value
        elif kind == "basic":  # the key is "user:password"
            headers["Authorization"] = "Basic " + base64.b64encode(self._api_key.value.encode()).decode()
        elif kind == "header":
            _CREDENTIAL_HEADERS.add(name.lower())
            headers[name] = self._api_key.value
        elif kind == "query":
            query[name] = self._api_key.value
        elif kind == "cookie":
            cookies[name] = self._api_key.value

    def _request_arguments(self, call: _Call) -> dict[str, Any]:
        # empty params and cookies are left out: httpx re-parses the URL and builds a cookie jar
        # for them even when empty, a fifth of a request's cost in the client
        arguments: dict[str, Any] = {
            "method": call.method,
            "url": call.url,
            "headers": call.headers,
            "timeout": self.timeout if isinstance(call.timeout, NotGiven) else call.timeout,
        }
        if call.params:
            arguments["params"] = call.params
        if call.cookies:
            arguments["cookies"] = call.cookies
        if call.json is not None:
            arguments["json"] = call.json
        if call.content is not None:
            arguments["content"] = call.content
        if call.data is not None:
            arguments["data"] = call.data
        if call.files is not None:
            arguments["files"] = call.files
        return arguments

    def _after_attempt(
        self, call: _Call, retries_taken: int, response: httpx.Response | None, error: APIConnectionError | None
    ) -> httpx.Response | None:
        """The response to hand back, or None to try again; raises once a failure is final."""
        log.debug("%s %s -> %s", call.method, call.url, response.status_code if response is not None else error)
        if response is not None and (response.is_success or not self._should_retry(call, response, retries_taken)):
            return response
        if error is not None and not self._should_retry_error(call, error, retries_taken):
            raise error
        return None

    @staticmethod
    def _should_retry(call: _Call, response: httpx.Response, retries_taken: int) -> bool:
        if retries_taken >= call.max_retries:
            return False
        retry_after = _retry_after_seconds(response)
        if retry_after is not None and retry_after > MAX_RETRY_AFTER:
            return False  # the server wants a longer pause than a call should block for: tell the caller
        # a 429 was refused before any work was done, so even a non-idempotent call may repeat it
        return response.status_code == 429 or (call.idempotent and response.status_code in RETRYABLE_STATUSES)

    @staticmethod
    def _should_retry_error(call: _Call, error: APIConnectionError, retries_taken: int) -> bool:
        cause = error.__cause__
        if retries_taken >= call.max_retries or not isinstance(cause, RETRYABLE_TRANSPORT_ERRORS):
            return False  # a bad URL or protocol fails the same way every time
        # a call that never connected never reached the server, so any call may repeat it
        return call.idempotent or isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)

    @staticmethod
    def _retry_delay(retries_taken: int, response: httpx.Response | None) -> float:
        retry_after = _retry_after_seconds(response)
        if retry_after is not None and 0 <= retry_after <= MAX_RETRY_AFTER:
            return retry_after
        backoff = min(INITIAL_RETRY_DELAY * 2.0**retries_taken, MAX_RETRY_DELAY)
        return backoff * (1 - 0.25 * random.random())  # jitter keeps many clients from retrying in step

    @staticmethod
    def _body(
        model: type[ModelT], body: ModelT | None, fields: Mapping[str, Any], *, required: bool, operation: str
    ) -> ModelT | None:
        """The request body: the model passed, or one built from the keyword arguments given."""
        given = {wire: value for wire, value in fields.items() if not isinstance(value, NotGiven)}
        if body is not None and given:
            raise TypeError(
                f"{operation}() takes the body as a {model.__name__} or as keyword arguments, not both "
                f"(got body and {', '.join(sorted(given))})"
            )
        if body is not None or given:
            return body if body is not None else model.model_validate(given)
        if required:
            raise TypeError(f"{operation}() needs a body: pass a {model.__name__} or its fields as keyword arguments")
        return None


_TRANSPORT_PACKAGES = frozenset({"httpx", "httpcore", "h11", "anyio", "trio", "asyncio", "ssl", "socket", "selectors"})


def _forget_transport_locals(exc: BaseException) -> None:
    """Clears the locals of the transport's frames ``exc`` and the exceptions chained to it went
    through (h11's event, the bytes being written), which a traceback showing locals would print
    with the key. Other frames, the caller's and ours, keep theirs."""
    pending: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            if tb.tb_frame.f_globals.get("__name__", "").partition(".")[0] in _TRANSPORT_PACKAGES:
                with contextlib.suppress(RuntimeError):  # a frame still running keeps its locals
                    tb.tb_frame.clear()
            tb = tb.tb_next
        pending += [current.__cause__, current.__context__]
        if isinstance(current, BaseExceptionGroup):
            pending += current.exceptions


def _connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    _forget_transport_locals(exc)
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        error = APITimeoutError(request=request)
    else:
        error = APIConnectionError(f"Connection error: {exc}", request=request)
    error.__cause__ = exc
    return error


class SyncAPIClient(BaseClient):
    """Sends calls with an :class:`httpx.Client`, retrying and sleeping in this thread."""

    def __init__(self, *, http_client: httpx.Client | None, **settings: Any) -> None:
        super().__init__(**settings)
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.Client(timeout=self.timeout, headers=self._common_headers)
        if self._owns_http_client:
            self._call_headers = _MaskedHeaders()

    def close(self) -> None:
        """Close the connections, unless the http client was passed in (its owner closes it)."""
        if self._owns_http_client:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def _send(self, call: _Call) -> tuple[httpx.Response, int]:
        """The final response, and how many retries it took."""
        retries_taken = 0
        while True:
            request = self._http.build_request(**self._request_arguments(call))
            response: httpx.Response | None = None
            error: APIConnectionError | None = None
            try:
                response = self._http.send(request)
                response.read()
            except httpx.TransportError as exc:
                error = _connection_error(exc, request)
            final = self._after_attempt(call, retries_taken, response, error)
            if final is not None:
                return final, retries_taken
            self._wait(self._retry_delay(retries_taken, response))
            retries_taken += 1

    def _request(self, cast_to: type[T], method: str, path: str, **options: Any) -> T:
        response, retries_taken = self._send(self._call(method, path, **options))
        return call_result(response, retries_taken, lambda: parse_response(response, cast_to))

    def _wait_for(
        self,
        poll: Callable[[], T],
        waiting: Waiting,
        *,
        timeout: float,
        poll_interval: float,
        on_poll: Callable[[T], object] | None,
    ) -> T:
        # the loop is the waiter's; the client lends it its way of sleeping
        return wait_for(poll, waiting, timeout=timeout, poll_interval=poll_interval, on_poll=on_poll, sleep=self._wait)

    def _request_page(
        self, page_type: type[PageT], paging: Paging, method: str, path: str, **options: Any
    ) -> SyncPage[PageT, Any]:
        def fetch(cursor: str) -> PageT:  # later pages: always parsed, even for a raw first page
            params = {**options.get("params", {}), paging.cursor_param: cursor}
            next_response, _ = self._send(self._call(method, path, **{**options, "params": params}))
            return parse_response(next_response, page_type)

        response, retries_taken = self._send(self._call(method, path, **options))
        return call_result(
            response, retries_taken, lambda: SyncPage(parse_response(response, page_type), fetch, paging)
        )


class AsyncAPIClient(BaseClient):
    """Sends calls with an :class:`httpx.AsyncClient`; waits between retries without blocking the loop."""

    def __init__(self, *, http_client: httpx.AsyncClient | None, **settings: Any) -> None:
        super().__init__(**settings)
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=self.timeout, headers=self._common_headers)
        if self._owns_http_client:
            self._call_headers = _MaskedHeaders()

    async def close(self) -> None:
        """Close the connections, unless the http client was passed in (its owner closes it)."""
        if self._owns_http_client:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _wait(self, seconds: float) -> None:
        import asyncio  # here, not at the top: most programs never load asyncio otherwise

        await asyncio.sleep(seconds)  # other tasks run meanwhile

    async def _send(self, call: _Call) -> tuple[httpx.Response, int]:
        """The final response, and how many retries it took."""
        retries_taken = 0
        while True:
            request = self._http.build_request(**self._request_arguments(call))
            response: httpx.Response | None = None
            error: APIConnectionError | None = None
            try:
                response = await self._http.send(request)
                await response.aread()
            except httpx.TransportError as exc:
                error = _connection_error(exc, request)
            final = self._after_attempt(call, retries_taken, response, error)
            if final is not None:
                return final, retries_taken
            await self._wait(self._retry_delay(retries_taken, response))
            retries_taken += 1

    async def _request(self, cast_to: type[T], method: str, path: str, **options: Any) -> T:
        response, retries_taken = await self._send(self._call(method, path, **options))
        return call_result(response, retries_taken, lambda: parse_response(response, cast_to))

    async def _wait_for(
        self,
        poll: Callable[[], Awaitable[T]],
        waiting: Waiting,
        *,
        timeout: float,
        poll_interval: float,
        on_poll: Callable[[T], object] | None,
    ) -> T:
        # the loop is the waiter's; the client lends it its way of sleeping
        return await async_wait_for(
            poll, waiting, timeout=timeout, poll_interval=poll_interval, on_poll=on_poll, sleep=self._wait
        )

    def _request_page(
        self, page_type: type[PageT], paging: Paging, method: str, path: str, **options: Any
    ) -> AsyncPaginator[PageT, Any]:
        return AsyncPaginator(lambda: self._first_page(page_type, paging, method, path, **options))

    async def _first_page(
        self, page_type: type[PageT], paging: Paging, method: str, path: str, **options: Any
    ) -> AsyncPage[PageT, Any]:
        async def fetch(cursor: str) -> PageT:  # later pages: always parsed, even for a raw first page
            params = {**options.get("params", {}), paging.cursor_param: cursor}
            next_response, _ = await self._send(self._call(method, path, **{**options, "params": params}))
            return parse_response(next_response, page_type)

        response, retries_taken = await self._send(self._call(method, path, **options))
        return call_result(
            response, retries_taken, lambda: AsyncPage(parse_response(response, page_type), fetch, paging)
        )


__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "BaseClient",
    "SyncAPIClient",
]
