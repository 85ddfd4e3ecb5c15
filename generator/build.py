"""Build the IR: read the normalised spec (:mod:`.normalise`) into frozen :mod:`generator.ir` objects.

Nothing here changes a spec: every name and hoisted model was decided by the normalisation pass,
and this pass only reads. It also returns the spec datamodel-code-generator reads: the normalised
spec with a description for each model the spec leaves undescribed (a new dict, see
:func:`.normalise.describe_models`), so every ``models.<Name>`` the IR mentions is a documented
class of the models module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlparse

from . import ir
from .encoders import EnvVarName, Identifier, SpecText, py_literal, unwrap
from .errors import SpecError, pointer_tokens, to_pointer
from .loader import Path_, SourceDocument
from .naming import snake_case, unique
from .normalise import RESERVED_PARAMETER_NAMES, deref, describe_models, normalise, not_reserved
from .normalise import operations as spec_operations
from .openapi import (
    HTTP_METHODS,
    IDEMPOTENT_METHODS,
    json_media,
    media_kind,
    other_media,
    success_statuses,
)
from .schema_types import SERVER_STRING_FORMATS, argument_type, is_object, python_name_extension, type_of
from .types import BYTES, NONE, STR, ModelRef, TypeRef

_EXTENSIONS: dict[str, dict[str, tuple[type, bool]]] = {  # extension → key → (type, required)
    "x-pagination": {
        "cursorParam": (str, True),
        "limitParam": (str, False),
        "itemsField": (str, True),
        "hasMoreField": (str, True),
        "nextCursorField": (str, True),
    },
    "x-client": {"apiKeyEnv": (str, False), "baseUrlEnv": (str, False), "packageVersion": (str, False)},
    "x-waiters": {  # each waiter of the mapping
        "operationId": (str, True),
        "statusField": (str, True),
        "success": (list, True),
        "failure": (list, False),
        "interval": (float, False),
        "timeout": (float, False),
        "description": (str, False),
    },
}
DEFAULT_WAIT_INTERVAL = 5.0  # seconds between polls, where x-waiters gives none (boto3's waiters: 5 to 30)
DEFAULT_WAIT_TIMEOUT = 600.0
MAX_WAIT_TIMEOUT = 7 * 86400.0  # a week: longer is a mistake (and a huge number no float holds)
_EXCLUSIVE = {"exclusiveMinimum": "gt", "exclusiveMaximum": "lt"}
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
    spec: dict[str, Any]  # the normalised spec (see .normalise), only read here
    operation_names: dict[tuple[str, str], str]
    errors: list[SpecError] = field(default_factory=list)
    warnings: list[SpecError] = field(default_factory=list)

    def problem(self, path: Path_, message: str, *, warning: bool = False) -> None:
        file, line = self.doc.origin.locate(path)
        (self.warnings if warning else self.errors).append(SpecError(file, line, to_pointer(path), message))

    def deref(self, value: Any) -> Any:
        return deref(self.spec, value)


def build_api(doc: SourceDocument, *, package: str, source: str) -> BuildResult:
    """The IR of ``doc``, an effective spec that has passed validation."""
    normalised = normalise(doc)
    uses_email = normalised.uses_email
    ctx = _Context(doc, normalised.spec, normalised.operation_names, normalised.errors, normalised.warnings)
    webhooks = _webhooks(ctx)
    operations = []
    for path, method, item, _ in spec_operations(ctx.spec):
        op = _operation(ctx, path, item, method)
        if op is not None:
            operations.append(op)
    _warn_unsupported_security(ctx)
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
        uses_email=uses_email,
        webhooks=webhooks,
        waiters=_waiters(ctx, operations),
    )
    uses = _model_uses(operations, webhooks)
    return BuildResult(api, describe_models(ctx.spec, uses), ctx.errors, ctx.warnings)


def _webhooks(ctx: _Context) -> tuple[ir.Webhook, ...]:
    """OpenAPI 3.1's webhooks: each request's JSON payload (hoisted into a model by normalisation)."""
    found = []
    for name, item in (ctx.spec.get("webhooks") or {}).items():
        for method in HTTP_METHODS:
            raw = item.get(method) if isinstance(item, dict) else None
            if not isinstance(raw, dict):
                continue
            body = ctx.deref(raw.get("requestBody", {}))
            media = json_media(body.get("content") if isinstance(body, dict) else None)
            payload = type_of(media[1].get("schema", {})) if media is not None else NONE
            if media is None:
                where = ("webhooks", name, method, "requestBody")
                ctx.problem(where, f"webhook {name!r} sends no JSON body: no payload model is generated", warning=True)
            description = str(raw.get("summary") or raw.get("description") or "").strip()
            found.append(ir.Webhook(SpecText(name), Identifier(method), payload, SpecText(description)))
    return tuple(found)


def _model_uses(operations: list[ir.Operation], webhooks: tuple[ir.Webhook, ...]) -> dict[str, dict[str, list[str]]]:
    """Which operations return and take each model, and which webhooks send it: model → role → users."""
    uses: dict[str, dict[str, list[str]]] = {}
    found: list[tuple[str, TypeRef, str]] = [("returned by", op.returns, op.python_name) for op in operations]
    found += [("sent to", op.body.type, op.python_name) for op in operations if op.body]
    found += [("the payload of webhook", hook.payload, unwrap(hook.name)) for hook in webhooks]
    for role, type_, user in found:
        for model in type_.model_names():
            users = uses.setdefault(model, {}).setdefault(role, [])
            if f"`{user}`" not in users:
                users.append(f"`{user}`")
    return uses


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


def _operation(ctx: _Context, path: str, item: dict[str, Any], method: str) -> ir.Operation | None:
    raw = item[method]
    where: Path_ = ("paths", path, method)
    operation_id = raw.get("operationId") or f"{method} {path}"
    python_name = ctx.operation_names[(path, method)]
    try:
        body = _body(ctx, raw, where)
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
    success_status, returns, response_media_type = _success(ctx, raw, where)
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
                    or unique(not_reserved(snake_case(param["name"]), RESERVED_PARAMETER_NAMES), taken)
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


# what a header or cookie may be called (RFC 9110's token), since clients can send nothing else
_HTTP_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _is_object(ctx: _Context, schema: Any) -> bool:
    return is_object(ctx.deref(schema))


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


def _extension(ctx: _Context, where: Path_, owner: dict[str, Any], shape_of: str = "") -> dict[str, Any] | None:
    """The extension ``where[-1]`` of ``owner`` if present and well formed; a problem otherwise.
    ``shape_of`` names the extension whose shape it has, when it is an entry of one (a waiter)."""
    name = str(where[-1])
    value = owner.get(name)
    if value is None:
        return None
    shape = _EXTENSIONS[shape_of or name]
    problems = [] if isinstance(value, dict) else ["must be a mapping"]
    if not problems:
        problems += [f"{key} is required" for key, (_, required) in shape.items() if required and key not in value]
        problems += [
            f"{key} must be a {'number' if kind is float else kind.__name__}"
            for key, (kind, _) in shape.items()
            if key in value and not _is_a(value[key], kind)
        ]
        problems += [f"unknown key {key!r}" for key in value if key not in shape]
    if problems:
        ctx.problem(where, (f"{shape_of}: {name}: " if shape_of else f"{name}: ") + "; ".join(problems))
        return None
    return dict(value)


def _is_a(value: Any, kind: type) -> bool:
    if kind is float:  # a number of YAML: an int or a float, not a bool
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, kind)


def _waiters(ctx: _Context, operations: list[ir.Operation]) -> tuple[ir.Waiter, ...]:
    """The spec's ``x-waiters``: each a ``wait_for_<name>`` method of the clients, or a located problem."""
    declared = ctx.spec.get("x-waiters")
    if declared is None:
        return ()
    if not isinstance(declared, dict):
        ctx.problem(("x-waiters",), "x-waiters: must be a mapping of waiter names to waiters")
        return ()
    by_id = {unwrap(op.operation_id): op for op in operations}
    taken = {unwrap(op.python_name) for op in operations}
    found = []
    for name in sorted(declared, key=str):
        where: Path_ = ("x-waiters", name)
        ext = _extension(ctx, where, declared, shape_of="x-waiters") if declared[name] is not None else None
        if ext is None:
            if declared[name] is None:
                ctx.problem(where, f"x-waiters: {name}: must be a mapping")
            continue
        python_name = f"wait_for_{snake_case(str(name))}"
        op = by_id.get(ext["operationId"])
        problems = []
        if not _is_identifier(python_name) or python_name in taken:
            problems.append(f"the name {name!r} makes no method name of its own ({python_name!r})")
        if op is None:
            problems.append(f"no operation has the operationId {ext['operationId']!r}")
        elif op.method != "get" or any(p.required and p.location != "path" for p in op.parameters):
            problems.append(f"{ext['operationId']!r} must be a GET whose required parameters are all in its path")
        status = _status_attrs(ctx, op.returns if op is not None else NONE, ext["statusField"])
        if op is not None and status is None:
            problems.append(f"the answer of {ext['operationId']!r} has no field {ext['statusField']!r}")
        values = {key: ext.get(key, []) for key in ("success", "failure")}
        problems += [f"{key} must be a list of strings" for key, v in values.items() if not _strings(v)]
        problems += _unknown_statuses(status[1], values) if status is not None else []
        attrs = status[0] if status is not None else None
        if not values["success"] or set(values["success"]) & set(values["failure"]):
            problems.append("success must name at least one value, and none that failure names")
        interval, timeout = ext.get("interval", DEFAULT_WAIT_INTERVAL), ext.get("timeout", DEFAULT_WAIT_TIMEOUT)
        if not 0 < interval <= timeout <= MAX_WAIT_TIMEOUT:
            problems.append(
                "interval and timeout must be positive, the interval no longer than the timeout,"
                f" the timeout at most {MAX_WAIT_TIMEOUT:g} s"
            )
        if problems or op is None or attrs is None:
            ctx.problem(where, f"x-waiters: {name}: " + "; ".join(problems))
            continue
        taken.add(python_name)
        found.append(
            ir.Waiter(
                name=SpecText(str(name)),
                python_name=Identifier(python_name),
                operation=op,
                status_attrs=attrs,
                status_field=SpecText(ext["statusField"]),
                success=tuple(SpecText(v) for v in values["success"]),
                failure=tuple(SpecText(v) for v in values["failure"]),
                interval=py_literal(float(interval)),
                timeout=py_literal(float(timeout)),
                description=SpecText(ext.get("description", "").strip()),
            )
        )
    return tuple(found)


