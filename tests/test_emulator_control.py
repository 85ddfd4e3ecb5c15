"""The emulator's control API: reset, the clock, fault injection, the admin lock."""

from __future__ import annotations

from collections.abc import Iterator

import paperspace_deployments as sdk
import pytest
from emulator_harness import Emulator, running, spec


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running() as emulator:
        yield emulator


def test_reset_forgets_everything(emu: Emulator) -> None:
    emu.client().upsert_deployment(spec())
    assert emu.http.post("/_emulator/reset").status_code == 204
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
        assert emu.http.post("/_emulator/reset").status_code == 401
        assert (
            emu.http.post("/_emulator/reset", headers={"Authorization": "Bearer dev-token-team-a"}).status_code == 401
        )
        assert emu.http.post("/_emulator/reset", headers={"Authorization": "Bearer root-secret"}).status_code == 204


def test_the_effective_spec_is_served(emu: Emulator) -> None:
    spec_json = emu.http.get("/openapi.json").json()
    assert spec_json["paths"]["/deployments"]["get"]["x-pagination"]["cursorParam"] == "after"
    assert "/_emulator/reset" not in spec_json["paths"]
