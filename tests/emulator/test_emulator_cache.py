"""The read cache answers repeated reads without recomputing them, and never answers stale."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from paperspace_deployments import models
from support.emulator import TEAM_A, TEAM_B, Emulator, running, spec

from paperspace_deployments_toolkit.emulator import lifecycle


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running() as emulator:
        yield emulator


def _count_service_calls(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    service = emu.app.state.service
    for name in ("list_deployments", "get"):
        original = getattr(service, name)

        def counted(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(service, name, counted)
    return calls


def test_a_repeated_read_is_answered_from_the_cache_byte_for_byte(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = emu.client().upsert_deployment(spec())
    calls = _count_service_calls(emu, monkeypatch)
    first = [emu.raw("GET", "/v1/deployments?limit=5"), emu.raw("GET", f"/v1/deployments/{d.id}")]
    again = [emu.raw("GET", "/v1/deployments?limit=5"), emu.raw("GET", f"/v1/deployments/{d.id}")]
    assert [r.content for r in again] == [r.content for r in first]
    assert [dict(r.headers) for r in again] == [dict(r.headers) for r in first]
    assert calls == ["list_deployments", "get"], "the second round never reached the service"


def test_a_write_is_seen_at_once(emu: Emulator) -> None:
    client = emu.client()
    assert list(client.list_deployments()) == []
    created = client.upsert_deployment(spec())
    assert [d.id for d in client.list_deployments()] == [created.id]
    client.upsert_deployment(spec(replicas=0))
    emu.advance(lifecycle.STOP_SECONDS)
    assert client.get_deployment(created.id).state == models.State.stopped
    client.delete_deployment(created.id)
    assert list(client.list_deployments()) == []


def test_time_is_seen_at_the_moment_of_the_next_transition(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec())
    assert client.get_deployment(d.id).state == models.State.deploying
    emu.advance(lifecycle.ROLLOUT_SECONDS - 1)
    assert client.get_deployment(d.id).state == models.State.deploying
    emu.advance(1)
    assert client.get_deployment(d.id).state == models.State.ready
    assert [x.state for x in client.list_deployments()] == [models.State.ready]


def test_an_autoscaled_count_is_recomputed_every_minute(emu: Emulator) -> None:
    client = emu.client()
    policy = models.AutoscalingPolicy(min=1, max=100, target=1, metric=models.Metric.requests)
    d = client.upsert_deployment(spec(autoscaling=policy))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    seen = set()
    for _ in range(30):
        seen.add(client.get_deployment(d.id).replicas)
        emu.advance(60)
    assert len(seen) > 1


def test_teams_never_share_an_answer_and_unknown_tokens_are_refused(emu: Emulator) -> None:
    emu.client(TEAM_A).upsert_deployment(spec())
    assert len(emu.raw("GET", "/v1/deployments", token=TEAM_A).json()["items"]) == 1
    assert emu.raw("GET", "/v1/deployments", token=TEAM_B).json()["items"] == []
    assert emu.raw("GET", "/v1/deployments", token="forged").status_code == 401
    assert emu.raw("GET", "/v1/deployments", token=None).status_code == 401


def test_faults_still_apply_to_reads_the_cache_holds(emu: Emulator) -> None:
    emu.raw("GET", "/v1/deployments")
    emu.http.post("/_emulator/faults", json={"path": "/v1/deployments", "status": 503, "count": 1})
    assert emu.raw("GET", "/v1/deployments").status_code == 503
    assert emu.raw("GET", "/v1/deployments").status_code == 200


def test_another_process_writing_the_same_database_is_seen(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.sqlite3")
    with running(db=db) as reader, running(db=db) as writer:
        assert reader.raw("GET", "/v1/deployments").json()["items"] == []
        writer.client().upsert_deployment(spec())
        assert len(reader.raw("GET", "/v1/deployments").json()["items"]) == 1


def test_two_authorization_headers_never_fill_another_teams_key(emu: Emulator) -> None:
    mine = emu.client(TEAM_A).upsert_deployment(spec())
    both = [("Authorization", f"Bearer {TEAM_A}"), ("Authorization", f"Bearer {TEAM_B}")]
    emu.http.get(f"/v1/deployments/{mine.id}", headers=both)
    emu.http.get("/v1/deployments", headers=both)
    assert emu.raw("GET", f"/v1/deployments/{mine.id}", token=TEAM_B).status_code == 404
    assert emu.raw("GET", "/v1/deployments", token=TEAM_B).json()["items"] == []


def test_an_answer_expires_when_its_transition_is_due_even_without_a_write(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec())
    assert client.get_deployment(d.id).state == models.State.deploying
    clock = emu.app.state.service.clock
    clock.set(clock.now() + timedelta(seconds=lifecycle.ROLLOUT_SECONDS))  # moves time, writes nothing
    assert client.get_deployment(d.id).state == models.State.ready
    assert [x.state for x in client.list_deployments()] == [models.State.ready]
