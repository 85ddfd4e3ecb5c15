"""A synchronous httpx transport into an ASGI app, for testing sync clients without a socket.

httpx only ships an async ASGI transport, and Starlette's TestClient has moved to another HTTP
library, so this runs httpx's own ASGITransport on an event loop in a background thread.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        copy = httpx.Request(
            request.method, request.url, headers=request.headers, content=body, extensions=request.extensions
        )
        future = asyncio.run_coroutine_threadsafe(self._round_trip(copy), self._loop)
        status, headers, content, extensions = future.result()
        return httpx.Response(status, headers=headers, content=content, extensions=extensions, request=request)

    async def _round_trip(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes, dict[str, Any]]:
        response = await self._inner.handle_async_request(request)
        content = await response.aread()
        return response.status_code, response.headers, content, {}

    def close(self) -> None:
        if self._loop.is_closed():  # closed already
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
