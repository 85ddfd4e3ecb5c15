"""The thin binding: the domain service as the generated ``Backend``, plus the control API.

Everything HTTP lives here: turning records into the generated models, the authenticator that
maps tokens to teams, the domain errors' answers, fault injection and ``/_emulator/*``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from paperspace_deployments import models
from paperspace_deployments._server_base import (
    BackendError,
    Forbidden,
    RequestContext,
    Unauthorized,
    error_response,
    is_json,
    media_type_of,
)
from paperspace_deployments.server import BASE_PATH, Backend, create_app
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from .clock import Clock, ManualClock, RealClock
from .domain import EmulatorError, Principal
from .faults import FaultRule, Faults, delay
from .read_cache import ReadCache, note_stable_until
from .service import CLUSTER_ID, DeploymentService, DeploymentView
from .store import Store

DEV_TOKENS = {"dev-token-team-a": "team-a", "dev-token-team-b": "team-b"}


def _principal(context: RequestContext) -> Principal:
    assert isinstance(context.principal, Principal)  # the authenticator below made it
    return context.principal


def _deployment(view: DeploymentView) -> models.Deployment:
    d, spec = view.record, view.record.spec
    autoscaling = spec.get("autoscaling")
    # model_construct: the record was validated on the way in; listing pages build many of these
    extra: dict[str, Any] = {}
    if autoscaling:
        extra["autoscaling"] = models.AutoscalingPolicy.model_construct(**_python_names(autoscaling))
    return models.Deployment.model_construct(
        id=d.id,
        name=d.name,
        image=str(spec["image"]),
        project_id=d.project_id,
        machine_type=str(spec["machineType"]),
        cluster_id=CLUSTER_ID,
        endpoint=view.endpoint,
        replicas=view.replicas,
        state=models.State(d.state),
        dt_created=d.created_at,
        **extra,
    )


def _python_names(wire: dict[str, Any]) -> dict[str, Any]:
    return {k: models.Metric(v) if k == "metric" and v is not None else v for k, v in wire.items()}


class EmulatorBackend:
    """The generated ``Backend`` protocol over :class:`DeploymentService` (mypy checks the fit)."""

    def __init__(self, service: DeploymentService) -> None:
        self.service = service

    async def list_deployments(
        self, context: RequestContext, *, after: str | None, limit: int
    ) -> models.DeploymentList:
        principal = _principal(context)
        return self._page(principal, *self.service.list_deployments(principal, after=after, limit=limit))

    async def list_project_deployments(
        self, context: RequestContext, id: str, *, after: str | None, limit: int
    ) -> models.DeploymentList:
        principal = _principal(context)
        return self._page(principal, *self.service.list_deployments(principal, after=after, limit=limit, project_id=id))

    def _page(self, principal: Principal, views: list[DeploymentView], page: Any) -> models.DeploymentList:
        note_stable_until(self.service.stable_until(views), principal.team)
        result = models.DeploymentList(items=[_deployment(v) for v in views], has_more=page.has_more)
        if page.next_cursor is not None:
            result.next_page = page.next_cursor
        return result

    async def upsert_deployment(self, context: RequestContext, body: models.DeploymentSpec) -> models.Deployment:
        spec = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return _deployment(self.service.upsert(_principal(context), spec))

    async def get_deployment(self, context: RequestContext, id: str) -> models.Deployment:
        principal = _principal(context)
        view = self.service.get(principal, id)
        note_stable_until(self.service.stable_until([view]), principal.team)
        return _deployment(view)

    async def delete_deployment(self, context: RequestContext, id: str) -> None:
        self.service.delete(_principal(context), id)

    async def list_deployment_runs(self, context: RequestContext, id: str) -> list[models.DeploymentRun]:
        return [
            models.DeploymentRun(
                id=v.run.id, deployment_id=id, state=v.run.state, replicas=v.replicas, dt_started=v.run.started_at
            )
            for v in self.service.runs(_principal(context), id)
        ]

    async def get_deployment_metrics(
        self, context: RequestContext, id: str, *, start: datetime | None, end: datetime | None
    ) -> models.DeploymentMetrics:
        found = self.service.metrics(_principal(context), id, start, end)
        series = [models.Series(metric=s.metric, values=[models.Value(t=t, v=v) for t, v in s.points]) for s in found]
        return models.DeploymentMetrics(deployment_id=id, series=series)

    async def get_deployment_logs(self, context: RequestContext, id: str, *, limit: int) -> list[models.LogLine]:
        lines = self.service.logs(_principal(context), id, limit)
        return [models.LogLine(t=line.t, stream=models.Stream(line.stream), message=line.message) for line in lines]

    async def get_deployment_history(self, context: RequestContext, id: str) -> list[models.DeploymentRevision]:
        return [
            models.DeploymentRevision(
                revision=r.revision,
                spec=models.DeploymentSpec.model_validate(r.spec),
                dt_created=r.created_at,
                user_id=r.user_id,
            )
            for r in self.service.history(_principal(context), id)
        ]


def user_id_for(token: str) -> str:
    """A stable user id for a token that does not reveal it."""
    return "usr-" + hashlib.sha256(token.encode()).hexdigest()[:10]


@dataclass
class Settings:
    db: str = ":memory:"
    tokens: Mapping[str, str] = field(default_factory=lambda: dict(DEV_TOKENS))
    clock: str = "manual"  # "real" or "manual"
    seed: int = 0
    admin_token: str | None = None
    max_body_bytes: int = 1024 * 1024
    # host names the API answers to (the Host header); None: any. A server on loopback names its
    # own, so a web page whose DNS name is made to point at 127.0.0.1 (DNS rebinding) gets 400.
    allowed_hosts: tuple[str, ...] | None = None


class UnsupportedMediaType(BackendError):
    status_code = 415


class AdvanceClock(BaseModel):
    advance_seconds: Annotated[float, Field(ge=0, le=10 * 365 * 86400)]


class FaultIn(BaseModel):
    method: str = "*"
    path: str = "*"
    status: Annotated[int | None, Field(ge=400, le=599)] = None
    retry_after: Annotated[int | None, Field(ge=0)] = None
    latency_ms: Annotated[int, Field(ge=0, le=60_000)] = 0
    count: Annotated[int | None, Field(ge=1)] = None


class FaultInjection:
    """Pure ASGI middleware: applies the fault rules to calls under the API's base path."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(BASE_PATH + "/"):
            rule = self.faults.take(scope["method"], scope["path"])
            if rule is not None:
                await delay(rule)
                if rule.status is not None:
                    headers = _documented_headers(rule)
                    response = error_response(rule.status, "Injected by the emulator's fault rules.", headers=headers)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _documented_headers(rule: FaultRule) -> dict[str, str]:
    """An injected answer carries the headers the contract documents for its status: a 429 its
    Retry-After (the rule's, else 1 s), a 401 its WWW-Authenticate challenge."""
    if rule.status == 429 or rule.retry_after is not None:
        return {"Retry-After": str(1 if rule.retry_after is None else rule.retry_after)}
    if rule.status == 401:
        return {"WWW-Authenticate": "Bearer"}
    return {}


