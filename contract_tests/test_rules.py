"""The API's own rules, through the generated client: what no schema can say.

Writes only where the target allows them; every deployment this run creates carries the run's
name prefix, and all of them are deleted at the end, even after a failure or Ctrl-C. Each rule
counts the server's answers it judged (``judged``); a rule that judged none is *not run*.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import paperspace_deployments as sdk
import pytest
from paperspace_deployments import models

from paperspace_deployments_toolkit.contract_tests.conftest import Judged
from paperspace_deployments_toolkit.contract_tests.expectations import BASE_SPEC, differences, instant, view_of
from paperspace_deployments_toolkit.contract_tests.journal import Journal
from paperspace_deployments_toolkit.contract_tests.session import Run
from paperspace_deployments_toolkit.contract_tests.target import Secret, Target

MAX_CREATED = 20  # distinct deployments these tests create
LIFECYCLE_STEP = 40  # seconds the emulator's clock moves between writes: past a rollout (30 s)


class Deployments:
    """Creates deployments for one run and removes them all afterwards."""

    def __init__(self, client: sdk.Client, target: Target, journal: Journal) -> None:
        self.journal = journal
        self.client = client
        self.target = target
        self.prefix = target.run_prefix
        self.created: set[str] = set()

    def upsert(self, name: str, **fields: Any) -> models.Deployment:
        """Upsert ``name`` (under the run's prefix) with the wire ``fields`` over a base spec."""
        if len(self.created) >= MAX_CREATED:
            pytest.fail(f"the suite would create more than {MAX_CREATED} deployments")
        if self.journal.budget_spent(self.target):
            pytest.skip("not run: the run's creation budget (--max-created) is spent")
        spec = models.DeploymentSpec.model_validate({**BASE_SPEC, **fields, "name": self.prefix + name})
        deployment = self.client.upsert_deployment(spec)
        self.created.add(deployment.id)
        return deployment

    def clean_up(self) -> None:
        for id in sorted(self.created):
            with contextlib.suppress(sdk.NotFoundError):  # already gone: the test deleted it
                self.client.delete_deployment(id)


@pytest.fixture(scope="module")
def client(target: Target, run: Run) -> Iterator[sdk.Client]:
    with run.journal.client(target) as c:
        yield c


@pytest.fixture(scope="module")
def deployments(target: Target, client: sdk.Client, run: Run) -> Iterator[Deployments]:
    if not target.allow_writes:
        pytest.skip("not run: the target is read-only (pass --allow-writes)")
    made = Deployments(client, target, run.journal)
    try:
        yield made
    finally:
        made.clean_up()


@pytest.fixture(scope="module")
def other_team(target: Target, run: Run) -> Iterator[sdk.Client]:
    if not target.other_token:
        pytest.skip("not run: no second team's token (--other-team-token)")
    with run.journal.client(target, target.other_token) as other:
        yield other


def every_page(list_page: Callable[..., Any], limit: int) -> list[models.Deployment]:
    """Every deployment of a paginated listing, following cursors page by page."""
    pages = list(list_page(limit=limit).iter_pages())
    assert all(len(page.items) <= limit for page in pages), f"a page held more than limit={limit}"
    return [d for page in pages for d in page.items]


def wire(model: Any) -> dict[str, Any]:
    """A model as it travels (camelCase, nothing unset)."""
    return dict(model.model_dump(mode="json", by_alias=True, exclude_none=True))


def test_upsert_by_name_is_idempotent_and_a_change_adds_one_revision(
    client: sdk.Client, deployments: Deployments, judged: Judged
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
    judged.add(5)


def test_every_field_reads_back_as_written(client: sdk.Client, deployments: Deployments, judged: Judged) -> None:
    """After a change of every field, get, the listing, the project listing and the newest
    revision show exactly what was sent: no read answers the deployment as it was before."""
    first = {"replicas": 1, "ports": [80], "env": {"A": "1"}, "command": ["nginx"]}
    created = deployments.upsert("fields", **first)
    changed = {
        "image": "nginx:1.27",
        "machineType": "A6000",
        "replicas": 2,
        "ports": [443, 8080],
        "env": {"A": "2", "B": "x"},
        "command": ["nginx", "-g", "daemon off;"],
        "autoscaling": {"min": 1, "max": 3, "target": 70, "metric": "cpu"},
    }
    deployments.upsert("fields", **changed)
    sent = {**BASE_SPEC, **changed, "name": created.name}
    reads = {
        "get": client.get_deployment(created.id),
        "the listing": _entry(every_page(client.list_deployments, 120), created.id),
        "the project listing": _entry(
            every_page(functools.partial(client.list_project_deployments, created.project_id), 120), created.id
        ),
    }
    for where, answer in reads.items():
        wrong = differences(view_of(sent, created.project_id), wire(answer))
        assert not wrong, f"{where} does not show what was sent: {wrong}"
    held = wire(newest_revision(client, created.id).spec)
    wrong = differences({**sent, "projectId": created.project_id} if "projectId" in held else sent, held)
    assert not wrong, f"the newest revision does not hold the spec sent: {wrong}"
    judged.add(len(reads) + 1)


def newest_revision(client: sdk.Client, id: str) -> models.DeploymentRevision:
    """The deployment's newest revision; a history without one fails the rule (the server's fault)."""
    history = client.get_deployment_history(id)
    assert history, f"GET /deployments/{id}/history answered no revision after an upsert; expected at least one"
    return max(history, key=lambda r: r.revision)


def _entry(listed: list[models.Deployment], id: str) -> models.Deployment:
    found = [d for d in listed if d.id == id]
    assert len(found) == 1, f"deployment {id} listed {len(found)} times; expected once"
    return found[0]


def test_get_matches_the_list_entry_and_the_project_listing(
    client: sdk.Client, deployments: Deployments, judged: Judged
) -> None:
    created = deployments.upsert("match")
    got = client.get_deployment(created.id)
    listed = {d.id: d for d in client.list_deployments(limit=120)}
    assert created.id in listed
    assert listed[created.id].model_dump(exclude={"state", "replicas"}) == got.model_dump(exclude={"state", "replicas"})
    in_project = {d.id for d in client.list_project_deployments(got.project_id)}
    assert created.id in in_project
    judged.add(3)


def test_project_listing_is_the_team_listing_filtered_by_project(
    target: Target, client: sdk.Client, deployments: Deployments, judged: Judged
) -> None:
    """For every project of the team, its listing (across pages) holds exactly the team's
    deployments of that project: none left out, none of another project or team."""
    for n in range(3):
        deployments.upsert(f"inproject{n}")
    # a second project where the target makes one on first use (the emulator); a live service
    # that does not refuses it, and the rule judges the projects the team has
    with contextlib.suppress(sdk.NotFoundError, sdk.BadRequestError):
        deployments.upsert("elsewhere", projectId=f"{target.run_prefix}project")
    for _ in range(2):  # someone else's change between two reads of a live account: read again
        mismatches, compared = _project_listing_mismatches(client, target.run_prefix)
        if not mismatches:
            break
    assert not mismatches, "\n".join(mismatches)
    judged.add(compared)


def _project_listing_mismatches(client: sdk.Client, prefix: str) -> tuple[list[str], int]:
    """What differs between each project's listing and the team's, and how many were compared."""
    team = every_page(client.list_deployments, 120)
    problems, compared = [], 0
    for project in sorted({d.project_id for d in team}):
        expected = sorted(d.id for d in team if d.project_id == project)
        ours = any(d.name.startswith(prefix) for d in team if d.project_id == project)
        for limit in (2, 120) if ours else (120,):  # small pages where the run has deployments
            listed = every_page(functools.partial(client.list_project_deployments, project), limit)
            ids = [d.id for d in listed]
            compared += len(set(ids) | set(expected))
            if sorted(ids) != expected:
                missing, extra = sorted(set(expected) - set(ids)), sorted(set(ids) - set(expected))
                problems.append(
                    f"project {project} (limit={limit}): left out {missing}, not the team's or of another project"
                    f" {extra}, listed twice {sorted({i for i in ids if ids.count(i) > 1})}"
                )
            if any(d.project_id != project for d in listed):
                problems.append(f"project {project} (limit={limit}) lists deployments whose projectId differs")
    return problems, compared


def test_paging_with_any_limit_yields_each_deployment_once(
    client: sdk.Client, deployments: Deployments, judged: Judged
) -> None:
    for n in range(3):
        deployments.upsert(f"page{n}")
    everything = [d.id for d in client.list_deployments(limit=120)]
    for limit in (1, 2, 3):
        paged = [d.id for d in every_page(client.list_deployments, limit)]
        assert paged == everything, f"limit={limit}"
        assert len(paged) == len(set(paged))
        judged.add(len(paged))


def test_runs_belong_to_their_deployment(client: sdk.Client, deployments: Deployments, judged: Judged) -> None:
    created = deployments.upsert("runs")
    runs = client.list_deployment_runs(created.id)
    assert all(run.deployment_id == created.id for run in runs)
    judged.add(len(runs))


def test_after_delete_everything_is_404(client: sdk.Client, deployments: Deployments, judged: Judged) -> None:
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
        judged.add()


def test_another_team_sees_none_of_it(
    client: sdk.Client, other_team: sdk.Client, deployments: Deployments, judged: Judged
) -> None:
    created = deployments.upsert("private")
    for read in (
        other_team.get_deployment,
        other_team.get_deployment_history,
        other_team.list_deployment_runs,
        other_team.get_deployment_metrics,
        other_team.get_deployment_logs,
    ):
        with pytest.raises(sdk.NotFoundError):
            read(created.id)
        judged.add()
    assert created.id not in {d.id for d in other_team.list_deployments(limit=120)}
    judged.add()


def test_another_team_cannot_change_or_take_over_a_deployment(
    target: Target, client: sdk.Client, other_team: sdk.Client, deployments: Deployments, judged: Judged
) -> None:
    """The second team's every write on the first team's deployment answers 404, and an upsert of
    its name makes the second team its own deployment: the first team's stays as it was."""
    created = deployments.upsert("owned", env={"OWNER": "first"})
    before = _state(client, created.id)
    with pytest.raises(sdk.NotFoundError):
        other_team.delete_deployment(created.id)
    judged.add()
    spec = {**BASE_SPEC, "name": created.name, "env": {"OWNER": "second"}}
    # the same name in the second team's own project: 404, or a deployment of its own
    with contextlib.suppress(sdk.NotFoundError):
        theirs = other_team.upsert_deployment(models.DeploymentSpec.model_validate(spec))
        _remove_own(other_team, theirs.id, created.id)
        assert theirs.id != created.id, "the second team's upsert of the same name took over the deployment"
        assert theirs.project_id != created.project_id, "the second team's upsert landed in the first team's project"
    judged.add()
    # into the first team's project: as if it did not exist, 404
    try:
        intruder = other_team.upsert_deployment(
            models.DeploymentSpec.model_validate({**spec, "projectId": created.project_id})
        )
    except sdk.NotFoundError:
        judged.add()
    else:
        _remove_own(other_team, intruder.id, created.id)
        pytest.fail(
            "the second team upserted into the first team's project (answered"
            f" {'its deployment' if intruder.id == created.id else 'a new deployment'}); expected 404"
        )
    with contextlib.suppress(sdk.NotFoundError):
        listed = {d.id for d in other_team.list_project_deployments(created.project_id, limit=120)}
        assert created.id not in listed, "the second team lists the first team's project"
    judged.add()
    assert _state(client, created.id) == before, "the first team's deployment changed under the second team's writes"
    judged.add()


def _remove_own(other_team: sdk.Client, made: str, firsts: str) -> None:
    """Delete what the second team made, at once (never the first team's, should it have taken it over)."""
    if made != firsts:
        with contextlib.suppress(sdk.NotFoundError):
            other_team.delete_deployment(made)


def _state(client: sdk.Client, id: str) -> tuple[Any, ...]:
    """What must not change: the deployment's id, spec as shown, and its whole history."""
    got = client.get_deployment(id)
    history = [(r.revision, wire(r.spec)) for r in client.get_deployment_history(id)]
    return got.id, view_of(wire(got), got.project_id), history


NEAR_MISSES: dict[str, Callable[[str], str]] = {
    "a character added": lambda t: t + "x",
    "a character put before it": lambda t: "x" + t,
    "a character removed": lambda t: t[:-1],
    "a character changed": lambda t: t[: len(t) // 2] + ("y" if t[len(t) // 2] != "y" else "z") + t[len(t) // 2 + 1 :],
    "its first half": lambda t: t[: len(t) // 2],
    "its case changed": lambda t: t.swapcase(),
    "a space inside": lambda t: t[: len(t) // 2] + " " + t[len(t) // 2 :],
    "a tab inside": lambda t: t[: len(t) // 2] + "\t" + t[len(t) // 2 :],
}


def test_a_near_miss_of_a_valid_token_is_refused(target: Target, judged: Judged) -> None:
    """A token one edit away from a valid one, a prefix of it, or it in another case is a 401."""
    valid = {t for t in (target.token, target.other_token) if t}
    accepted = []
    for what, near in NEAR_MISSES.items():
        token = Secret(near(target.token))  # most of a valid token: never shown either
        if token in valid:  # swapcase of a token without letters, say: not a near miss
            continue
        answer = target.get("/deployments", token, limit=1)
        if answer.status_code != 401:
            accepted.append(f"the token with {what}: {answer.status_code}")
        judged.add()
    assert not accepted, "Expected 401 for every near miss of the valid token; Received " + "; ".join(accepted)


def test_logs_never_exceed_limit_and_come_oldest_first(
    target: Target, client: sdk.Client, deployments: Deployments, judged: Judged
) -> None:
    """Order is judged on lines with distinct timestamps only: against an emulator its clock is
    moved between writes (lines written at one instant say nothing about order)."""
    created = deployments.upsert("logged")
    for change in range(3):
        target.advance_clock(LIFECYCLE_STEP)
        deployments.upsert("logged", env={"CHANGE": str(change)})
    target.advance_clock(LIFECYCLE_STEP)
    for limit in (1, 2, 5, 100):
        lines = _newest(client, created.id, limit)
        assert len(lines) <= limit, f"{len(lines)} log lines for limit={limit}"
        times = [instant(line.t) for line in lines]
        assert times == sorted(times), f"logs (limit={limit}) do not come oldest first: {times}"
        judged.add(sum(1 for a, b in itertools.pairwise(times) if a != b))
    judged.why_none = "every log line had the same timestamp: their order says nothing"


ALL_LINES = 1000  # the spec's largest `limit` for logs


def _newest(client: sdk.Client, id: str, limit: int) -> list[models.LogLine]:
    """Logs with ``limit``, which must be the newest ``limit`` lines of all of them. A live
    deployment writes lines all the time: a line that arrived between two reads is read again."""
    for _ in range(3):
        before = client.get_deployment_logs(id, limit=ALL_LINES)
        lines = client.get_deployment_logs(id, limit=limit)
        after = client.get_deployment_logs(id, limit=ALL_LINES)
        if lines in (before[-limit:], after[-limit:]):
            return lines
    raise AssertionError(f"logs with limit={limit} are not the newest {limit} lines: {lines} of {after}")


def test_metric_points_lie_within_the_range(
    target: Target, client: sdk.Client, deployments: Deployments, judged: Judged
) -> None:
    created = deployments.upsert("observed")
    target.advance_clock(3 * LIFECYCLE_STEP)  # an emulator's deployment serves, and has metrics
    start = created.dt_created - timedelta(minutes=30)
    end = created.dt_created + timedelta(minutes=30)
    answer = client.get_deployment_metrics(created.id, start=start, end=end)
    assert answer.deployment_id == created.id
    for series in answer.series:
        outside = [v.t for v in series.values if not start <= instant(v.t) <= end]
        assert not outside, f"{series.metric} points outside [{start}, {end}]: {outside[:3]}"
        judged.add(len(series.values))
    judged.why_none = "the deployment had no metric points in the range"
