"""The emulator behaves like the service the spec describes: teams, upserts, lifecycle, listing,
runs, logs, metrics, delete, the control API and bad input. Driven through the generated client
and raw HTTP, on a manual clock: nothing here sleeps."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import paperspace_deployments as sdk
import pytest
import yaml
from paperspace_deployments import models
from support.emulator import TEAM_A, TEAM_B, Emulator, running, spec
from support.generator import imported, run_generator
from support.paths import ROOT

from paperspace_deployments_toolkit.emulator import lifecycle
from paperspace_deployments_toolkit.emulator.app import Settings


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running() as emulator:
        yield emulator


# auth and teams


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_every_v1_route_needs_a_known_token(emu: Emulator, token: str | None) -> None:
    for method, path in [("GET", "/v1/deployments"), ("POST", "/v1/deployments"), ("GET", "/v1/deployments/x/logs")]:
        response = emu.raw(method, path, token=token, json={})
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "UNAUTHORIZED"


def test_another_team_sees_nothing_and_changes_nothing(emu: Emulator) -> None:
    mine = emu.client(TEAM_A).upsert_deployment(spec())
    theirs = emu.client(TEAM_B)
    for call in (
        lambda: theirs.get_deployment(mine.id),
        lambda: theirs.list_deployment_runs(mine.id),
        lambda: theirs.get_deployment_metrics(mine.id),
        lambda: theirs.get_deployment_logs(mine.id),
        lambda: theirs.get_deployment_history(mine.id),
        lambda: theirs.delete_deployment(mine.id),
        lambda: list(theirs.list_project_deployments(mine.project_id)),
    ):
        with pytest.raises(sdk.NotFoundError):
            call()
    assert list(theirs.list_deployments()) == []
    with pytest.raises(sdk.NotFoundError):
        theirs.upsert_deployment(spec(project_id=mine.project_id))
    assert emu.client(TEAM_A).get_deployment(mine.id).name == "web"


def test_same_name_in_two_teams_is_two_deployments(emu: Emulator) -> None:
    a = emu.client(TEAM_A).upsert_deployment(spec())
    b = emu.client(TEAM_B).upsert_deployment(spec())
    assert a.id != b.id and a.project_id != b.project_id


# upsert and history


def test_identical_spec_changes_nothing_and_a_changed_one_adds_a_revision(emu: Emulator) -> None:
    client = emu.client()
    first = client.upsert_deployment(spec(replicas=2))
    emu.advance(5)
    again = client.upsert_deployment(spec(replicas=2))
    assert again.id == first.id
    assert [r.revision for r in client.get_deployment_history(first.id)] == [1]
    changed = spec(replicas=2, env={"MODE": "fast"})
    client.upsert_deployment(changed)
    history = client.get_deployment_history(first.id)
    assert [r.revision for r in history] == [1, 2]
    assert history[1].spec.env == {"MODE": "fast"} and history[1].spec.project_id == first.project_id
    assert history[1].dt_created - history[0].dt_created == timedelta(seconds=5)
    assert history[0].user_id == history[1].user_id and TEAM_A not in history[0].user_id


def test_a_new_run_rolls_out_and_the_previous_stops_once_it_is_ready(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec(replicas=2))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    first_run = client.list_deployment_runs(d.id)
    assert [(r.state, r.replicas) for r in first_run] == [("ready", 2)]
    client.upsert_deployment(spec(replicas=2, image="nginx:1.26"))
    runs = client.list_deployment_runs(d.id)
    assert [(r.state, r.replicas) for r in runs] == [("ready", 2), ("deploying", 2)]
    assert client.get_deployment(d.id).state == models.State.deploying
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    runs = client.list_deployment_runs(d.id)
    assert [r.state for r in runs] == ["ready"] and runs[0].id != first_run[0].id
    assert all(r.deployment_id == d.id for r in runs)


# lifecycle on the manual clock


def test_deploying_becomes_ready_exactly_after_the_rollout_time(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec())
    assert (d.state, d.replicas) == (models.State.deploying, 0)
    emu.advance(lifecycle.ROLLOUT_SECONDS - 1)
    assert client.get_deployment(d.id).state == models.State.deploying
    emu.advance(1)
    ready = client.get_deployment(d.id)
    assert (ready.state, ready.replicas) == (models.State.ready, 1)


def test_a_replica_change_passes_through_scaling(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec(replicas=1))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    assert client.upsert_deployment(spec(replicas=3)).state == models.State.scaling
    emu.advance(lifecycle.SCALE_SECONDS)
    after = client.get_deployment(d.id)
    assert (after.state, after.replicas) == (models.State.ready, 3)


def test_zero_replicas_stops_the_deployment(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec(replicas=1))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    client.upsert_deployment(spec(replicas=0))
    emu.advance(lifecycle.STOP_SECONDS)
    stopped = client.get_deployment(d.id)
    assert (stopped.state, stopped.replicas) == (models.State.stopped, 0)
    assert client.list_deployment_runs(d.id) == []


@pytest.mark.parametrize("image", ["Not A Valid Reference", "registry.example:5000/team/unpullable-app:1"])
def test_an_image_that_cannot_be_pulled_ends_in_error_and_the_old_run_keeps_serving(emu: Emulator, image: str) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec(replicas=2))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    client.upsert_deployment(spec(replicas=2, image=image))
    emu.advance(lifecycle.PULL_FAILURE_SECONDS)
    failed = client.get_deployment(d.id)
    assert (failed.state, failed.replicas) == (models.State.error, 2)
    assert [r.revision for r in client.get_deployment_history(d.id)] == [1, 2]
    logs = client.get_deployment_logs(d.id, limit=1000)
    assert any(line.stream == models.Stream.stderr and "Failed to pull image" in line.message for line in logs)


@pytest.mark.parametrize(("low", "high"), [(2, 4), (1, 100)])
def test_autoscaling_keeps_replicas_within_min_and_max(emu: Emulator, low: int, high: int) -> None:
    client = emu.client()
    policy = models.AutoscalingPolicy(min=low, max=high, target=1, metric=models.Metric.requests)
    d = client.upsert_deployment(spec(autoscaling=policy))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    seen = set()
    for _ in range(48):  # a day, every half hour: the emulated load rises and falls
        emu.advance(1800)
        replicas = client.get_deployment(d.id).replicas
        assert low <= replicas <= high
        assert [r.replicas for r in client.list_deployment_runs(d.id)] == [replicas]
        seen.add(replicas)
    if high - low > 10:
        assert len(seen) > 5, "one replica per request per second: the daily wave must show"


# listing


def test_pages_hold_every_deployment_exactly_once_while_others_come_and_go(emu: Emulator) -> None:
    client = emu.client()
    ids = [client.upsert_deployment(spec(f"d{n:02}")).id for n in range(12)]
    seen: list[str] = []
    page = client.list_deployments(limit=5)
    pages = page.iter_pages()
    first = next(pages)
    seen += [d.id for d in first.items]
    client.upsert_deployment(spec("newcomer"))  # created while paging: it sorts before the cursor
    client.delete_deployment(ids[0])  # deleted while paging: it simply never shows up
    for later in pages:
        seen += [d.id for d in later.items]
    assert len(seen) == len(set(seen))
    assert set(seen) == set(ids[1:])
    assert [d.name for d in first.items] == ["d11", "d10", "d09", "d08", "d07"], "newest first"


def test_has_more_and_next_page_are_consistent(emu: Emulator) -> None:
    for n in range(4):
        emu.client().upsert_deployment(spec(f"d{n}"))
    first = emu.raw("GET", "/v1/deployments?limit=2").json()
    assert first["hasMore"] is True and first["nextPage"]
    last = emu.raw("GET", f"/v1/deployments?limit=2&after={first['nextPage']}").json()
    assert last["hasMore"] is False and "nextPage" not in last and len(last["items"]) == 2


def test_project_listing_holds_the_project_only(emu: Emulator) -> None:
    client = emu.client()
    client.upsert_deployment(spec("a", project_id="prj-x"))
    client.upsert_deployment(spec("b", project_id="prj-y"))
    client.upsert_deployment(spec("a", project_id="prj-y"))
    assert sorted(d.name for d in client.list_project_deployments("prj-y")) == ["a", "b"]
    assert [d.name for d in client.list_project_deployments("prj-x")] == ["a"]
    with pytest.raises(sdk.NotFoundError):
        list(client.list_project_deployments("prj-never-used"))


# runs, logs, metrics


def test_logs_are_the_newest_limit_lines_oldest_first(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec())
    emu.advance(lifecycle.ROLLOUT_SECONDS + 600)
    everything = client.get_deployment_logs(d.id, limit=1000)
    assert everything[0].message.startswith("Revision 1: Rolling out") and len(everything) >= 10
    assert [line.t for line in everything] == sorted(line.t for line in everything)
    newest = client.get_deployment_logs(d.id, limit=3)
    assert newest == everything[-3:]


def test_metric_points_lie_within_the_range_and_are_bounded(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec(replicas=2))
    emu.advance(7200)
    now = client.get_deployment(d.id).dt_created + timedelta(seconds=7200)
    start, end = now - timedelta(days=30), now
    answer = client.get_deployment_metrics(d.id, start=start, end=end)
    assert {s.metric for s in answer.series} == {"cpu", "memory", "requests"}
    for series in answer.series:
        assert 0 < len(series.values) <= 120
        assert all(start <= v.t <= end for v in series.values)
    default = client.get_deployment_metrics(d.id)
    times = [v.t for v in default.series[0].values]
    assert times[0] == now - timedelta(hours=1) and times[-1] == now


def test_metrics_are_a_function_of_seed_deployment_and_time() -> None:
    def sample(seed: int) -> list[float]:
        with running(seed=seed) as emulator:
            client = emulator.client()
            d = client.upsert_deployment(spec())
            emulator.advance(3600)
            return [v.v for s in client.get_deployment_metrics(d.id).series for v in s.values]

    assert sample(1) == sample(1)
    assert sample(1) != sample(2)


def test_a_range_that_ends_before_it_starts_has_no_points(emu: Emulator) -> None:
    d = emu.client().upsert_deployment(spec())
    response = emu.raw("GET", f"/v1/deployments/{d.id}/metrics?start=2026-02-01T00:00:00Z&end=2026-01-01T00:00:00Z")
    assert response.status_code == 200
    assert [s["values"] for s in response.json()["series"]] == [[], [], []]


def test_a_cursor_this_service_never_gave_out_is_a_page_that_does_not_exist(emu: Emulator) -> None:
    for cursor in ("not-a-cursor", "0", "%00%FF"):
        response = emu.raw("GET", f"/v1/deployments?after={cursor}")
        assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND"), cursor


# delete


def test_after_delete_everything_about_it_is_404(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec())
    assert emu.raw("DELETE", f"/v1/deployments/{d.id}").status_code == 204
    for suffix in ("", "/runs", "/metrics", "/logs", "/history"):
        assert emu.raw("GET", f"/v1/deployments/{d.id}{suffix}").status_code == 404, suffix
    assert emu.raw("DELETE", f"/v1/deployments/{d.id}").status_code == 404
    assert client.upsert_deployment(spec()).id != d.id, "a new deployment of the same name is a new one"


# bad input


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/v1/deployments", {"content": b"{oops", "headers": {"Content-Type": "application/json"}}),
        ("POST", "/v1/deployments", {"json": {"name": 5, "image": "x", "machineType": "y"}}),
        (
            "POST",
            "/v1/deployments",
            {"json": {"name": "a", "image": "x", "machineType": "y", "autoscaling": {"metric": "gpu"}}},
        ),
        ("POST", "/v1/deployments", {"json": {"name": "a" * 10_000, "image": "x", "machineType": "y"}}),
        ("GET", "/v1/deployments?limit=0", {}),
        ("GET", "/v1/deployments?limit=121", {}),
        ("GET", "/v1/deployments/x/metrics?start=yesterday", {}),
        # pydantic alone would read numbers as seconds since the epoch; the spec says RFC 3339
        ("GET", "/v1/deployments/x/metrics?start=0.5", {}),
        ("GET", "/v1/deployments/x/metrics?end=1700000000", {}),
        ("GET", "/v1/deployments/x/metrics?start=2026-01-01", {}),
        ("GET", "/v1/deployments/x/logs?limit=-1", {}),
    ],
)
def test_bad_input_is_a_400_error_body(emu: Emulator, method: str, path: str, kwargs: dict[str, object]) -> None:
    response = emu.raw(method, path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "BAD_REQUEST"


def test_a_body_over_one_mebibyte_is_413(emu: Emulator) -> None:
    body = {"name": "a", "image": "x", "machineType": "y", "env": {"BIG": "x" * (1024 * 1024)}}
    response = emu.raw("POST", "/v1/deployments", json=body)
    assert (response.status_code, response.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")


def test_the_token_never_appears_in_error_bodies_or_logs(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    secret = "sekrit-token-value-123"
    caplog.set_level("DEBUG")
    responses = [
        emu.raw("GET", "/v1/deployments", token=secret),
        emu.raw("POST", "/v1/deployments", token=secret, json={"bad": True}),
        emu.raw("GET", "/v1/deployments/nope", token=TEAM_A),
    ]
    assert all(secret not in r.text and TEAM_A not in r.text for r in responses)
    assert secret not in caplog.text and TEAM_A not in caplog.text


def test_the_domain_knows_no_http() -> None:
    """moto's rule: records, lifecycle, clock and storage import no web framework and no stubs."""
    import ast

    domain = ["clock", "domain", "faults", "lifecycle", "metrics", "service", "store"]
    forbidden = ("fastapi", "starlette", "httpx", "uvicorn", "paperspace_deployments")
    package = ROOT / "emulator"
    for name in domain:
        tree = ast.parse((package / f"{name}.py").read_text())
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in imported if m.split(".")[0] in forbidden], name


