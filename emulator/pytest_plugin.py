"""The pytest plugin ``deployments_emulator`` (entry point ``pytest11``): see :mod:`emulator.testing`.

Loaded by every pytest run in a virtualenv that has the toolkit, so it imports nothing heavy until
a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .testing import RunningEmulator


@pytest.fixture(scope="session")
def deployments_emulator_server() -> Iterator[RunningEmulator]:
    """The session's emulator process (127.0.0.1, a free port, in-memory, manual clock)."""
    from .testing import serve

    with serve() as emulator:
        yield emulator


@pytest.fixture
def deployments_emulator(deployments_emulator_server: RunningEmulator) -> RunningEmulator:
    """The session's emulator, with no deployment and no fault left by an earlier test: ``url``
    (ending in /v1), ``token``, ``other_token``, ``advance(seconds)``, ``fault(...)``, ``reset()``,
    ``client()``, ``async_client()``."""
    deployments_emulator_server.reset()
    return deployments_emulator_server
