"""``deployments-contract``: the conformance suite as one command, with documented exit codes.

It runs the suite (``pytest contract_tests``) with the options given, writes ``reports/`` in the
current directory (JUnit XML included), and exits with one of the codes of ``verdict``: 0 the
server conforms, 1 it broke the contract, 2 the options make no sense, 3 the run was refused,
70 an error inside the tooling (the server is not blamed), 130 interrupted. CI should call it
rather than ``make contract``, which turns every failure into make's own exit status 2.

Its options are the table of :mod:`contract_tests.options` (flags over ``CONTRACT_*`` variables
over the config file); other arguments, and all that follow ``--``, go to pytest as they are (``-k isolation -x``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from paperspace_deployments_toolkit.contract_tests import verdict
from paperspace_deployments_toolkit.contract_tests.options import OPTIONS, ConfigError, default_of, problem, read_config

PROG = "deployments-contract"


def _parser(config: dict[str, object]) -> argparse.ArgumentParser:
    codes = "; ".join(f"{code} {meaning}" for code, meaning in verdict.EXIT_CODES.items())
    parser = argparse.ArgumentParser(
        prog=PROG,
        allow_abbrev=False,  # --co is pytest's --collect-only, not --config
        description="Check a Deployments API server against the contract: Schemathesis fuzzing of every "
        "operation and the API's own rules, then a conformance report in ./reports/. Without --base-url "
        "the embedded emulator is tested.",
        epilog=f"Each option also reads CONTRACT_<NAME> (CONTRACT_API_TOKEN...) and a config file "
        f"(deployments-contract.toml, or [tool.deployments-contract] in pyproject.toml). Exit codes: {codes}. "
        "Any other pytest option goes after --.",
    )
    for option in OPTIONS:
        shown = default_of(option, config)
        note = "" if option.secret or shown in (None, False, option.default) else f" [now: {shown}]"
        if option.kind is bool:
            parser.add_argument(option.flag, action="store_true", default=None, help=option.help + note)
        else:
            kind = option.kind
            parser.add_argument(
                option.flag,
                type=kind,
                default=None,
                choices=list(option.choices) or None,
                metavar=option.key.split("-")[-1].upper(),
                help=option.help + note,
            )
    parser.add_argument("--config", metavar="FILE", help="read options from FILE (TOML; a pyproject.toml's table)")
    group = parser.add_argument_group("passed to pytest (any other pytest option goes after --)")
    for flags, metavar, meaning in PYTEST_OPTIONS:
        if metavar:
            group.add_argument(*flags, metavar=metavar, action="append", dest=_dest(flags), help=meaning)
        else:
            group.add_argument(*flags, action="count", dest=_dest(flags), help=meaning)
    return parser


# pytest's options the command takes itself (anything else of pytest's goes after --)
PYTEST_OPTIONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("-k",), "EXPRESSION", "run only the tests whose names match, e.g. -k 'rules or test_contract'"),
    (("-m",), "MARKERS", "run only the tests with these markers"),
    (("-p",), "PLUGIN", "load a pytest plugin"),
    (("--tb",), "STYLE", "pytest's tracebacks for failures (long, short, line...) instead of the short blocks"),
    (("--maxfail",), "N", "stop after N failures"),
    (("-x", "--exitfirst"), "", "stop at the first failure"),
    (("-q", "--quiet"), "", "less output"),
    (("-v", "--verbose"), "", "more output"),
    (("-l", "--showlocals"), "", "show local variables in tracebacks (tokens are masked)"),
    (("--collect-only", "--co"), "", "list the tests without running them"),
)


def _dest(flags: tuple[str, ...]) -> str:
    return "pytest_" + flags[-1].lstrip("-").replace("-", "_")


def _pytest_arguments(args: argparse.Namespace) -> list[str]:
    found: list[str] = []
    for flags, metavar, _ in PYTEST_OPTIONS:
        given = getattr(args, _dest(flags))
        if not given:
            continue
        if metavar:
            for value in given:
                found += [f"{flags[0]}={value}"] if flags[0].startswith("--") else [flags[0], value]
        else:
            found += [flags[0]] * given
    return found


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    ours, passed = (
        (arguments[: arguments.index("--")], arguments[arguments.index("--") + 1 :])
        if "--" in arguments
        else (arguments, [])
    )
    replaying = bool(ours) and ours[0] == "replay"
    if "-h" in ours or "--help" in ours:
        if replaying:
            print(REPLAY_HELP)
        else:
            _parser(_config_or_empty()).print_help()
        return 0
    try:
        status = _replay(ours[1:]) if replaying else _run(ours, passed)
    except KeyboardInterrupt:
        status = verdict.INTERRUPTED
    except Exception as exc:  # the suite itself broke: one line, and the server is not blamed
        print(f"{PROG}: the suite failed ({type(exc).__name__}: {exc})", file=sys.stderr)
        status = verdict.TOOLING_ERROR
    print(f"{PROG}: exit {status}: {verdict.EXIT_CODES.get(status, 'unknown')}")
    return status


def _config_or_empty() -> dict[str, object]:
    try:
        return read_config()
    except ConfigError:
        return {}


REPLAY_HELP = f"""usage: {PROG} replay REPORT [options]

