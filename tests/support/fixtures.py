"""Fixtures every test folder may use (loaded by ``tests/conftest.py`` with ``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from paperspace_deployments._base_client import AsyncAPIClient, SyncAPIClient

from support.generator import run_generator
from support.paths import SPECS
from support.sdk_flavors import Flavor


@pytest.fixture
def generate(tmp_path: Path) -> Callable[..., Path]:
    """Generate a package from a spec in tests/specs into a temporary directory; returns its dir."""

    def _generate(spec_name: str, package: str, *extra: str) -> Path:
        out = tmp_path / f"out-{package}"
        result = run_generator("generate", "--spec", SPECS / spec_name, "--out", out, "--package", package, *extra)
        assert result.returncode == 0, result.stderr
        return out

    return _generate


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> Iterator[Flavor]:
    chosen = Flavor(request.param)
    yield chosen
    chosen.close()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clients' pauses between retries, recorded instead of waited."""
    recorded: list[float] = []

    async def async_wait(self: AsyncAPIClient, seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(SyncAPIClient, "_wait", lambda self, seconds: recorded.append(seconds))
    monkeypatch.setattr(AsyncAPIClient, "_wait", async_wait)
    return recorded


@pytest.fixture
def make_app() -> Iterator[Callable[..., FastAPI]]:
    """The emulator's app, built with its ``Settings`` (in-memory, manual clock unless given), for a
    test to break and serve; each one's database is closed after the test (Python 3.13 warns of a
    connection left to the collector)."""
    from paperspace_deployments_toolkit.emulator.app import Settings, build_app

    built: list[FastAPI] = []

    def make(**settings: Any) -> FastAPI:
        app = build_app(Settings(**{"db": ":memory:", "clock": "manual", **settings}))
        built.append(app)
        return app

    yield make
    for app in built:
        app.state.service.store.close()
