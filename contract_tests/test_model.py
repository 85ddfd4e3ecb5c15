"""A Hypothesis state machine that keeps a reference model of what the server should hold.

Random sequences of upserts (same or changed specs, every field of the spec varied), reads,
listings with random page sizes, history reads and deletes, over a few names of this run; after
every upsert, get, the listing, the project listing and the newest revision must show exactly what
was sent, and after every step the server must agree with the model. A failure prints the
shortest sequence of calls that breaks it, and its seed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import paperspace_deployments as sdk
import pytest
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from paperspace_deployments import models

from paperspace_deployments_toolkit.contract_tests.conftest import Judged
from paperspace_deployments_toolkit.contract_tests.expectations import differences, view_of
from paperspace_deployments_toolkit.contract_tests.journal import Journal
from paperspace_deployments_toolkit.contract_tests.session import Run
from paperspace_deployments_toolkit.contract_tests.target import Target

NAMES = ("alpha", "beta", "gamma")  # at most this many deployments exist at once

# every field of DeploymentSpec but projectId (a live service refuses projects it does not know),
# as it travels on the wire; an optional field is either absent or drawn
SPECS = st.fixed_dictionaries(
    {
        "image": st.sampled_from(["nginx:1.25", "nginx:1.27", "ghcr.io/acme/api:2"]),
        "machineType": st.sampled_from(["A4000", "A6000"]),
    },
    optional={
        "replicas": st.integers(0, 3),
        "ports": st.lists(st.sampled_from([80, 443, 8080]), min_size=1, max_size=3),
        "env": st.dictionaries(st.sampled_from(["MODE", "LEVEL"]), st.sampled_from(["a", "b"]), max_size=2),
        "command": st.lists(st.sampled_from(["nginx", "-g", "daemon off;"]), min_size=1, max_size=3),
        "autoscaling": st.fixed_dictionaries(
            {"min": st.integers(0, 1), "max": st.integers(2, 4)},
            optional={"target": st.integers(1, 90), "metric": st.sampled_from(["cpu", "memory", "requests"])},
        ),
    },
)


@dataclass
class Expected:
    id: str
    spec: dict[str, Any]  # the newest spec sent, as it travelled
    revisions: list[dict[str, Any]] = field(default_factory=list)
    project_id: str = ""  # the project the server put it in (the team's default)


def machine_for(
    target: Target, prefix: str, created: set[str], judged: Judged, journal: Journal
) -> type[RuleBasedStateMachine]:
    class DeploymentsAgreeWithTheModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.client = journal.client(target)
            self.model: dict[str, Expected] = {}

        def teardown(self) -> None:
            for expected in self.model.values():
                with contextlib.suppress(sdk.NotFoundError):
                    self.client.delete_deployment(expected.id)
            self.client.close()

        @rule(name=st.sampled_from(NAMES), fields=SPECS)
        def upsert(self, name: str, fields: dict[str, Any]) -> None:
            if name not in self.model and journal.budget_spent(target):
                return  # it would create one more than --max-created allows: updates only
            spec = models.DeploymentSpec.model_validate({**fields, "name": prefix + name})
            deployment = self.client.upsert_deployment(spec)
            created.add(deployment.id)
            sent = spec.model_dump(mode="json", by_alias=True, exclude_unset=True)
            expected = self.model.get(name)
            if expected is None:
                expected = self.model[name] = Expected(deployment.id, sent, [sent], deployment.project_id)
            else:
                assert deployment.id == expected.id, "an upsert of an existing name updates that deployment"
                if sent != expected.spec:  # identical again: no revision
                    expected.revisions.append(sent)
                expected.spec = sent
            self.reads_show(expected)

        def reads_show(self, expected: Expected) -> None:
            """Get, the listing, the project listing and the newest revision show what was sent."""
            want = view_of(expected.spec, expected.project_id)
            answers = {
                "get": self.client.get_deployment(expected.id),
                "the listing": self.listed(self.client.list_deployments(limit=120), expected.id),
                "the project listing": self.listed(
                    self.client.list_project_deployments(expected.project_id, limit=120), expected.id
                ),
            }
            for where, answer in answers.items():
                wrong = differences(want, answer.model_dump(mode="json", by_alias=True, exclude_none=True))
                assert not wrong, f"{where} does not show what was sent: {wrong}"
            history = self.client.get_deployment_history(expected.id)
            assert history, f"GET /deployments/{expected.id}/history answered no revision after an upsert"
            newest = max(history, key=lambda r: r.revision)
            held = newest.spec.model_dump(mode="json", by_alias=True, exclude_none=True)
            assert held.get("projectId", expected.project_id) == expected.project_id
            wrong = differences(expected.spec, held)
            assert not wrong, f"the newest revision does not hold the spec sent: {wrong}"
            judged.add(len(answers) + 1)

        @staticmethod
        def listed(listing: Iterable[models.Deployment], id: str) -> models.Deployment:
            found = [d for d in listing if d.id == id]
            assert len(found) == 1, f"deployment {id} listed {len(found)} times; expected once"
            return found[0]

        @rule(name=st.sampled_from(NAMES))
        def get(self, name: str) -> None:
            expected = self.model.get(name)
            if expected is None:
                return
            self.reads_show(expected)

        @rule(name=st.sampled_from(NAMES))
        def history(self, name: str) -> None:
            expected = self.model.get(name)
            if expected is None:
                return
            history = self.client.get_deployment_history(expected.id)
            assert [r.revision for r in history] == list(range(1, len(expected.revisions) + 1)), (
                "one revision per change"
            )
            for revision, sent in zip(history, expected.revisions, strict=True):
                held = revision.spec.model_dump(mode="json", by_alias=True, exclude_unset=True)
                assert not differences(sent, held), "a revision holds the spec submitted"
            judged.add()

        @rule(limit=st.integers(1, 5))
        def list_pages(self, limit: int) -> None:
            pages = list(self.client.list_deployments(limit=limit).iter_pages())
            assert all(len(page.items) <= limit for page in pages), f"a page held more than limit={limit}"
            ids = [d.id for page in pages for d in page.items]
            assert len(ids) == len(set(ids)), f"a deployment appeared twice across pages of {limit}"
            assert {e.id for e in self.model.values()} <= set(ids), "every deployment is listed"
            judged.add()

        @rule(name=st.sampled_from(NAMES))
        def delete(self, name: str) -> None:
            expected = self.model.pop(name, None)
            if expected is None:
                return
            self.client.delete_deployment(expected.id)
            for read in (
                self.client.get_deployment,
                self.client.get_deployment_history,
                self.client.list_deployment_runs,
            ):
                try:
                    read(expected.id)
                except sdk.NotFoundError:
                    judged.add()
                    continue
                raise AssertionError(f"{read.__name__} answered after delete; expected 404")

    return DeploymentsAgreeWithTheModel


def test_the_server_agrees_with_the_reference_model(target: Target, judged: Judged, run: Run) -> None:
    if not target.allow_writes:
        pytest.skip("not run: the target is read-only (pass --allow-writes)")
    created: set[str] = set()
    machine = machine_for(target, target.run_prefix, created, judged, run.journal)
    # --no-shrink: the first failing sequence as found (no shrinking, no explaining); typed Any, as
    # mypy checks a ** of a narrower dict against every parameter of settings()
    phases: dict[str, Any] = {} if target.shrink else {"phases": (Phase.explicit, Phase.reuse, Phase.generate)}
    try:
        run_state_machine_as_test(
            seed(target.seed)(machine),
            settings=settings(
                max_examples=max(5, target.examples // 2),
                stateful_step_count=20,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                **phases,
            ),
        )
    finally:
        with sdk.Client(api_key=target.token, base_url=target.base_url, max_retries=2) as client:
            for id in created:  # whatever a failing sequence left behind
                with contextlib.suppress(sdk.NotFoundError):
                    client.delete_deployment(id)
