"""Everything Schemathesis can check against the effective spec, operation by operation, and its
stateful phase over the spec's links."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.stateful import run_state_machine_as_test

from contract_tests import checks  # noqa: F401 - registers the suite's own checks
from contract_tests.conftest import SPEC
from contract_tests.target import Target

# the effective spec is validated by the generator, so every operation loads (an Ok result)
OPERATIONS = [
    result.ok().label  # type: ignore[union-attr]
    for result in schemathesis.openapi.from_path(SPEC).get_all_operations()
]


def _settings(target: Target, examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=target.seed is None,  # reproducible by default; --seed explores
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms(api_schema: Any, target: Target, label: str) -> None:
    if not target.allow_writes and not label.startswith("GET "):
        pytest.skip("not run: the target is read-only (pass --allow-writes)")
    operation = api_schema.find_operation_by_label(label)

    @_settings(target, target.examples)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate()

    run()


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_rejects_bad_input(api_schema: Any, target: Target, label: str) -> None:
    """Wrong types, missing fields, out-of-range values: a documented 4xx, never accepted, never a 500."""
    if not target.allow_writes and not label.startswith("GET "):
        pytest.skip("not run: the target is read-only (pass --allow-writes)")
    operation = api_schema.find_operation_by_label(label)

    @_settings(target, target.examples)
    @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE))
    def run(case: Any) -> None:
        case.call_and_validate()

    try:
        run()
    except Unsatisfiable:
        # e.g. an operation whose only input is a non-empty path id: "" cannot travel in a URL
        pytest.skip("not applicable: no schema-violating input can be sent to this operation")


def test_stateful_links(api_schema: Any, target: Target) -> None:
    if not target.allow_writes:
        pytest.skip("not run: the stateful phase creates deployments (pass --allow-writes)")
    machine = api_schema.as_state_machine()
    run_state_machine_as_test(machine, settings=_settings(target, max(10, target.examples // 3)))