Run again the rules that failed in REPORT (a reports/conformance.json), with the seed they ran
with, against a target (the options are the command's own: --base-url, --api-token, ...; without
--base-url the embedded emulator). Each recorded failure is said to "still fail" or to be
"fixed"; reports/ then describes the replay.

Exit codes: 0 every recorded failure is fixed; 1 at least one still fails; 2 the report or the
options cannot be used; 3 the target cannot be tested; 70 an error inside the tooling."""


def _replay(arguments: list[str]) -> int:
    """``replay REPORT [options]``: the failed rules of a report, run again (see REPLAY_HELP)."""
    if not arguments or arguments[0].startswith("-"):
        return _refused(f"replay needs a report: {PROG} replay reports/conformance.json [options]")
    path, options = Path(arguments[0]), arguments[1:]
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        outcomes = recorded["outcomes"]
        failed = {name: o["nodeid"] for name, o in outcomes.items() if o.get("outcome") == "failed" and o.get("nodeid")}
        strange = sorted(str(n) for n in failed.values() if not _suite_test(str(n)))
        if strange:  # a report is input: it names the suite's own tests, never a path to collect
            return _refused(f"{path}: names tests that are not the suite's: {strange[:3]}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return _refused(f"{path}: not a conformance report this command wrote ({type(exc).__name__}: {exc})")
    if not failed:
        print(f"{PROG} replay: {path} records no failure: nothing to replay")
        return verdict.CONFORMS
    if "--seed" not in options and isinstance(recorded.get("seed"), int):
        options = [*options, "--seed", str(recorded["seed"])]
    suite = Path(__file__).parent
    status = _run(options, [], selection=[str(suite / nodeid) for nodeid in sorted(set(failed.values()))])
    if status not in {verdict.CONFORMS, verdict.VIOLATIONS}:
        return status
    from paperspace_deployments_toolkit.contract_tests import report

    now = json.loads((report.REPORTS / "conformance.json").read_text(encoding="utf-8")).get("outcomes", {})
    still = 0
    print(f"{PROG} replay: {len(failed)} recorded failure(s) of {path}")
    for name in sorted(failed):
        outcome = (now.get(name) or {}).get("outcome", "not run")
        verdict_word = {"failed": "still fails", "passed": "fixed"}.get(outcome, f"not judged ({outcome})")
        still += outcome != "passed"
        print(f"  {verdict_word:<12} {name}")
    return verdict.VIOLATIONS if still else verdict.CONFORMS


_SUITE_TEST = re.compile(r"test_[a-z_]+\.py::test_[A-Za-z0-9_]+(\[[^\x00-\x1f]*\])?")


def _suite_test(nodeid: str) -> bool:
    """Whether ``nodeid`` names a test of the suite's own files (``test_rules.py::test_x[...]``)."""
    file = nodeid.split("::", 1)[0]
    return bool(_SUITE_TEST.fullmatch(nodeid)) and (Path(__file__).parent / file).is_file()


