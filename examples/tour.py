"""A tour of the generated SDK: every operation, with the sync client and then the async one.

Type-checked with ``mypy --strict`` by ``make typecheck``, run against the emulator by the tests.
Run it yourself against the emulator (``make emulator`` in another shell)::

    PAPERSPACE_API_KEY=dev-token-team-a PAPERSPACE_API_URL=http://127.0.0.1:8000/v1 \\
        .venv/bin/python examples/tour.py
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from paperspace_deployments import AsyncClient, Client, NotFoundError, WaiterTimeoutError, models


def sync_tour(client: Client, name: str) -> None:
    created = client.upsert_deployment(name=name, image="nginx:1.25", machine_type="A4000", ports=[80])
    updated = client.upsert_deployment(
        models.DeploymentSpec(name=name, image="nginx:1.25", machine_type="A4000", replicas=2)
    )
    assert updated.id == created.id
    fetched: models.Deployment = client.get_deployment(created.id)
    try:  # a rollout takes 30 s on the emulator's real clock: wait a second at most here
        ready = client.wait_for_deployment_ready(created.id, timeout=1, poll_interval=0.25)
        print(f"sync: {ready.name} is ready")
    except WaiterTimeoutError as waited:
        print(f"sync: still {waited.status} after a second")
    names = [d.name for d in client.list_deployments(limit=10)]
    in_project = [d.name for d in client.list_project_deployments(fetched.project_id)]
    assert name in names and name in in_project
    runs: list[models.DeploymentRun] = client.list_deployment_runs(created.id)
    now = datetime.now(UTC)
    metrics = client.get_deployment_metrics(created.id, start=now - timedelta(hours=1), end=now)
    logs: list[models.LogLine] = client.get_deployment_logs(created.id, limit=5)
    history = client.get_deployment_history(created.id)
    raw = client.with_raw_response.get_deployment(created.id)
    print(
        f"sync: {fetched.name} is {fetched.state}, {len(runs)} run(s), {len(metrics.series)} series, "
        f"{len(logs)} log line(s), {len(history)} revision(s); GET answered {raw.status_code}"
    )
    client.delete_deployment(created.id)
    try:
        client.get_deployment(created.id)
    except NotFoundError as error:
        print(f"sync: after delete, {error.status_code} {error.code}")


async def async_tour(client: AsyncClient, name: str) -> None:
    created = await client.upsert_deployment(name=name, image="nginx:1.25", machine_type="A4000")
    await client.upsert_deployment(models.DeploymentSpec(name=name, image="nginx:1.26", machine_type="A4000"))
    fetched = await client.get_deployment(created.id)
    try:
        await client.wait_for_deployment_ready(created.id, timeout=1, poll_interval=0.25)
    except WaiterTimeoutError as waited:
        print(f"async: still {waited.status} after a second")
    names = [d.name async for d in client.list_deployments(limit=10)]  # no await: pages as it goes
    pages = [page async for page in (await client.list_project_deployments(fetched.project_id)).iter_pages()]
    assert name in names and pages
    runs = await client.list_deployment_runs(created.id)
    metrics = await client.get_deployment_metrics(created.id, start=datetime(2026, 1, 1, tzinfo=UTC))
    logs = await client.get_deployment_logs(created.id)
    history = await client.get_deployment_history(created.id)
    raw = await client.with_raw_response.list_deployment_runs(created.id)
    print(
        f"async: {fetched.name} is {fetched.state}, {len(runs)} run(s), {len(metrics.series)} series, "
        f"{len(logs)} log line(s), {len(history)} revision(s); runs answered {raw.status_code}"
    )
    await client.delete_deployment(created.id)


def main() -> None:
    with Client() as client:
        sync_tour(client, "tour-sync")

    async def run() -> None:
        async with AsyncClient() as client:
            await async_tour(client, "tour-async")

    asyncio.run(run())


if __name__ == "__main__":
    main()
