"""Who is to blame for a failure, and the run's exit code: one meaning each.

A failing test blames the server when what broke is the server's answer: an assertion about it,
an error the generated client raised on it (a refused connection and a timeout included), or a
violation Schemathesis found. Anything else raised in a test (a bug of the suite, an error inside
Schemathesis or Hypothesis, CPython's) is a *tooling error*: the run ends with
:data:`TOOLING_ERROR`, says that the server is not blamed, and never exits 1 for it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

CONFORMS = 0  # every check that could run passed
VIOLATIONS = 1  # the server broke the contract (some checks may not have run)
USAGE = 2  # the options make no sense (no token for a URL, a missing baseline file, ...)
REFUSED = 3  # the target cannot be tested: unreachable, the token refused, not serving the API
TOOLING_ERROR = 70  # the suite, Schemathesis or Hypothesis failed: the server is not blamed
INTERRUPTED = 130  # Ctrl-C

EXIT_CODES = {
    CONFORMS: "the server conforms (every check that could run passed)",
    VIOLATIONS: "the server broke the contract",
    USAGE: "the options make no sense",
    REFUSED: "the run was refused: the target cannot be tested",
    TOOLING_ERROR: "an error inside the tooling: the server is not blamed",
    INTERRUPTED: "interrupted",
}


class ServerFault(AssertionError):
    """The server did something the contract forbids (raised outside an ``assert``)."""


class ToolingError(Exception):
    """The suite, Schemathesis or Hypothesis failed: says so, and the server is not blamed."""


@functools.cache
def _server_blamed() -> tuple[type[BaseException], ...]:
    """What a server's answer (or its absence) raises in the suite's tests. Imported when first
    needed: the exit codes above must be usable when the generated package itself is broken."""
    import httpx
    import paperspace_deployments as sdk
    import pytest

    return (AssertionError, pytest.fail.Exception, sdk.APIError, httpx.HTTPError)


def blames_server(error: BaseException) -> bool:
    """Whether ``error`` comes from the server's answer (Hypothesis's groups: any of their members)."""
    if isinstance(error, ToolingError):
        return False
    if isinstance(error, BaseExceptionGroup):
        return any(blames_server(inner) for inner in error.exceptions)
    return isinstance(error, _server_blamed())


def documented(status: int, refused: int | None) -> int:
    """The documented code for what ``pytest.main`` answered. The suite's session hook has already
    turned its sessions into documented codes; pytest's own statuses that collide with them (3 is
    also pytest's internal error, 2 its interruption) count only when the suite refused the run
    with that code itself; anything else pytest answers is the tooling's."""
    if status in {CONFORMS, VIOLATIONS, TOOLING_ERROR, INTERRUPTED}:
        return status
    if status in {USAGE, REFUSED} and refused == status:
        return status
    return TOOLING_ERROR


@dataclass
class Tally:
    """Failures of this session by blame."""

    server: int = 0
    tooling: int = 0
    interrupted: bool = False
    tested: int = 0  # tests whose call phase ran and passed or failed

    def exit_code(self, pytest_status: int) -> int:
        """The documented code for a session pytest ended with ``pytest_status`` (the suite's own
        refusals end it with USAGE or REFUSED; a failure of either kind overrides pytest's 1)."""
        if self.interrupted:
            return INTERRUPTED
        if self.server:
            return VIOLATIONS
        if self.tooling:
            return TOOLING_ERROR
        if pytest_status == CONFORMS and not self.tested:
            return USAGE  # --collect-only, --setup-plan, every test deselected or skipped: nothing was tested
        return pytest_status
