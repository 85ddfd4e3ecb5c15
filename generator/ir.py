"""The intermediate representation: everything the templates need, as ready-made strings.

Templates only format. Every decision (names, type hints, which statuses are errors, how a page is
read) is made while building these frozen dataclasses, so a template condition never needs more
than one ``and``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Constraint:
    """A bound on a parameter, as the keyword FastAPI's ``Query``/``Path`` takes (``ge``, ``max_length``)."""

    keyword: str
    value: str  # a Python literal


@dataclass(frozen=True)
class Parameter:
    wire_name: str
    python_name: str
    location: str  # path, query, header or cookie
    required: bool
    type_hint: str  # without ``| None``
    description: str
    constraints: tuple[Constraint, ...] = ()
    default: str | None = None  # a Python literal of the spec's default, documentation only
    server_type_hint: str = ""  # what the stubs validate, when stricter than ``type_hint`` (RFC 3339 dates)

    @property
    def annotation(self) -> str:
        return self.type_hint if self.required else f"{self.type_hint} | None"

    @property
    def fastapi_class(self) -> str:
        return self.location.capitalize()

    @property
    def fastapi_arguments(self) -> str:
        """Arguments of ``Query(...)``/``Header(...)``: the wire name where it differs, and bounds."""
        args = [f"{c.keyword}={c.value}" for c in self.constraints]
        if self.location != "path" and (self.wire_name != self.python_name or self.location == "header"):
            args.insert(0, f"alias={self.wire_name!r}")
        return ", ".join(args)

    @property
    def server_annotation(self) -> str:
        """On the server an absent parameter with a spec default arrives as that default."""
        hint = self.server_type_hint or self.type_hint
        return hint if self.default is not None or self.required else f"{hint} | None"

    @property
    def server_default(self) -> str:
        if self.required:
            return ""
        return f" = {self.default}" if self.default is not None else " = None"


@dataclass(frozen=True)
class BodyField:
    """A property of an object body, offered as a keyword argument of the client method."""

    wire_name: str
    python_name: str
    type_hint: str  # what the caller passes; the body model validates and converts it
    required: bool
    description: str

    @property
    def annotation(self) -> str:
        return self.type_hint if self.required else f"{self.type_hint} | NotGiven"

    @property
    def default(self) -> str:
        return "" if self.required else " = NOT_GIVEN"


@dataclass(frozen=True)
class Body:
    type_hint: str
    required: bool
    media_type: str
    description: str
    schema_pointer: str  # JSON pointer of a JSON body's schema in the effective spec ("" for others)
    # the body's properties when it is a plain object model: the method also takes them as keywords
    fields: tuple[BodyField, ...] = ()
    kind: str = "json"  # json, bytes, text, form (urlencoded) or multipart

    @property
    def server_parameter(self) -> str:
        """The stub handler's ``body`` parameter: its annotation, and a default when optional."""
        default = "" if self.required else " = None"
        parsers = {
            "bytes": "Depends(raw_body)",
            "text": "Depends(text_body)",
            "form": f"Depends(form_body({self.type_hint}))",
            "multipart": f"Depends(form_body({self.type_hint}, multipart=True))",
        }
        if self.kind in parsers:
            return f"Annotated[{self.type_hint}, {parsers[self.kind]}]"
        return f"Annotated[{self.annotation}, Body()]{default}"

    @property
    def content_type(self) -> str:
        """The Content-Type the client names for a body sent as it is ("" when httpx sets it)."""
        return self.media_type if self.kind in {"bytes", "text"} else ""

    @property
    def client_argument(self) -> str:
        """The keyword of the runtime's call that carries this body."""
        return {"json": "json", "form": "form", "multipart": "multipart"}.get(self.kind, "content")

    @property
    def annotation(self) -> str:
        return self.type_hint if self.required else f"{self.type_hint} | None"


@dataclass(frozen=True)
class Credential:
    """Where the client's key goes: ``bearer``/``basic`` (the Authorization header), or an API
    key in a ``header``, ``query`` parameter or ``cookie`` called ``name``."""

    kind: str
    name: str


@dataclass(frozen=True)
class ErrorResponse:
    status: int
    description: str


@dataclass(frozen=True)
class Pagination:
    """How a list operation pages, from the spec's ``x-pagination`` extension."""

    cursor_param: str  # wire name of the cursor query parameter
    items_attr: str  # python attribute of the page model
    has_more_attr: str
    next_cursor_attr: str
    item_type_hint: str