def build_app(settings: Settings | None = None) -> FastAPI:
    """The emulator as an ASGI app; its state lives on the app (``app.state.service``)."""
    settings = settings or Settings()
    clock: Clock = ManualClock() if settings.clock == "manual" else RealClock()
    service = DeploymentService(Store(settings.db), clock, seed=settings.seed)
    tokens = dict(settings.tokens)

    async def authenticate(token: str) -> Principal | None:
        team = tokens.get(token)
        return Principal(team, user_id_for(token)) if team is not None else None

    backend: Backend = EmulatorBackend(service)
    app = create_app(backend, authenticate=authenticate, max_body_bytes=settings.max_body_bytes)
    faults = Faults()
    app.state.service, app.state.faults, app.state.settings = service, faults, settings
    app.add_exception_handler(EmulatorError, _on_domain_error)
    # outermost last: faults first, then the read cache, then the stubs
    app.add_middleware(ReadCache, team_of=tokens, version=service.store.version, now=service.clock.now)
    app.add_middleware(FaultInjection, faults=faults)
    if settings.allowed_hosts is not None:
        app.add_middleware(HostCheck, allowed_hosts=settings.allowed_hosts)
    _add_control_api(app, service, faults, settings.admin_token)
    return app


class HostCheck:
    """Pure ASGI middleware: a Host header the server does not answer to is a 400."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if _host_name(host) not in self.allowed:
                message = "This server does not answer to that Host (it listens on loopback only)."
                await error_response(400, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _host_name(host: str) -> str:
    """The name part of a Host header value: ``[::1]:8000`` -> ``::1``, ``localhost:8000`` -> ``localhost``."""
    if host.startswith("["):
        return host[1 : host.find("]")].lower() if "]" in host else ""
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


def _same_origin(request: Request) -> bool:
    """Whether the request comes from no web page, or from a page the emulator itself served."""
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EmulatorError)
    return error_response(exc.status, exc.message, details=exc.details)


def _add_control_api(app: FastAPI, service: DeploymentService, faults: Faults, admin_token: str | None) -> None:
    async def guard(request: Request) -> None:
        """Who may use the control API: not a web page of another origin, and with a change only
        as JSON (a form or text/plain POST is what any page can send without asking first)."""
        if not _same_origin(request):
            raise Forbidden("The control API refuses calls from web pages of another origin.")
        if request.method == "POST":  # the one changing method a page may send without a preflight
            media_type = media_type_of(request)
            if not is_json(media_type):
                got = media_type[:100] or "none"
                message = f"The control API takes JSON: send Content-Type: application/json (got {got})."
                raise UnsupportedMediaType(message)
        if admin_token is not None and not hmac.compare_digest(
            request.headers.get("authorization", "").encode(), f"Bearer {admin_token}".encode()
        ):
            raise Unauthorized("The control API needs the admin token.", headers={"WWW-Authenticate": "Bearer"})

    guarded = [Depends(guard)]

    async def reset() -> Response:
        service.reset()
        faults.clear()
        return Response(status_code=204)

    async def get_clock() -> JSONResponse:
        return JSONResponse(
            {
                "now": service.clock.now().isoformat(),
                "kind": "manual" if isinstance(service.clock, ManualClock) else "real",
            }
        )

    async def move_clock(body: AdvanceClock) -> JSONResponse:
        moment = service.advance_clock(body.advance_seconds)
        return JSONResponse({"now": moment.isoformat(), "kind": "manual"})

    async def add_fault(body: FaultIn) -> JSONResponse:
        rule = FaultRule(**body.model_dump())
        faults.add(rule)
        return JSONResponse({"rules": [asdict(r) for r in faults.rules()]}, status_code=201)

    async def list_faults() -> JSONResponse:
        return JSONResponse({"rules": [asdict(r) for r in faults.rules()]})

    async def clear_faults() -> Response:
        faults.clear()
        return Response(status_code=204)

    for path, method, endpoint in (
        ("/_emulator/reset", "POST", reset),
        ("/_emulator/clock", "GET", get_clock),
        ("/_emulator/clock", "POST", move_clock),
        ("/_emulator/faults", "GET", list_faults),
        ("/_emulator/faults", "POST", add_fault),
        ("/_emulator/faults", "DELETE", clear_faults),
    ):
        app.add_api_route(path, endpoint, methods=[method], dependencies=guarded, include_in_schema=False)
