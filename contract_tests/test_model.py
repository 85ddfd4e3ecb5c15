"""A Hypothesis state machine that keeps a reference model of what the server should hold.

Random sequences of upserts (same or changed specs), reads, listings with random page sizes,
history reads and deletes, over a few names of this run; after every step the server must agree
with the model. A failure prints the shortest sequence of calls that breaks it, and its seed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import paperspace_deployments as sdk
import pytest
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from paperspace_deployments import models

from contract_tests import journal
from contract_tests.target import Target

NAMES = ("alpha", "beta", "gamma")  # at most this many deployments exist at once


@dataclass
class Expected:
    id: str
    spec: dict[str, Any]
    revisions: list[dict[str, Any]] = field(default_factory=list)


def machine_for(target: Target, prefix: str, created: set[str]) -> type[RuleBasedStateMachine]:
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

        @rule(name=st.sampled_from(NAMES), replicas=st.integers(0, 3), mode=st.sampled_from(["a", "b", None]))
        def upsert(self, name: str, replicas: int, mode: str | None) -> None:
            if name not in self.model and journal.budget_spent(target):
                return  # it would create one more than --max-created allows: updates only
            spec = models.DeploymentSpec(
                name=prefix + name, image="nginx:1.25", machine_type="A4000", replicas=replicas
            )
            if mode is not None:  # set only when chosen, so "no env" and "env" are different specs
                spec.env = {"MODE": mode}
            deployment = self.client.upsert_deployment(spec)
            created.add(deployment.id)
            sent = spec.model_dump(mode="json", by_alias=True, exclude_unset=True)
            expected = self.model.get(name)
            if expected is None:
                self.model[name] = Expected(deployment.id, sent, [sent])
            else:
                assert deployment.id == expected.id, "an upsert of an existing name updates that deployment"
                if sent != expected.spec:  # identical again: no revision
                    expected.revisions.append(sent)
                expected.spec = sent

        @rule(name=st.sampled_from(NAMES))
        def get(self, name: str) -> None:
            expected = self.model.get(name)
            if expected is None:
                return
            got = self.client.get_deployment(expected.id)
            assert (got.name, got.image, got.machine_type) == (
                expected.spec["name"],
                expected.spec["image"],
                expected.spec["machineType"],
            )

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
                assert {k: v for k, v in held.items() if k in sent} == sent, "a revision holds the spec submitted"

        @rule(limit=st.integers(1, 5))
        def list_pages(self, limit: int) -> None:
            pages = list(self.client.list_deployments(limit=limit).iter_pages())
            assert all(len(page.items) <= limit for page in pages), f"a page held more than limit={limit}"
            ids = [d.id for page in pages for d in page.items]
            assert len(ids) == len(set(ids)), f"a deployment appeared twice across pages of {limit}"
            assert {e.id for e in self.model.values()} <= set(ids), "every deployment is listed"

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
                    continue
                raise AssertionError(f"{read.__name__} answered after delete; expected 404")

    return DeploymentsAgreeWithTheModel


def test_the_server_agrees_with_the_reference_model(target: Target) -> None:
    if not target.allow_writes:
        pytest.skip("not run: the target is read-only (pass --allow-writes)")
    created: set[str] = set()
    machine = machine_for(target, target.run_prefix, created)
    try:
        run_state_machine_as_test(
            seed(target.seed)(machine),
            settings=settings(
                max_examples=max(5, target.examples // 2),
                stateful_step_count=20,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        with sdk.Client(api_key=target.token, base_url=target.base_url, max_retries=2) as client:
            for id in created:  # whatever a failing sequence left behind
                with contextlib.suppress(sdk.NotFoundError):
                    client.delete_deployment(id)
