"""The API key never shows when a call fails: not in the exception (its repr, str, args and what it
holds), nor in the client's repr, nor in a traceback that shows every frame's locals, chained
exceptions included (``TracebackException(capture_locals=True)``, rich, ``pytest -l``).

Both clients, each failure against a real server on 127.0.0.1: refused, 5xx until the retries run
out, timeouts (answering, and sending the request head), answers that are not JSON or not the
documented shape, 401 and 404, a connection cut in the middle of the answer, headers httpx or h11
refuse, and a key a header cannot carry. The key is a canary made for this run; it is kept in a module
global, never in a local of a frame the failures pass through, so only the SDK can leak it.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import paperspace_deployments as sdk
import pytest
from support.sdk_flavors import Flavor

from paperspace_deployments_toolkit.contract_tests.target import serve

CANARY = "canary-" + secrets.token_hex(8)
DEPLOYMENT = json.dumps(
    {"id": "d", "name": "d", "image": "i", "projectId": "p", "machineType": "m", "replicas": 1, "state": "ready"}
    | {"dtCreated": "2026-01-01T00:00:00Z"}
).encode()


class Server:
    """An ASGI app whose answer is chosen by the deployment id asked for; it records the
    Authorization headers it receives, which shows the key did travel the failing path."""

    def __init__(self) -> None:
        self.authorizations: list[str] = []
        self.release = threading.Event()  # holds the slow answer until the test is over

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = dict(scope["headers"])
        self.authorizations.append(headers.get(b"authorization", b"").decode())
        name = scope["path"].rsplit("/", 1)[-1] if scope["method"] == "GET" else "status-500"
        if name == "deployments":  # a first page pointing at a second one that fails
            name = "status-500" if b"after=" in scope["query_string"] else "first-page"
        if name == "slow":
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        status, content_type, body = ANSWERS[name]
        start: dict[str, Any] = {"type": "http.response.start", "status": status}
        if name == "cut":  # promises more than it sends, then uvicorn drops the connection
            start["headers"] = [(b"content-type", content_type), (b"content-length", b"1000")]
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": True})
            return
        start["headers"] = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await send(start)
        await send({"type": "http.response.body", "body": body})


JSON = b"application/json"
ANSWERS: dict[str, tuple[int, bytes, bytes]] = {
    "first-page": (200, JSON, b'{"items": [], "hasMore": true, "nextPage": "2"}'),
    "status-500": (500, JSON, b'{"code": "INTERNAL", "message": "it broke"}'),
    "status-401": (401, JSON, b'{"code": "UNAUTHORIZED", "message": "unknown key"}'),
    "status-404": (404, JSON, b'{"code": "NOT_FOUND", "message": "no such deployment"}'),
    "html-502": (502, b"text/html", b"<html><body>Bad gateway</body></html>"),
    "not-json": (200, JSON, b"{not json"),
    "html-200": (200, b"text/html", b"<html><body>a login page</body></html>"),
    "wrong-shape": (200, JSON, b'{"id": 5, "state": []}'),
    "slow": (200, JSON, DEPLOYMENT),
    "cut": (200, JSON, DEPLOYMENT[:10]),
}


@dataclass(frozen=True)
class Case:
    name: str
    error: type[Exception]
    call: Callable[[Any, Flavor], Any]
    target: str = "app"  # or "closed port", or "not reading": a socket that never reads
    sent: bool = True  # whether the app receives the request


def get(id: str, **options: Any) -> Callable[[Any, Flavor], Any]:
    return lambda client, flavor: flavor.run(client.get_deployment(id, **options))


CASES = [
    Case("refused", sdk.APIConnectionError, get("d"), target="closed port", sent=False),
    Case("500 until the retries run out", sdk.InternalServerError, get("status-500")),
    Case("401", sdk.AuthenticationError, get("status-401")),
    Case("404", sdk.NotFoundError, get("status-404")),
    Case("a proxy's HTML 502", sdk.InternalServerError, get("html-502")),
    Case("not JSON", sdk.APIResponseValidationError, get("not-json")),
    Case("HTML instead of JSON", sdk.APIResponseValidationError, get("html-200")),
    Case("JSON of the wrong shape", sdk.APIResponseValidationError, get("wrong-shape")),
    Case("timeout", sdk.APITimeoutError, get("slow", timeout=0.2, max_retries=0)),
    Case("connection cut mid-answer", sdk.APIConnectionError, get("cut")),
    Case(
        "sending the request head times out",  # httpcore's frames hold the head being written
        sdk.APITimeoutError,
        get("d", extra_headers={"X-Padding": "x" * 20_000_000}, timeout=httpx.Timeout(5, write=0.2), max_retries=0),
        target="not reading",
        sent=False,
    ),
    Case("a header value h11 refuses", sdk.APIConnectionError, get("d", extra_headers={"X-Note": "a\nb"}), sent=False),
    Case("a header value httpx cannot encode", UnicodeEncodeError, get("d", extra_headers={"X-Note": "é"}), sent=False),
    Case(
        "raw response of a 500",
        sdk.InternalServerError,
        lambda client, flavor: flavor.run(client.with_raw_response.get_deployment("status-500")),
    ),
    Case(
        "second page fails",
        sdk.InternalServerError,
        lambda client, flavor: flavor.items(flavor.run(client.list_deployments())),
    ),
    Case(
        "a write answered 500",
        sdk.InternalServerError,
        lambda client, flavor: flavor.run(
            client.upsert_deployment(name="status-500", image="i", machine_type="m", extra_headers={"X-Trace": "t"})
        ),
    ),
]


def leaks(exc: BaseException, client: Any) -> list[str]:
    """Where the canary shows: the names of the renderings of ``exc`` that hold it."""
    return [name for name, text in renderings(exc, client).items() if CANARY in text]


def renderings(exc: BaseException, client: Any) -> dict[str, str]:
    shown = {"repr(client)": repr(client), "str(client)": str(client)}
    chain = linked(exc)
    for depth, error in enumerate(chain):
        shown[f"repr(exc{depth})"] = repr(error)
        shown[f"str(exc{depth})"] = str(error)
        shown[f"exc{depth}.args"] = repr(error.args)
        shown[f"vars(exc{depth})"] = repr(vars(error))
        for holder in ("request", "response"):
            value = getattr(error, holder, None) if holder in vars(error) else None
            if value is not None:
                shown[f"exc{depth}.{holder}.headers"] = repr(value.headers) + str(value.headers)
    shown["every frame's locals"] = "".join(map(safe_repr, locals_of_every_frame(chain)))
    try:
        formatted = traceback.TracebackException.from_exception(exc, capture_locals=True).format()
        shown["traceback with locals"] = "".join(formatted)
    except AttributeError:  # 3.11 lets a repr that fails (a half-built httpx.Headers) through; 3.12 does not
        assert sys.version_info < (3, 12)
    shown.update(rich_tracebacks(exc))
    return shown


def linked(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception chained to it, as cause or as context."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending:
        if (error := pending.pop()) is not None and error not in found:
            found.append(error)
            pending += [error.__cause__, error.__context__]
    return found


def locals_of_every_frame(chain: Sequence[BaseException]) -> Iterator[tuple[str, object]]:
    for error in chain:
        tb = error.__traceback__
        while tb is not None:
            yield from tb.tb_frame.f_locals.items()
            tb = tb.tb_next


def safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception as exc:
        return f"<repr failed: {exc!r}>"


def rich_tracebacks(exc: BaseException) -> dict[str, str]:
    """What rich's traceback shows of each frame's locals, with its default limits and with none.
    (Extracted, not drawn: drawing highlights every source file and takes seconds.)"""
    try:
        from rich.traceback import LOCALS_MAX_LENGTH, LOCALS_MAX_STRING, Traceback
    except ImportError:  # not a dependency of the SDK; checked where it is installed
        return {}
    shown: dict[str, str] = {}
    for name, max_string, max_length in [
        ("rich", LOCALS_MAX_STRING, LOCALS_MAX_LENGTH),
        ("rich, nothing cut", 10**9, 10**9),
    ]:
        trace = Traceback.extract(
            type(exc),
            exc,
            exc.__traceback__,
            show_locals=True,
            locals_max_string=max_string,
            locals_max_length=max_length,
        )
        frames = [frame for stack in trace.stacks for frame in stack.frames]
        assert any(frame.locals for frame in frames)
        shown[name] = "".join(
            node.render(max_width=10**9) for frame in frames for node in (frame.locals or {}).values()
        )
    return shown


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Server, str]]:
    app = Server()
    with serve(app) as base_url:
        yield app, base_url
        app.release.set()


@pytest.fixture(scope="module")
def not_reading() -> Iterator[str]:
    """A socket that takes connections (the kernel does, into the backlog) and never reads them."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # closed: nothing listens there any more


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_failed_call_never_shows_the_key(
    case: Case, flavor: Flavor, server: tuple[Server, str], not_reading: str, waits: list[float]
) -> None:
    app, app_url = server
    base_url = {"app": app_url, "closed port": closed_port_url(), "not reading": not_reading}[case.target]
    client = flavor.real_client(base_url, CANARY, max_retries=2)
    received = len(app.authorizations)
    try:
        with pytest.raises(case.error) as caught:
            case.call(client, flavor)
    finally:
        flavor.run(client.close())
    if case.sent:
        assert app.authorizations[received:] and set(app.authorizations[received:]) == {f"Bearer {CANARY}"}
    assert leaks(caught.value, client) == []