def _is_identifier(name: str) -> bool:
    try:
        Identifier(name)
    except ValueError:
        return False
    return True


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _status_attrs(ctx: _Context, returns: TypeRef, field_path: str) -> tuple[tuple[Identifier, ...], Any] | None:
    """The attribute path of ``field_path`` (wire names, dotted) on an answer of type ``returns``,
    and the field's schema; None when a part is no property of the model it is read from."""
    attrs = []
    current, field_schema = returns, None
    for part in field_path.split("."):
        properties = _model_schema(ctx, current).get("properties")
        if not isinstance(properties, dict) or part not in properties:
            return None
        attrs.append(Identifier(snake_case(part)))
        field_schema = ctx.deref(properties[part])
        current = type_of(properties[part])
    return tuple(attrs), field_schema


def _unknown_statuses(field_schema: Any, values: dict[str, list[Any]]) -> list[str]:
    """The waiter's values its status field can never hold (its ``enum`` lists the others)."""
    allowed = field_schema.get("enum") if isinstance(field_schema, dict) else None
    if not isinstance(allowed, list):
        return []
    return [
        f"{key} names {v!r}, a value the status field's enum does not list"
        for key, vs in values.items()
        for v in vs
        if v not in allowed
    ]


def _constraints(schema: Any) -> tuple[ir.Constraint, ...]:
    if not isinstance(schema, dict):
        return ()
    bounds = {key: schema[key] for key in _CONSTRAINT_KEYWORDS if key in schema}
    exclusive = {}
    for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = schema.get(key)
        if value is True and bound in bounds:  # 3.0: a flag on minimum/maximum
            exclusive[key] = bounds.pop(bound)
        elif isinstance(value, int | float) and not isinstance(value, bool):  # 3.1: the bound itself
            exclusive[key] = value
    found = [ir.Constraint(Identifier(_CONSTRAINT_KEYWORDS[key]), py_literal(value)) for key, value in bounds.items()]
    found += [ir.Constraint(Identifier(_EXCLUSIVE[key]), py_literal(value)) for key, value in exclusive.items()]
    if "pattern" in schema:
        found.append(ir.Constraint(Identifier("pattern"), py_literal(str(schema["pattern"]))))
    return tuple(found)


