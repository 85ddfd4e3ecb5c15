"""A small in-memory backend of the generated ``Backend`` protocol, for the stub/client tests.

It is deliberately simple (the real one is the emulator); mypy checks that it still matches the
protocol the stubs were generated with.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from paperspace_deployments import models
from paperspace_deployments._server_base import BackendError, NotFound, RequestContext, TooManyRequests

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryBackend:
    def __init__(self) -> None:
        self.deployments: dict[str, models.Deployment] = {}
        self.history: dict[str, list[models.DeploymentRevision]] = {}
        self.principals: list[object] = []
        self.fail_next: list[BackendError | Exception] = []  # raised, in order, by the next calls

    def _check(self, context: RequestContext) -> None:
        self.principals.append(context.principal)
        if self.fail_next:
            raise self.fail_next.pop(0)

    def _get(self, id: str) -> models.Deployment:
        if id not in self.deployments:
            raise NotFound(f"Deployment {id} not found")
        return self.deployments[id]

    def _page(self, items: list[models.Deployment], after: str | None, limit: int) -> models.DeploymentList:
        ids = [d.id for d in items]
        start = ids.index(after) + 1 if after in ids else 0
        chunk = items[start : start + limit]
        has_more = start + limit < len(items)
        page = models.DeploymentList(items=chunk, has_more=has_more)
        if has_more:
            page.next_page = chunk[-1].id
        return page

    async def list_deployments(
        self, context: RequestContext, *, after: str | None, limit: int
    ) -> models.DeploymentList:
        self._check(context)
        return self._page(list(self.deployments.values()), after, limit)

    async def upsert_deployment(self, context: RequestContext, body: models.DeploymentSpec) -> models.Deployment:
        self._check(context)
        id = f"dep-{body.name}"
        created = EPOCH + timedelta(seconds=len(self.deployments))
        deployment = models.Deployment(
            id=id,
            name=body.name,
            image=body.image,
            project_id=body.project_id or "default",
            machine_type=body.machine_type,
            replicas=body.replicas if body.replicas is not None else 1,
            state=models.State.deploying,
            dt_created=self.deployments[id].dt_created if id in self.deployments else created,
        )
        self.deployments[id] = deployment
        revisions = self.history.setdefault(id, [])
        revisions.append(
            models.DeploymentRevision(revision=len(revisions) + 1, spec=body, dt_created=created, user_id="u1")
        )
        return deployment

    async def get_deployment(self, context: RequestContext, id: str) -> models.Deployment:
        self._check(context)
        return self._get(id)

    async def delete_deployment(self, context: RequestContext, id: str) -> None:
        self._check(context)
        self._get(id)
        del self.deployments[id]

    async def list_deployment_runs(self, context: RequestContext, id: str) -> list[models.DeploymentRun]:
        self._check(context)
        deployment = self._get(id)
        run = models.DeploymentRun(
            id=f"{id}-run", deployment_id=id, state="running", replicas=deployment.replicas, dt_started=EPOCH
        )
        return [run]

    async def get_deployment_metrics(
        self, context: RequestContext, id: str, *, start: datetime | None, end: datetime | None
    ) -> models.DeploymentMetrics:
        self._check(context)
        self._get(id)
        moment = start or EPOCH
        series = models.Series(metric="cpu", values=[models.Value(t=moment, v=0.5)])
        return models.DeploymentMetrics(deployment_id=id, series=[series])

    async def get_deployment_logs(self, context: RequestContext, id: str, *, limit: int) -> list[models.LogLine]:
        self._check(context)
        self._get(id)
        lines = [models.LogLine(t=EPOCH, stream=models.Stream.stdout, message=f"line {n}") for n in range(5)]
        return lines[-limit:]

    async def get_deployment_history(self, context: RequestContext, id: str) -> list[models.DeploymentRevision]:
        self._check(context)
        self._get(id)
        return self.history[id]

    async def list_project_deployments(
        self, context: RequestContext, id: str, *, after: str | None, limit: int
    ) -> models.DeploymentList:
        self._check(context)
        in_project = [d for d in self.deployments.values() if d.project_id == id]
        return self._page(in_project, after, limit)


__all__ = ["MemoryBackend", "TooManyRequests"]
