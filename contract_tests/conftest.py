"""Options, the target, and the preflight that refuses to "pass" on a wall of 401s.

Every option has a ``CONTRACT_*`` environment variable: CONTRACT_BASE_URL, CONTRACT_API_TOKEN,
CONTRACT_OTHER_TEAM_TOKEN, CONTRACT_ALLOW_WRITES=1, CONTRACT_PROFILE, CONTRACT_SEED.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from importlib import resources
from typing import Any

import pytest
import schemathesis

from contract_tests.target import (
    EMULATOR_TOKENS,
    PROFILES,
    Target,
    embedded_emulator,
    env,
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
        "--seed", type=int, default=int(env("SEED") or 0) or None, help="Hypothesis seed, to reproduce a run"
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
        found = Target(
            base_url=str(base_url).rstrip("/"),
            token=token,
            other_token=other,
            allow_writes=writes_allowed(str(base_url), option("--allow-writes")),
            profile=option("--profile"),
            seed=option("--seed"),
            embedded=embedded,
            run_prefix=f"contract-{secrets.token_hex(3)}-",
        )
        problem = preflight(found)
        if problem:
            pytest.exit(f"conformance run refused: {problem}", returncode=3)
        os.environ["CONTRACT_RUN_PREFIX"] = found.run_prefix  # read by the map_body hook
        try:
            yield found
        finally:  # after failures and Ctrl-C too
            if found.allow_writes:
                sweep(found)


@pytest.fixture(scope="session")
def api_schema(target: Target) -> Any:
    schema = schemathesis.openapi.from_path(SPEC)
    schema.config.update(base_url=target.base_url, headers=target.headers())
    return schema if target.allow_writes else schema.include(method="GET")


# -- the report: JUnit XML comes from pytest itself (make contract passes --junitxml); this writes a
# Markdown table of every check with its outcome and prints a one-screen summary.

_OUTCOMES: dict[str, tuple[str, str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.outcome != "passed":
        reason = ""
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        elif report.failed:
            reason = report.longreprtext.strip().splitlines()[-1][:200] if report.longreprtext else ""
        outcome: str = report.outcome
        if report.skipped:
            outcome = "not applicable" if reason.startswith("not applicable") else "not run"
        _OUTCOMES[report.nodeid] = (outcome, reason)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _OUTCOMES:
        return
    from pathlib import Path

    rows = ["| check | outcome | detail |", "| --- | --- | --- |"]
    for nodeid, (outcome, reason) in sorted(_OUTCOMES.items()):
        name = nodeid.split("::", 1)[-1]
        rows.append(f"| `{name}` | {outcome} | {reason.replace('|', '/')} |")
    kinds = ("passed", "failed", "not run", "not applicable")
    counts = {o: sum(1 for v, _ in _OUTCOMES.values() if v == o) for o in kinds}
    summary = ", ".join(f"{counts[o]} {o}" for o in kinds)
    report = Path("reports") / "conformance.md"
    report.parent.mkdir(exist_ok=True)
    report.write_text("# Conformance report\n\n" + summary + "\n\n" + "\n".join(rows) + "\n")
    terminalreporter.section("conformance")
    for line in rows[2:]:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"{summary} (report: {report})")