@dataclass(frozen=True)
class Operation:
    operation_id: str
    python_name: str
    method: str  # lowercase HTTP method
    path: str  # as in the spec, relative to the server's base path
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body: Body | None
    success_status: int
    return_hint: str  # "None" when the success answer has no body
    errors: tuple[ErrorResponse, ...]
    requires_auth: bool
    pagination: Pagination | None
    idempotent: bool  # safe to send twice, so the client may retry it after a failure
    deprecated: bool = False
    response_media_type: str = ""  # of a success answer that is not JSON ("" for JSON or none)
    # every security requirement the generator supports, each the credentials it needs together
    security_ways: tuple[tuple[Credential, ...], ...] = ()

    @property
    def credentials(self) -> tuple[Credential, ...]:
        """Where the client puts its key: the first way (empty: a bearer token, the default)."""
        return self.security_ways[0] if self.security_ways else ()

    @property
    def context_dependency(self) -> str:
        """The stubs' FastAPI dependency that says who calls."""
        if not self.requires_auth:
            return "anonymous_context"
        return f"_{self.python_name.upper()}_CALLER" if self.context_definition else "authenticated_context"

    @property
    def context_definition(self) -> str:
        """``credential_context``'s arguments when the operation is secured other than by a bearer token."""
        if self.security_ways in {(), ((Credential("bearer", "Authorization"),),)}:
            return ""
        return ", ".join(repr(tuple((c.kind, c.name) for c in way)) for way in self.security_ways)

    @property
    def credentials_literal(self) -> str:
        """The runtime's ``credentials=`` argument, or "" for the default bearer token."""
        if self.credentials in {(), (Credential("bearer", "Authorization"),)}:
            return ""
        return repr(tuple((c.kind, c.name) for c in self.credentials))

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
    def has_content(self) -> bool:
        return self.return_hint != "None"

    @property
    def route_path(self) -> str:
        """The path with Python names in its placeholders, as Starlette's router needs them."""
        path = self.path
        for p in self.path_parameters:
            path = path.replace("{" + p.wire_name + "}", "{" + p.python_name + "}")
        return path

    @property
    def cast_to(self) -> str:
        """The type the answer is parsed as, as an expression."""
        return self.return_hint if self.has_content else "type(None)"

    @property
    def docstring_lines(self) -> tuple[str, ...]:
        text = "\n\n".join(part for part in (self.summary, self.description) if part) or self.python_name
        return tuple(text.splitlines())

    @property
    def documented_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.description)

    @property
    def body_fields(self) -> tuple[BodyField, ...]:
        """Keyword arguments that build the body, required ones first."""
        fields = self.body.fields if self.body else ()
        return tuple(sorted(fields, key=lambda f: not f.required))

    @property
    def example_arguments(self) -> str:
        """The arguments of a call of this operation in the generated README: required ones only."""
        args = [example_value(p.type_hint, p.wire_name) for p in self.path_parameters]
        if self.body_fields:
            args += [
                f"{f.python_name}={example_value(f.type_hint, f.wire_name)}" for f in self.body_fields if f.required
            ]
        elif self.body:
            args += [f"{self.body.type_hint}(...)"]
        args += [
            f"{p.python_name}={example_value(p.type_hint, p.wire_name)}" for p in self.keyword_parameters if p.required
        ]
        return ", ".join(args)


_EXAMPLE_VALUES = {"int": "1", "float": "1.0", "bool": "True", "datetime": "datetime.now(UTC)"}


def example_value(type_hint: str, wire_name: str) -> str:
    """A value of ``type_hint`` for an example call: a placeholder naming the field for text."""
    if type_hint.startswith("Literal["):
        return type_hint.removeprefix("Literal[").split(",")[0].rstrip("]")
    if type_hint.startswith("list["):
        return "[]"
    if type_hint.startswith("dict["):
        return "{}"
    return _EXAMPLE_VALUES.get(type_hint, f'"<{wire_name}>"' if type_hint == "str" else "...")


@dataclass(frozen=True)
class ClientFlavor:
    """What differs between the sync and the async client, so one template renders both."""

    is_async: bool

    @property
    def class_name(self) -> str:
        return "AsyncClient" if self.is_async else "Client"

    @property
    def base_class(self) -> str:
        return "AsyncAPIClient" if self.is_async else "SyncAPIClient"

    @property
    def http_client_type(self) -> str:
        return "httpx.AsyncClient" if self.is_async else "httpx.Client"

    @property
    def def_(self) -> str:
        return "async def" if self.is_async else "def"

    @property
    def await_(self) -> str:
        return "await " if self.is_async else ""

    def return_hint(self, op: Operation) -> str:
        if op.pagination is None:
            return op.return_hint
        page_class = "AsyncPage" if self.is_async else "SyncPage"
        return f"{page_class}[{op.return_hint}, {op.pagination.item_type_hint}]"


CLIENT_FLAVORS = (ClientFlavor(is_async=False), ClientFlavor(is_async=True))


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    package: str
    distribution: str  # the pip name of the generated package
    source: str  # the spec path named in every generated file's header
    default_base_url: str
    base_path: str  # the server URL's path, where the stubs mount every route ("/v1")
    api_key_env: str
    base_url_env: str
    operations: tuple[Operation, ...]
    model_names: tuple[str, ...]
    package_version: str

    @property
    def uses_form_bodies(self) -> bool:
        """Whether the stubs parse forms (Starlette needs python-multipart for that)."""
        return any(op.body is not None and op.body.kind in {"form", "multipart"} for op in self.operations)

    @property
    def uses_datetime(self) -> bool:
        return any("datetime" in p.type_hint for op in self.operations for p in op.parameters)

    @property
    def uses_date(self) -> bool:
        return any("date" in p.type_hint.replace("datetime", "") for op in self.operations for p in op.parameters)

    @property
    def paginated_operations(self) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.pagination)
