"""The emulator as a process on 127.0.0.1: restarts, ``kill -9`` and concurrent writers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import paperspace_deployments as sdk
import pytest
from support.emulator import TEAM_A, running, spec
from support.emulator_process import emulator_process
from support.paths import ROOT

AUTH = {"Authorization": f"Bearer {TEAM_A}"}


def test_state_and_the_manual_clock_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite3"
    with running(db=str(db)) as first:
        created = first.client().upsert_deployment(spec(replicas=2))
        first.advance(3600)
    with running(db=str(db)) as second:
        again = second.client().get_deployment(created.id)
        assert (again.name, again.state, again.replicas) == ("web", "ready", 2)
        assert second.http.get("/_emulator/clock").json()["now"] == "2026-01-01T01:00:00+00:00"


def test_nothing_acknowledged_is_lost_to_kill_9_during_writes(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite3"
    acknowledged: list[str] = []
    unexpected: list[str] = []
    enough = threading.Event()

    def write_until_killed(url: str) -> None:
        try:
            with httpx.Client(base_url=url, headers=AUTH, timeout=10) as http:
                for n in range(10_000):
                    body = {"name": f"d{n}", "image": "nginx:1", "machineType": "A4000"}
                    try:
                        response = http.post("/deployments", json=body)
                    except httpx.TransportError:
                        return  # killed: whatever was not answered was never acknowledged
                    if response.status_code != 200:
                        unexpected.append(response.text)
                        return
                    acknowledged.append(response.json()["id"])
                    if len(acknowledged) == 25:
                        enough.set()
        finally:
            enough.set()

    with emulator_process(db) as (process, url):
        writer = threading.Thread(target=write_until_killed, args=(url,))
        writer.start()
        assert enough.wait(timeout=60)
        os.kill(process.pid, signal.SIGKILL)  # while the writer is still sending
        writer.join(timeout=30)
    with emulator_process(db) as (_, url), httpx.Client(base_url=url, headers=AUTH, timeout=10) as http:
        client = sdk.Client(api_key=TEAM_A, base_url=url, http_client=http)
        survivors = {d.id for d in client.list_deployments(limit=120)}
    report = f"acknowledged {len(acknowledged)}, survivors {len(survivors)}, unexpected {unexpected[:3]}"
    assert unexpected == [], report
    assert len(acknowledged) >= 25, report
    assert set(acknowledged) <= survivors, report
    assert len(survivors - set(acknowledged)) <= 1, "at most the one in flight committed unanswered; " + report


def test_fifty_concurrent_upserts_of_one_name_make_one_deployment(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite3"
    with emulator_process(db) as (_, url), httpx.Client(base_url=url, headers=AUTH, timeout=30) as http:

        def upsert(n: int) -> str:
            body = {"name": "contended", "image": "nginx:1", "machineType": "A4000", "env": {"N": str(n)}}
            response = http.post("/deployments", json=body)
            assert response.status_code == 200, response.text
            return str(response.json()["id"])

        with ThreadPoolExecutor(max_workers=16) as pool:
            ids = set(pool.map(upsert, range(50)))
        history = http.get(f"/deployments/{ids.pop()}/history").json()
    assert not ids, "every upsert answered the same deployment"
    assert [r["revision"] for r in history] == list(range(1, 51))
    assert sorted(int(r["spec"]["env"]["N"]) for r in history) == list(range(50))


def test_the_banner_names_address_data_and_tokens_but_not_custom_secrets(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "paperspace_deployments_toolkit.emulator",
        "--port",
        "0",
        "--db",
        ":memory:",
        "--token",
        "very-secret-token=ops",
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(5)]
        finally:
            process.terminate()
            process.wait(timeout=10)
    text = "".join(lines)
    assert re.search(r"http://127\.0\.0\.1:\d+/v1", text)
    assert "data:   :memory:" in text and "-> team ops" in text
    assert "very-secret-token" not in text


def _start_fails(*arguments: str) -> tuple[int, str]:
    """Exit code and output of an emulator that must refuse to start."""
    command = [sys.executable, "-m", "paperspace_deployments_toolkit.emulator", "--port", "0", *arguments]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout == "", "nothing is served, so no banner"
    return result.returncode, result.stderr


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), f"not one line: {stderr!r}"
    return stderr


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--token=missing-team"], "TOKEN=TEAM"),
        (["--clock=sometimes"], "--clock"),
        (["--token", "has space=ops"], "--token"),
        (["--token", "tok\u00e9n=ops"], "--token"),
        (["--token", "good-token=bad team"], "--token"),
        (["--admin-token", "bad admin"], "--admin-token"),
        (["--header-timeout", "0"], "--header-timeout"),
        (["--max-connections", "-3"], "--max-connections"),
    ],
)
def test_bad_arguments_are_one_line_exit_2(arguments: list[str], named: str) -> None:
    code, stderr = _start_fails("--db", ":memory:", *arguments)
    assert code == 2 and named in _one_line(stderr)
    for secret in ("has space", "tok\u00e9n", "good-token", "bad admin"):
        assert secret not in stderr, "a token given on the command line is never repeated"


def test_a_port_in_use_is_one_line_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, stderr = _start_fails("--db", ":memory:", "--port", str(port))
    assert code == 1 and f"cannot listen on 127.0.0.1:{port}" in _one_line(stderr) and "--port" in stderr


@pytest.mark.parametrize("kind", ["directory", "not-a-database", "unwritable-parent"])
def test_a_database_that_cannot_be_opened_is_one_line_exit_1(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        db = tmp_path
    elif kind == "not-a-database":
        db = tmp_path / "notes.txt"
        db.write_text("these are not the tables you are looking for " * 100)
    else:
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        db = blocker / "emulator.sqlite3"  # its parent is a file
    code, stderr = _start_fails("--db", str(db))
    assert code == 1 and f"cannot open the database {db}" in _one_line(stderr)


def test_a_saved_clock_out_of_range_is_refused_at_start(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite3"
    with running(db=str(db)) as emulator:
        emulator.advance(3600)
    # closing(): sqlite3's own context manager commits but leaves the connection open
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE meta SET value = '9999-12-31T23:59:59+00:00' WHERE key = 'manual_clock'")
    code, stderr = _start_fails("--db", str(db), "--clock", "manual")
    assert code == 1 and "9999-12-31T23:59:59+00:00 is outside the manual clock's range" in _one_line(stderr)


def test_two_processes_on_one_database_serialise_their_upserts(tmp_path: Path) -> None:
    """Within one process the event loop serialises writes anyway; across processes only the
    database lock (BEGIN IMMEDIATE) keeps one name one deployment with contiguous revisions."""
    db = tmp_path / "emulator.sqlite3"
    with emulator_process(db) as (_, first), emulator_process(db) as (_, second):
        urls = [first, second]

        def upsert(n: int) -> str:
            with httpx.Client(base_url=urls[n % 2], headers=AUTH, timeout=30) as http:
                body = {"name": "shared", "image": "nginx:1", "machineType": "A4000", "env": {"N": str(n)}}
                response = http.post("/deployments", json=body)
                assert response.status_code == 200, response.text
                return str(response.json()["id"])

        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = set(pool.map(upsert, range(40)))
        with httpx.Client(base_url=first, headers=AUTH, timeout=30) as http:
            history = http.get(f"/deployments/{ids.pop()}/history").json()
    assert not ids
    assert [r["revision"] for r in history] == list(range(1, 41))


# reachable from the network only when asked, and then locked


def test_off_loopback_the_control_api_needs_an_admin_token_printed_once() -> None:
    from paperspace_deployments_toolkit.emulator.__main__ import _parser, plan
    from paperspace_deployments_toolkit.emulator.app import build_app
    from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

    chosen = plan(_parser().parse_args(["--host", "0.0.0.0", "--db", ":memory:"]))  # nothing is bound
    token = chosen.settings.admin_token
    assert token and len(token) >= 32
    banner = "\n".join(chosen.banner)
    assert banner.count(token) == 1 and "reachable from the network" in banner
    app = build_app(chosen.settings)
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://203.0.113.7") as http:
        assert http.post("/_emulator/reset", json={}).status_code == 401
        assert http.post("/_emulator/reset", json={}, headers={"Authorization": f"Bearer {token}"}).status_code == 204
    app.state.service.store.close()
    on_loopback = plan(_parser().parse_args(["--db", ":memory:"]))
    assert on_loopback.settings.admin_token is None and "reachable" not in "\n".join(on_loopback.banner)


def test_on_loopback_only_loopback_host_names_are_answered(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "emulator.sqlite3") as (_, url):
        port = url.rsplit(":", 1)[1].split("/")[0]
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
            assert httpx.get(f"{url}/deployments", headers={**AUTH, "Host": host}).status_code == 200, host
        for host in (f"rebind.example:{port}", "127.0.0.1.nip.io", ""):
            response = httpx.get(f"{url}/deployments", headers={**AUTH, "Host": host})
            assert (response.status_code, response.json()["code"]) == (400, "BAD_REQUEST"), host
            reset = httpx.post(f"{url.removesuffix('/v1')}/_emulator/reset", json={}, headers={"Host": host})
            assert reset.status_code == 400, host


# slow clients cannot starve the others


def _open_incomplete(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"GET /v1/deployments HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never end
    return sock


def test_many_incomplete_connections_do_not_keep_a_normal_request_out(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite3"
    with emulator_process(db, "--max-connections", "50", "--header-timeout", "600") as (_, url):
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        held = [_open_incomplete(port) for _ in range(300)]
        try:
            with httpx.Client(timeout=30) as client:
                assert client.get(f"{url}/deployments", headers=AUTH).status_code == 200
            assert held[0].recv(1) == b"", "the oldest incomplete connection made room"
        finally:
            for sock in held:
                sock.close()


def test_a_client_that_never_finishes_its_headers_is_disconnected(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "emulator.sqlite3", "--header-timeout", "1") as (_, url):
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        with _open_incomplete(port) as fresh:
            assert fresh.recv(1) == b"", "closed once the header deadline passed"  # 30 s socket timeout otherwise
        with socket.create_connection(("127.0.0.1", port), timeout=30) as kept_alive:
            token = AUTH["Authorization"]
            kept_alive.sendall(
                f"GET /v1/deployments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n\r\n".encode()
            )
            assert kept_alive.recv(12) == b"HTTP/1.1 200"
            kept_alive.sendall(b"GET /v1/deployments HTTP/1.1\r\n")  # the next request stalls
            while chunk := kept_alive.recv(65536):  # the rest of the first answer, then the close
                assert b"HTTP/1.1" not in chunk
