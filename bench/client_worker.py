"""Run by the client-bench virtualenv's Python (see client_speed.py): times each client and each
package's import, and prints the figures as JSON.

    client_worker.py URL TOKEN DEPLOYMENT_ID OPC_PARENT OPC_PACKAGE ROUNDS REQUESTS
"""

from __future__ import annotations

import asyncio
import importlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import paperspace_deployments as sdk


def timed(call: Callable[[], Any], count: int) -> tuple[float, float]:
    """Wall and CPU seconds (of this process: the client's work alone) per call."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        call()
    return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count


def timed_async(call: Callable[[], Awaitable[Any]], count: int, runner: asyncio.Runner) -> tuple[float, float]:
    async def many() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            await call()
        return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count

    return runner.run(many())


def import_seconds(statement: str, path: str = "") -> list[float]:
    """Wall time of ``statement`` (an import) in a fresh interpreter, ten times."""
    code = f"import sys; sys.path.insert(0, {path!r}); import time; t = time.perf_counter(); {statement}; "
    code += "print(time.perf_counter() - t)"
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(10)]  # fmt: skip


def main() -> None:
    url, token, deployment_id, opc_parent, opc_package = sys.argv[1:6]
    rounds, count = int(sys.argv[6]), int(sys.argv[7])
    sys.path.insert(0, opc_parent)
    opc_client = importlib.import_module(f"{opc_package}.client")
    opc_get = importlib.import_module(f"{opc_package}.api.deployments.get_deployment")
    auth = {"Authorization": f"Bearer {token}"}
    item_url = f"{url}/deployments/{deployment_id}"
    runner = asyncio.Runner()

    raw_sync = httpx.Client()
    ours_sync = sdk.Client(api_key=token, base_url=url, max_retries=0)
    opc_sync = opc_client.AuthenticatedClient(base_url=url, token=token)
    raw_async = httpx.AsyncClient()
    ours_async = sdk.AsyncClient(api_key=token, base_url=url, max_retries=0)
    opc_async = opc_client.AuthenticatedClient(base_url=url, token=token)

    # the same three with no network: what each costs by itself, per call
    canned = raw_sync.get(item_url, headers=auth)
    body, content_type = canned.content, canned.headers["content-type"]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    raw_memory = httpx.Client(transport=httpx.MockTransport(answer))
    ours_memory = sdk.Client(api_key=token, base_url=url, max_retries=0)
    ours_memory._http._transport = httpx.MockTransport(answer)  # its own client, as a user's would be
    opc_memory = opc_client.AuthenticatedClient(
        base_url=url, token=token, httpx_args={"transport": httpx.MockTransport(answer)}
    )

    async def raw_async_get() -> Any:
        return json.loads((await raw_async.get(item_url, headers=auth)).content)

    contenders: dict[str, Callable[[], tuple[float, float]]] = {
        "raw_sync": lambda: timed(lambda: json.loads(raw_sync.get(item_url, headers=auth).content), count),
        "ours_sync": lambda: timed(lambda: ours_sync.get_deployment(deployment_id), count),
        "opc_sync": lambda: timed(lambda: opc_get.sync(deployment_id, client=opc_sync), count),
        "raw_async": lambda: timed_async(raw_async_get, count, runner),
        "ours_async": lambda: timed_async(lambda: ours_async.get_deployment(deployment_id), count, runner),
        "opc_async": lambda: timed_async(lambda: opc_get.asyncio(deployment_id, client=opc_async), count, runner),
        "raw_memory": lambda: timed(lambda: json.loads(raw_memory.get(item_url, headers=auth).content), count),
        "ours_memory": lambda: timed(lambda: ours_memory.get_deployment(deployment_id), count),
        "opc_memory": lambda: timed(lambda: opc_get.sync(deployment_id, client=opc_memory), count),
    }
    # the three must agree on what they fetched before any is timed
    assert ours_sync.get_deployment(deployment_id).id == opc_get.sync(deployment_id, client=opc_sync).id
    for measure in contenders.values():
        measure()  # warm-up: connections open, adapters and caches built
    per_request: dict[str, list[float]] = {name: [] for name in contenders}
    cpu_per_request: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_number in range(rounds):
        # each round starts with another contender: whoever runs first or last is not always the same
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            wall, cpu = contenders[name]()
            per_request[name].append(wall)
            cpu_per_request[name].append(cpu)
    versions = f"httpx {httpx.__version__}, pydantic {importlib.import_module('pydantic').VERSION}"
    figures = {
        "versions": versions,
        "per_request": per_request,
        "cpu_per_request": cpu_per_request,
        "import_seconds": {
            "import httpx, pydantic (and define one model)": import_seconds(
                "import httpx, pydantic; type('M', (pydantic.BaseModel,), {'__annotations__': {'x': int}})"
            ),
            "import paperspace_deployments": import_seconds("import paperspace_deployments"),
            "from paperspace_deployments import Client": import_seconds("from paperspace_deployments import Client"),
            f"import {opc_package} (openapi-python-client)": import_seconds(f"import {opc_package}", opc_parent),
            "... and its get_deployment module": import_seconds(
                f"from {opc_package}.api.deployments import get_deployment", opc_parent
            ),
        },
        "median_us": {name: statistics.median(v) * 1e6 for name, v in per_request.items()},
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