@pytest.mark.parametrize(("before", "after"), [("", "\n"), (" ", ""), ("", "\r\nX-Injected: 1"), ("", "é")])
def test_a_key_a_header_cannot_carry_is_refused_without_showing_it(
    flavor: Flavor, monkeypatch: pytest.MonkeyPatch, before: str, after: str
) -> None:
    """httpx's and h11's own errors about such a header quote it whole."""
    cls = sdk.AsyncClient if flavor.is_async else sdk.Client
    monkeypatch.setenv("PAPERSPACE_API_KEY", before + CANARY + after)
    with pytest.raises(sdk.APIError, match="header cannot carry") as from_the_environment:
        cls(base_url="http://127.0.0.1:9/v1")
    assert leaks(from_the_environment.value, None) == []
    with pytest.raises(sdk.APIError, match="header cannot carry") as passed:
        cls(api_key=before + CANARY + after, base_url="http://127.0.0.1:9/v1")
    # the caller's frames hold the key they passed: only the exception itself is checked
    error = passed.value
    assert [text for text in (repr(error), str(error), repr(error.args), repr(vars(error))) if CANARY in text] == []


def test_a_client_made_with_options_never_shows_the_key(flavor: Flavor, server: tuple[Server, str]) -> None:
    base = flavor.real_client(server[1], CANARY)
    client = base.with_options(max_retries=0, default_headers={"X-Team": "a"})
    try:
        with pytest.raises(sdk.NotFoundError) as caught:
            flavor.run(client.get_deployment("status-404"))
    finally:
        flavor.run(base.close())
    assert leaks(caught.value, client) == []