def test_a_rollout_superseded_before_it_was_ready_stops(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec(replicas=2))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    client.upsert_deployment(spec(replicas=2, image="nginx:1.26"))
    client.upsert_deployment(spec(replicas=2, image="registry.example/unpullable:1"))
    emu.advance(3600)
    assert [(r.state, r.replicas) for r in client.list_deployment_runs(d.id)] == [("ready", 2)]


def test_the_run_that_keeps_serving_follows_its_own_revision(emu: Emulator) -> None:
    client = emu.client()
    d = client.upsert_deployment(spec(replicas=2))
    emu.advance(lifecycle.ROLLOUT_SECONDS)
    policy = models.AutoscalingPolicy(min=7, max=9)
    client.upsert_deployment(spec(image="registry.example/unpullable:1", autoscaling=policy))
    emu.advance(lifecycle.PULL_FAILURE_SECONDS)
    failed = client.get_deployment(d.id)
    assert (failed.state, failed.replicas) == (models.State.error, 2)
    assert [r.replicas for r in client.list_deployment_runs(d.id)] == [2]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/deployments?after=djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", None),
        ("GET", "/v1/deployments/{id}/metrics?end=0001-01-01T00:00:00Z", None),
        ("GET", "/v1/deployments/{id}/metrics?start=9999-12-31T00:00:00Z&end=9999-12-31T23:59:59-14:00", None),
        ("POST", "/v1/deployments", {"name": "x", "image": "i", "machineType": "m", "command": ["\udfff"]}),
        (
            "POST",
            "/v1/deployments",
            {"name": "big", "image": "i", "machineType": "m", "autoscaling": {"min": 1, "max": 2, "target": 10**400}},
        ),
    ],
)
def test_extreme_input_is_never_a_server_error(emu: Emulator, method: str, path: str, body: object) -> None:
    d = emu.client().upsert_deployment(spec())
    content = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    response = emu.raw(method, path.replace("{id}", d.id), content=content, headers=headers)
    assert response.status_code < 500, response.text
    for read in ("/v1/deployments", f"/v1/deployments/{d.id}/history"):
        assert emu.raw("GET", read).status_code == 200, "nothing accepted may break a later read"
    for listed in emu.raw("GET", "/v1/deployments").json()["items"]:
        for suffix in ("", "/runs", "/metrics", "/history"):
            assert emu.raw("GET", f"/v1/deployments/{listed['id']}{suffix}").status_code == 200


