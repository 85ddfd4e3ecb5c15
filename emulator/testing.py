"""The emulator in your own tests, as moto is for AWS: a server for the session, or no socket at all.

Installing the toolkit registers a pytest plugin (the ``pytest11`` entry point
``deployments_emulator``) with one fixture, ``deployments_emulator``: an emulator process on
127.0.0.1 started once per test session (in-memory database, manual clock) and reset before each
test that uses it::

    def test_my_deploy_script(deployments_emulator):
        client = paperspace_deployments.Client(api_key=deployments_emulator.token,
                                                base_url=deployments_emulator.url)
        created = client.upsert_deployment(name="web", image="nginx:1.25", machine_type="A4000")
        deployments_emulator.advance(30)  # the rollout takes 30 s of the emulator's clock
        assert client.get_deployment(created.id).state == "ready"

Without a socket (fast unit tests of code that takes a client), :func:`in_process` runs the
emulator's ASGI app inside the test's process; its ``client()`` and ``async_client()`` talk to it
directly::

    with in_process() as emulator:
        client = emulator.client()

Both have the same controls: ``advance(seconds)``, ``fault(...)`` (the control API's fault
injection), ``reset()``, ``now()``; and ``token`` / ``other_token``, the two teams' dev tokens.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from .app import DEV_TOKENS, Settings, build_app
from .asgi_transport import SyncASGITransport

if TYPE_CHECKING:
    import paperspace_deployments

__all__ = ["EmulatorControls", "InProcessEmulator", "RunningEmulator", "in_process", "serve"]

TOKEN, OTHER_TOKEN = list(DEV_TOKENS)  # team-a's and team-b's
STARTUP_SECONDS = 30.0  # the longest the first line of a starting emulator is waited for


class EmulatorControls:
    """The control API (``/_emulator/*``) of one emulator, and the URL and tokens of its API."""

    url: str  # the API's base URL, ending in /v1
    token = TOKEN
    other_token = OTHER_TOKEN

    def __init__(self, url: str, control: httpx.Client) -> None:
        self.url = url
        self._control = control

    @property
    def http(self) -> httpx.Client:
        """The httpx client the controls use (its base URL is the emulator's root), for requests
        the SDK would not send: a malformed body, a missing header, an undocumented method."""
        return self._control

    def raw(self, method: str, path: str, *, token: str | None = TOKEN, **options: Any) -> httpx.Response:
        """``method path`` (e.g. ``"GET", "/v1/deployments"``) as ``token``'s team (None: no
        Authorization header), answered as it is; ``options`` are httpx's (``json``, ``headers``...)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self._control.request(method, path, headers={**headers, **options.pop("headers", {})}, **options)

    def advance(self, seconds: float) -> datetime:
        """Move the emulator's clock forward; deployments move through their states as they would."""
        return datetime.fromisoformat(self._call("POST", "/_emulator/clock", {"advance_seconds": seconds})["now"])

    def now(self) -> datetime:
        return datetime.fromisoformat(self._call("GET", "/_emulator/clock")["now"])

    def fault(
        self,
        *,
        method: str = "*",
        path: str = "*",
        status: int | None = None,
        retry_after: int | None = None,
        latency_ms: int = 0,
        count: int | None = None,
    ) -> None:
        """Make calls fail or slow down: those matching ``method`` and ``path`` (a glob such as
        ``/v1/deployments/*``) answer ``status`` (a 429 or 503 may carry ``retry_after``), after
        ``latency_ms``, for ``count`` calls (None: until :meth:`reset`)."""
        rule = {"method": method, "path": path, "status": status, "retry_after": retry_after}
        self._call("POST", "/_emulator/faults", {**rule, "latency_ms": latency_ms, "count": count})

    def reset(self) -> None:
        """Forget every deployment and fault; the clock stays where it is."""
        self._call("POST", "/_emulator/reset", {})

    def client(self, **options: Any) -> paperspace_deployments.Client:
        """A client of team A (``api_key=other_token`` for team B), with no retries unless asked."""
        from paperspace_deployments import Client

        settings = {"api_key": self.token, "base_url": self.url, "max_retries": 0, **options}
        return Client(**settings)

    def async_client(self, **options: Any) -> paperspace_deployments.AsyncClient:
        from paperspace_deployments import AsyncClient

        settings = {"api_key": self.token, "base_url": self.url, "max_retries": 0, **options}
        return AsyncClient(**settings)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._control.request(method, path, json=body)
        if response.status_code >= 400:
            raise ValueError(f"the emulator refused {method} {path}: {response.text[:300]}")
        return response.json() if response.content else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"


class RunningEmulator(EmulatorControls):
    """An emulator process on 127.0.0.1 (see :func:`serve`)."""


class InProcessEmulator(EmulatorControls):
    """The emulator's app in this process, reached through httpx's ASGI transports (no socket)."""

    def __init__(self, settings: Settings) -> None:
        self.app = build_app(settings)
        self._transport = SyncASGITransport(self.app)
        super().__init__("http://emulator/v1", httpx.Client(transport=self._transport, base_url="http://emulator"))

    def client(self, **options: Any) -> paperspace_deployments.Client:
        http = httpx.Client(transport=_Borrowed(self._transport))  # closing it leaves the transport open
        return super().client(http_client=http, **options)

    def async_client(self, **options: Any) -> paperspace_deployments.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
        return super().async_client(http_client=httpx.AsyncClient(transport=transport), **options)

    def close(self) -> None:
        self._control.close()  # and the transport it was built on
        self.app.state.service.store.close()


class _Borrowed(httpx.BaseTransport):
    """A transport lent to a client: its requests go through, its ``close`` is the owner's to do."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)


@contextlib.contextmanager
def in_process(*, seed: int = 0, **settings: Any) -> Iterator[InProcessEmulator]:
    """The emulator inside this process: in-memory database, manual clock, the two dev tokens.

    ``settings`` are the emulator's own (its command's options): ``db`` (a SQLite file to keep
    state in), ``clock`` (``"real"``), ``tokens`` ({token: team}), ``admin_token``..."""
    emulator = InProcessEmulator(Settings(**{"db": ":memory:", "clock": "manual", "seed": seed, **settings}))
    try:
        yield emulator
    finally:
        emulator.close()


@contextlib.contextmanager
def serve(*, seed: int = 0, db: str = ":memory:") -> Iterator[RunningEmulator]:
    """``python -m paperspace_deployments_toolkit.emulator`` on a free port of 127.0.0.1 with a manual clock, stopped on exit."""
    command = [
        sys.executable,
        "-m",
        "paperspace_deployments_toolkit.emulator",
        "--port",
        "0",
        "--db",
        db,
        "--clock",
        "manual",
        "--seed",
        str(seed),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    drain: threading.Thread | None = None
    try:
        url = _announced_url(process)
        # whatever it prints later is read and dropped: a full pipe would stop it mid-answer
        drain = threading.Thread(target=_drain, args=(process.stdout,), daemon=True)
        drain.start()
        with httpx.Client(base_url=url.removesuffix("/v1"), timeout=30) as control:
            yield RunningEmulator(url, control)
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # the pipe is closed by whoever reads it last, so no unclosed file is left for a test run
        # that makes ResourceWarning an error to find
        if drain is not None:
            drain.join(timeout=10)
        elif process.stdout is not None:
            process.stdout.close()


def _drain(stream: Any) -> None:
    with stream:  # read to the end (the process has exited), then closed
        for _ in stream:
            pass


def _announced_url(process: subprocess.Popen[str]) -> str:
    """The API URL the emulator prints once its socket is bound (after any warning it printed
    first); what it said if it stopped instead."""
    assert process.stdout is not None
    import selectors
    import time

    said: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while selector.select(timeout=max(0.0, deadline - time.monotonic())):
            line = process.stdout.readline()
            if not line:  # it stopped
                break
            found = re.search(r"emulator on (http://127\.0\.0\.1:\d+/v1)", line)
            if found is not None:
                return found.group(1)
            said.append(line)
    what = "".join(said).strip()[-500:] or f"nothing in {STARTUP_SECONDS:g} s"
    raise RuntimeError(f"the emulator did not start: {what}")
