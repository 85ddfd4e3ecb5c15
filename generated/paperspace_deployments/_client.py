# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
"""The Paperspace Deployments API clients: one method per operation, each a single call into the runtime."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cached_property
from typing import ClassVar, overload

import httpx

from . import models
from ._base_client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncAPIClient,
    SyncAPIClient,
)
from ._pagination import AsyncPaginator, Paging, SyncPage
from ._response import async_to_raw_response_wrapper, to_raw_response_wrapper
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._waiters import Waiting

__all__ = ["AsyncClient", "AsyncClientWithRawResponse", "Client", "ClientWithRawResponse"]

_PAGING_LIST_DEPLOYMENTS = Paging(
    cursor_param="after",
    items="items",
    has_more="has_more",
    next_cursor="next_page",
)

_PAGING_LIST_PROJECT_DEPLOYMENTS = Paging(
    cursor_param="after",
    items="items",
    has_more="has_more",
    next_cursor="next_page",
)

_WAIT_FOR_DEPLOYMENT_READY = Waiting(
    "wait_for_deployment_ready", ("state",), success=frozenset({"ready"}), failure=frozenset({"error", "stopped"})
)


class Client(SyncAPIClient):
    """Synchronous client of the Paperspace Deployments API.

    The API key comes from ``api_key`` or the ``PAPERSPACE_API_KEY`` environment variable, the
    base URL from ``base_url``, ``PAPERSPACE_API_URL`` or the spec's server
    (https://api.paperspace.com/v1).
    """

    _api_key_env: ClassVar[str] = "PAPERSPACE_API_KEY"
    _base_url_env: ClassVar[str] = "PAPERSPACE_API_URL"
    _default_base_url: ClassVar[str] = "https://api.paperspace.com/v1"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
        )

    def with_options(
        self,
        *,
        api_key: str | NotGiven = NOT_GIVEN,
        base_url: str | httpx.URL | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
    ) -> Client:
        """A copy with other settings that shares this client's connections."""
        settings = self._copy_settings(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        return Client(http_client=self._http, **settings)

    @cached_property
    def with_raw_response(self) -> ClientWithRawResponse:
        """The same methods, answering an ``APIResponse`` (status, headers, ``parse()``) instead."""
        return ClientWithRawResponse(self)

    def list_deployments(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[models.DeploymentList, models.Deployment]:
        """List Deployments

        Fetches a list of deployments for the authenticated team.

        Args:
            after: Cursor from a previous page's `nextPage`; absent for the first page.
            limit: Page size; the live service allows 1 to 120.
        """
        return self._request_page(
            models.DeploymentList,
            _PAGING_LIST_DEPLOYMENTS,
            "get",
            "/deployments",
            params={
                "after": after,
                "limit": limit,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    @overload
    def upsert_deployment(
        self,
        body: models.DeploymentSpec,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment: ...

    @overload
    def upsert_deployment(
        self,
        *,
        name: str,
        image: str,
        machine_type: str,
        project_id: str | NotGiven = NOT_GIVEN,
        replicas: int | NotGiven = NOT_GIVEN,
        ports: list[int] | NotGiven = NOT_GIVEN,
        env: dict[str, str] | NotGiven = NOT_GIVEN,
        command: list[str] | NotGiven = NOT_GIVEN,
        autoscaling: models.AutoscalingPolicy | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment: ...

    def upsert_deployment(
        self,
        body: models.DeploymentSpec | None = None,
        *,
        name: str | NotGiven = NOT_GIVEN,
        image: str | NotGiven = NOT_GIVEN,
        machine_type: str | NotGiven = NOT_GIVEN,
        project_id: str | NotGiven = NOT_GIVEN,
        replicas: int | NotGiven = NOT_GIVEN,
        ports: list[int] | NotGiven = NOT_GIVEN,
        env: dict[str, str] | NotGiven = NOT_GIVEN,
        command: list[str] | NotGiven = NOT_GIVEN,
        autoscaling: models.AutoscalingPolicy | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment:
        """Create or Update Deployment

        Submits a new deployment configuration. If the deployment does not exist one is created; otherwise a new run is started against the existing deployment.

        Args:
            body: the whole models.DeploymentSpec; or pass its fields as keyword arguments instead
            name: (required) Unique within the project.
            image: (required) Container image reference.
            machine_type: (required) `machineType` of the body
            project_id: Defaults to the team's default project.
            replicas: 0 stops the deployment.
            ports: `ports` of the body
            env: `env` of the body
            command: `command` of the body
            autoscaling: `autoscaling` of the body
        """
        return self._request(
            models.Deployment,
            "post",
            "/deployments",
            json=self._body(
                models.DeploymentSpec,
                body,
                {
                    "name": name,
                    "image": image,
                    "machineType": machine_type,
                    "projectId": project_id,
                    "replicas": replicas,
                    "ports": ports,
                    "env": env,
                    "command": command,
                    "autoscaling": autoscaling,
                },
                required=True,
                operation="upsert_deployment",
            ),
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def get_deployment(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment:
        """Get Deployment

        Fetches a single deployment by deployment ID.
        """
        return self._request(
            models.Deployment,
            "get",
            "/deployments/{id}",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def delete_deployment(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete Deployment

        Removes a deployment using its identifier.
        """
        return self._request(
            type(None),
            "delete",
            "/deployments/{id}",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def list_deployment_runs(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[models.DeploymentRun]:
        """List Deployment Runs

        Lists the active deployment runs for a deployment.
        """
        return self._request(
            list[models.DeploymentRun],
            "get",
            "/deployments/{id}/runs",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def get_deployment_metrics(
        self,
        id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.DeploymentMetrics:
        """Get Deployment Metrics

        Retrieves performance data for a given deployment over a time range.

        Args:
            start: Start of the range (inclusive); defaults to one hour before `end`.
            end: End of the range (inclusive); defaults to now. A range that ends before it starts has no points.
        """
        return self._request(
            models.DeploymentMetrics,
            "get",
            "/deployments/{id}/metrics",
            path_params={
                "id": id,
            },
            params={
                "start": start,
                "end": end,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def get_deployment_logs(
        self,
        id: str,
        *,
        limit: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[models.LogLine]:
        """Get Deployment Logs

        Obtains log entries associated with a deployment.

        Args:
            limit: How many of the newest lines to return, oldest first.
        """
        return self._request(
            list[models.LogLine],
            "get",
            "/deployments/{id}/logs",
            path_params={
                "id": id,
            },
            params={
                "limit": limit,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def get_deployment_history(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[models.DeploymentRevision]:
        """Get Deployment History

        Accesses configuration change records for a deployment.
        """
        return self._request(
            list[models.DeploymentRevision],
            "get",
            "/deployments/{id}/history",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def list_project_deployments(
        self,
        id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[models.DeploymentList, models.Deployment]:
        """List Project Deployments

        Fetches a list of deployments scoped to a specific project.

        Args:
            after: Cursor from a previous page's `nextPage`; absent for the first page.
            limit: Page size; the live service allows 1 to 120.
        """
        return self._request_page(
            models.DeploymentList,
            _PAGING_LIST_PROJECT_DEPLOYMENTS,
            "get",
            "/projects/{id}/deployments",
            path_params={
                "id": id,
            },
            params={
                "after": after,
                "limit": limit,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def wait_for_deployment_ready(
        self,
        id: str,
        *,
        timeout: float = 900.0,
        poll_interval: float = 5.0,
        on_poll: Callable[[models.Deployment], object] | None = None,
    ) -> models.Deployment:
        """Wait until the deployment's rollout has finished and it serves.

        Polls `get_deployment` until `state` is `ready` and returns that answer; `WaiterFailureError` if it becomes `error` or `stopped`; `WaiterTimeoutError` once `timeout` seconds have passed. A `Retry-After` of an answer is waited instead of `poll_interval`; `on_poll` is called with each answer.
        """
        return self._wait_for(
            lambda: self.get_deployment(id),
            _WAIT_FOR_DEPLOYMENT_READY,
            timeout=timeout,
            poll_interval=poll_interval,
            on_poll=on_poll,
        )


class ClientWithRawResponse:
    """``client.with_raw_response.<operation>(...)``: the call as made by
    ``client.<operation>``, answering an ``APIResponse`` of its value."""

    def __init__(self, client: Client) -> None:
        self.list_deployments = to_raw_response_wrapper(client.list_deployments)
        self.upsert_deployment = to_raw_response_wrapper(client.upsert_deployment)
        self.get_deployment = to_raw_response_wrapper(client.get_deployment)
        self.delete_deployment = to_raw_response_wrapper(client.delete_deployment)
        self.list_deployment_runs = to_raw_response_wrapper(client.list_deployment_runs)
        self.get_deployment_metrics = to_raw_response_wrapper(client.get_deployment_metrics)
        self.get_deployment_logs = to_raw_response_wrapper(client.get_deployment_logs)
        self.get_deployment_history = to_raw_response_wrapper(client.get_deployment_history)
        self.list_project_deployments = to_raw_response_wrapper(client.list_project_deployments)


class AsyncClient(AsyncAPIClient):
    """Asynchronous client of the Paperspace Deployments API.

    The API key comes from ``api_key`` or the ``PAPERSPACE_API_KEY`` environment variable, the
    base URL from ``base_url``, ``PAPERSPACE_API_URL`` or the spec's server
    (https://api.paperspace.com/v1).
    """

    _api_key_env: ClassVar[str] = "PAPERSPACE_API_KEY"
    _base_url_env: ClassVar[str] = "PAPERSPACE_API_URL"
    _default_base_url: ClassVar[str] = "https://api.paperspace.com/v1"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
        )

    def with_options(
        self,
        *,
        api_key: str | NotGiven = NOT_GIVEN,
        base_url: str | httpx.URL | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
    ) -> AsyncClient:
        """A copy with other settings that shares this client's connections."""
        settings = self._copy_settings(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        return AsyncClient(http_client=self._http, **settings)

    @cached_property
    def with_raw_response(self) -> AsyncClientWithRawResponse:
        """The same methods, answering an ``APIResponse`` (status, headers, ``parse()``) instead."""
        return AsyncClientWithRawResponse(self)

    def list_deployments(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[models.DeploymentList, models.Deployment]:
        """List Deployments

        Fetches a list of deployments for the authenticated team.

        Args:
            after: Cursor from a previous page's `nextPage`; absent for the first page.
            limit: Page size; the live service allows 1 to 120.
        """
        return self._request_page(
            models.DeploymentList,
            _PAGING_LIST_DEPLOYMENTS,
            "get",
            "/deployments",
            params={
                "after": after,
                "limit": limit,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    @overload
    async def upsert_deployment(
        self,
        body: models.DeploymentSpec,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment: ...

    @overload
    async def upsert_deployment(
        self,
        *,
        name: str,
        image: str,
        machine_type: str,
        project_id: str | NotGiven = NOT_GIVEN,
        replicas: int | NotGiven = NOT_GIVEN,
        ports: list[int] | NotGiven = NOT_GIVEN,
        env: dict[str, str] | NotGiven = NOT_GIVEN,
        command: list[str] | NotGiven = NOT_GIVEN,
        autoscaling: models.AutoscalingPolicy | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment: ...

    async def upsert_deployment(
        self,
        body: models.DeploymentSpec | None = None,
        *,
        name: str | NotGiven = NOT_GIVEN,
        image: str | NotGiven = NOT_GIVEN,
        machine_type: str | NotGiven = NOT_GIVEN,
        project_id: str | NotGiven = NOT_GIVEN,
        replicas: int | NotGiven = NOT_GIVEN,
        ports: list[int] | NotGiven = NOT_GIVEN,
        env: dict[str, str] | NotGiven = NOT_GIVEN,
        command: list[str] | NotGiven = NOT_GIVEN,
        autoscaling: models.AutoscalingPolicy | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment:
        """Create or Update Deployment

        Submits a new deployment configuration. If the deployment does not exist one is created; otherwise a new run is started against the existing deployment.

        Args:
            body: the whole models.DeploymentSpec; or pass its fields as keyword arguments instead
            name: (required) Unique within the project.
            image: (required) Container image reference.
            machine_type: (required) `machineType` of the body
            project_id: Defaults to the team's default project.
            replicas: 0 stops the deployment.
            ports: `ports` of the body
            env: `env` of the body
            command: `command` of the body
            autoscaling: `autoscaling` of the body
        """
        return await self._request(
            models.Deployment,
            "post",
            "/deployments",
            json=self._body(
                models.DeploymentSpec,
                body,
                {
                    "name": name,
                    "image": image,
                    "machineType": machine_type,
                    "projectId": project_id,
                    "replicas": replicas,
                    "ports": ports,
                    "env": env,
                    "command": command,
                    "autoscaling": autoscaling,
                },
                required=True,
                operation="upsert_deployment",
            ),
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    async def get_deployment(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.Deployment:
        """Get Deployment

        Fetches a single deployment by deployment ID.
        """
        return await self._request(
            models.Deployment,
            "get",
            "/deployments/{id}",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    async def delete_deployment(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete Deployment

        Removes a deployment using its identifier.
        """
        return await self._request(
            type(None),
            "delete",
            "/deployments/{id}",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    async def list_deployment_runs(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[models.DeploymentRun]:
        """List Deployment Runs

        Lists the active deployment runs for a deployment.
        """
        return await self._request(
            list[models.DeploymentRun],
            "get",
            "/deployments/{id}/runs",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    async def get_deployment_metrics(
        self,
        id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> models.DeploymentMetrics:
        """Get Deployment Metrics

        Retrieves performance data for a given deployment over a time range.

        Args:
            start: Start of the range (inclusive); defaults to one hour before `end`.
            end: End of the range (inclusive); defaults to now. A range that ends before it starts has no points.
        """
        return await self._request(
            models.DeploymentMetrics,
            "get",
            "/deployments/{id}/metrics",
            path_params={
                "id": id,
            },
            params={
                "start": start,
                "end": end,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    async def get_deployment_logs(
        self,
        id: str,
        *,
        limit: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[models.LogLine]:
        """Get Deployment Logs

        Obtains log entries associated with a deployment.

        Args:
            limit: How many of the newest lines to return, oldest first.
        """
        return await self._request(
            list[models.LogLine],
            "get",
            "/deployments/{id}/logs",
            path_params={
                "id": id,
            },
            params={
                "limit": limit,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    async def get_deployment_history(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[models.DeploymentRevision]:
        """Get Deployment History

        Accesses configuration change records for a deployment.
        """
        return await self._request(
            list[models.DeploymentRevision],
            "get",
            "/deployments/{id}/history",
            path_params={
                "id": id,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    def list_project_deployments(
        self,
        id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[models.DeploymentList, models.Deployment]:
        """List Project Deployments

        Fetches a list of deployments scoped to a specific project.

        Args:
            after: Cursor from a previous page's `nextPage`; absent for the first page.
            limit: Page size; the live service allows 1 to 120.
        """
        return self._request_page(
            models.DeploymentList,
            _PAGING_LIST_PROJECT_DEPLOYMENTS,
            "get",
            "/projects/{id}/deployments",
            path_params={
                "id": id,
            },
            params={
                "after": after,
                "limit": limit,
            },
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
            idempotent=True,
        )

    async def wait_for_deployment_ready(
        self,
        id: str,
        *,
        timeout: float = 900.0,
        poll_interval: float = 5.0,
        on_poll: Callable[[models.Deployment], object] | None = None,
    ) -> models.Deployment:
        """Wait until the deployment's rollout has finished and it serves.

        Polls `get_deployment` until `state` is `ready` and returns that answer; `WaiterFailureError` if it becomes `error` or `stopped`; `WaiterTimeoutError` once `timeout` seconds have passed. A `Retry-After` of an answer is waited instead of `poll_interval`; `on_poll` is called with each answer.
        """
        return await self._wait_for(
            lambda: self.get_deployment(id),
            _WAIT_FOR_DEPLOYMENT_READY,
            timeout=timeout,
            poll_interval=poll_interval,
            on_poll=on_poll,
        )


class AsyncClientWithRawResponse:
    """``await client.with_raw_response.<operation>(...)``: the call as made by
    ``client.<operation>``, answering an ``APIResponse`` of its value."""

    def __init__(self, client: AsyncClient) -> None:
        self.list_deployments = async_to_raw_response_wrapper(client.list_deployments)
        self.upsert_deployment = async_to_raw_response_wrapper(client.upsert_deployment)
        self.get_deployment = async_to_raw_response_wrapper(client.get_deployment)
        self.delete_deployment = async_to_raw_response_wrapper(client.delete_deployment)
        self.list_deployment_runs = async_to_raw_response_wrapper(client.list_deployment_runs)
        self.get_deployment_metrics = async_to_raw_response_wrapper(client.get_deployment_metrics)
        self.get_deployment_logs = async_to_raw_response_wrapper(client.get_deployment_logs)
        self.get_deployment_history = async_to_raw_response_wrapper(client.get_deployment_history)
        self.list_project_deployments = async_to_raw_response_wrapper(client.list_project_deployments)
