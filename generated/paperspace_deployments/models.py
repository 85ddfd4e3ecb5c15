# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from ._enums import OpenStrEnum


class AutoscalingPolicy(BaseModel):
    """
    The spec's `AutoscalingPolicy` schema: part of `Deployment`, `DeploymentSpec`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    min: Annotated[int | None, Field(ge=0, le=100)] = None
    max: Annotated[int | None, Field(ge=1, le=100)] = None
    target: Annotated[int | None, Field(ge=1)] = None
    """
    Target value of `metric` per replica.
    """
    metric: Metric | None = None


class Deployment(BaseModel):
    """
    The spec's `Deployment` schema: returned by `upsert_deployment`, `get_deployment`; part of `DeploymentList`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: str
    name: str
    image: str
    project_id: Annotated[str, Field(alias="projectId")]
    machine_type: Annotated[str, Field(alias="machineType")]
    cluster_id: Annotated[str | None, Field(alias="clusterId")] = None
    endpoint: str | None = None
    replicas: int
    state: State
    autoscaling: AutoscalingPolicy | None = None
    dt_created: Annotated[datetime, Field(alias="dtCreated")]


class DeploymentList(BaseModel):
    """
    The spec's `DeploymentList` schema: returned by `list_deployments`, `list_project_deployments`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    items: list[Deployment]
    has_more: Annotated[bool, Field(alias="hasMore")]
    next_page: Annotated[str | None, Field(alias="nextPage")] = None
    """
    Cursor for the next page, present when `hasMore` is true.
    """


class DeploymentMetrics(BaseModel):
    """
    The spec's `DeploymentMetrics` schema: returned by `get_deployment_metrics`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    deployment_id: Annotated[str, Field(alias="deploymentId")]
    series: list[Series]


class DeploymentRevision(BaseModel):
    """
    The spec's `DeploymentRevision` schema: returned by `get_deployment_history`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    revision: Annotated[int, Field(ge=1)]
    spec: DeploymentSpec
    dt_created: Annotated[datetime, Field(alias="dtCreated")]
    user_id: Annotated[str, Field(alias="userId")]


class DeploymentRun(BaseModel):
    """
    The spec's `DeploymentRun` schema: returned by `list_deployment_runs`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    id: str
    deployment_id: Annotated[str, Field(alias="deploymentId")]
    state: str
    replicas: int
    dt_started: Annotated[datetime, Field(alias="dtStarted")]


class DeploymentSpec(BaseModel):
    """
    The spec's `DeploymentSpec` schema: sent to `upsert_deployment`; part of `DeploymentRevision`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str, Field(max_length=255, min_length=1)]
    """
    Unique within the project.
    """
    project_id: Annotated[str | None, Field(alias="projectId", min_length=1)] = None
    """
    Defaults to the team's default project.
    """
    image: Annotated[str, Field(max_length=1024, min_length=1)]
    """
    Container image reference.
    """
    machine_type: Annotated[str, Field(alias="machineType", max_length=255, min_length=1)]
    replicas: Annotated[int | None, Field(ge=0, le=100)] = None
    """
    0 stops the deployment.
    """
    ports: Annotated[list[Port] | None, Field(max_length=16)] = None
    env: dict[str, str] | None = None
    command: list[str] | None = None
    autoscaling: AutoscalingPolicy | None = None


class Error(BaseModel):
    """
    An error answer. `code` names the kind of error; `message` is for people.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    code: Annotated[str, Field(examples=["NOT_FOUND"])]
    """
    One of BAD_REQUEST (400), UNAUTHORIZED (401), FORBIDDEN (403), NOT_FOUND (404), CONFLICT (409), PAYLOAD_TOO_LARGE (413), TOO_MANY_REQUESTS (429), INTERNAL_SERVER_ERROR (500). Clients should accept codes they do not know.
    """
    message: Annotated[str, Field(examples=["Deployment not found"])]
    details: Any | None = None
    """
    Anything that helps: for BAD_REQUEST, the list of problems with the input, each naming where it was found.
    """


class LogLine(BaseModel):
    """
    The spec's `LogLine` schema: returned by `get_deployment_logs`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    t: datetime
    stream: Stream
    message: str


class Metric(OpenStrEnum):
    """
    One of 'cpu', 'memory', 'requests': the type of `AutoscalingPolicy.metric`. A value a newer server sends is kept as a member of its own.
    """

    cpu = "cpu"
    memory = "memory"
    requests = "requests"


Port = TypeAliasType("Port", Annotated[int, Field(ge=1, le=65535)])


class Series(BaseModel):
    """
    `Series`: the type of `DeploymentMetrics.series`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    metric: str
    values: list[Value]


class State(OpenStrEnum):
    """
    One of 'ready', 'scaling', 'deploying', 'error', 'stopped': the type of `Deployment.state`. A value a newer server sends is kept as a member of its own.
    """

    ready = "ready"
    scaling = "scaling"
    deploying = "deploying"
    error = "error"
    stopped = "stopped"


class Stream(OpenStrEnum):
    """
    One of 'stdout', 'stderr': the type of `LogLine.stream`. A value a newer server sends is kept as a member of its own.
    """

    stdout = "stdout"
    stderr = "stderr"


class Value(BaseModel):
    """
    `Value`: the type of `Series.values`.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    t: datetime
    v: float
