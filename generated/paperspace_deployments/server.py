# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
"""FastAPI server stubs of the Paperspace Deployments API.

Implement :class:`Backend` (or subclass :class:`UnimplementedBackend`, which answers 501 for every
operation you leave out) and pass it to :func:`create_app`. The stubs authenticate, validate and
answer errors; the backend only sees valid, typed input.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Annotated, Any, Protocol

from fastapi import Body, Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from . import models
from ._server_base import (
    DEFAULT_MAX_BODY_BYTES,
    Authenticator,
    NotImplementedOperation,
    RequestContext,
    RFC3339DateTime,
    Route,
    authenticated_context,
    new_app,
    render,
    route_checks,
    tolerant_backend,
)

__all__ = ["BASE_PATH", "Backend", "UnimplementedBackend", "create_app"]

BASE_PATH = "/v1"


class Backend(Protocol):
    """What a server of this API implements: one method per operation."""

    async def list_deployments(
        self,
        context: RequestContext,
        *,
        after: str | None,
        limit: int,
    ) -> models.DeploymentList:
        """List Deployments

        Fetches a list of deployments for the authenticated team.
        """
        ...

    async def upsert_deployment(
        self,
        context: RequestContext,
        body: models.DeploymentSpec,
    ) -> models.Deployment:
        """Create or Update Deployment

        Submits a new deployment configuration. If the deployment does not exist one is created; otherwise a new run is started against the existing deployment.
        """
        ...

    async def get_deployment(
        self,
        context: RequestContext,
        id: str,
    ) -> models.Deployment:
        """Get Deployment

        Fetches a single deployment by deployment ID.
        """
        ...

    async def delete_deployment(
        self,
        context: RequestContext,
        id: str,
    ) -> None:
        """Delete Deployment

        Removes a deployment using its identifier.
        """
        ...

    async def list_deployment_runs(
        self,
        context: RequestContext,
        id: str,
    ) -> list[models.DeploymentRun]:
        """List Deployment Runs

        Lists the active deployment runs for a deployment.
        """
        ...

    async def get_deployment_metrics(
        self,
        context: RequestContext,
        id: str,
        *,
        start: RFC3339DateTime | None,
        end: RFC3339DateTime | None,
    ) -> models.DeploymentMetrics:
        """Get Deployment Metrics

        Retrieves performance data for a given deployment over a time range.
        """
        ...

    async def get_deployment_logs(
        self,
        context: RequestContext,
        id: str,
        *,
        limit: int,
    ) -> list[models.LogLine]:
        """Get Deployment Logs

        Obtains log entries associated with a deployment.
        """
        ...

    async def get_deployment_history(
        self,
        context: RequestContext,
        id: str,
    ) -> list[models.DeploymentRevision]:
        """Get Deployment History

        Accesses configuration change records for a deployment.
        """
        ...

    async def list_project_deployments(
        self,
        context: RequestContext,
        id: str,
        *,
        after: str | None,
        limit: int,
    ) -> models.DeploymentList:
        """List Project Deployments

        Fetches a list of deployments scoped to a specific project.
        """
        ...


class UnimplementedBackend:
    """A backend that answers 501 Not Implemented to every operation; override what you implement."""

    async def list_deployments(
        self,
        context: RequestContext,
        *,
        after: str | None,
        limit: int,
    ) -> models.DeploymentList:
        raise NotImplementedOperation("listDeployments")

    async def upsert_deployment(
        self,
        context: RequestContext,
        body: models.DeploymentSpec,
    ) -> models.Deployment:
        raise NotImplementedOperation("upsertDeployment")

    async def get_deployment(
        self,
        context: RequestContext,
        id: str,
    ) -> models.Deployment:
        raise NotImplementedOperation("getDeployment")

    async def delete_deployment(
        self,
        context: RequestContext,
        id: str,
    ) -> None:
        raise NotImplementedOperation("deleteDeployment")

    async def list_deployment_runs(
        self,
        context: RequestContext,
        id: str,
    ) -> list[models.DeploymentRun]:
        raise NotImplementedOperation("listDeploymentRuns")

    async def get_deployment_metrics(
        self,
        context: RequestContext,
        id: str,
        *,
        start: RFC3339DateTime | None,
        end: RFC3339DateTime | None,
    ) -> models.DeploymentMetrics:
        raise NotImplementedOperation("getDeploymentMetrics")

    async def get_deployment_logs(
        self,
        context: RequestContext,
        id: str,
        *,
        limit: int,
    ) -> list[models.LogLine]:
        raise NotImplementedOperation("getDeploymentLogs")

    async def get_deployment_history(
        self,
        context: RequestContext,
        id: str,
    ) -> list[models.DeploymentRevision]:
        raise NotImplementedOperation("getDeploymentHistory")

    async def list_project_deployments(
        self,
        context: RequestContext,
        id: str,
        *,
        after: str | None,
        limit: int,
    ) -> models.DeploymentList:
        raise NotImplementedOperation("listProjectDeployments")


async def handle_list_deployments(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    after: Annotated[str | None, Query(min_length=1)] = None,
    limit: Annotated[int, Query(ge=1, le=120)] = 20,
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.list_deployments(
        context,
        after=after,
        limit=limit,
    )
    return render(result, 200)


async def handle_upsert_deployment(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    body: Annotated[models.DeploymentSpec, Body()],
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.upsert_deployment(
        context,
        body,
    )
    return render(result, 200)


async def handle_get_deployment(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    id: Annotated[str, Path(min_length=1)],
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.get_deployment(
        context,
        id,
    )
    return render(result, 200)


async def handle_delete_deployment(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    id: Annotated[str, Path(min_length=1)],
) -> Response:
    backend: Backend = request.app.state.backend
    await backend.delete_deployment(
        context,
        id,
    )
    return render(None, 204)


async def handle_list_deployment_runs(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    id: Annotated[str, Path(min_length=1)],
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.list_deployment_runs(
        context,
        id,
    )
    return render(result, 200)


async def handle_get_deployment_metrics(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    id: Annotated[str, Path(min_length=1)],
    start: Annotated[RFC3339DateTime | None, Query()] = None,
    end: Annotated[RFC3339DateTime | None, Query()] = None,
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.get_deployment_metrics(
        context,
        id,
        start=start,
        end=end,
    )
    return render(result, 200)


async def handle_get_deployment_logs(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    id: Annotated[str, Path(min_length=1)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.get_deployment_logs(
        context,
        id,
        limit=limit,
    )
    return render(result, 200)


async def handle_get_deployment_history(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    id: Annotated[str, Path(min_length=1)],
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.get_deployment_history(
        context,
        id,
    )
    return render(result, 200)


async def handle_list_project_deployments(
    request: Request,
    *,
    context: Annotated[RequestContext, Depends(authenticated_context)],
    id: Annotated[str, Path(min_length=1)],
    after: Annotated[str | None, Query(min_length=1)] = None,
    limit: Annotated[int, Query(ge=1, le=120)] = 20,
) -> Response:
    backend: Backend = request.app.state.backend
    result = await backend.list_project_deployments(
        context,
        id,
        after=after,
        limit=limit,
    )
    return render(result, 200)


# method, path, handler, operationId, who may call, JSON pointer of the request body's schema,
# the Backend method and the keyword parameters the handler passes it
ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        "/deployments",
        handle_list_deployments,
        "listDeployments",
        authenticated_context,
        None,
        "list_deployments",
        (
            "after",
            "limit",
        ),
    ),
    Route(
        "POST",
        "/deployments",
        handle_upsert_deployment,
        "upsertDeployment",
        authenticated_context,
        "/paths/~1deployments/post/requestBody/content/application~1json/schema",
        "upsert_deployment",
        (),
    ),
    Route(
        "GET",
        "/deployments/{id}",
        handle_get_deployment,
        "getDeployment",
        authenticated_context,
        None,
        "get_deployment",
        (),
    ),
    Route(
        "DELETE",
        "/deployments/{id}",
        handle_delete_deployment,
        "deleteDeployment",
        authenticated_context,
        None,
        "delete_deployment",
        (),
    ),
    Route(
        "GET",
        "/deployments/{id}/runs",
        handle_list_deployment_runs,
        "listDeploymentRuns",
        authenticated_context,
        None,
        "list_deployment_runs",
        (),
    ),
    Route(
        "GET",
        "/deployments/{id}/metrics",
        handle_get_deployment_metrics,
        "getDeploymentMetrics",
        authenticated_context,
        None,
        "get_deployment_metrics",
        (
            "start",
            "end",
        ),
    ),
    Route(
        "GET",
        "/deployments/{id}/logs",
        handle_get_deployment_logs,
        "getDeploymentLogs",
        authenticated_context,
        None,
        "get_deployment_logs",
        ("limit",),
    ),
    Route(
        "GET",
        "/deployments/{id}/history",
        handle_get_deployment_history,
        "getDeploymentHistory",
        authenticated_context,
        None,
        "get_deployment_history",
        (),
    ),
    Route(
        "GET",
        "/projects/{id}/deployments",
        handle_list_project_deployments,
        "listProjectDeployments",
        authenticated_context,
        None,
        "list_project_deployments",
        (
            "after",
            "limit",
        ),
    ),
)


def create_app(
    backend: Backend,
    *,
    authenticate: Authenticator | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """A FastAPI app serving every operation under ``BASE_PATH`` and the spec at ``/openapi.json``.

    ``authenticate`` takes the caller's credential (a bearer token, an API key, or "user:password"
    for basic authentication, as the spec's security schemes allow) and returns who it belongs
    to, or None for a 401; by default any non-empty credential is accepted.
    """
    spec: dict[str, Any] = json.loads(resources.files(__package__).joinpath("openapi.json").read_text("utf-8"))
    app = new_app(
        title="Paperspace Deployments API",
        version="v1",
        authenticate=authenticate,
        max_body_bytes=max_body_bytes,
        spec=spec,
    )
    app.state.backend = tolerant_backend(backend, ROUTES)
    for route in ROUTES:
        # added to the app itself (no sub-router), so a 405 can list every method of a path
        app.add_api_route(
            BASE_PATH + route.path,
            route.endpoint,
            methods=[route.method],
            operation_id=route.operation_id,
            response_class=Response,
            dependencies=route_checks(route),
        )

    async def openapi() -> JSONResponse:
        return JSONResponse(spec)

    app.add_api_route("/openapi.json", openapi, methods=["GET"], include_in_schema=False)
    return app
