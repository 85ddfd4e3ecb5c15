"""The emulator's control API: reset, the clock, fault injection, the admin lock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import paperspace_deployments as sdk
import pytest
from support.emulator import Emulator, running, spec

from paperspace_deployments_toolkit.emulator.clock import LATEST


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running() as emulator:
        yield emulator


def test_reset_forgets_everything(emu: Emulator) -> None:
    emu.client().upsert_deployment(spec())
    assert emu.http.post("/_emulator/reset", json={}).status_code == 204
    assert list(emu.client().list_deployments()) == []


def test_the_manual_clock_moves_only_when_told(emu: Emulator) -> None:
    before = emu.http.get("/_emulator/clock").json()
    assert before == {"now": "2026-01-01T00:00:00+00:00", "kind": "manual"}
    after = emu.http.post("/_emulator/clock", json={"advance_seconds": 90}).json()
    assert after["now"] == "2026-01-01T00:01:30+00:00"
    bad = emu.http.post("/_emulator/clock", json={"advance_seconds": -1})
    assert (bad.status_code, bad.json()["code"]) == (400, "BAD_REQUEST")


def test_a_real_clock_cannot_be_moved() -> None:
    with running(clock="real") as emu:
        response = emu.http.post("/_emulator/clock", json={"advance_seconds": 5})
        assert response.status_code == 400 and "real time" in response.json()["message"]


def test_a_fault_answers_its_status_with_retry_after_for_count_calls(emu: Emulator) -> None:
    rule = {"method": "GET", "path": "/v1/deployments", "status": 429, "retry_after": 7, "count": 2}
    assert emu.http.post("/_emulator/faults", json=rule).status_code == 201
    answers = [emu.raw("GET", "/v1/deployments") for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["retry-after"] == "7" and answers[0].json()["code"] == "TOO_MANY_REQUESTS"
    assert emu.http.get("/_emulator/faults").json() == {"rules": []}, "a rule is gone once used up"


def test_faults_match_by_method_and_path_glob_and_can_be_cleared(emu: Emulator) -> None:
    emu.http.post("/_emulator/faults", json={"method": "GET", "path": "/v1/deployments/*", "status": 503})
    assert emu.raw("GET", "/v1/deployments").status_code == 200
    assert emu.raw("GET", "/v1/deployments/x").status_code == 503
    assert emu.raw("DELETE", "/v1/deployments/x").status_code == 404
    assert emu.http.delete("/_emulator/faults").status_code == 204
    assert emu.raw("GET", "/v1/deployments/x").status_code == 404


def test_the_client_retries_through_injected_faults(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("paperspace_deployments._base_client.time.sleep", waits.append)
    emu.http.post("/_emulator/faults", json={"path": "/v1/deployments", "status": 503, "count": 2})
    client = sdk.Client(api_key="dev-token-team-a", base_url="http://emulator/v1", http_client=emu.http, max_retries=2)
    assert list(client.list_deployments()) == []
    assert len(waits) == 2


@pytest.mark.parametrize(
    "rule",
    [{"status": 200}, {"latency_ms": -5}, {}, {"status": 503, "count": 0}, {"status": "soon"}],
)
def test_bad_fault_rules_are_400(emu: Emulator, rule: dict[str, object]) -> None:
    response = emu.http.post("/_emulator/faults", json=rule)
    assert (response.status_code, response.json()["code"]) == (400, "BAD_REQUEST")


def test_the_control_api_can_be_locked_with_an_admin_token() -> None:
    with running(admin_token="root-secret") as emu:
        assert emu.http.post("/_emulator/reset", json={}).status_code == 401
        assert (
            emu.http.post("/_emulator/reset", json={}, headers={"Authorization": "Bearer dev-token-team-a"}).status_code
            == 401
        )
        assert (
            emu.http.post("/_emulator/reset", json={}, headers={"Authorization": "Bearer root-secret"}).status_code
            == 204
        )


def test_the_effective_spec_is_served(emu: Emulator) -> None:
    spec_json = emu.http.get("/openapi.json").json()
    assert spec_json["paths"]["/deployments"]["get"]["x-pagination"]["cursorParam"] == "after"
    assert "/_emulator/reset" not in spec_json["paths"]


# not a cross-site target


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_a_control_change_a_web_page_could_send_is_refused(emu: Emulator, content_type: str | None) -> None:
    emu.client().upsert_deployment(spec())
    headers = {"Content-Type": content_type} if content_type else {}
    for path, body in (
        ("/_emulator/reset", ""),
        ("/_emulator/clock", '{"advance_seconds": 60}'),
        ("/_emulator/faults", '{"status": 500}'),
    ):
        response = emu.http.post(path, content=body, headers=headers)
        assert (response.status_code, response.json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE"), path
    assert len(list(emu.client().list_deployments())) == 1, "nothing was reset"
    assert emu.http.get("/_emulator/clock").json()["now"] == "2026-01-01T00:00:00+00:00"
    assert emu.http.get("/_emulator/faults").json() == {"rules": []}


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://emulator.evil.example", "https://emulator"])
def test_a_control_call_from_another_origin_is_refused(emu: Emulator, origin: str) -> None:
    emu.client().upsert_deployment(spec())
    for method, path in (("POST", "/_emulator/reset"), ("GET", "/_emulator/clock"), ("DELETE", "/_emulator/faults")):
        response = emu.http.request(method, path, json={}, headers={"Origin": origin})
        assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN"), (method, path)
    assert len(list(emu.client().list_deployments())) == 1, "nothing was reset"
    same_origin = emu.http.post("/_emulator/reset", json={}, headers={"Origin": "http://emulator"})
    assert same_origin.status_code == 204, "a page the emulator served itself may"


# a bounded clock


def test_the_clock_cannot_be_moved_past_its_range_and_every_read_works_at_the_edge(emu: Emulator) -> None:
    made = emu.client().upsert_deployment(spec(replicas=2))
    now = datetime.fromisoformat(emu.http.get("/_emulator/clock").json()["now"])
    room = (LATEST - now).total_seconds()
    decade = 10 * 365 * 86400  # the most one call may move
    while room > decade:
        emu.advance(decade)
        room -= decade
    too_far = emu.http.post("/_emulator/clock", json={"advance_seconds": room + 1})
    assert too_far.status_code == 400 and "9999-01-01" in too_far.json()["message"]
    emu.advance(room)
    assert emu.http.get("/_emulator/clock").json()["now"] == LATEST.isoformat()
    assert emu.http.post("/_emulator/clock", json={"advance_seconds": 1}).status_code == 400
    client = emu.client()
    client.upsert_deployment(spec("late"))
    for path in ("", "/runs", "/metrics", "/logs", "/history"):
        assert emu.raw("GET", f"/v1/deployments/{made.id}{path}").status_code == 200, path
    assert len(list(client.list_deployments())) == 2
    assert len(list(client.list_project_deployments(made.project_id))) == 2
