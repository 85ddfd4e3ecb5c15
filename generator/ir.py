"""The intermediate representation: everything the templates need, typed for where it goes.

Templates only format. Every decision (names, type hints, which statuses are errors, how a page is
read) is made while building these frozen dataclasses, so a template condition never needs more
than one ``and``.

No field holds a plain ``str``: text from the spec is :class:`SpecText` (printable only through an
encoder), names are :class:`Identifier` or :class:`EnvVarName` (checked when made), and Python
the generator wrote is :class:`Code`. Every node checks its fields' types when it is built, so a
value of the wrong kind, whatever path produced it, stops the run instead of reaching a file.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass, fields
from typing import Any

from .encoders import Code, EnvVarName, Identifier, SpecText, py_string, unwrap
from .types import NONE, ModelRef, Nullable, TypeRef, UnionOf

__all__ = ["Code", "EnvVarName", "Identifier", "SpecText"]


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _hints_of(node: object) -> dict[str, Any]:
    return _field_types(type(node))  # type: ignore[arg-type]  # classes are hashable


def _conforms(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in {types.UnionType, typing.Union}:
        return any(_conforms(value, option) for option in typing.get_args(hint))
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return isinstance(value, tuple) and all(_conforms(v, args[0]) for v in value)
        return isinstance(value, tuple) and len(value) == len(args) and all(map(_conforms, value, args))
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


_JSON = Identifier("json")
_NO_TEXT = SpecText("")


class _Checked:
    """Checks, once built, that every field holds a value of its declared type."""

    def __post_init__(self) -> None:
        for field in fields(self):  # type: ignore[arg-type]
            value, hint = getattr(self, field.name), _hints_of(self)[field.name]
            if not _conforms(value, hint):
                raise TypeError(f"{type(self).__name__}.{field.name} must be {hint}, not {value!r}")


@dataclass(frozen=True)
class Constraint(_Checked):
    """A bound on a parameter, as the keyword FastAPI's ``Query``/``Path`` takes (``ge``, ``max_length``)."""

    keyword: Identifier
    value: Code  # a Python literal


@dataclass(frozen=True)
class Parameter(_Checked):
    wire_name: SpecText
    python_name: Identifier
    location: Identifier  # path, query, header or cookie
    required: bool
    type: TypeRef  # of a present value (no ``| None``)
    description: SpecText
    constraints: tuple[Constraint, ...] = ()
    default: Code | None = None  # a Python literal of the spec's default, documentation only
    server_type: TypeRef | None = None  # what the stubs validate, when stricter than ``type`` (RFC 3339 dates)

    @property
    def type_hint(self) -> Code:
        return self.type.code()

    @property
    def annotation(self) -> Code:
        return self.type_hint if self.required else Code(f"{self.type_hint} | None")

    @property
    def client_default(self) -> Code:
        """What follows the client method's parameter: an optional one defaults to None."""
        return Code("" if self.required else " = None")

    @property
    def fastapi_class(self) -> Code:
        return Code(self.location.capitalize())

    @property
    def fastapi_arguments(self) -> Code:
        """Arguments of ``Query(...)``/``Header(...)``: the wire name where it differs, and bounds."""
        args = [f"{c.keyword}={c.value}" for c in self.constraints]
        if self.location != "path" and (unwrap(self.wire_name) != self.python_name or self.location == "header"):
            args.insert(0, f"alias={py_string(self.wire_name)}")
        return Code(", ".join(args))

    @property
    def server_annotation(self) -> Code:
        """On the server an absent parameter with a spec default arrives as that default."""
        hint = (self.server_type or self.type).code()
        return Code(hint if self.default is not None or self.required else f"{hint} | None")

    @property
    def server_default(self) -> Code:
        if self.required:
            return Code("")
        return Code(f" = {self.default}" if self.default is not None else " = None")


@dataclass(frozen=True)
class BodyField(_Checked):
    """A property of an object body, offered as a keyword argument of the client method."""

    wire_name: SpecText
    python_name: Identifier
    type: TypeRef  # what the caller passes; the body model validates and converts it
    required: bool
    description: SpecText

    @property
    def type_hint(self) -> Code:
        return self.type.code()

    @property
    def annotation(self) -> Code:
        return self.type_hint if self.required else Code(f"{self.type_hint} | NotGiven")

    @property
    def docstring_text(self) -> SpecText:
        """What the method's docstring says of the field."""
        text = unwrap(self.description) or f"`{unwrap(self.wire_name)}` of the body"
        return SpecText(f"(required) {text}" if self.required else text)

    @property
    def default(self) -> Code:
        return Code("" if self.required else " = NOT_GIVEN")


