"""Options, the target, and the preflight that refuses to "pass" on a wall of 401s.

Every option has a ``CONTRACT_*`` environment variable: CONTRACT_BASE_URL, CONTRACT_API_TOKEN,
CONTRACT_OTHER_TEAM_TOKEN, CONTRACT_ALLOW_WRITES=1, CONTRACT_PROFILE, CONTRACT_SEED,
CONTRACT_MAX_CREATED, CONTRACT_BASELINE, CONTRACT_RECORD_DEVIATIONS=1.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from contract_tests import journal
from contract_tests import report as conformance
from contract_tests.target import (
    DEFAULT_MAX_CREATED,
    DEFAULT_SEED,
    EMULATOR_TOKENS,
    MIN_CREATED,
    PROFILES,
    Target,
    embedded_emulator,
    env,
    is_loopback,
    preflight,
    sweep,
    writes_allowed,
)

# the effective spec as the generated package ships it: the contract the suite holds servers to
SPEC = str(resources.files("paperspace_deployments").joinpath("openapi.json"))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "Deployments API conformance")
    group.addoption(
        "--base-url", default=env("BASE_URL"), help="the API's base URL, e.g. https://api.paperspace.com/v1"
    )
    group.addoption("--api-token", default=env("API_TOKEN"), help="bearer token of the team under test")
    group.addoption(
        "--other-team-token", default=env("OTHER_TEAM_TOKEN"), help="a second team's token (isolation checks)"
    )
    group.addoption(
        "--allow-writes",
        action="store_true",
        default=bool(env("ALLOW_WRITES")),
        help="create and delete deployments on a non-loopback target",
    )
    group.addoption("--profile", choices=sorted(PROFILES), default=env("PROFILE") or "quick")
    group.addoption(
        "--seed",
        type=int,
        default=int(env("SEED") or DEFAULT_SEED),
        help=f"seed of every generated input (default {DEFAULT_SEED}: runs repeat; another explores)",
    )
    group.addoption(
        "--max-created",
        type=int,
        default=int(env("MAX_CREATED") or 0) or None,
        help=f"deployments a run may create (default: {DEFAULT_MAX_CREATED} off loopback, no cap on loopback)",
    )
    group.addoption(
        "--baseline",
        default=env("BASELINE"),
        help="accepted deviations: a Schemathesis baseline file (JSON); its failures do not fail the run",
    )
    group.addoption(
        "--record-deviations",
        action="store_true",
        default=bool(env("RECORD_DEVIATIONS")),
        help="add this run's Schemathesis failures to --baseline",
    )


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    option = request.config.getoption
    with ExitStack() as stack:
        base_url = option("--base-url")
        embedded = base_url is None
        token, other = option("--api-token"), option("--other-team-token")
        if embedded:
            base_url = stack.enter_context(embedded_emulator())
            token, other = list(EMULATOR_TOKENS)
        if not token:
            pytest.exit("--api-token (or CONTRACT_API_TOKEN) is required with --base-url", returncode=2)
        max_created = option("--max-created")
        if max_created is None and not is_loopback(str(base_url)):
            max_created = DEFAULT_MAX_CREATED
        if max_created is not None and max_created < MIN_CREATED:
            pytest.exit(f"--max-created must be at least {MIN_CREATED}", returncode=2)
        baseline = option("--baseline")
        if option("--record-deviations") and not baseline:
            pytest.exit("--record-deviations needs --baseline FILE to record into", returncode=2)
        if baseline:
            baseline = Path(baseline).resolve()
            if not baseline.exists():
                if not option("--record-deviations"):
                    pytest.exit(f"--baseline {baseline}: no such file", returncode=2)
                baseline.write_text('{"format_version": 1, "entries": []}\n')
        found = Target(
            base_url=str(base_url).rstrip("/"),
            token=token,
            other_token=other,
            allow_writes=writes_allowed(str(base_url), option("--allow-writes")),
            profile=option("--profile"),
            seed=option("--seed"),
            embedded=embedded,
            run_prefix=f"contract-{secrets.token_hex(3)}-",
            max_created=max_created,
            baseline=baseline or None,
            record_deviations=option("--record-deviations"),
        )
        problem = preflight(found)
        if problem:
            pytest.exit(f"conformance run refused: {problem}", returncode=3)
        # read by the before_call hook, here and in Schemathesis's process
        os.environ["CONTRACT_RUN_PREFIX"] = found.run_prefix
        os.environ["CONTRACT_NAME_POOL"] = str(found.fuzzing_names or "")
        conformance.describe_target(found)
        try:
            yield found
        finally:  # after failures and Ctrl-C too
            journal.close_all()
            if found.allow_writes:
                left = sweep(found)
                if left:  # an error of the session's last test: the run cannot exit 0
                    raise RuntimeError(f"the sweep could not delete this run's deployments: {left}")


# -- the report: pytest writes JUnit XML (make contract passes --junitxml); report.py writes the
# operation x check matrix (Markdown and HTML) and prints a one-screen summary.


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    conformance.record(report)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    conformance.write(terminalreporter, Path("reports"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failing rule ends with the last requests it sent, as curl commands, and the seed."""
    if call.when == "setup":
        journal.clear()
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if call.when == "call" and report.failed and journal.curls():
        seed = item.config.getoption("--seed")
        lines = ["", f"Last requests (of {journal.KEPT} at most; the token is $CONTRACT_API_TOKEN):"]
        lines += [f"    {command}" for command in journal.curls()]
        lines.append(f"Reproduce the run with --seed {seed}")
        report.longrepr = report.longreprtext + "\n" + "\n".join(lines)