def _run(ours: list[str], passed: list[str], selection: list[str] | None = None) -> int:
    from paperspace_deployments_toolkit.contract_tests import report

    report.clear(report.REPORTS)  # whatever happens next, no report of a previous run is left
    try:
        config_file = _parser({}).parse_known_args(ours)[0].config
        if config_file:
            os.environ["CONTRACT_CONFIG"] = config_file
        config = read_config()
        args = _parser(config).parse_args(ours)
    except ConfigError as exc:
        return _refused(f"{exc}")
    except SystemExit as exc:  # argparse printed the command's usage and what was wrong
        return _refused("the options were refused (the message is above)") if exc.code else verdict.CONFORMS
    values, why = _values(args, config)
    why = why or problem(values)
    if why:
        return _refused(why)
    refusal = _preflight(values)
    if refusal:
        return _refused(f"conformance run refused: {refusal}", verdict.REFUSED)
    suite = Path(__file__).parent
    junit = f"--junitxml={report.REPORTS / 'junit.xml'}"
    # the preflight imported httpx (and so anyio, whose pytest plugin pytest would rewrite)
    quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    chosen = selection or [str(suite)]
    from paperspace_deployments_toolkit.contract_tests.session import Handover, Run
    from paperspace_deployments_toolkit.contract_tests.target import Secret

    for option in OPTIONS:  # tokens as Secret: a traceback's locals show '***'
        if option.secret and values.get(option.key):
            values[option.key] = Secret(str(values[option.key]))
    # the run's one object, handed to pytest's session with the options on it (never an argv)
    run = Run(asked=values.get("base-url") is not None, options=values)
    argv = [*chosen, "-p", "no:cacheprovider", *quiet, junit, *_pytest_arguments(args), *passed]
    status = int(pytest.main(argv, plugins=[Handover(run)]))
    if status in {pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED}:
        why = (
            "the options were refused (pytest's message is above)"
            if status == pytest.ExitCode.USAGE_ERROR
            else "no test was selected (check -k or the test names)"
        )
        return _refused(why)
    return verdict.documented(status, refused=run.report.refusal_code())


def _values(args: argparse.Namespace, config: dict[str, object]) -> tuple[dict[str, Any], str | None]:
    """Each option's value as the run will see it (flag, then CONTRACT_*, then the config file,
    then its default), or what is wrong with one given as text."""
    values: dict[str, Any] = {}
    for option in OPTIONS:
        given = getattr(args, option.key.replace("-", "_"))
        if given is None:
            given = default_of(option, config)
            if isinstance(given, str) and option.kind in {int, float}:
                try:
                    given = option.kind(given)
                except ValueError:
                    return values, f"{option.env}: invalid {option.kind.__name__} value: {given!r}"
        values[option.key] = given
    return values, None


def _preflight(values: dict[str, Any]) -> str | None:
    """Why a named target cannot be tested (unreachable, the token refused), asked before any
    test runs; the embedded emulator is the suite's own and needs no asking."""
    from paperspace_deployments_toolkit.contract_tests.target import Target, preflight, token_problem

    if values.get("base-url") is None:
        return None
    for name in ("api-token", "other-team-token"):
        trouble = token_problem(values[name]) if values.get(name) else None
        if trouble:
            return f"--{name} {trouble}"
    target = Target(
        base_url=str(values["base-url"]).rstrip("/"),
        token=str(values["api-token"]),
        other_token=values.get("other-team-token") or None,
        allow_writes=False,
        profile=str(values.get("profile") or "quick"),
        seed=0,
        embedded=False,
        run_prefix="",
        request_timeout=float(values.get("request-timeout") or 30),
    )
    return preflight(target)


def _refused(why: str, code: int = verdict.USAGE) -> int:
    """Say why the run was refused, and leave reports that say it too."""
    from paperspace_deployments_toolkit.contract_tests import report

    print(f"{PROG}: {why}", file=sys.stderr)
    model = report.Report()
    model.refuse(code, why)
    report.write_files(model, report.REPORTS, code)
    return code
