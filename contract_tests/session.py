"""One run of the suite on one object: its tally, its report, its journal and its ledger.

The command (``cli.py``) makes a :class:`Run` and hands it to pytest; a plain ``pytest
contract_tests`` makes its own. Hooks and fixtures find it on the pytest config
(:func:`of`); nothing about a run lives in a module global or travels through ``os.environ``,
(the command's options travel on it too) except what Schemathesis's own process must be told (the run's name prefix, its creation budget,
where to log what it creates: see ``conftest.target``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from paperspace_deployments_toolkit.contract_tests.journal import Journal
from paperspace_deployments_toolkit.contract_tests.report import Report
from paperspace_deployments_toolkit.contract_tests.verdict import Tally


@dataclass
class Run:
    tally: Tally = field(default_factory=Tally)
    report: Report = field(default_factory=Report)
    journal: Journal = field(default_factory=Journal)
    asked: bool = False  # the command already asked the target (its preflight): not asked twice
    # the command's options by key (flag, CONTRACT_*, config file, default already weighed; tokens
    # as Secret); None for a plain pytest session, whose options are pytest's
    options: dict[str, Any] | None = field(default=None, repr=False)


RUN = pytest.StashKey[Run]()


def option(config: pytest.Config, flag: str) -> Any:
    """An option of this run: the command's, or pytest's own for a plain pytest session."""
    given = of(config).options
    key = flag.removeprefix("--")
    return given[key] if given is not None and key in given else config.getoption(flag)


def of(config: pytest.Config) -> Run:
    """The run of this pytest session (made on first use)."""
    found = config.stash.get(RUN, None)
    if found is None:
        found = config.stash[RUN] = Run()
    return found


class Handover:
    """A pytest plugin that hands the command's :class:`Run` to the session it starts."""

    def __init__(self, run: Run) -> None:
        self.run = run

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[RUN] = self.run
