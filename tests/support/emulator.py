"""The emulator in this process, as the tests of its behaviour use it: the fixture's in-process
mode (:class:`paperspace_deployments_toolkit.emulator.testing.InProcessEmulator`), no socket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import paperspace_deployments as sdk
from paperspace_deployments import models

from paperspace_deployments_toolkit.emulator.app import DEV_TOKENS, Settings
from paperspace_deployments_toolkit.emulator.testing import InProcessEmulator

TEAM_A, TEAM_B = list(DEV_TOKENS)


class Emulator(InProcessEmulator):
    """:class:`InProcessEmulator` whose ``client(token)`` takes a team's token positionally."""

    def client(self, token: str = TEAM_A, **options: Any) -> sdk.Client:
        return super().client(api_key=token, **options)


@contextmanager
def running(**settings: Any) -> Iterator[Emulator]:
    """As :func:`in_process`, with the emulator's ``settings`` (``db``, ``clock``, ``admin_token``...)."""
    emulator = Emulator(Settings(**{"db": ":memory:", "clock": "manual", **settings}))
    try:
        yield emulator
    finally:
        emulator.close()


def spec(name: str = "web", **fields: Any) -> models.DeploymentSpec:
    return models.DeploymentSpec(
        name=name, image=fields.pop("image", "nginx:1.25"), machine_type=fields.pop("machine_type", "A4000"), **fields
    )
