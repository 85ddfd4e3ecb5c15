"""generator/naming.py: Python names for what the spec names."""

from __future__ import annotations

import pytest

from paperspace_deployments_toolkit.generator.naming import pascal_case, snake_case


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("listDeploymentRuns", "list_deployment_runs", "ListDeploymentRuns"),
        ("get /pets/{pet-id}", "get_pets_pet_id", "GetPetsPetId"),
        ("class", "class_", "Class"),
        ("X-Trace-Id", "x_trace_id", "XTraceId"),
        ("2fa", "_2fa", "Model2fa"),
        ("Field", "field", "FieldModel"),
    ],
)
def test_names(text: str, snake: str, pascal: str) -> None:
    assert (snake_case(text), pascal_case(text)) == (snake, pascal)
