"""A small HTTP/1.1 load generator, for machines without wrk: ``connections`` kept-alive
connections on asyncio, each sending one request after another for ``seconds``; requests per
second and latency percentiles. One Python process drives less load than wrk can, so its
figures are lower bounds: RESULTS.md names the load generator each figure came from.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


async def _one_connection(
    host: str, port: int, request: bytes, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if not head.startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")):
                errors.append(1)
    finally:
        writer.close()


def run_load(
    url: str, *, seconds: float, connections: int, headers: dict[str, str], method: str = "GET", body: bytes = b""
) -> Load:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", *(f"{k}: {v}" for k, v in headers.items())]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    latencies: list[float] = []
    errors: list[int] = []

    async def all_connections() -> None:
        deadline = time.perf_counter() + seconds
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        await asyncio.gather(
            *(_one_connection(host, port, request, deadline, latencies, errors) for _ in range(connections))
        )

    start = time.perf_counter()
    asyncio.run(all_connections())
    elapsed = time.perf_counter() - start
    latencies.sort()
    if not latencies:
        return Load(0.0, 0.0, 0.0, len(errors))
    return Load(
        requests_per_second=(len(latencies) - len(errors)) / elapsed,  # answers that succeeded
        p50_ms=latencies[len(latencies) // 2] * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        errors=len(errors),
    )
