"""Options, the target, and the preflight that refuses to "pass" on a wall of 401s.

The options (flags, ``CONTRACT_*`` environment variables, a config file) are listed once, in
``contract_tests.options``. Exit codes: see ``verdict``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlparse

import pytest

from paperspace_deployments_toolkit.contract_tests import report as conformance
from paperspace_deployments_toolkit.contract_tests import session, verdict
from paperspace_deployments_toolkit.contract_tests.options import OPTIONS, ConfigError, default_of, read_config
from paperspace_deployments_toolkit.contract_tests.target import (
    DEFAULT_MAX_CREATED,
    EMULATOR_TOKENS,
    MIN_CREATED,
    Target,
    embedded_emulator,
    is_loopback,
    manual_clock,
    preflight,
    sweep,
    token_problem,
    writes_allowed,
)

# the effective spec as the generated package ships it: the contract the suite holds servers to
SPEC = str(resources.files("paperspace_deployments").joinpath("openapi.json"))
EMULATOR_TOKEN, EMULATOR_OTHER_TOKEN = EMULATOR_TOKENS


def pytest_addoption(parser: pytest.Parser) -> None:
    """The options of :mod:`contract_tests.options`, each defaulting to its environment variable,
    then the config file, then its own default."""
    try:
        config = read_config()
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    group = parser.getgroup("contract", "Deployments API conformance")
    for option in OPTIONS:
        default = default_of(option, config)
        if option.kind is bool:
            group.addoption(option.flag, action="store_true", default=bool(default), help=option.help)
        else:
            # argparse converts a default given as text: a bad value is a usage error
            choices = list(option.choices) or None
            group.addoption(option.flag, type=option.kind, default=default, choices=choices, help=option.help)


def refuse(config: pytest.Config, code: int, reason: str) -> NoReturn:
    """End the run before testing; the reports say why instead of showing a previous run."""
    session.of(config).report.refuse(code, reason)
    pytest.exit(reason, returncode=code)


def target_from_options(config: pytest.Config, stack: ExitStack) -> Target:
    """The target the options name (tokens stay inside ``Target``, whose repr leaves them out,
    so no frame a traceback may show holds one in a plain local)."""

    def option(flag: str) -> Any:
        return session.option(config, flag)

    base_url = option("--base-url")
    embedded = base_url is None
    if embedded:
        base_url = stack.enter_context(embedded_emulator())
    if not embedded and not option("--api-token"):
        refuse(config, verdict.USAGE, "--api-token (or CONTRACT_API_TOKEN) is required with --base-url")
    if urlparse(str(base_url)).scheme not in {"http", "https"} or not urlparse(str(base_url)).hostname:
        refuse(
            config, verdict.USAGE, "--base-url must be an http:// or https:// URL, e.g. https://api.paperspace.com/v1"
        )
    for name in ("--api-token", "--other-team-token"):
        problem = None if embedded or not option(name) else token_problem(option(name))
        if problem:
            refuse(config, verdict.USAGE, f"{name} {problem}")
    max_created = option("--max-created") or None  # 0: the default
    if max_created is None and not is_loopback(str(base_url)):
        max_created = DEFAULT_MAX_CREATED
    if max_created is not None and max_created < MIN_CREATED:
        refuse(config, verdict.USAGE, f"--max-created must be at least {MIN_CREATED}")
    if option("--workers") is not None and not 1 <= option("--workers") <= 64:
        refuse(config, verdict.USAGE, "--workers must be 1 to 64")
    if option("--request-timeout") <= 0:
        refuse(config, verdict.USAGE, "--request-timeout must be a positive number of seconds")
    baseline = option("--baseline")
    if option("--record-deviations") and not baseline:
        refuse(config, verdict.USAGE, "--record-deviations needs --baseline FILE to record into")
    if baseline:
        baseline = Path(baseline).resolve()
        if not baseline.exists():
            if not option("--record-deviations"):
                refuse(config, verdict.USAGE, f"--baseline {baseline}: no such file")
            baseline.write_text('{"format_version": 1, "entries": []}\n')
    return Target(
        base_url=str(base_url).rstrip("/"),
        # read here and nowhere else: no local variable holds a token
        token=EMULATOR_TOKEN if embedded else option("--api-token"),
        other_token=EMULATOR_OTHER_TOKEN if embedded else option("--other-team-token"),
        allow_writes=writes_allowed(str(base_url), option("--allow-writes")),
        profile=option("--profile"),
        seed=option("--seed"),
        embedded=embedded,
        run_prefix=f"contract-{secrets.token_hex(3)}-",
        max_created=max_created,
        baseline=baseline or None,
        record_deviations=option("--record-deviations"),
        request_timeout=option("--request-timeout"),
        worker_count=option("--workers"),
        shrink=not option("--no-shrink"),
        clock_url=manual_clock(str(base_url)),
    )


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    with ExitStack() as stack:
        found = target_from_options(request.config, stack)
        run = session.of(request.config)
        run.report.describe_target(found)
        problem = None if run.asked else preflight(found)
        if problem:
            refuse(request.config, verdict.REFUSED, f"conformance run refused: {problem}")
        # read by the hooks, here and in Schemathesis's process
        os.environ["CONTRACT_RUN_PREFIX"] = found.run_prefix
        os.environ["CONTRACT_NAME_POOL"] = str(found.fuzzing_names or "")
        # Schemathesis's process names there every deployment its requests made (checks._log_created)
        created_log = stack.enter_context(tempfile.TemporaryDirectory(prefix="contract-created-"))
        os.environ["CONTRACT_CREATED_LOG"] = str(Path(created_log) / "created.ndjson")
        # strict off loopback, or where asked for (CONTRACT_CONFINE=strict): see checks.confine
        strict = not is_loopback(found.base_url) or os.environ.get("CONTRACT_CONFINE") == "strict"
        os.environ["CONTRACT_CONFINE"] = "strict" if strict else ""
        try:
            yield found
        finally:  # after failures and Ctrl-C too
            run.journal.close_all()
            if found.allow_writes:
                left = sweep(found, {**run.journal.created, **_logged(os.environ["CONTRACT_CREATED_LOG"])})
                if left:  # an error of the session's last test: the run cannot exit 0
                    raise verdict.ServerFault(
                        f"the run could not delete {len(left)} of its deployments (they may be billed):\n"
                        + "\n".join(f"  {line}" for line in left)
                    )


def _logged(path: str) -> dict[str, str]:
    """id -> name of each deployment Schemathesis's requests made, from its hooks' log."""
    found: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError, LookupError, AttributeError, TypeError):
                record = json.loads(line)
                found[str(record["id"])] = str(record.get("name", ""))
    return found


class Judged:
    """How many of the server's answers a rule judged; a rule that judged none is *not run*."""

    def __init__(self) -> None:
        self.count = 0
        self.why_none = "the server gave it nothing to judge"

    def add(self, answers: int = 1) -> None:
        self.count += answers