@dataclass(frozen=True)
class Body(_Checked):
    type: TypeRef
    required: bool
    media_type: SpecText
    description: SpecText
    schema_pointer: SpecText  # JSON pointer of a JSON body's schema in the effective spec ("" for others)
    # the body's properties when it is a plain object model: the method also takes them as keywords
    fields: tuple[BodyField, ...] = ()
    kind: Identifier = _JSON  # json, bytes, text, form (urlencoded) or multipart

    @property
    def type_hint(self) -> Code:
        return self.type.code()

    @property
    def client_default(self) -> Code:
        """What follows the client method's ``body`` parameter: an optional body defaults to None."""
        return Code("" if self.required else " = None")

    @property
    def server_parameter(self) -> Code:
        """The stub handler's ``body`` parameter: its annotation, and a default when optional."""
        default = "" if self.required else " = None"
        parsers = {
            "bytes": "Depends(raw_body)",
            "text": "Depends(text_body)",
            "form": f"Depends(form_body({self.type_hint}))",
            "multipart": f"Depends(form_body({self.type_hint}, multipart=True))",
        }
        if self.kind in parsers:
            return Code(f"Annotated[{self.type_hint}, {parsers[self.kind]}]")
        return Code(f"Annotated[{self.annotation}, Body()]{default}")

    @property
    def content_type(self) -> SpecText:
        """The Content-Type the client names for a body sent as it is ("" when httpx sets it)."""
        return self.media_type if self.kind in {"bytes", "text"} else SpecText("")

    @property
    def client_argument(self) -> Identifier:
        """The keyword of the runtime's call that carries this body."""
        return Identifier({"json": "json", "form": "form", "multipart": "multipart"}.get(self.kind, "content"))

    @property
    def annotation(self) -> Code:
        return self.type_hint if self.required else Code(f"{self.type_hint} | None")


@dataclass(frozen=True)
class Credential(_Checked):
    """Where the client's key goes: ``bearer``/``basic`` (the Authorization header), or an API
    key in a ``header``, ``query`` parameter or ``cookie`` called ``name``."""

    kind: Identifier
    name: SpecText

    @property
    def literal(self) -> Code:
        return Code(f"({py_string(self.kind)}, {py_string(self.name)})")


@dataclass(frozen=True)
class ErrorResponse(_Checked):
    status: int
    description: SpecText


@dataclass(frozen=True)
class Pagination(_Checked):
    """How a list operation pages, from the spec's ``x-pagination`` extension."""

    cursor_param: SpecText  # wire name of the cursor query parameter
    items_attr: Identifier  # python attribute of the page model
    has_more_attr: Identifier
    next_cursor_attr: Identifier
    item_type: TypeRef

    @property
    def item_type_hint(self) -> Code:
        return self.item_type.code()


_BEARER_ONLY = (Credential(Identifier("bearer"), SpecText("Authorization")),)


def _credentials_tuple(way: tuple[Credential, ...]) -> str:
    return "(" + "".join(f"{c.literal}, " for c in way) + ")"


