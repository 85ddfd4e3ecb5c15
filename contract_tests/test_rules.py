"""The API's own rules, through the generated client: what no schema can say.

Writes only where the target allows them; every deployment this run creates carries the run's
name prefix, and all of them are deleted at the end, even after a failure or Ctrl-C.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta

import paperspace_deployments as sdk
import pytest
from paperspace_deployments import models

from contract_tests import journal
from contract_tests.target import Target

MAX_CREATED = 9  # distinct names these tests create


class Deployments:
    """Creates deployments for one run and removes them all afterwards."""

    def __init__(self, client: sdk.Client, target: Target) -> None:
        self.client = client
        self.target = target
        self.prefix = target.run_prefix
        self.created: set[str] = set()

    def upsert(self, name: str, **fields: object) -> models.Deployment:
        if len(self.created) >= MAX_CREATED:
            pytest.fail(f"the suite would create more than {MAX_CREATED} deployments")
        if journal.budget_spent(self.target):
            pytest.skip("not run: the run's creation budget (--max-created) is spent")
        spec = models.DeploymentSpec(name=self.prefix + name, image="nginx:1.25", machine_type="A4000", **fields)  # type: ignore[arg-type]
        deployment = self.client.upsert_deployment(spec)
        self.created.add(deployment.id)
        return deployment

    def clean_up(self) -> None:
        for id in sorted(self.created):
            with contextlib.suppress(sdk.NotFoundError):  # already gone: the test deleted it
                self.client.delete_deployment(id)


@pytest.fixture(scope="module")
def client(target: Target) -> Iterator[sdk.Client]:
    with journal.client(target) as c:
        yield c


@pytest.fixture(scope="module")
def deployments(target: Target, client: sdk.Client) -> Iterator[Deployments]:
    if not target.allow_writes:
        pytest.skip("not run: the target is read-only (pass --allow-writes)")
    made = Deployments(client, target)
    try:
        yield made
    finally:
        made.clean_up()


def test_upsert_by_name_is_idempotent_and_a_change_adds_one_revision(
    client: sdk.Client, deployments: Deployments
) -> None:
    first = deployments.upsert("idem", replicas=1)
    again = deployments.upsert("idem", replicas=1)
    assert again.id == first.id, "the same name in the same project is the same deployment"
    assert [r.revision for r in client.get_deployment_history(first.id)] == [1]
    changed = deployments.upsert("idem", replicas=1, env={"K": "v"})
    history = client.get_deployment_history(first.id)
    assert [r.revision for r in history] == [1, 2], "revisions are contiguous, one per change"
    assert history[-1].spec.env == {"K": "v"}, "the revision holds the spec submitted"
    assert changed.id == first.id


def test_get_matches_the_list_entry_and_the_project_listing(client: sdk.Client, deployments: Deployments) -> None:
    created = deployments.upsert("match")
    got = client.get_deployment(created.id)
    listed = {d.id: d for d in client.list_deployments(limit=120)}
    assert created.id in listed
    assert listed[created.id].model_dump(exclude={"state", "replicas"}) == got.model_dump(exclude={"state", "replicas"})
    in_project = {d.id for d in client.list_project_deployments(got.project_id)}
    assert created.id in in_project
    assert all(listed[i].project_id == got.project_id for i in in_project if i in listed)


def test_paging_with_any_limit_yields_each_deployment_once(client: sdk.Client, deployments: Deployments) -> None:
    for n in range(3):
        deployments.upsert(f"page{n}")
    everything = [d.id for d in client.list_deployments(limit=120)]
    for limit in (1, 2, 3):
        pages = list(client.list_deployments(limit=limit).iter_pages())
        assert all(len(page.items) <= limit for page in pages), f"a page held more than limit={limit}"
        paged = [d.id for page in pages for d in page.items]
        assert paged == everything, f"limit={limit}"
        assert len(paged) == len(set(paged))


def test_runs_belong_to_their_deployment(client: sdk.Client, deployments: Deployments) -> None:
    created = deployments.upsert("runs")
    assert all(run.deployment_id == created.id for run in client.list_deployment_runs(created.id))


def test_after_delete_everything_is_404(client: sdk.Client, deployments: Deployments) -> None:
    created = deployments.upsert("gone")
    client.delete_deployment(created.id)
    for call in (
        client.get_deployment,
        client.list_deployment_runs,
        client.get_deployment_metrics,
        client.get_deployment_logs,
        client.get_deployment_history,
    ):
        with pytest.raises(sdk.NotFoundError):
            call(created.id)


def test_another_team_sees_none_of_it(target: Target, client: sdk.Client, deployments: Deployments) -> None:
    if not target.other_token:
        pytest.skip("not run: no second team's token (--other-team-token)")
    created = deployments.upsert("private")
    with journal.client(target, target.other_token) as other:
        with pytest.raises(sdk.NotFoundError):
            other.get_deployment(created.id)
        with pytest.raises(sdk.NotFoundError):
            other.get_deployment_history(created.id)
        assert created.id not in {d.id for d in other.list_deployments(limit=120)}


def test_logs_never_exceed_limit_and_metric_points_lie_within_the_range(
    client: sdk.Client, deployments: Deployments
) -> None:
    created = deployments.upsert("observed")
    for limit in (1, 2, 5):
        lines = client.get_deployment_logs(created.id, limit=limit)
        assert len(lines) <= limit, f"{len(lines)} log lines for limit={limit}"
        assert [line.t for line in lines] == sorted(line.t for line in lines), "logs come oldest first"
    start = created.dt_created - timedelta(minutes=30)
    end = created.dt_created + timedelta(minutes=30)
    answer = client.get_deployment_metrics(created.id, start=start, end=end)
    assert answer.deployment_id == created.id
    for series in answer.series:
        outside = [v.t for v in series.values if not start <= v.t <= end]
        assert not outside, f"{series.metric} points outside [{start}, {end}]: {outside[:3]}"
