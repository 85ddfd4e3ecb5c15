# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
# (hand-owned runtime: templates/runtime/_base_client.py)
"""The hand-owned runtime under every generated client method: configuration, requests, retries,
errors, parsing and pages. Generated methods are one call into this module each.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import functools
import json
import logging
import os
import random
import re
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, ClassVar, Generic, ParamSpec, Self, TypeVar, cast
from urllib.parse import quote

import httpx
import pydantic
import pydantic_core

from ._enums import accept_unknown_values
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    WaiterFailureError,
    WaiterTimeoutError,
    request_id_of,
    status_error_from_response,
)

T = TypeVar("T")
P = ParamSpec("P")
ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)
PageT = TypeVar("PageT", bound=pydantic.BaseModel)
ItemT = TypeVar("ItemT")

log = logging.getLogger(__package__)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5  # seconds; doubled per retry
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not honoured: back off normally instead
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRYABLE_TRANSPORT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class NotGiven:
    """Marks an option the caller did not pass, so ``None`` can still mean "no timeout"."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
Timeout = float | httpx.Timeout | None


class Secret:
    """A credential: its repr and str are a mask, so no repr, traceback or log that shows the
    object holding it shows the credential; ``value`` is the credential itself."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


# what a header carries as it is: visible ASCII, inner spaces (no line break, no padding)
_HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie"}  # and the spec's API-key headers
_CREDENTIAL_HINT = re.compile(r"auth|token|secret|key|password|session", re.IGNORECASE)


class _MaskedHeaders(dict[str, str]):
    """Headers whose repr masks credentials: a local, a field or an argument holding them shows
    ``'***'`` where the key is (httpx.Headers does the same for Authorization only)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr({k: "***" if _is_credential_header(k) else v for k, v in self.items()})


def _is_credential_header(name: str) -> bool:
    return name.lower() in _CREDENTIAL_HEADERS or _CREDENTIAL_HINT.search(name) is not None


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


@dataclass(frozen=True)
class Paging:
    """How a paginated operation's answer is read; generated from the spec's ``x-pagination``."""

    cursor_param: str  # wire name of the query parameter that takes the cursor
    items: str  # attribute names on the page model
    has_more: str
    next_cursor: str


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
    """Configuration and everything about a call that does not wait: building, parsing, deciding."""

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
        if not _HEADER_VALUE.fullmatch(api_key.value):
            # httpx's and h11's errors about such a value quote it: say what is wrong without it
            raise APIError(
                "The API key has a line break, another control or non-ASCII character, or whitespace at "
                "either end, which a header cannot carry: check how it was read (a file's last newline?)."
            )
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
    def _result(response: httpx.Response, retries_taken: int, parse: Callable[[], T]) -> T:
        """What a generated method returns: the parsed value, or in raw mode an APIResponse of it."""
        if not _RAW_RESPONSE.get():
            return parse()
        if not response.is_success:
            raise status_error_from_response(response)
        return cast(T, APIResponse(response, parse, retries_taken))

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

    @staticmethod
    def _parse(response: httpx.Response, cast_to: type[T]) -> T:
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


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")  # what percent-encoding leaves as it is


def expand_path(template: str, values: Mapping[str, Any]) -> str:
    """``/items/{id}`` with each value percent-encoded; an empty value is a caller's mistake."""
    for name, value in values.items():
        text = _header_value(value)
        if not text or text in {".", ".."}:  # a dot segment would address another resource
            raise ValueError(
                f"Path parameter {name!r} must be a non-empty value other than '.' and '..', got {value!r}"
            )
        segment = text if _UNRESERVED.fullmatch(text) else quote(text, safe="")
        template = template.replace("{" + name + "}", segment)
    return template


def encode_body(value: Any) -> Any:
    """JSON-ready data with wire names; fields of models nobody set are left out, not sent as null.

    The server stubs answer with the same function, so both directions agree.
    """
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list | tuple):
        return [encode_body(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_body(v) for k, v in value.items()}
    return pydantic_core.to_jsonable_python(value)


def _form_parts(body: Any, *, files_allowed: bool) -> tuple[dict[str, Any] | None, list[tuple[str, Any]] | None]:
    """A form body as httpx takes it: urlencoded fields as ``data`` (a list repeats its key); a
    multipart body as ``files``: text fields without a file name (so even a body with no file is
    multipart), bytes as files, a list as one part per item. An object-valued field is sent as
    JSON text, which is what the server stubs read back."""
    if body is None:
        return None, None
    if isinstance(body, pydantic.BaseModel):
        body = body.model_dump(by_alias=True, exclude_unset=True)  # not mode="json": bytes stay bytes
    fields = {name: value for name, value in dict(body).items() if value is not None}
    if not files_allowed:
        return {name: _form_value(value) for name, value in fields.items()}, None
    parts: list[tuple[str, Any]] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, bytes | bytearray):
                parts.append((name, (name, bytes(item), "application/octet-stream")))
            else:
                parts.append((name, (None, _form_value(item))))
    return None, parts