@dataclass(frozen=True)
class Operation(_Checked):
    operation_id: SpecText
    python_name: Identifier
    method: Identifier  # lowercase HTTP method
    path: SpecText  # as in the spec, relative to the server's base path
    summary: SpecText
    description: SpecText
    parameters: tuple[Parameter, ...]
    body: Body | None
    success_status: int
    returns: TypeRef  # None when the success answer has no body
    errors: tuple[ErrorResponse, ...]
    requires_auth: bool
    pagination: Pagination | None
    idempotent: bool  # safe to send twice, so the client may retry it after a failure
    deprecated: bool = False
    response_media_type: SpecText = _NO_TEXT  # of a success answer that is not JSON ("" for JSON or none)
    # every security requirement the generator supports, each the credentials it needs together
    security_ways: tuple[tuple[Credential, ...], ...] = ()

    @property
    def credentials(self) -> tuple[Credential, ...]:
        """Where the client puts its key: the first way (empty: a bearer token, the default)."""
        return self.security_ways[0] if self.security_ways else ()

    @property
    def context_dependency(self) -> Code:
        """The stubs' FastAPI dependency that says who calls."""
        if not self.requires_auth:
            return Code("anonymous_context")
        return Code(f"_{self.python_name.upper()}_CALLER" if self.context_definition else "authenticated_context")

    @property
    def context_definition(self) -> Code:
        """``credential_context``'s arguments when the operation is secured other than by a bearer
        token ("" for one anyone may call: its credentials are optional)."""
        if not self.requires_auth or self.security_ways in {(), (_BEARER_ONLY,)}:
            return Code("")
        return Code(", ".join(_credentials_tuple(way) for way in self.security_ways))

    @property
    def credentials_literal(self) -> Code:
        """The runtime's ``credentials=`` argument, or "" for the default bearer token."""
        if self.credentials in {(), _BEARER_ONLY}:
            return Code("")
        return Code(_credentials_tuple(self.credentials))

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    @property
    def header_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "header")

    @property
    def cookie_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "cookie")

    @property
    def keyword_parameters(self) -> tuple[Parameter, ...]:
        """Everything but path parameters, required ones first (they have no default)."""
        rest = [p for p in self.parameters if p.location != "path"]
        return tuple(sorted(rest, key=lambda p: not p.required))

    @property
    def return_hint(self) -> Code:
        return self.returns.code()

    @property
    def has_content(self) -> bool:
        return self.returns != NONE

    @property
    def request_line(self) -> SpecText:
        """``GET /deployments/{id}``."""
        return SpecText(f"{self.method.upper()} {unwrap(self.path)}")

    @property
    def route_path(self) -> SpecText:
        """The path with Python names in its placeholders, as Starlette's router needs them."""
        path = unwrap(self.path)
        for p in self.path_parameters:
            path = path.replace("{" + unwrap(p.wire_name) + "}", "{" + p.python_name + "}")
        return SpecText(path)

    @property
    def cast_to(self) -> Code:
        """The type the answer is parsed as, as an expression: ``cast`` tells the type checker what a
        union (``list[models.Pet] | None``) stands for, since a union is no ``type[T]``."""
        if not self.has_content:
            return Code("type(None)")
        if isinstance(self.returns, Nullable | UnionOf):
            return Code(f"cast({py_string(f'type[{self.return_hint}]')}, {self.return_hint})")
        return self.return_hint

    @property
    def docstring_lines(self) -> tuple[SpecText, ...]:
        parts = [unwrap(part) for part in (self.summary, self.description) if part]
        return SpecText("\n\n".join(parts) or self.python_name).lines()

    @property
    def documented_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.description)

    @property
    def body_fields(self) -> tuple[BodyField, ...]:
        """Keyword arguments that build the body, required ones first."""
        fields = self.body.fields if self.body else ()
        return tuple(sorted(fields, key=lambda f: not f.required))

    @property
    def example_arguments(self) -> Code:
        """The arguments of a call of this operation in the generated README: required ones only."""
        args: list[str] = [_example(p.type, p.wire_name) for p in self.path_parameters]
        if self.body_fields:
            args += [f"{f.python_name}={_example(f.type, f.wire_name)}" for f in self.body_fields if f.required]
        elif self.body:
            args += [f"{self.body.type_hint}(...)"]
        args += [f"{p.python_name}={_example(p.type, p.wire_name)}" for p in self.keyword_parameters if p.required]
        return Code(", ".join(args))


def _example(type_: TypeRef, wire_name: SpecText) -> Code:
    """A value of ``type_`` for an example call: a placeholder naming the field for text."""
    return type_.example(f"<{unwrap(wire_name)}>")


@dataclass(frozen=True)
class ClientFlavor(_Checked):
    """What differs between the sync and the async client, so one template renders both."""

    is_async: bool

    @property
    def class_name(self) -> Code:
        return Code("AsyncClient" if self.is_async else "Client")

    @property
    def base_class(self) -> Code:
        return Code("AsyncAPIClient" if self.is_async else "SyncAPIClient")

    @property
    def http_client_type(self) -> Code:
        return Code("httpx.AsyncClient" if self.is_async else "httpx.Client")

    def def_(self, op: Operation | None = None) -> Code:
        """How ``op``'s method is declared: an async paginated method is a plain ``def`` answering an
        ``AsyncPaginator``, so ``async for`` works on its answer without ``await``."""
        coroutine = self.is_async and (op is None or op.pagination is None)
        return Code("async def" if coroutine else "def")

    def await_(self, op: Operation | None = None) -> Code:
        return Code("await " if self.def_(op) == "async def" else "")

    def return_hint(self, op: Operation) -> Code:
        if op.pagination is None:
            return op.return_hint
        page_class = "AsyncPaginator" if self.is_async else "SyncPage"
        return Code(f"{page_class}[{op.return_hint}, {op.pagination.item_type_hint}]")


CLIENT_FLAVORS = (ClientFlavor(is_async=False), ClientFlavor(is_async=True))


@dataclass(frozen=True)
class Webhook(_Checked):
    """A request the API sends to its users (OpenAPI 3.1 ``webhooks``): what its payload parses as."""

    name: SpecText
    method: Identifier
    payload: TypeRef  # None when the webhook sends no JSON body
    description: SpecText

    @property
    def payload_hint(self) -> Code:
        return self.payload.code()

    @property
    def parse_example(self) -> Code:
        """A statement that parses an incoming payload (``request_body``) as its type; "" for none."""
        if self.payload == NONE:
            return Code("")
        if isinstance(self.payload, ModelRef):
            return Code(f"event = {self.payload_hint}.model_validate_json(request_body)")
        return Code(
            f"from pydantic import TypeAdapter\n\nevent = TypeAdapter({self.payload_hint}).validate_json(request_body)"
        )


