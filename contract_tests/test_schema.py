"""Everything Schemathesis can check against the effective spec, operation by operation, and its
stateful phase over the spec's links."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

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


def _fuzz(api_schema: Any, target: Target, label: str, mode: schemathesis.GenerationMode) -> None:
    """Generated requests of one operation, every registered check on each answer."""
    if not target.allow_writes and not label.startswith("GET "):
        pytest.skip("not run: the target is read-only (pass --allow-writes)")
    operation = api_schema.find_operation_by_label(label)

    @_settings(target, target.examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.call_and_validate()

    run()


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms(api_schema: Any, target: Target, label: str) -> None:
    """Schema-valid requests: accepted, and every answer documented and in its schema."""
    _fuzz(api_schema, target, label, schemathesis.GenerationMode.POSITIVE)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_rejects_bad_input(api_schema: Any, target: Target, label: str) -> None:
    """Wrong types, missing fields, out-of-range values: a documented 4xx, never accepted, never a 500."""
    try:
        _fuzz(api_schema, target, label, schemathesis.GenerationMode.NEGATIVE)
    except Unsatisfiable:
        # e.g. an operation whose only input is a non-empty path id: "" cannot travel in a URL
        pytest.skip("not applicable: no schema-violating input can be sent to this operation")


def test_stateful_links(target: Target, tmp_path: Path) -> None:
    """Schemathesis's stateful phase, every check (object_level_authorization too when a second
    team's token is given), chaining calls along the spec's links.

    Run through Schemathesis's own engine (its CLI), which handles a server whose state moves on
    between examples; Hypothesis's pytest state machine reports that as flakiness.
    """
    if not target.allow_writes:
        pytest.skip("not run: the stateful phase creates deployments (pass --allow-writes)")
    users = [("team-under-test", target.token)] + ([("other-team", target.other_token)] if target.other_token else [])
    auth = {
        "auth": [{"name": n, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {t}"}]} for n, t in users]
    }
    (tmp_path / "auth.json").write_text(json.dumps(auth))
    config = ['hooks = "contract_tests.checks"', "[auth.wfc]", f'path = "{tmp_path / "auth.json"}"']
    if target.other_token:
        config.append('peers = ["team-under-test", "other-team"]')
    (tmp_path / "schemathesis.toml").write_text("\n".join(config) + "\n")
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(tmp_path / "schemathesis.toml"),
        "run",
        SPEC,
    ]
    command += ["--url", target.base_url, "--phases", "stateful", "--checks", "all", "--workers", "1"]
    command += ["--max-examples", str(max(10, target.examples // 2))]
    command += ["--seed", str(target.seed)] if target.seed is not None else []
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0:
        pytest.fail("Schemathesis's stateful phase found problems:\n" + result.stdout[-6000:], pytrace=False)
