"""Both generated clients behind one interface, so each SDK test runs with each of them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import paperspace_deployments as sdk

KEY = "sk-secret-key-123"
BASE = "http://api.test/v1"
Handler = Callable[[httpx.Request], httpx.Response]


class Flavor:
    """One of the two clients, and how to run what its methods return."""

    def __init__(self, is_async: bool) -> None:
        self.is_async = is_async
        self.runner = asyncio.Runner() if is_async else None

    def __repr__(self) -> str:
        return "async" if self.is_async else "sync"

    def client(self, handler: Handler, **options: Any) -> Any:
        """A client whose requests ``handler`` answers."""
        settings: dict[str, Any] = {"api_key": KEY, "base_url": BASE, **options}
        if self.is_async:
            return sdk.AsyncClient(http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), **settings)
        return sdk.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler)), **settings)

    def real_client(self, base_url: str, api_key: str, **options: Any) -> Any:
        """A client with its own connections, for a server on a socket."""
        cls = sdk.AsyncClient if self.is_async else sdk.Client
        return cls(api_key=api_key, base_url=base_url, **options)

    def run(self, result: Any) -> Any:
        """The value of a client method's result: awaited for the async client (a coroutine, or
        the awaitable paginator of a listing)."""
        if self.runner is None:
            return result

        async def awaited() -> Any:
            return await result

        return self.runner.run(awaited())

    def items(self, page: Any) -> list[Any]:
        if self.runner is None:
            return list(page)

        async def collect() -> list[Any]:
            return [item async for item in page]

        return self.runner.run(collect())

    def pages(self, page: Any) -> list[Any]:
        if self.runner is None:
            return list(page.iter_pages())

        async def collect() -> list[Any]:
            return [p async for p in page.iter_pages()]

        return self.runner.run(collect())

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close()