def _form_value(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(pydantic_core.to_jsonable_python(value))
    if isinstance(value, list | tuple):
        return [_form_value(v) for v in value]
    return _header_value(value)


def _header_value(value: Any) -> str:
    if isinstance(value, list | tuple):  # OpenAPI's "simple" style
        return ",".join(_header_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _query_value(value: Any) -> Any:
    if isinstance(value, list | tuple):  # OpenAPI's default "form" style, exploded: ?tag=a&tag=b
        return [_header_value(v) for v in value]
    return _header_value(value)


def _retry_after_seconds(response: httpx.Response | None) -> float | None:
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


# what sends a request under httpx: when sending its head fails, their frames hold it
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
        return self._result(response, retries_taken, lambda: self._parse(response, cast_to))

    def _wait_for(
        self,
        poll: Callable[[], T],
        waiting: Waiting,
        *,
        timeout: float,
        poll_interval: float,
        on_poll: Callable[[T], object] | None,
    ) -> T:
        deadline = _check_wait(timeout, poll_interval)
        last: T | None = None
        while True:
            token = _RAW_RESPONSE.set(True)  # the answer's headers too: its Retry-After
            try:
                raw = cast(APIResponse[T], poll())
            except APIStatusError as refused:
                waiting.refused(refused, last, deadline - time.monotonic())
                self._wait(waiting.delay(refused.response, poll_interval, deadline - time.monotonic()))
                continue
            finally:
                _RAW_RESPONSE.reset(token)
            last = answer = raw.parse()
            if on_poll is not None:
                on_poll(answer)
            if waiting.reached(answer, deadline - time.monotonic()):
                return answer
            self._wait(waiting.delay(raw.http_response, poll_interval, deadline - time.monotonic()))

    def _request_page(
        self, page_type: type[PageT], paging: Paging, method: str, path: str, **options: Any
    ) -> SyncPage[PageT, Any]:
        def fetch(cursor: str) -> PageT:  # later pages: always parsed, even for a raw first page
            params = {**options.get("params", {}), paging.cursor_param: cursor}
            next_response, _ = self._send(self._call(method, path, **{**options, "params": params}))
            return self._parse(next_response, page_type)

        response, retries_taken = self._send(self._call(method, path, **options))
        return self._result(response, retries_taken, lambda: SyncPage(self._parse(response, page_type), fetch, paging))


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
        return self._result(response, retries_taken, lambda: self._parse(response, cast_to))

    async def _wait_for(
        self,
        poll: Callable[[], Awaitable[T]],
        waiting: Waiting,
        *,
        timeout: float,
        poll_interval: float,
        on_poll: Callable[[T], object] | None,
    ) -> T:
        import inspect

        deadline = _check_wait(timeout, poll_interval)
        last: T | None = None
        while True:
            token = _RAW_RESPONSE.set(True)  # the answer's headers too: its Retry-After
            try:
                raw = cast(APIResponse[T], await poll())
            except APIStatusError as refused:
                waiting.refused(refused, last, deadline - time.monotonic())
                await self._wait(waiting.delay(refused.response, poll_interval, deadline - time.monotonic()))
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
            await self._wait(waiting.delay(raw.http_response, poll_interval, deadline - time.monotonic()))

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
            return self._parse(next_response, page_type)

        response, retries_taken = await self._send(self._call(method, path, **options))
        return self._result(response, retries_taken, lambda: AsyncPage(self._parse(response, page_type), fetch, paging))


class _PageBase(Generic[PageT, ItemT]):
    def __init__(self, page: PageT, paging: Paging) -> None:
        self.page = page
        self._paging = paging

    def __getattr__(self, name: str) -> Any:
        # the page's own fields (``has_more``, ``next_page``...) read straight through
        if name.startswith("_") or name == "page":
            raise AttributeError(name)
        return getattr(self.page, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.page!r})"

    def _items(self, page: PageT) -> list[ItemT]:
        return list(getattr(page, self._paging.items) or [])

    def _next_cursor(self, page: PageT, seen: set[str]) -> str | None:
        if not getattr(page, self._paging.has_more):
            return None
        cursor = getattr(page, self._paging.next_cursor)
        if not cursor:
            raise APIError("The server said there are more pages but gave no cursor for the next one.")
        if cursor in seen:
            raise APIError(f"The server repeated the cursor {cursor!r}; stopping instead of looping forever.")
        seen.add(cursor)
        return str(cursor)


class SyncPage(_PageBase[PageT, ItemT]):
    """One page; iterating it yields every item of every page, fetching the next ones lazily."""

    def __init__(self, page: PageT, fetch: Callable[[str], PageT], paging: Paging) -> None:
        super().__init__(page, paging)
        self._fetch = fetch

    def iter_pages(self) -> Iterator[PageT]:
        page: PageT | None = self.page
        seen: set[str] = set()
        while page is not None:
            yield page
            cursor = self._next_cursor(page, seen)
            page = self._fetch(cursor) if cursor is not None else None

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from self._items(page)


class AsyncPage(_PageBase[PageT, ItemT]):
    """One page; ``async for`` over it yields every item of every page, fetching lazily."""

    def __init__(self, page: PageT, fetch: Callable[[str], Awaitable[PageT]], paging: Paging) -> None:
        super().__init__(page, paging)
        self._fetch = fetch

    async def iter_pages(self) -> AsyncIterator[PageT]:
        page: PageT | None = self.page
        seen: set[str] = set()
        while page is not None:
            yield page
            cursor = self._next_cursor(page, seen)
            page = await self._fetch(cursor) if cursor is not None else None

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in self._items(page):
                yield item


class AsyncPaginator(Generic[PageT, ItemT]):
    """What an async paginated method returns, as Stainless SDKs do: ``async for`` over it yields
    every item of every page; ``await`` it for the first page (an :class:`AsyncPage`). Nothing is
    sent before either, and each starts from the first page again."""

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPage[PageT, ItemT]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[PageT, ItemT]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for item in await self._first_page():
            yield item

    def __repr__(self) -> str:
        return f"{type(self).__name__}(not sent yet: await it for the first page, or async for over its items)"


__all__ = [
    "NOT_GIVEN",
    "APIResponse",
    "AsyncAPIClient",
    "AsyncPage",
    "AsyncPaginator",
    "NotGiven",
    "Paging",
    "SyncAPIClient",
    "SyncPage",
    "Timeout",
    "Waiting",
    "async_to_raw_response_wrapper",
    "to_raw_response_wrapper",
]