@dataclass(frozen=True)
class Waiter(_Checked):
    """A ``wait_for_<name>`` method, from the spec's ``x-waiters`` (modelled on boto3's waiters):
    poll ``operation`` until the answer's status field holds a success value; a failure value or
    the timeout ends the wait with an error."""

    name: SpecText  # as the spec names it
    python_name: Identifier  # wait_for_<name>
    operation: Operation  # a GET whose only required parameters are in its path
    status_attrs: tuple[Identifier, ...]  # the attribute path of the status on the answer
    status_field: SpecText  # the same path as the spec writes it (wire names, dotted)
    success: tuple[SpecText, ...]
    failure: tuple[SpecText, ...]
    interval: Code  # seconds between polls, a Python literal
    timeout: Code  # seconds before giving up, a Python literal
    description: SpecText

    @property
    def constant_name(self) -> Identifier:
        return Identifier(f"_{self.python_name.upper()}")

    @property
    def poll_call(self) -> Code:
        """The call of the polled operation, given the waiter's own arguments."""
        arguments = ", ".join(p.python_name for p in self.operation.path_parameters)
        return Code(f"{self.operation.python_name}({arguments})")

    @property
    def waiting(self) -> Code:
        """The runtime's ``Waiting`` of this waiter, as an expression."""

        def values(texts: tuple[SpecText, ...]) -> str:
            return "frozenset({" + ", ".join(py_string(v) for v in texts) + "})" if texts else "frozenset()"

        status = "(" + "".join(f"{py_string(a)}, " for a in self.status_attrs) + ")"
        name = py_string(self.python_name)
        return Code(f"Waiting({name}, {status}, success={values(self.success)}, failure={values(self.failure)})")

    @property
    def docstring_lines(self) -> tuple[SpecText, ...]:
        success = " or ".join(f"`{unwrap(v)}`" for v in self.success)
        failure = " or ".join(f"`{unwrap(v)}`" for v in self.failure)
        text = unwrap(self.description) or f"Wait for {unwrap(self.name)}."
        text += (
            f"\n\nPolls `{self.operation.python_name}` until `{unwrap(self.status_field)}` is {success} and"
            " returns that answer"
        )
        text += f"; `WaiterFailureError` if it becomes {failure}" if self.failure else ""
        text += "; `WaiterTimeoutError` once `timeout` seconds have passed. A `Retry-After` of an answer"
        text += " is waited instead of `poll_interval`; `on_poll` is called with each answer."
        return SpecText(text).lines()


@dataclass(frozen=True)
class Api(_Checked):
    title: SpecText
    version: SpecText
    description: SpecText
    package: Identifier
    source: SpecText  # the spec path named in every generated file's header
    default_base_url: SpecText
    base_path: SpecText  # the server URL's path, where the stubs mount every route ("/v1")
    api_key_env: EnvVarName
    base_url_env: EnvVarName
    operations: tuple[Operation, ...]
    model_names: tuple[Identifier, ...]
    package_version: SpecText  # checked as a PEP 440 version
    uses_email: bool = False  # some model has an e-mail field (pydantic's EmailStr needs email-validator)
    webhooks: tuple[Webhook, ...] = ()
    waiters: tuple[Waiter, ...] = ()

    @property
    def distribution(self) -> SpecText:
        """The pip name of the generated package."""
        return SpecText(self.package.replace("_", "-"))

    @property
    def package_description(self) -> SpecText:
        """The distribution's one-line summary."""
        return SpecText(f"Typed client, models and server stubs for the {unwrap(self.title)}")

    @property
    def dependencies(self) -> tuple[str, ...]:
        """What the package imports, as requirements: whatever its models use is declared."""
        pydantic = "pydantic[email]>=2.7,<3" if self.uses_email else "pydantic>=2.7,<3"
        # typing-extensions: the models' TypeAliasType (generator/models.py invented_roots_as_aliases)
        return ("httpx>=0.27,<1", pydantic, "typing-extensions>=4.6")

    @property
    def server_dependencies(self) -> tuple[str, ...]:
        """What the server stubs import besides the package's own dependencies."""
        forms = ("python-multipart>=0.0.9",) if self.uses_form_bodies else ()
        return ("fastapi>=0.115", "openapi-schema-validator>=0.6", *forms)

    @property
    def uses_form_bodies(self) -> bool:
        """Whether the stubs parse forms (Starlette needs python-multipart for that)."""
        return any(op.body is not None and op.body.kind in {"form", "multipart"} for op in self.operations)

    @property
    def paginated_operations(self) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.pagination)
