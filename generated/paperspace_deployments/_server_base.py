# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
# (hand-owned runtime: templates/runtime/_server_base.py)
"""The hand-owned runtime under the generated FastAPI stubs: errors, auth, rendering.

Every error leaves the server in one shape, ``{"code", "message", "details"}``, the shape the
spec's ``Error`` schema documents: request validation problems are a 400 listing each problem,
unknown routes a 404, wrong methods a 405 with ``Allow``, anything unexpected a 500 without a
traceback. A backend signals errors by raising :class:`BackendError` or one of its subclasses.
"""

from __future__ import annotations

import base64
import inspect
import json
import logging
import re
import traceback
import typing
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# the encoding the clients send (and not the client itself): both directions agree
from ._encoding import encode_body

ModelT = TypeVar("ModelT", bound=BaseModel)

log = logging.getLogger(__package__)

ERROR_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE_CONTENT",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    501: "NOT_IMPLEMENTED",
    503: "SERVICE_UNAVAILABLE",
}
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# A request's problems are counted up to MAX_COUNTED_PROBLEMS and the first MAX_LISTED_PROBLEMS are
# listed, each text cut at MAX_PROBLEM_TEXT characters: an error answer stays a few kilobytes
# whatever the body (340,000 bad items once made a 51 MB answer that took seconds to build).
MAX_LISTED_PROBLEMS = 20
MAX_COUNTED_PROBLEMS = 1000
MAX_PROBLEM_TEXT = 200
# JSON nested deeper than this is refused before anything walks it: recursive validators and
# serialisers fail near a few hundred levels, and no API body needs more than a handful.
MAX_BODY_DEPTH = 64