class _Unsupported(Exception):
    """Something the generator cannot express; the operation is left out with a warning."""

    def __init__(self, path: Path_, reason: str) -> None:
        super().__init__(reason)
        self.path, self.reason = path, reason


def _body(ctx: _Context, raw: dict[str, Any], where: Path_) -> ir.Body | None:
    if "requestBody" not in raw:
        return None
    body = ctx.deref(raw["requestBody"])
    found = json_media(body.get("content")) or other_media(body.get("content"))
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
    if kind != "json" and not isinstance(type_of(media.get("schema", {})), ModelRef):
        raise _Unsupported((*where, "requestBody"), f"a {media_type} body must be an object schema")
    json_pointer = pointer if kind == "json" else ""  # the stubs validate JSON bodies against the spec
    return ir.Body(
        type_of(media.get("schema", {})),
        bool(body.get("required")),
        SpecText(media_type),
        SpecText(str(body.get("description", ""))),
        SpecText(json_pointer),
        kind=Identifier(kind),
    )


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
            python_name=Identifier(unique(not_reserved(snake_case(wire_name), RESERVED_PARAMETER_NAMES), taken)),
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


def _success(ctx: _Context, raw: dict[str, Any], where: Path_) -> tuple[int, TypeRef, SpecText]:
    """The success status, the type its answer is parsed as, and its media type when not JSON."""
    statuses = success_statuses(raw)
    if not statuses:
        ctx.problem((*where, "responses"), "no 2xx response documented; assuming 200 with no body", warning=True)
        return 200, NONE, SpecText("")
    response = ctx.deref(raw["responses"][str(statuses[0])])
    found = json_media(response.get("content"))
    if found is None:  # an answer that is not JSON is handed over as it came
        other = other_media(response.get("content"))
        if other is None:
            return statuses[0], NONE, SpecText("")
        return statuses[0], STR if media_kind(other[0]) == "text" else BYTES, SpecText(other[0])
    return statuses[0], type_of(found[1].get("schema", {})), SpecText("")


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
    page_schema = _model_schema(ctx, returns)
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


def _model_schema(ctx: _Context, returns: TypeRef) -> dict[str, Any]:
    if not isinstance(returns, ModelRef):
        return {}
    schema = ctx.spec["components"]["schemas"].get(returns.name, {})
    return schema if isinstance(schema, dict) else {}