# hostile bodies: every one a small 400 Error body


def _nested(depth: int, leaf: str = "[]") -> str:
    return "[" * depth + leaf + "]" * depth


@pytest.mark.parametrize(
    ("where", "depth"),
    [("extra", 65), ("extra", 300), ("extra", 990), ("env", 300), ("command", 500), ("autoscaling", 200)],
)
def test_deeply_nested_bodies_are_a_400_naming_the_depth(emu: Emulator, where: str, depth: int) -> None:
    value = _nested(depth) if where != "env" else '{"A": ' + _nested(depth) + "}"
    body = f'{{"name": "deep", "image": "i", "machineType": "m", "{where}": {value}}}'
    response = emu.raw("POST", "/v1/deployments", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text[:300]
    # past about 900 levels JSON itself cannot be read here; either way the answer says why
    assert "nested deeper than 64 levels" in response.text or "error parsing the body" in response.text
    assert emu.raw("GET", "/v1/deployments").json()["items"] == [], "nothing was written"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "p", "image": "i", "machineType": "m", "ports": [-1] * 170_000},
        {"name": "p", "image": "i", "machineType": "m", "env": {f"K{n}": n for n in range(60_000)}},
        {"name": "p", "image": "i", "machineType": "m", "command": [n for n in range(120_000)]},
        {"name": "x" * 900_000, "image": "i", "machineType": "m"},
        {"name": "p", "image": "i", "machineType": "m", "x" * 900_000: 1, "ports": "x" * 10},
    ],
    ids=["170k-bad-ports", "60k-env-values", "120k-command-items", "900k-name", "900k-key"],
)
def test_a_body_with_many_problems_is_a_small_400_that_counts_them(emu: Emulator, body: dict[str, object]) -> None:
    content = json.dumps(body).encode()
    assert len(content) < 1024 * 1024
    response = emu.raw("POST", "/v1/deployments", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert len(response.content) < 16 * 1024, f"{len(response.content)} bytes"
    error = response.json()
    assert error["code"] == "BAD_REQUEST" and 1 <= len(error["details"]) <= 20
    counted = int(error["message"].split("(")[1].split(" ")[0].rstrip("+"))
    assert counted >= len(error["details"])
    if counted > 20:
        assert f"the first {len(error['details'])} listed" in error["message"]


# projects belong to teams


def test_a_team_cannot_use_or_block_another_teams_default_project(emu: Emulator) -> None:
    a, b = emu.client(TEAM_A), emu.client(TEAM_B)
    with pytest.raises(sdk.NotFoundError):
        a.upsert_deployment(spec("squat", project_id="prj-team-b-default"))
    with pytest.raises(sdk.NotFoundError):
        list(a.list_project_deployments("prj-team-b-default"))
    theirs = b.upsert_deployment(spec("own"))  # no projectId: team B's default, unclaimed by team A
    assert theirs.project_id == "prj-team-b-default"
    assert [d.id for d in b.list_project_deployments("prj-team-b-default")] == [theirs.id]


def test_a_project_id_one_team_uses_is_still_free_for_another(emu: Emulator) -> None:
    a, b = emu.client(TEAM_A), emu.client(TEAM_B)
    first = a.upsert_deployment(spec("web", project_id="prj-shared-name"))
    second = b.upsert_deployment(spec("web", project_id="prj-shared-name"))
    assert first.id != second.id
    assert [d.id for d in a.list_project_deployments("prj-shared-name")] == [first.id]
    assert [d.id for d in b.list_project_deployments("prj-shared-name")] == [second.id]
    assert a.get_deployment(first.id).name == "web", "the first team's deployment is untouched"


# spec updates do not take it down


def test_after_an_additive_spec_update_every_other_behaviour_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    spec_text = (ROOT / "spec" / "paperspace-deployments-api-openapi.yml").read_text(encoding="utf-8")
    updated = yaml.safe_load(spec_text)
    listing = updated["paths"]["/deployments"]["get"]
    listing.setdefault("parameters", []).append(
        {"name": "orderBy", "in": "query", "required": False, "schema": {"type": "string"}}
    )
    updated["paths"]["/deployments/{id}/restart"] = {
        "post": {
            "operationId": "restartDeployment",
            "summary": "Restart a deployment",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Restarted."}},
        }
    }
    (tmp_path / "updated.yml").write_text(yaml.safe_dump(updated), encoding="utf-8")
    out = tmp_path / "out"
    overlays = [
        arg for overlay in sorted((ROOT / "spec" / "overlays").glob("*.yaml")) for arg in ("--overlay", overlay)
    ]
    arguments = ["--spec", tmp_path / "updated.yml", "--out", out, "--package", "updated_api", *overlays]
    result = run_generator("generate", *arguments)
    assert result.returncode == 0, result.stderr
    with imported("updated_api", out) as package:
        server = importlib.import_module(f"{package.__name__}.server")
        monkeypatch.setattr(
            "paperspace_deployments_toolkit.emulator.app.create_app", server.create_app
        )  # as if `make generate` had run
        caplog.set_level("WARNING")
        emu = Emulator(Settings(db=":memory:", clock="manual"))
        try:
            warnings = [r.getMessage() for r in caplog.records]
            assert sum("order_by" in w and "listDeployments" in w for w in warnings) == 1, warnings
            assert sum("restart_deployment" in w and "501" in w for w in warnings) == 1, warnings
            made = emu.raw("POST", "/v1/deployments", json={"name": "w", "image": "i", "machineType": "m"})
            assert made.status_code == 200, made.text
            listed = emu.raw("GET", "/v1/deployments?orderBy=dtCreated")
            assert listed.status_code == 200 and [d["name"] for d in listed.json()["items"]] == ["w"]
            restart = emu.raw("POST", f"/v1/deployments/{made.json()['id']}/restart")
            assert (restart.status_code, restart.json()["code"]) == (501, "NOT_IMPLEMENTED")
            assert emu.raw("GET", f"/v1/deployments/{made.json()['id']}/history").status_code == 200
        finally:
            emu.close()


def test_a_server_error_says_what_failed_and_the_log_has_the_traceback(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a-secret-value")

    monkeypatch.setattr(emu.app.state.service, "history", broken)
    d = emu.client().upsert_deployment(spec())
    response = emu.raw("GET", f"/v1/deployments/{d.id}/history")
    assert response.status_code == 500
    message = response.json()["message"]
    assert "KeyError in getDeploymentHistory" in message and "log has the traceback" in message
    assert "a-secret-value" not in response.text, "the exception's text stays in the log"
    assert "Traceback" in caplog.text and "a-secret-value" in caplog.text


# cost independent of history


def _rows_read(emu: Emulator, monkeypatch: pytest.MonkeyPatch, method: str, path: str, body: object = None) -> int:
    """How many database rows one request reads."""
    store = emu.app.state.service.store
    counted = [0]
    original = store._all

    def counting(sql: str, *args: object) -> list[object]:
        rows: list[object] = original(sql, *args)
        counted[0] += len(rows)
        return rows

    monkeypatch.setattr(store, "_all", counting)
    try:
        response = emu.raw(method, path, json=body, headers={"Cache-Control": "no-cache"})
    finally:
        monkeypatch.setattr(store, "_all", original)
    assert response.status_code == 200, response.text
    return counted[0]


def test_reads_and_upserts_read_as_many_rows_for_a_long_history_as_for_a_new_deployment(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = emu.client()
    fresh = client.upsert_deployment(spec("fresh", env={"N": "0"}))
    for n in range(300):
        long = client.upsert_deployment(spec("long", env={"N": str(n)}))
        if n % 100 == 0:
            emu.advance(40)  # some rollouts finish, so runs end in every way
    emu.advance(40)
    for suffix in ("", "/runs", "/metrics", "/logs?limit=20", "upsert"):
        counts = {}
        for d in (fresh, long):
            if suffix == "upsert":
                upsert = {"name": d.name, "image": "nginx:1.25", "machineType": "A4000", "env": {"N": "new"}}
                counts[d.name] = _rows_read(emu, monkeypatch, "POST", "/v1/deployments", upsert)
            else:
                counts[d.name] = _rows_read(emu, monkeypatch, "GET", f"/v1/deployments/{d.id}{suffix}")
        assert counts["long"] <= counts["fresh"] + 25, (suffix, counts)  # logs: the limit's lines at most