# Query, path and header parameters of format date-time or date. pydantic's lax mode would read
# `start=0.5` or `start=1700000000` as seconds since the epoch; OpenAPI's formats are RFC 3339
# strings, so anything else is a 400 naming the parameter.
_RFC3339_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_RFC3339_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _rfc3339(pattern: re.Pattern[str], example: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        # a date or datetime passes (a default, or a caller in Python); text must match the format
        if not isinstance(value, date) and not (isinstance(value, str) and pattern.fullmatch(value)):
            raise ValueError(f"must be an RFC 3339 {example}")
        return value

    return check


RFC3339DateTime = Annotated[
    datetime, BeforeValidator(_rfc3339(_RFC3339_DATE_TIME, "date-time, e.g. 2024-01-31T12:00:00Z"))
]
RFC3339Date = Annotated[date, BeforeValidator(_rfc3339(_RFC3339_DATE, "date, e.g. 2024-01-31"))]

Authenticator = Callable[[str], Awaitable[Any]]
"""Takes a bearer token; returns who it belongs to (any object), or None to answer 401."""


@dataclass(frozen=True)
class RequestContext:
    """What a backend method learns about the caller besides the operation's own parameters."""

    principal: Any  # whatever the authenticator returned; None for operations without security
    headers: Mapping[str, str] = field(default_factory=dict)


class BackendError(Exception):
    """An answer other than success; ``code`` defaults to the status's standard code."""

    status_code = 500

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code or type(self).status_code
        self.code = code or ERROR_CODES.get(self.status_code, "ERROR")
        self.details = details
        self.headers = dict(headers or {})


class BadRequest(BackendError):
    status_code = 400


class Unauthorized(BackendError):
    status_code = 401


class Forbidden(BackendError):
    status_code = 403


class NotFound(BackendError):
    status_code = 404


class Conflict(BackendError):
    status_code = 409


class PayloadTooLarge(BackendError):
    status_code = 413


class TooManyRequests(BackendError):
    status_code = 429


class NotImplementedOperation(BackendError):
    status_code = 501

    def __init__(self, operation_id: str) -> None:
        super().__init__(f"Operation {operation_id} is not implemented by this backend.")


async def accept_any_token(token: str) -> str:
    """The default authenticator: any non-empty bearer token is accepted and is the principal."""
    return token


def error_response(
    status_code: int,
    message: str,
    *,
    code: str | None = None,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code or ERROR_CODES.get(status_code, "ERROR"), "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse(body, status_code=status_code, headers=dict(headers or {}))


def render(result: Any, status_code: int, media_type: str = "") -> Response:
    """The answer of an operation: JSON, or ``result`` as it is for a ``media_type`` that is not JSON."""
    if status_code == 204 or result is None:
        return Response(status_code=status_code)
    if media_type:
        return Response(result, status_code=status_code, media_type=media_type)
    return JSONResponse(encode_body(result), status_code=status_code)


BEARER = (("bearer", "Authorization"),)  # where a key is looked for when the spec names no scheme


def _presented_credential(request: Request, kind: str, name: str) -> str | None:
    if kind in {"bearer", "basic"}:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != kind or not value.strip():
            return None
        if kind == "bearer":
            return value.strip()
        try:  # the authenticator gets "user:password"
            return base64.b64decode(value.strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return None
    source = {"header": request.headers, "query": request.query_params, "cookie": request.cookies}.get(kind)
    found = source.get(name) if source is not None else None
    return found or None


Way = tuple[tuple[str, str], ...]  # the credentials one security requirement needs, all together


def credential_context(*ways: Way) -> Callable[[Request], Awaitable[RequestContext]]:
    """FastAPI dependency factory for an operation the spec secures: the first of ``ways`` (its
    security requirements, each ``(kind, name)`` pairs) whose credentials were all presented; the
    authenticator gets the first credential of that way. A 401 names the ways when none was."""
    ways = ways or (BEARER,)
    challenge = {"WWW-Authenticate": "Basic" if ways[0][0][0] == "basic" else "Bearer"}

    async def context(request: Request) -> RequestContext:
        for way in ways:
            credentials = [_presented_credential(request, kind, name) for kind, name in way]
            if all(credentials):
                principal = await request.app.state.authenticate(credentials[0])
                if principal is None:
                    raise Unauthorized("The credentials are not valid.", headers=challenge)
                return RequestContext(principal=principal, headers=request.headers)
        expected = " or ".join(" and ".join(_describe_source(kind, name) for kind, name in way) for way in ways)
        raise Unauthorized(f"No credentials; expected {expected}.", headers=challenge)

    return context


authenticated_context = credential_context(BEARER)  # what an operation secured by a bearer token uses


def _describe_source(kind: str, name: str) -> str:
    if kind == "bearer":
        return "'Authorization: Bearer <token>'"
    if kind == "basic":
        return "'Authorization: Basic <user:password in base64>'"
    return f"the {kind} {name!r}"


async def raw_body(request: Request) -> bytes:
    """FastAPI dependency: a body the spec does not describe as JSON, as it came."""
    return await request.body()


async def text_body(request: Request) -> str:
    """FastAPI dependency: a text body."""
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise RequestValidationError(
            [{"loc": ("text",), "msg": "the body is not UTF-8 text", "type": "unicode_decode"}]
        ) from None


def form_body(model: type[ModelT], *, multipart: bool = False) -> Callable[[Request], Awaitable[ModelT]]:
    """FastAPI dependency factory: a form body (urlencoded, or multipart) validated as ``model``.

    A field the model types as a list takes every value sent under its name; an object-valued
    field arrives as JSON text (as the generated clients send it); anything else takes the last.
    """
    shapes = _field_shapes(model)

    async def parse(request: Request) -> ModelT:
        sent: dict[str, list[Any]] = {}
        if multipart:
            form = await request.form()  # needs python-multipart (the server extra pulls it in)
            try:
                for name, value in form.multi_items():
                    sent.setdefault(name, []).append(await value.read() if hasattr(value, "read") else value)
            finally:
                await form.close()  # the uploaded parts' temporary files
        else:
            pairs = urllib.parse.parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
            for name, value in pairs:
                sent.setdefault(name, []).append(value)
        fields: dict[str, Any] = {}
        for name, values in sent.items():
            shape = shapes.get(name, "scalar")
            fields[name] = values if shape == "list" else _json_or_text(values[-1]) if shape == "object" else values[-1]
        try:
            return model.model_validate(fields)
        except ValidationError as exc:
            errors = [{**e, "loc": ("form", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    return parse


def _field_shapes(model: type[BaseModel]) -> dict[str, str]:
    """Wire name → "list", "object" or "scalar", from the model's annotations."""
    shapes: dict[str, str] = {}
    for name, info in model.model_fields.items():
        kinds = _annotation_kinds(info.annotation)
        shape = "list" if list in kinds else "object" if dict in kinds or BaseModel in kinds else "scalar"
        shapes[info.alias or name] = shapes[name] = shape
    return shapes


def _annotation_kinds(annotation: Any) -> set[type]:
    origin = typing.get_origin(annotation)
    if origin in {list, tuple, set}:
        return {list}
    if origin is dict or annotation is dict:
        return {dict}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {BaseModel}
    kinds: set[type] = set()
    for argument in typing.get_args(annotation):  # Optional, unions, Annotated
        kinds |= _annotation_kinds(argument)
    return kinds


def _json_or_text(value: Any) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value


async def anonymous_context(request: Request) -> RequestContext:
    """FastAPI dependency for operations the spec marks as needing no authentication."""
    return RequestContext(principal=None, headers=request.headers)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    endpoint: Callable[..., Awaitable[Response]]
    operation_id: str
    caller: Callable[[Request], Awaitable[RequestContext]]  # anonymous_context, or one of credential_context
    body_schema: str | None  # JSON pointer of the request body's schema in the spec
    backend_method: str  # the Backend method the handler calls
    keywords: tuple[str, ...]  # the keyword parameters the handler passes it


def tolerant_backend(backend: Any, routes: Sequence[Route]) -> Any:
    """The backend as the handlers call it, after a spec update it has not caught up with.

    A backend written against an earlier spec may lack an operation the spec has since added, or
    a keyword parameter added to an operation (a new optional query parameter, say). Unadapted,
    every call of that operation would be a 500 (``AttributeError``, ``TypeError``). Each gap is
    named once here, as a warning when the app is built, and bridged: a missing operation answers
    501, a parameter the method does not take is not passed. ``mypy --strict`` on the backend
    still names every gap against :class:`Backend`.
    """
    bridged: dict[str, Any] = {}
    for route in routes:
        method = getattr(backend, route.backend_method, None)
        if method is None:
            log.warning(
                "the backend has no %s (operation %s): it answers 501 until implemented",
                route.backend_method,
                route.operation_id,
            )
            bridged[route.backend_method] = _answers_not_implemented(route.operation_id)
            continue
        ignored = _keywords_not_taken(method, route.keywords)
        if ignored:
            log.warning(
                "the backend's %s does not take %s (operation %s): ignored until implemented",
                route.backend_method,
                ", ".join(ignored),
                route.operation_id,
            )
            bridged[route.backend_method] = _without_keywords(method, frozenset(ignored))
    return _Bridged(backend, bridged) if bridged else backend


class _Bridged:
    def __init__(self, backend: Any, bridged: dict[str, Any]) -> None:
        self._backend = backend
        self._bridged = bridged

    def __getattr__(self, name: str) -> Any:
        return self._bridged[name] if name in self._bridged else getattr(self._backend, name)


def _keywords_not_taken(method: Any, keywords: tuple[str, ...]) -> list[str]:
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):  # no signature to read: pass everything
        return []
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return []
    taken = {p.name for p in parameters if p.kind in {p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD}}
    return [k for k in keywords if k not in taken]


def _without_keywords(method: Any, ignored: frozenset[str]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return method(*args, **{k: v for k, v in kwargs.items() if k not in ignored})

    return call


def _answers_not_implemented(operation_id: str) -> Callable[..., Awaitable[Any]]:
    async def call(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedOperation(operation_id)

    return call


def route_checks(route: Route) -> list[Any]:
    """What runs before a route's parameters are validated: who calls, then the body's schema.

    The caller comes first so a request without a token is a 401 whatever its body; FastAPI
    reuses the answer for the handler's own ``context`` parameter.
    """
    if route.body_schema is None:
        return []
    return [Depends(route.caller), Depends(_body_check(route.body_schema))]


class Problems:
    """What is wrong with a request: one problem per location, the first ones kept, all counted
    up to :data:`MAX_COUNTED_PROBLEMS`; texts are cut so the answer stays small."""

    def __init__(self) -> None:
        self.listed: list[dict[str, str]] = []
        self.count = 0
        self._seen: set[str] = set()

    @property
    def capped(self) -> bool:
        return self.count >= MAX_COUNTED_PROBLEMS

    def add(self, location: str, message: str, kind: str) -> None:
        if location in self._seen or self.capped:
            return
        self._seen.add(location)
        self.count += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append({"location": _cut(location), "message": _cut(message), "type": _cut(kind)})

    def __bool__(self) -> bool:
        return self.count > 0

    def summary(self) -> str:
        counted = f"{self.count}{'+' if self.capped else ''} problem(s)"
        shown = f", the first {len(self.listed)} listed" if len(self.listed) < self.count else ""
        listed = "; ".join(f"{p['location']}: {p['message']}" for p in self.listed)
        return f"Invalid request ({counted}{shown}): {listed}"

    def error(self) -> BackendError:
        return BadRequest(self.summary(), details=self.listed)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_PROBLEM_TEXT else text[: MAX_PROBLEM_TEXT - 1] + "…"


def body_shape_problems(value: Any) -> Problems:
    """What no answer could carry, found without recursion: nesting deeper than
    :data:`MAX_BODY_DEPTH`, and strings JSON can carry but UTF-8 cannot (a lone surrogate)."""
    found = Problems()
    stack: list[tuple[Any, str, int]] = [(value, "body", 0)]
    while stack and not found.capped:
        node, location, depth = stack.pop()
        if depth > MAX_BODY_DEPTH:
            found.add(location, f"nested deeper than {MAX_BODY_DEPTH} levels", "depth")
            continue
        if isinstance(node, str):
            if not _is_utf8(node):
                found.add(location, "not valid Unicode (a lone surrogate)", "unicode")
        elif isinstance(node, dict):
            for key, item in node.items():
                if not _is_utf8(key):
                    found.add(f"{location}.{key!r}", "not valid Unicode (a lone surrogate)", "unicode")
                stack.append((item, f"{location}.{key}", depth + 1))
        elif isinstance(node, list):
            stack.extend((item, f"{location}.{index}", depth + 1) for index, item in enumerate(node))
    return found


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class BodySchemas:
    """Validates JSON bodies against the spec's own schemas, for what the pydantic models cannot
    say: a field that may be absent but not null, ``additionalProperties: false``, and the like."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._spec = spec
        self._validators: dict[str, Any] = {}

    def problems(self, pointer: str, body: Any) -> Problems:
        """The body's problems against the schema at ``pointer``, counted up to a bound."""
        validator = self._validators.get(pointer)
        if validator is None:
            # imported here: only servers whose operations take bodies pay for it
            from openapi_schema_validator import OAS30Validator, OAS31Validator

            node: Any = self._spec
            for part in pointer.lstrip("/").split("/"):  # RFC 6901: ~1 is "/", ~0 is "~"
                node = node[part.replace("~1", "/").replace("~0", "~")]
            # 3.1's schemas are JSON Schema 2020-12 (type arrays, const, $defs...); 3.0's its own dialect
            dialect = OAS31Validator if str(self._spec.get("openapi", "")).startswith("3.1.") else OAS30Validator
            validator = self._validators[pointer] = dialect({**node, "components": self._spec.get("components", {})})
        found = Problems()
        for error in validator.iter_errors(body):  # lazy: stops once the count is reached
            path = ["body", *(str(p) for p in error.absolute_path)]
            missing = (
                [name for name in error.validator_value if name not in error.instance]
                if error.validator == "required"
                else []
            )
            for location in [".".join([*path, name]) for name in missing] or [".".join(path)]:
                found.add(location, error.message, str(error.validator))
            if found.capped:
                break
        return found


def media_type_of(request: Request) -> str:
    """The request's media type, without parameters, lower case; "" when it names none."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _body_check(pointer: str) -> Callable[[Request], Awaitable[None]]:
    async def check_body(request: Request) -> None:
        if not is_json(media_type_of(request)):
            return  # FastAPI reports a body of another media type
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            return  # FastAPI reports malformed JSON
        schemas: BodySchemas = request.app.state.body_schemas
        # off the event loop: a large body takes a while to walk, and other requests should not wait
        problems = await run_in_threadpool(_body_problems, schemas, pointer, body)
        if problems:
            raise problems.error()

    return check_body


def _body_problems(schemas: BodySchemas, pointer: str, body: Any) -> Problems:
    return body_shape_problems(body) or schemas.problems(pointer, body)


def _problems(exc: RequestValidationError) -> Problems:
    problems = Problems()
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()))
        problems.add(location, str(error.get("msg", "")), str(error.get("type", "")))
        if problems.capped:
            break
    return problems


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = _problems(exc)
    media_type = media_type_of(request)
    has_body_problem = any(p["location"].split(".")[0] == "body" for p in problems.listed)
    if has_body_problem and not is_json(media_type):
        # FastAPI does not parse a body sent as another media type; say so instead of "not an object"
        problems = Problems()
        problems.add("header.content-type", f"expected application/json, got {media_type or 'nothing'}", "media_type")
    return error_response(400, problems.summary(), details=problems.listed)


async def _on_backend_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BackendError)
    return error_response(exc.status_code, exc.message, code=exc.code, details=exc.details, headers=exc.headers)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # Starlette names only the methods of the first route of the path
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, message, headers=headers)


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match == Match.PARTIAL:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
    route = request.scope.get("route")
    operation = getattr(route, "operation_id", None) or f"{request.method} {request.url.path}"
    # what failed and where, not the exception's text: that may hold data the caller must not see
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = (
        f"Internal server error: {type(exc).__name__} in {_cut(operation)}{where}; the server's log has the traceback."
    )
    return error_response(500, message)


class BodySizeLimit:
    """Answers 413 for a body over the limit: at once when Content-Length says so, otherwise as
    soon as the bytes received pass it (a chunked body declares no length)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"The request body is larger than {self.max_body_bytes} bytes."
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await error_response(413, message)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.max_body_bytes:
                    # FastAPI lets an HTTPException from body reading through to the handlers
                    raise StarletteHTTPException(413, message)
            return event

        await self.app(scope, counting_receive, send)


def new_app(
    *,
    title: str,
    version: str,
    authenticate: Authenticator | None,
    max_body_bytes: int,
    spec: dict[str, Any],
) -> FastAPI:
    """A FastAPI app with the error handling, auth and limits every generated server shares."""
    # FastAPI's own schema would differ from the spec; the spec itself is served instead
    app = FastAPI(title=title, version=version, openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False)
    app.state.authenticate = authenticate or accept_any_token
    app.state.body_schemas = BodySchemas(spec)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(BackendError, _on_backend_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_middleware(BodySizeLimit, max_body_bytes=max_body_bytes)
    return app