JUDGED = pytest.StashKey[Judged]()


@pytest.fixture
def judged(request: pytest.FixtureRequest) -> Judged:
    found = Judged()
    request.node.stash[JUDGED] = found
    return found


# -- the report: pytest writes JUnit XML (the command passes --junitxml); report.py writes the
# operation x check matrix (Markdown and HTML) and prints a one-screen summary; verdict.py decides
# the exit code from who is to blame for each failure.


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(RunHooks(session.of(config)), "contract-run")


@pytest.fixture(scope="session")
def run(pytestconfig: pytest.Config) -> session.Run:
    """This run: its journal, its report, its tally."""
    return session.of(pytestconfig)


class RunHooks:
    """The hooks that feed the run's tally and report (pytest gives them no config to find it)."""

    def __init__(self, run: session.Run) -> None:
        self.run = run

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.run.report.record(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:  # the suite itself does not load: nothing the server did
            self.run.tally.tooling += 1
            self.run.report.refuse(
                verdict.TOOLING_ERROR, f"the suite could not be loaded: {report.longreprtext.strip()[-500:]}"
            )

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        # Ctrl-C only: pytest.exit (a refusal) and pytest's own Interrupted (collection errors) come here too
        if type(excinfo.value) is KeyboardInterrupt:
            self.run.tally.interrupted = True

    def pytest_internalerror(self, excrepr: Any, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.run.tally.tooling += 1


def pytest_sessionstart(session: pytest.Session) -> None:
    conformance.clear(conformance.REPORTS)  # pytest rewrites junit.xml at the end; the rest is ours


@pytest.hookimpl(hookwrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Iterator[None]:
    """The exit code and the reports, after everything else at the session's end (the sweep of an
    interrupted run included), and even when something there failed."""
    try:
        yield
    finally:
        run = of_session(session)
        session.exitstatus = run.tally.exit_code(int(session.exitstatus))
        if session.exitstatus == verdict.USAGE and run.report.refusal_code() is None:
            run.report.refuse(verdict.USAGE, "nothing was tested: every selected test was skipped or only collected")
        conformance.write_files(run.report, conformance.REPORTS, session.exitstatus)


def of_session(pytest_session: pytest.Session) -> session.Run:
    return session.of(pytest_session.config)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    conformance.print_summary(session.of(config).report, terminalreporter, conformance.REPORTS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Who is to blame for a failure; how many answers a rule judged (none: *not run*); and a
    failing rule ends with the last requests it sent, as curl commands, and the seed."""
    run = session.of(item.config)
    if call.when == "setup":
        run.journal.clear()
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if call.when == "call" and (report.passed or report.failed):
        run.tally.tested += 1
    blamed = ""
    if report.failed and call.excinfo is not None:
        blamed = "server" if verdict.blames_server(call.excinfo.value) else "tooling"
        report.user_properties.append(("blame", blamed))
        if blamed == "server":
            run.tally.server += 1
        else:
            run.tally.tooling += 1
    judged = item.stash.get(JUDGED, None)
    if call.when == "call" and judged is not None:
        report.user_properties.append(("judged", judged.count))
        if report.passed and judged.count == 0:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: not run: {judged.why_none}")
    if call.when == "call" and report.failed:
        steps = run.journal.exchanges()
        if steps:
            report.user_properties.append(("requests", [ex.record() for ex in steps]))
        plain = call.excinfo is not None and isinstance(call.excinfo.value, pytest.fail.Exception)
        if call.excinfo is not None and blamed == "server" and not plain and _short_tracebacks(item.config):
            report.longrepr = _short_block(item, call.excinfo.value, steps)


def _short_tracebacks(config: pytest.Config) -> bool:
    """Failures as short blocks unless the user asked for pytest's tracebacks with --tb."""
    return str(config.getoption("tbstyle", "auto")) == "auto"


def _short_block(item: pytest.Item, error: BaseException, steps: list[Any]) -> str:
    """One block a person can act on: the rule, what was expected against what came, the call
    that showed it, and every request of the test as curl commands (the set-up included)."""
    said = _said(error)
    lines = [f"{item.name} (the rule: {_first_line(item)})"]
    if steps:
        last = steps[-1]
        lines.append(f"    at:       {last.method} {last.url.split('?', 1)[0]} answered {last.shown()[:200]}")
    lines += [f"    {'said:' if i == 0 else '     '}     {line}" for i, line in enumerate(said.splitlines()[:15])]
    if steps:
        lines.append(
            f"    reproduce ({len(steps)} request{'s' if len(steps) > 1 else ''}, in order; tokens as"
            " $CONTRACT_API_TOKEN / $CONTRACT_OTHER_TEAM_TOKEN; all in reports/conformance.json):"
        )
        for ex in steps[-12:]:
            lines.append(f"      {ex.curl()}")
            lines.append(f"        -> {ex.shown()[:160]}")
    lines.append(
        f"    the whole run again: --seed {session.option(item.config, '--seed')}; pytest's traceback: --tb=long"
    )
    return "\n".join(lines)


def _said(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup):
        return "\n".join(_said(inner) for inner in error.exceptions[:3])
    text = str(error).strip() or type(error).__name__
    return text if isinstance(error, AssertionError) else f"{type(error).__name__}: {text}"


def _first_line(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or item.name.removeprefix("test_").replace("_", " ")
    return doc.strip().split("\n")[0].rstrip(".")
