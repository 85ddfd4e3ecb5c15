"""The server under test: a live URL the user names, or the embedded emulator on a free port."""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import httpx

from paperspace_deployments_toolkit.contract_tests.verdict import ServerFault

# a header field value: visible ASCII, inner spaces allowed, nothing blank at either end (RFC 9110 5.5)
_HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")

PROFILES = {"quick": 16, "full": 150}  # Hypothesis examples per operation and phase
WORKERS = {"quick": 2, "full": 2}
DEFAULT_SEED = 20261128  # runs are reproducible by default; --seed N explores other inputs
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_MAX_CREATED = 30  # deployments a run may create on a non-loopback target
MIN_CREATED = 3  # the smallest --max-created that leaves each side of the run something
EMULATOR_TOKENS = {"dev-token-team-a": "team-a", "dev-token-team-b": "team-b"}


class Secret(str):
    """A token: the string itself wherever it is used, ``'***'`` wherever it is shown (a repr
    in a traceback's locals, a set or dict of tokens included)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


@dataclass(frozen=True)
class Target:
    base_url: str  # ends with the API's base path, e.g. http://127.0.0.1:8000/v1
    token: str = field(repr=False)  # tokens never appear in tracebacks or reports
    other_token: str | None = field(repr=False)
    allow_writes: bool
    profile: str
    seed: int
    embedded: bool
    run_prefix: str  # every deployment this run creates is named with it
    max_created: int | None = None  # None: no cap (loopback targets)
    baseline: Path | None = None  # accepted deviations (a Schemathesis baseline file)
    record_deviations: bool = False
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT  # seconds per request, Schemathesis's and the suite's
    clock_url: str | None = None  # an emulator's control API for its manual clock (loopback only)
    worker_count: int | None = None  # Schemathesis's workers; None: the profile's
    shrink: bool = True  # --no-shrink: failing inputs reported as found (faster on a broken server)

    def __post_init__(self) -> None:
        # kept as Secret, so a local that holds one (target.token) never shows it
        object.__setattr__(self, "token", Secret(self.token))
        if self.other_token is not None:
            object.__setattr__(self, "other_token", Secret(self.other_token))

    def get(self, path: str, token: str, **params: Any) -> httpx.Response:
        """GET ``path`` of the API with ``token``; a failure to get an answer is the server's, and
        raised without httpx's frames (their locals hold the raw Authorization header)."""
        try:
            return httpx.get(
                f"{self.base_url}{path}",
                headers=self.headers(token),
                params=params,
                timeout=self.request_timeout,
            )
        except httpx.HTTPError as exc:
            said = _masked(str(exc), self)  # a header error quotes the header
            raise ServerFault(f"GET {path}: no answer ({type(exc).__name__}: {said})") from None

    @property
    def examples(self) -> int:
        return PROFILES[self.profile]

    @property
    def workers(self) -> int:
        return self.worker_count or WORKERS[self.profile]

    @property
    def fuzzing_names(self) -> int | None:
        """The share of ``max_created`` Schemathesis's requests may create (a third)."""
        return None if self.max_created is None else max(1, self.max_created // 3)

    @property
    def suite_budget(self) -> int | None:
        """The share the suite's own tests (rules and model) may create: the rest."""
        return None if self.max_created is None else self.max_created - max(1, self.max_created // 3)

    def headers(self, token: str | None = None) -> httpx.Headers:
        # httpx.Headers, not a dict: its repr masks the token in any traceback that shows locals
        return httpx.Headers({"Authorization": f"Bearer {token or self.token}"})

    def control(self, name: str, body: dict[str, Any] | None) -> bool:
        """POST ``body`` to the emulator's control API ``name`` (None: DELETE it); False when the
        target has no control API or it refused."""
        url = control_url(self, name)
        if url is None:
            return False
        if body is None:
            return httpx.delete(url, timeout=self.request_timeout).is_success
        return httpx.post(url, json=body, timeout=self.request_timeout).is_success

    def advance_clock(self, seconds: float) -> bool:
        """Move the emulator's manual clock on; False when the target has no clock to move."""
        if self.clock_url is None:
            return False
        return httpx.post(self.clock_url, json={"advance_seconds": seconds}, timeout=self.request_timeout).is_success


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def writes_allowed(url: str, allow_writes: bool) -> bool:
    """A live account bills for deployments: only loopback targets are written to by default."""
    return allow_writes or is_loopback(url)


@contextmanager
def embedded_emulator() -> Iterator[str]:
    """The emulator (manual clock, in-memory, the two development teams) on 127.0.0.1."""
    from paperspace_deployments_toolkit.emulator.app import Settings, build_app

    app = build_app(Settings(db=":memory:", clock="manual", tokens=dict(EMULATOR_TOKENS)))
    try:
        with serve(app) as base_url:
            yield base_url
    finally:
        app.state.service.store.close()  # its database, closed rather than left to the collector


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """An ASGI app served by uvicorn on a free 127.0.0.1 port in a thread; yields its /v1 URL.

    The socket is bound and listening before uvicorn starts, so requests made at once wait in
    the backlog instead of being refused: nothing has to poll for the server to come up.
    """
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def sweep(target: Target, tracked: dict[str, str]) -> list[str]:
    """Delete every deployment of this run and say which are still there.

    First each id the run's own writes got back (``tracked``: id -> name), by id, as either team
    (Schemathesis may retry a refused request as the other team), each confirmed gone by a read
    that answers 404: nothing here trusts a listing. Then, for anything the tracking missed, every
    deployment a listing shows under the run's prefix. Returns one line per deployment left, with
    its id, its name and a command that deletes it."""
    import paperspace_deployments as sdk

    # the SDK's two retries ride out a transient error; more would hold the end of a run against a
    # server that answers errors throughout for half a minute, and whatever is left is named below
    clients = [
        sdk.Client(api_key=token, base_url=target.base_url, max_retries=2, timeout=target.request_timeout)
        for token in (target.token, target.other_token)
        if token
    ]
    left: dict[str, str] = {}
    try:
        gone: set[str] = set()
        for id, name in sorted(tracked.items()):
            try:
                if _deleted(clients, id):
                    gone.add(id)
                else:
                    left[id] = name
            except sdk.APIConnectionError:  # the server stopped answering: retrying each id would not help
                rest = {i: n for i, n in tracked.items() if i not in gone}
                return _leftovers(target, rest, "the server stopped answering")
        for client in clients:  # the listing only adds to what is deleted, never vouches for it
            try:
                listed = [d for d in client.list_deployments(limit=120) if d.name.startswith(target.run_prefix)]
            except (sdk.APIError, ValueError):
                continue
            for deployment in listed:
                if deployment.id not in tracked and not _deleted(clients, deployment.id):
                    left[deployment.id] = deployment.name
    finally:
        for client in clients:
            client.close()
    return _leftovers(target, left)


def _leftovers(target: Target, left: dict[str, str], why: str = "") -> list[str]:
    """One line per deployment left: its id, its name, and a command that deletes it."""
    said = f" ({why})" if why else ""
    return [
        f'{id} (named {name!r}){said}; delete it with: curl -X DELETE -H "Authorization: Bearer $CONTRACT_API_TOKEN" '
        f"{target.base_url}/deployments/{quote(id, safe='')}"
        for id, name in sorted(left.items())
    ]


def _deleted(clients: list[Any], id: str) -> bool:
    """Delete ``id`` as whichever team has it; True once every team's read of it answers 404."""
    import paperspace_deployments as sdk

    for client in clients:
        try:
            client.delete_deployment(id)
        except sdk.APIConnectionError:
            raise
        except sdk.APIError:  # a 404 or a refusal: the reads below confirm or not
            continue
    for client in clients:
        try:
            client.get_deployment(id)
        except sdk.NotFoundError:
            continue
        except sdk.APIConnectionError:
            raise
        except sdk.APIError:
            return False  # an answer that is not a 404: not confirmed gone
        return False
    return True


def preflight(target: Target) -> str | None:
    """Why the run cannot mean anything (the token is refused, the server answers only errors)."""
    try:
        response = target.get("/deployments", target.token, limit=1)
    except ServerFault as exc:
        return f"cannot reach {target.base_url}: {exc}"
    if response.status_code in {401, 403}:
        return f"the API token is refused ({response.status_code}): every check would pass on a wall of {response.status_code}s"
    if response.status_code != 200:
        return (
            f"GET {target.base_url}/deployments answered {response.status_code}, not 200: the target is not serving"
            f" the API. {_body_start(response, target)} The server's log says why."
        )
    if target.other_token:
        try:
            other = target.get("/deployments", target.other_token, limit=1)
        except ServerFault as exc:
            return f"cannot reach {target.base_url} as the other team: {exc}"
        if other.status_code != 200:
            return f"the other team's token is refused ({other.status_code}). {_body_start(other, target)}"
    return None


def token_problem(token: str) -> str | None:
    """What makes ``token`` unusable in an Authorization header, without quoting it (httpx
    refuses such a header and quotes it, the token with it). The rule is RFC 9110's field value
    (the generated SDK refuses the same keys when a client is built)."""
    if _HEADER_VALUE.fullmatch(token):
        return None
    return (
        "has a line break, another control or non-ASCII character, or whitespace at either end, which a "
        "header cannot carry (a secret file's last newline?)"
    )


def _masked(text: str, target: Target) -> str:
    for token in (target.token, target.other_token):
        if token:
            text = text.replace(token, "***")
    return text


BODY_SHOWN = 300  # characters of an answer a refusal quotes


def _body_start(response: httpx.Response, target: Target) -> str:
    """The start of an answer's body, printable, with the tokens (should a server echo them) masked."""
    text = _masked(response.text, target)
    shown = text[:BODY_SHOWN].encode("unicode_escape").decode("ascii")
    if not shown:
        return "Its body was empty."
    return f"Its body began: {shown}" + ("..." if len(text) > BODY_SHOWN else "")


def control_url(target: Target, name: str) -> str | None:
    """The URL of a loopback emulator's control API ``name`` (``faults``, ``clock``), if the target
    has one; never asked of a target off loopback."""
    if not is_loopback(target.base_url):
        return None
    parts = urlparse(target.base_url)
    url = f"{parts.scheme}://{parts.netloc}/_emulator/{name}"
    try:
        answer = httpx.get(url, timeout=5)
        return url if answer.status_code == 200 and isinstance(answer.json(), dict) else None
    except (httpx.HTTPError, ValueError):
        return None


def manual_clock(base_url: str) -> str | None:
    """The control URL of a loopback emulator's manual clock, if the target is one (never asked
    of a target off loopback: the suite sends a live service nothing but the API's requests)."""
    if not is_loopback(base_url):
        return None
    parts = urlparse(base_url)
    url = f"{parts.scheme}://{parts.netloc}/_emulator/clock"
    try:
        answer = httpx.get(url, timeout=5)
        kind = answer.json().get("kind") if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return url if kind == "manual" else None
