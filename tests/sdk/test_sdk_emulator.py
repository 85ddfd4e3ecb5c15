"""Both clients against the emulator as a process on 127.0.0.1, its fault injection making the
answers fail or slow: retries counted (``retries_taken`` of raw responses and the rules used up),
backoff bounded, timeouts raised, pages iterated to the end over real sockets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import paperspace_deployments as sdk
import pytest
from support.emulator import TEAM_A
from support.emulator_process import emulator_process
from support.sdk_flavors import Flavor


class LiveEmulator:
    def __init__(self, url: str) -> None:
        self.url = url
        self.control = httpx.Client(base_url=url.removesuffix("/v1"), timeout=10)

    def fault(self, **rule: Any) -> None:
        response = self.control.post("/_emulator/faults", json=rule)
        assert response.status_code == 201, response.text

    def faults_left(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = self.control.get("/_emulator/faults").json()["rules"]
        return rules


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveEmulator]:
    with emulator_process(tmp_path_factory.mktemp("sdk") / "db.sqlite3") as (_, url):
        emulator = LiveEmulator(url)
        yield emulator
        emulator.control.close()


@pytest.fixture
def emulator(live: LiveEmulator) -> Iterator[LiveEmulator]:
    yield live
    live.control.delete("/_emulator/faults")


@pytest.fixture
def client(flavor: Flavor, emulator: LiveEmulator) -> Iterator[Any]:
    client = flavor.real_client(emulator.url, TEAM_A)
    created = flavor.run(client.upsert_deployment(name=f"sdk-{flavor}", image="nginx:1.25", machine_type="A4000"))
    client.deployment_id = created.id
    yield client
    flavor.run(client.close())


def test_a_429_with_retry_after_is_retried_as_told(
    flavor: Flavor, emulator: LiveEmulator, client: Any, waits: list[float]
) -> None:
    emulator.fault(method="GET", path="/v1/deployments/*", status=429, retry_after=1, count=2)
    raw = flavor.run(client.with_raw_response.get_deployment(client.deployment_id))
    assert (raw.status_code, raw.retries_taken, waits) == (200, 2, [1.0, 1.0])
    assert raw.parse().id == client.deployment_id and emulator.faults_left() == []


def test_a_503_backs_off_within_bounds_then_gives_up(
    flavor: Flavor, emulator: LiveEmulator, client: Any, waits: list[float]
) -> None:
    emulator.fault(method="GET", path="/v1/deployments/*", status=503, count=4)
    with pytest.raises(sdk.InternalServerError) as raised:
        flavor.run(client.get_deployment(client.deployment_id, max_retries=3))
    assert raised.value.status_code == 503 and "fault" in raised.value.message
    assert len(waits) == 3 and all(0.75 * 0.5 * 2**i <= w <= 0.5 * 2**i for i, w in enumerate(waits))
    assert emulator.faults_left() == [], "four attempts used the four faults"
    assert flavor.run(client.get_deployment(client.deployment_id)).id == client.deployment_id


def test_an_upsert_refused_with_429_is_sent_again(
    flavor: Flavor, emulator: LiveEmulator, client: Any, waits: list[float]
) -> None:
    emulator.fault(method="POST", path="/v1/deployments", status=429, retry_after=0, count=1)
    raw = flavor.run(
        client.with_raw_response.upsert_deployment(
            name=f"sdk-{flavor}", image="nginx:1.25", machine_type="A4000", replicas=2
        )
    )
    assert (raw.retries_taken, raw.parse().name) == (1, f"sdk-{flavor}")


def test_a_slow_answer_raises_a_timeout_after_the_retries(
    flavor: Flavor, emulator: LiveEmulator, client: Any, waits: list[float]
) -> None:
    emulator.fault(method="GET", path="/v1/deployments/*", latency_ms=5000, count=2)
    with pytest.raises(sdk.APITimeoutError):
        flavor.run(client.get_deployment(client.deployment_id, timeout=0.3, max_retries=1))
    assert len(waits) == 1 and emulator.faults_left() == [], "both attempts met the slow answer"


def test_pages_are_iterated_to_the_end(flavor: Flavor, client: Any) -> None:
    names = {f"page-{flavor}-{n}" for n in range(7)}
    for name in names:
        flavor.run(client.upsert_deployment(name=name, image="nginx:1.25", machine_type="A4000"))
    page = flavor.run(client.list_deployments(limit=3))
    assert len(page.items) == 3 and page.has_more
    seen = [d.name for d in flavor.items(page)]
    assert names <= set(seen) and len(seen) == len(set(seen))
    assert len(flavor.pages(page)) == -(-len(seen) // 3)
