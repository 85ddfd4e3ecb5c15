"""Exceptions raised by the clients: one class per documented error status, a fallback by range.

Every status error carries the HTTP status, the Error body's ``code`` and ``message``, the parsed
body, the response and the server's request id when it sent one. A body that is not JSON (a
proxy's HTML 502) still raises the class of its status, with the text as ``message``.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
]

_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray")


class APIError(Exception):
    """Base of every error this package raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke before an answer."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No answer within the timeout."""

    def __init__(self, message: str = "Request timed out.", *, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(APIError):
    """A 2xx answer whose body does not match the documented schema."""

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body


class APIStatusError(APIError):
    """The server answered a status outside 2xx."""

    status_code: int
    code: str | None
    body: Any
    response: httpx.Response
    request_id: str | None

    def __init__(self, message: str, *, response: httpx.Response, body: Any, code: str | None) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.code = code
        self.request_id = request_id_of(response)

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        request_id = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.status_code}{code}: {self.message}{request_id}"


def request_id_of(response: httpx.Response) -> str | None:
    """The id the server (or a proxy in front of it) gave this request, if any."""
    return next((response.headers[h] for h in _REQUEST_ID_HEADERS if h in response.headers), None)


class BadRequestError(APIStatusError):
    """400: the input is not valid."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, malformed or unknown."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: nothing with this id exists for the caller."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class PayloadTooLargeError(APIStatusError):
    """413: the request body is too large."""


class UnprocessableEntityError(APIStatusError):
    """422: the input is well formed but cannot be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; the client retries these by itself first."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; the client retries these by itself first."""


class WaiterError(APIError):
    """A ``wait_for_<name>`` call ended without its resource reaching the status it waits for;
    ``last_answer`` is the last thing polled (``None`` if nothing was), ``status`` its status."""

    def __init__(self, message: str, *, waiter: str, last_answer: Any, status: str | None) -> None:
        super().__init__(message)
        self.waiter = waiter
        self.last_answer = last_answer
        self.status = status


class WaiterFailureError(WaiterError):
    """The resource reached a status from which it will not reach the one waited for."""


class WaiterTimeoutError(WaiterError):
    """The timeout passed before the resource reached the status waited for."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_from_response(response: httpx.Response) -> APIStatusError:
    """The exception for a non-2xx ``response``; the body must have been read."""
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = response.text
    code = body.get("code") if isinstance(body, dict) and isinstance(body.get("code"), str) else None
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message:
        text = body.strip() if isinstance(body, str) else ""
        message = text[:500] if text else response.reason_phrase or f"HTTP {response.status_code}"
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(message, response=response, body=body, code=code)
