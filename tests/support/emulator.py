"""An in-process emulator and clients for it (no socket: the point of these tests is behaviour)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import paperspace_deployments as sdk
from paperspace_deployments import models

from paperspace_deployments_toolkit.emulator.app import DEV_TOKENS, Settings, build_app
from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

TEAM_A, TEAM_B = list(DEV_TOKENS)
BASE = "http://emulator"


class Emulator:
    def __init__(self, settings: Settings) -> None:
        self.app = build_app(settings)
        self.http = httpx.Client(transport=SyncASGITransport(self.app), base_url=BASE)

    def client(self, token: str = TEAM_A) -> sdk.Client:
        return sdk.Client(api_key=token, base_url=f"{BASE}/v1", http_client=self.http, max_retries=0)

    def raw(self, method: str, path: str, token: str | None = TEAM_A, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(method, path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)

    def advance(self, seconds: float) -> None:
        response = self.http.post("/_emulator/clock", json={"advance_seconds": seconds})
        assert response.status_code == 200, response.text

    def close(self) -> None:
        self.http.close()
        self.app.state.service.store.close()


@contextmanager
def running(**settings: Any) -> Iterator[Emulator]:
    emulator = Emulator(Settings(**{"db": ":memory:", "clock": "manual", **settings}))
    try:
        yield emulator
    finally:
        emulator.close()


def spec(name: str = "web", **fields: Any) -> models.DeploymentSpec:
    return models.DeploymentSpec(
        name=name, image=fields.pop("image", "nginx:1.25"), machine_type=fields.pop("machine_type", "A4000"), **fields
    )