def test_only_the_transports_frames_lose_their_locals(flavor: Flavor) -> None:
    """An exception the caller was handling when the call failed is chained to the SDK's error:
    its frames, the caller's, keep their locals."""
    client = flavor.real_client(closed_port_url(), CANARY, max_retries=0)

    def fail_with_a_local() -> None:
        kept = "the caller's local"
        raise KeyError(kept)

    def call_while_handling() -> None:
        try:
            fail_with_a_local()
        except KeyError:
            client.get_deployment("d")

    async def call_while_handling_async() -> None:
        try:
            fail_with_a_local()
        except KeyError:
            await client.get_deployment("d")

    with pytest.raises(sdk.APIConnectionError) as caught:
        flavor.run(call_while_handling_async()) if flavor.is_async else call_while_handling()
    flavor.run(client.close())
    chain = linked(caught.value)
    handled = [error for error in chain if isinstance(error, KeyError)]
    assert handled and any(type(error).__module__.startswith("httpcore") for error in chain)
    assert ("kept", "the caller's local") in dict(locals_of_every_frame(handled)).items()


def test_the_check_finds_a_key_that_leaks() -> None:
    """Each rendering ``leaks`` looks at can fail: here every one of them holds the key."""

    def fail_holding_the_key() -> None:
        headers = {"Authorization": f"Bearer {CANARY}"}  # shown by the renderings of locals
        cause = KeyError(CANARY)
        vars(cause)["detail"] = CANARY
        request = httpx.Request("GET", "http://127.0.0.1:9/", headers={"X-Api-Key": CANARY})  # httpx shows it
        raise sdk.APIConnectionError(f"{CANARY} in {len(headers)} headers", request=request) from cause

    with pytest.raises(sdk.APIConnectionError) as caught:
        fail_holding_the_key()
    shown = renderings(caught.value, [CANARY])
    assert {"every frame's locals", "traceback with locals", "exc0.request.headers", "vars(exc1)"} <= set(shown)
    assert leaks(caught.value, [CANARY]) == list(shown)


SUBPROCESS_TEST = """
import asyncio
import socket

import paperspace_deployments as sdk

LISTENING = socket.create_server(("127.0.0.1", 0))  # takes connections, never answers


def test_sync():
    client = sdk.Client(base_url=URL, max_retries=0)  # the key comes from the environment
    client.get_deployment("d")


def test_async():
    client = sdk.AsyncClient(base_url=URL, max_retries=0)
    asyncio.run(client.get_deployment("d"))


def test_a_header_h11_refuses():  # fails in httpcore's frames, which hold every header
    client = sdk.Client(base_url=f"http://127.0.0.1:{LISTENING.getsockname()[1]}/v1", max_retries=0)
    client.get_deployment("d", extra_headers={"X-Note": "a\\nb"})
"""


def test_pytest_showing_locals_never_shows_the_key(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_leak.py").write_text(f"URL = {closed_port_url()!r}\n" + SUBPROCESS_TEST)
    package_dir = Path(sdk.__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-l", "--tb=long", "-vv", "-p", "no:cacheprovider", "test_leak.py"],
        cwd=tmp_path,
        env={"PAPERSPACE_API_KEY": CANARY, "PYTHONPATH": str(package_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "3 failed" in output and "Illegal header value" in output, output
    assert re.search(r"client +\= Client\(", output)  # locals were shown
    assert CANARY not in output
