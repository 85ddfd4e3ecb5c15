"""Build the IR: turn the effective spec into frozen :mod:`generator.ir` objects.

Also returns the spec that datamodel-code-generator reads: the effective spec with component
schema names made class names and inline bodies hoisted, so every ``models.<Name>`` the IR
mentions is a class that the models module will hold.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlparse

from . import ir
from .encoders import EnvVarName, Identifier, SpecText, py_literal, unwrap
from .errors import SpecError, pointer_tokens, to_pointer
from .loader import Path_, SourceDocument
from .naming import RESERVED_MODEL_NAMES, snake_case, unique
from .openapi import HTTP_METHODS, IDEMPOTENT_METHODS, is_json_media_type, media_kind
from .schema_types import (
    PYTHON_NAME,
    SERVER_STRING_FORMATS,
    argument_type,
    class_name,
    hoist,
    normalise_schema_names,
    python_name_extension,
    type_of,
)
from .types import BYTES, NONE, STR, ModelRef, TypeRef
from .validate import resolve_pointer

# keyword arguments every generated client method has; parameters must not take these names
# (and the server stubs' handlers take ``request`` and ``context``)
# (and the server stubs' handlers take ``request`` and ``context`` and bind ``backend`` and ``result``)
RESERVED_PARAMETER_NAMES = {"self", "body", "extra_headers", "timeout", "max_retries", "models"} | {
    "request",
    "context",
    "backend",
    "result",
}
# the clients' own methods and attributes; an operation named so gets a trailing underscore
RESERVED_OPERATION_NAMES = {"close", "with_options", "with_raw_response", "base_url", "timeout", "max_retries"}
_EXTENSIONS: dict[str, dict[str, tuple[type, bool]]] = {  # extension → key → (type, required)
    "x-pagination": {
        "cursorParam": (str, True),
        "limitParam": (str, False),
        "itemsField": (str, True),
        "hasMoreField": (str, True),
        "nextCursorField": (str, True),
    },
    "x-client": {"apiKeyEnv": (str, False), "baseUrlEnv": (str, False), "packageVersion": (str, False)},
}
_CONSTRAINT_KEYWORDS = {"minimum": "ge", "maximum": "le", "minLength": "min_length", "maxLength": "max_length"}


@dataclass
class BuildResult:
    api: ir.Api
    model_spec: dict[str, Any]
    errors: list[SpecError] = field(default_factory=list)
    warnings: list[SpecError] = field(default_factory=list)


@dataclass
class _Context:
    doc: SourceDocument
    spec: dict[str, Any]  # the model spec: names normalised, bodies hoisted
    errors: list[SpecError] = field(default_factory=list)
    warnings: list[SpecError] = field(default_factory=list)

    def problem(self, path: Path_, message: str, *, warning: bool = False) -> None:
        file, line = self.doc.origin.locate(path)
        (self.warnings if warning else self.errors).append(SpecError(file, line, to_pointer(path), message))

    def deref(self, value: Any) -> Any:
        """Follow ``$ref`` chains of parameters, responses and bodies (schemas keep theirs)."""
        seen = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str) and value["$ref"] not in seen:
            seen.add(value["$ref"])
            value = resolve_pointer(self.spec, value["$ref"])
        return value


def build_api(doc: SourceDocument, *, package: str, source: str) -> BuildResult:
    """The IR of ``doc``, an effective spec that has passed validation."""
    ctx = _Context(doc, normalise_schema_names(doc.data))
    _check_python_names(ctx, doc.data)
    _drop_unusable_patterns(ctx)
    ctx.spec.setdefault("components", {}).setdefault("schemas", {})
    operations = []
    taken: set[str] = set()
    for path, item in ctx.spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                op = _operation(ctx, path, item, method, taken)
                if op is not None:
                    operations.append(op)
    _warn_unsupported_security(ctx)
    _describe_undocumented_models(ctx.spec, operations)
    info = ctx.spec.get("info", {})
    client_ext = _extension(ctx, ("x-client",), ctx.spec) or {}
    server_url = _server_url(ctx)
    api = ir.Api(
        title=SpecText(str(info.get("title", package))),
        version=SpecText(str(info.get("version", "0"))),
        description=SpecText(str(info.get("description", "")).strip()),
        package=Identifier(package),
        source=SpecText(source),
        default_base_url=SpecText(server_url),
        base_path=SpecText(urlparse(server_url).path.rstrip("/")),
        api_key_env=_env_var(ctx, client_ext, "apiKeyEnv", f"{package.upper()}_API_KEY"),
        base_url_env=_env_var(ctx, client_ext, "baseUrlEnv", f"{package.upper()}_BASE_URL"),
        operations=tuple(operations),
        model_names=tuple(Identifier(name) for name in sorted(ctx.spec["components"]["schemas"])),
        package_version=_package_version(ctx, client_ext),
    )
    return BuildResult(api, ctx.spec, ctx.errors, ctx.warnings)


def _server_url(ctx: _Context) -> str:
    """The first server's URL: the clients' default base URL, where the stubs mount their routes."""
    servers = ctx.spec.get("servers") or [{"url": "/"}]
    url = servers[0].get("url", "/") if isinstance(servers[0], dict) else "/"
    if not isinstance(url, str) or any(not c.isprintable() or c.isspace() for c in url):
        ctx.problem(("servers", 0, "url"), f"server URL {url!r} holds whitespace or a control character")
        return "/"
    return url


def _env_var(ctx: _Context, client_ext: dict[str, Any], key: str, default: str) -> EnvVarName:
    """An ``x-client`` environment variable name, checked: letters, digits and underscores."""
    name = client_ext.get(key, default)
    try:
        return EnvVarName(name)
    except ValueError:
        ctx.problem(
            ("x-client", key), f"x-client {key} {name!r} is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)"
        )
        return EnvVarName(default)


_PEP440 = re.compile(
    r"([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
    r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?(\+[a-z0-9]+(\.[a-z0-9]+)*)?"
)


def _package_version(ctx: _Context, client_ext: dict[str, Any]) -> SpecText:
    """``x-client.packageVersion``, which must be a (canonical) PEP 440 version for pip to install it."""
    version = str(client_ext.get("packageVersion", "0.1.0"))
    if not _PEP440.fullmatch(version):
        ctx.problem(("x-client", "packageVersion"), f"packageVersion {version!r} is not a PEP 440 version (1.2.3)")
        return SpecText("0.1.0")
    return SpecText(version)


def _operation(ctx: _Context, path: str, item: dict[str, Any], method: str, taken: set[str]) -> ir.Operation | None:
    raw = item[method]
    where: Path_ = ("paths", path, method)
    operation_id = raw.get("operationId") or f"{method} {path}"
    chosen = python_name_extension(raw)
    if chosen is not None and (chosen in taken or chosen in RESERVED_OPERATION_NAMES):
        ctx.problem((*where, PYTHON_NAME), f"{PYTHON_NAME} {chosen!r} is taken by another method of the client")
    # an id that starts with a digit would give a name that looks private: "op_123_get_node"
    derived = snake_case(operation_id)
    derived = f"op{derived}" if derived.startswith("_") else derived
    python_name = chosen or unique(_not_reserved(derived, RESERVED_OPERATION_NAMES), taken)
    taken.add(python_name)
    stem = operation_id if raw.get("operationId") else python_name
    try:
        body = _body(ctx, raw, where, stem)
        placed: list[tuple[Path_, Any]] = [
            (("paths", path, "parameters", i), p) for i, p in enumerate(item.get("parameters") or [])
        ]
        placed += [((*where, "parameters", i), p) for i, p in enumerate(raw.get("parameters") or [])]
        parameters = _parameters(ctx, placed)
    except _Unsupported as exc:
        ctx.problem(exc.path, f"{exc.reason}; operation {operation_id!r} left out", warning=True)
        return None
    if body is not None:
        body = replace(body, fields=_body_fields(ctx, body, parameters))
    success_status, returns, response_media_type = _success(ctx, raw, where, stem)
    idempotent = raw.get("x-idempotent", method in IDEMPOTENT_METHODS)
    if not isinstance(idempotent, bool):
        ctx.problem((*where, "x-idempotent"), "x-idempotent must be true or false")
    return ir.Operation(
        operation_id=SpecText(operation_id),
        python_name=Identifier(python_name),
        method=Identifier(method),
        path=SpecText(path),
        summary=SpecText(str(raw.get("summary") or "").strip()),
        description=SpecText(str(raw.get("description") or "").strip()),
        parameters=parameters,
        body=body,
        success_status=success_status,
        returns=returns,
        errors=_errors(ctx, raw),
        requires_auth=_requires_auth(ctx, raw),
        security_ways=_security_ways(ctx, raw),
        response_media_type=response_media_type,
        pagination=_pagination(ctx, raw, where, parameters, returns),
        idempotent=bool(idempotent),
        deprecated=bool(raw.get("deprecated")),
    )


def _parameters(ctx: _Context, placed: list[tuple[Path_, Any]]) -> tuple[ir.Parameter, ...]:
    merged: dict[tuple[str, str], tuple[Path_, dict[str, Any]]] = {}
    for where, raw in placed:  # operation-level parameters override path-level ones
        param = ctx.deref(raw)
        merged[(param["name"], param["in"])] = (where, param)
    taken: set[str] = {n for _, param in merged.values() if (n := python_name_extension(param))}
    result = []
    for where, param in merged.values():
        schema = param.get("schema", {})
        if "schema" not in param or _is_object(ctx, schema):
            raise _Unsupported(where, f"parameter {param['name']!r}: only scalar and array parameters are supported")
        if param["in"] in {"header", "cookie"} and not _HTTP_TOKEN.fullmatch(param["name"]):
            ctx.problem((*where, "name"), f"{param['in']} name {param['name']!r} is not an HTTP token (RFC 9110)")
        result.append(
            ir.Parameter(
                wire_name=SpecText(param["name"]),
                python_name=Identifier(
                    python_name_extension(param)
                    or unique(_not_reserved(snake_case(param["name"]), RESERVED_PARAMETER_NAMES), taken)
                ),
                location=Identifier(param["in"]),
                required=bool(param.get("required")) or param["in"] == "path",
                type=type_of(schema).without_none(),
                server_type=type_of(schema, formats=SERVER_STRING_FORMATS).without_none(),
                description=SpecText(" ".join(str(param.get("description") or "").split())),
                constraints=_constraints(schema),
                default=py_literal(schema["default"]) if "default" in schema else None,
            )
        )
    return tuple(result)


def _check_python_names(ctx: _Context, spec: dict[str, Any]) -> None:
    """Every ``x-python-name`` must be an identifier that is no keyword (and a parameter's no runtime name)."""

    def check(where: Path_, owner: Any, reserved: set[str] = set()) -> None:  # noqa: B006 - never mutated
        if isinstance(owner, dict) and PYTHON_NAME in owner:
            name = owner[PYTHON_NAME]
            if python_name_extension(owner) is None or name in reserved or str(name).startswith("_"):
                ctx.problem((*where, PYTHON_NAME), f"{PYTHON_NAME} {name!r} is not a usable Python name here")

    schemas = spec.get("components", {}).get("schemas") or {}
    # the class each schema without a rename gets: a rename may not take one of those either
    chosen: dict[str, str] = {class_name(n): n for n, sch in schemas.items() if python_name_extension(sch) is None}
    for name, schema in schemas.items():
        check(("components", "schemas", name), schema, set(RESERVED_MODEL_NAMES))
        model = python_name_extension(schema)
        if model is not None and model in chosen:
            where = ("components", "schemas", name, PYTHON_NAME)
            ctx.problem(where, f"{PYTHON_NAME} {model!r} is also the name of schema {chosen[model]!r}")
        elif model is not None:
            chosen[model] = name
    for name, parameter in (spec.get("components", {}).get("parameters") or {}).items():
        check(("components", "parameters", name), parameter, RESERVED_PARAMETER_NAMES)
    for path, item in (spec.get("paths") or {}).items():
        for index, parameter in enumerate(item.get("parameters") or []):
            check(("paths", path, "parameters", index), parameter, RESERVED_PARAMETER_NAMES)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                check(("paths", path, method), operation)
                for index, parameter in enumerate(operation.get("parameters") or []):
                    check(("paths", path, method, "parameters", index), parameter, RESERVED_PARAMETER_NAMES)


# what a header or cookie may be called (RFC 9110's token), since clients can send nothing else
_HTTP_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_NOT_SCHEMA_KEYWORDS = {"example", "examples", "default", "enum", "const"}


def _drop_unusable_patterns(ctx: _Context) -> None:
    """A ``pattern`` pydantic cannot compile (its Rust engine has no look-around or backreferences)
    would make the generated models and stubs fail on import; it is left unenforced, with a warning
    where it is."""
    unusable = set()
    stack: list[tuple[Path_, Any]] = [((), ctx.doc.data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and not _compiles(pattern):
                unusable.add(pattern)
                ctx.problem(
                    (*path, "pattern"),
                    f"pattern {pattern!r} is not a regular expression pydantic can compile; the generated "
                    "models and stubs do not enforce it",
                    warning=True,
                )
            keys = [k for k in node if k not in _NOT_SCHEMA_KEYWORDS and not str(k).startswith("x-")]
            stack.extend(((*path, k), node[k]) for k in keys)
        elif isinstance(node, list):
            stack.extend(((*path, i), item) for i, item in enumerate(node))
    stack = [((), ctx.spec)] if unusable else []
    while stack:
        _, node = stack.pop()
        if isinstance(node, dict):
            if node.get("pattern") in unusable:
                del node["pattern"]
            stack.extend(((), v) for k, v in node.items() if k not in _NOT_SCHEMA_KEYWORDS)
        elif isinstance(node, list):
            stack.extend(((), item) for item in node)


@functools.lru_cache(maxsize=4096)
def _compiles(pattern: str) -> bool:
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return False
    return True


def _not_reserved(name: str, reserved: set[str]) -> str:
    return f"{name}_" if name in reserved else name


def _is_object(ctx: _Context, schema: Any) -> bool:
    schema = ctx.deref(schema)
    return isinstance(schema, dict) and (schema.get("type") == "object" or "properties" in schema)


def _warn_unsupported_security(ctx: _Context) -> None:
    schemes = ctx.spec.get("components", {}).get("securitySchemes", {})
    for name, scheme in schemes.items():
        scheme = ctx.deref(scheme)
        key_name = scheme.get("name") if isinstance(scheme, dict) and scheme.get("type") == "apiKey" else None
        if isinstance(key_name, str) and scheme.get("in") != "query" and not _HTTP_TOKEN.fullmatch(key_name):
            where = ("components", "securitySchemes", name, "name")
            ctx.problem(where, f"{scheme.get('in')} name {key_name!r} is not an HTTP token (RFC 9110)")
        if _credential(scheme) is None:
            ctx.problem(
                ("components", "securitySchemes", name),
                f"security scheme {name!r} ({scheme.get('type')}) is not supported (bearer, basic and API keys are): "
                "an operation that requires only it gets the client's key as a bearer token",
                warning=True,
            )


def _extension(ctx: _Context, where: Path_, owner: dict[str, Any]) -> dict[str, Any] | None:
    """The extension ``where[-1]`` of ``owner`` if present and well formed; a problem otherwise."""
    name = str(where[-1])
    value = owner.get(name)
    if value is None:
        return None
    shape = _EXTENSIONS[name]
    problems = [] if isinstance(value, dict) else ["must be a mapping"]
    if not problems:
        problems += [f"{key} is required" for key, (_, required) in shape.items() if required and key not in value]
        problems += [
            f"{key} must be a {kind.__name__}"
            for key, (kind, _) in shape.items()
            if key in value and not isinstance(value[key], kind)
        ]
        problems += [f"unknown key {key!r}" for key in value if key not in shape]
    if problems:
        ctx.problem(where, f"{name}: " + "; ".join(problems))
        return None
    return dict(value)


def _constraints(schema: Any) -> tuple[ir.Constraint, ...]:
    if not isinstance(schema, dict):
        return ()
    found = [
        ir.Constraint(Identifier(kw), py_literal(schema[key]))
        for key, kw in _CONSTRAINT_KEYWORDS.items()
        if key in schema
    ]
    if "pattern" in schema:
        found.append(ir.Constraint(Identifier("pattern"), py_literal(str(schema["pattern"]))))
    return tuple(found)


def _json_media(content: Any) -> tuple[str, Any] | None:
    for media_type, media in (content or {}).items():
        if is_json_media_type(media_type):
            return media_type, media or {}
    return None


class _Unsupported(Exception):
    """Something the generator cannot express; the operation is left out with a warning."""

    def __init__(self, path: Path_, reason: str) -> None:
        super().__init__(reason)
        self.path, self.reason = path, reason


def _body(ctx: _Context, raw: dict[str, Any], where: Path_, stem: str) -> ir.Body | None:
    if "requestBody" not in raw:
        return None
    body = ctx.deref(raw["requestBody"])
    found = _json_media(body.get("content")) or _other_media(body.get("content"))
    if found is None:
        media_types = ", ".join(body.get("content") or {}) or "none"
        raise _Unsupported(
            (*where, "requestBody"), f"no request body media type this generator supports ({media_types})"
        )
    media_type, media = found
    kind = media_kind(media_type)
    pointer = to_pointer((*_body_location(raw["requestBody"], where), "content", media_type, "schema"))
    if kind in {"bytes", "text"}:  # the body as it is: no schema to validate or model
        hint = BYTES if kind == "bytes" else STR
        description = SpecText(str(body.get("description", "")))
        required = bool(body.get("required"))
        return ir.Body(hint, required, SpecText(media_type), description, SpecText(""), kind=Identifier(kind))
    media["schema"] = hoist(ctx.spec, media.get("schema", {}), f"{stem}Request")
    if kind != "json" and not isinstance(type_of(media["schema"]), ModelRef):
        raise _Unsupported((*where, "requestBody"), f"a {media_type} body must be an object schema")
    json_pointer = pointer if kind == "json" else ""  # the stubs validate JSON bodies against the spec
    return ir.Body(
        type_of(media["schema"]),
        bool(body.get("required")),
        SpecText(media_type),
        SpecText(str(body.get("description", ""))),
        SpecText(json_pointer),
        kind=Identifier(kind),
    )


def _other_media(content: Any) -> tuple[str, Any] | None:
    """The first media type that is not JSON: any of them can be sent (text/*, forms, or as bytes)."""
    for media_type, media in (content or {}).items():
        if media_type.split(";")[0].strip() not in {"*/*", ""}:
            return media_type, media or {}
    return None


def _body_fields(ctx: _Context, body: ir.Body, parameters: tuple[ir.Parameter, ...]) -> tuple[ir.BodyField, ...]:
    """The body's properties as keyword arguments, when the body is a plain object model."""
    if not isinstance(body.type, ModelRef):
        return ()
    schema = ctx.spec["components"]["schemas"].get(body.type.name)
    if not isinstance(schema, dict) or any(k in schema for k in ("allOf", "oneOf", "anyOf")):
        return ()
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        return ()
    required = set(schema.get("required") or [])
    taken = {p.python_name for p in parameters} | RESERVED_PARAMETER_NAMES
    return tuple(
        ir.BodyField(
            wire_name=SpecText(wire_name),
            python_name=Identifier(unique(_not_reserved(snake_case(wire_name), RESERVED_PARAMETER_NAMES), taken)),
            type=argument_type(ctx.spec, prop),
            required=wire_name in required,
            description=SpecText(
                " ".join(str(ctx.deref(prop).get("description") or "").split()) if isinstance(prop, dict) else ""
            ),
        )
        for wire_name, prop in properties.items()
    )


def _body_location(request_body: Any, where: Path_) -> Path_:
    """Where the request body object itself is: in the operation, or the component it refers to."""
    ref = request_body.get("$ref") if isinstance(request_body, dict) else None
    if isinstance(ref, str) and ref.startswith("#/"):
        return tuple(pointer_tokens(ref))
    return (*where, "requestBody")


def _success(ctx: _Context, raw: dict[str, Any], where: Path_, stem: str) -> tuple[int, TypeRef, SpecText]:
    """The success status, the type its answer is parsed as, and its media type when not JSON."""
    statuses = sorted(int(s) for s in raw.get("responses", {}) if s.isdigit() and s.startswith("2"))
    if not statuses:
        ctx.problem((*where, "responses"), "no 2xx response documented; assuming 200 with no body", warning=True)
        return 200, NONE, SpecText("")
    response = ctx.deref(raw["responses"][str(statuses[0])])
    found = _json_media(response.get("content"))
    if found is None:  # an answer that is not JSON is handed over as it came
        other = _other_media(response.get("content"))
        if other is None:
            return statuses[0], NONE, SpecText("")
        return statuses[0], STR if media_kind(other[0]) == "text" else BYTES, SpecText(other[0])
    media = found[1]
    media["schema"] = hoist(ctx.spec, media.get("schema", {}), f"{stem}Response")
    return statuses[0], type_of(media["schema"]), SpecText("")


def _errors(ctx: _Context, raw: dict[str, Any]) -> tuple[ir.ErrorResponse, ...]:
    found = []
    for status, response in sorted(raw.get("responses", {}).items()):
        if status.isdigit() and int(status) >= 400:
            description = str(ctx.deref(response).get("description", "")).strip()
            found.append(ir.ErrorResponse(int(status), SpecText(description)))
    return tuple(found)


def _requires_auth(ctx: _Context, raw: dict[str, Any]) -> bool:
    requirements = raw.get("security", ctx.spec.get("security", []))
    return bool(requirements) and all(req for req in requirements)


def _security_ways(ctx: _Context, raw: dict[str, Any]) -> tuple[tuple[ir.Credential, ...], ...]:
    """The operation's security requirements whose schemes the generator can all fill (bearer,
    basic, API key in a header, query or cookie), each the credentials it needs together."""
    requirements = raw.get("security", ctx.spec.get("security", [])) or []
    schemes = ctx.spec.get("components", {}).get("securitySchemes", {})
    ways = []
    for requirement in requirements:
        credentials = tuple(_credential(ctx.deref(schemes.get(name, {}))) for name in requirement or {})
        if credentials and all(credentials):
            ways.append(tuple(c for c in credentials if c is not None))
    return tuple(ways)


def _credential(scheme: Any) -> ir.Credential | None:
    if not isinstance(scheme, dict):
        return None
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() in {"bearer", "basic"}:
        return ir.Credential(Identifier(str(scheme["scheme"]).lower()), SpecText("Authorization"))
    if scheme.get("type") == "apiKey" and scheme.get("in") in {"header", "query", "cookie"}:
        return ir.Credential(Identifier(str(scheme["in"])), SpecText(str(scheme.get("name", ""))))
    return None


def _pagination(
    ctx: _Context, raw: dict[str, Any], where: Path_, params: tuple[ir.Parameter, ...], returns: TypeRef
) -> ir.Pagination | None:
    ext = _extension(ctx, (*where, "x-pagination"), raw)
    if ext is None:
        return None
    by_wire = {unwrap(p.wire_name): p.python_name for p in params if p.location == "query"}
    page_schema = _page_schema(ctx, returns)
    properties = page_schema.get("properties", {})
    problems = [
        f"no query parameter {ext.get(k)!r} ({k})"
        for k in ("cursorParam", "limitParam")
        if k in ext and ext[k] not in by_wire
    ]
    problems += [
        f"the response has no field {ext.get(k)!r} ({k})"
        for k in ("itemsField", "hasMoreField", "nextCursorField")
        if ext.get(k) not in properties
    ]
    if problems:
        ctx.problem((*where, "x-pagination"), "; ".join(problems))
        return None
    items = properties[ext["itemsField"]]
    return ir.Pagination(
        cursor_param=SpecText(ext["cursorParam"]),
        items_attr=Identifier(snake_case(ext["itemsField"])),
        has_more_attr=Identifier(snake_case(ext["hasMoreField"])),
        next_cursor_attr=Identifier(snake_case(ext["nextCursorField"])),
        item_type=type_of(items.get("items") if isinstance(items, dict) else None),
    )


def _page_schema(ctx: _Context, returns: TypeRef) -> dict[str, Any]:
    if not isinstance(returns, ModelRef):
        return {}
    schema = ctx.spec["components"]["schemas"].get(returns.name, {})
    return schema if isinstance(schema, dict) else {}


def _describe_undocumented_models(spec: dict[str, Any], operations: list[ir.Operation]) -> None:
    """Give every model a docstring: a schema the spec leaves undescribed says where it is used."""
    schemas = spec["components"]["schemas"]
    uses: dict[str, dict[str, list[str]]] = {name: {} for name in schemas}

    def use(name: str, role: str, user: str) -> None:
        if name in uses and user not in uses[name].setdefault(role, []):
            uses[name][role].append(user)

    for op in operations:
        for model in op.returns.model_names():
            use(model, "returned by", f"`{op.python_name}`")
        for model in op.body.type.model_names() if op.body else ():
            use(model, "sent to", f"`{op.python_name}`")
    for owner, schema in schemas.items():
        for name in sorted(_referenced_schemas(schema) - {owner}):
            use(name, "part of", f"`{owner}`")
    for name, schema in schemas.items():
        if isinstance(schema, dict) and not schema.get("description"):
            where = "; ".join(f"{role} {', '.join(users)}" for role, users in uses[name].items())
            schema["description"] = f"The spec's `{name}` schema: {where or 'used by no operation'}."


def _referenced_schemas(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.removeprefix("#/components/schemas/"))
        for item in value.values():
            found |= _referenced_schemas(item)
    elif isinstance(value, list):
        for item in value:
            found |= _referenced_schemas(item)
    return found
