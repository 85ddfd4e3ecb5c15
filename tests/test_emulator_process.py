"""The emulator as a process on 127.0.0.1: restarts, ``kill -9`` and concurrent writers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import paperspace_deployments as sdk
import pytest
from conftest import ROOT
from emulator_harness import TEAM_A, running, spec

AUTH = {"Authorization": f"Bearer {TEAM_A}"}


@contextmanager
def emulator_process(db: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m emulator`` on a free port; yields the process and its API base URL."""
    command = [sys.executable, "-m", "emulator", "--port", "0", "--db", str(db), "--clock", "manual", *extra]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()  # printed once the socket is bound
            found = re.search(r"on (http://127\.0\.0\.1:\d+/v1)", banner)
            assert found, f"no address in {banner!r}"
            yield process, found.group(1)
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=10)


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
    command = [sys.executable, "-m", "emulator", "--port", "0", "--db", ":memory:", "--token", "very-secret-token=ops"]
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


@pytest.mark.parametrize("argument", ["--token=missing-team", "--clock=sometimes"])
def test_bad_arguments_are_refused_with_a_message(argument: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", argument], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


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
