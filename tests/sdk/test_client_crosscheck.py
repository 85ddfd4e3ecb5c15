"""Our client and one openapi-python-client generates from the same effective spec make the same
requests (method, path, query, JSON body) for the same calls. The peer is installed into
``bench/.peers/`` on first use (from the package registry), never a project dependency.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from typing import Any

import httpx
import paperspace_deployments as sdk
import pytest
from paperspace_deployments import models
from support.paths import ROOT

from bench.peers import OPENAPI_PYTHON_CLIENT, generate_with_openapi_python_client, python_with

SPEC = ROOT / "generated" / "openapi.json"
FULL_SPEC = {
    "name": "web",
    "image": "nginx:1.25",
    "machineType": "A4000",
    "projectId": "p 1",
    "replicas": 3,
    "ports": [80, 443],
    "env": {"A": "1", "B": "x y"},
    "command": ["sh", "-c", "echo hi"],
    "autoscaling": {"min": 1, "max": 5, "target": 70, "metric": "cpu"},
}
CALLS: list[dict[str, Any]] = [
    {"operation": "list_deployments", "path": [], "query": {}, "body": None},
    {"operation": "list_deployments", "path": [], "query": {"after": "cursor/1=", "limit": 7}, "body": None},
    {"operation": "upsert_deployment", "path": [], "query": {}, "body": FULL_SPEC},
    {
        "operation": "upsert_deployment",
        "path": [],
        "query": {},
        "body": {"name": "w", "image": "i", "machineType": "m"},
    },
    {"operation": "get_deployment", "path": ["dep 1/ä?"], "query": {}, "body": None},
    {"operation": "delete_deployment", "path": ["dep-1"], "query": {}, "body": None},
    {"operation": "list_deployment_runs", "path": ["dep-1"], "query": {}, "body": None},
    {
        "operation": "get_deployment_metrics",
        "path": ["dep-1"],
        "query": {"start": "2026-01-01T00:00:00+00:00", "end": "2026-01-02T12:30:00.250000+00:00"},
        "body": None,
    },
    {"operation": "get_deployment_metrics", "path": ["dep-1"], "query": {}, "body": None},
    {"operation": "get_deployment_logs", "path": ["dep-1"], "query": {"limit": 50}, "body": None},
    {"operation": "get_deployment_history", "path": ["dep-1"], "query": {}, "body": None},
    {"operation": "list_project_deployments", "path": ["proj-1"], "query": {"after": "c2", "limit": 120}, "body": None},
]


def _wire(request: httpx.Request) -> dict[str, Any]:
    return {
        "method": request.method,
        "path": request.url.raw_path.decode().split("?")[0],
        "query": [list(pair) for pair in sorted(request.url.params.multi_items())],
        "body": json.loads(request.content) if request.content else None,
    }


def _query_defaults(operation_id: str) -> dict[str, str]:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId", "").lower() == operation_id.replace("_", ""):
                parameters = [_resolved(spec, p) for p in op.get("parameters", [])]
                parameters = [p for p in parameters if p["in"] == "query"]
                return {p["name"]: str(p["schema"]["default"]) for p in parameters if "default" in p["schema"]}
    raise AssertionError(f"no operation {operation_id} in the spec")


def _resolved(spec: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in value:
        for part in value["$ref"].removeprefix("#/").split("/"):
            spec = spec[part]
        value = spec
    return value


def _defaults_filled_in(operation: str, wire: dict[str, Any]) -> dict[str, Any]:
    """``wire`` with every query parameter the spec gives a default and the request left out set
    to that default. openapi-python-client sends defaults; our client leaves an unset parameter
    out and lets the server apply its default: the same request to a server that follows the spec.
    """
    sent = {name for name, _ in wire["query"]}
    missing = [[name, value] for name, value in _query_defaults(operation).items() if name not in sent]
    return {**wire, "query": sorted(wire["query"] + missing)}


def _ours(body_as_keywords: bool) -> list[dict[str, Any]]:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(202)  # raw responses below: nothing is parsed

    http = httpx.Client(transport=httpx.MockTransport(record))
    client = sdk.Client(api_key="k", base_url="http://api.test/v1", http_client=http, max_retries=0)
    for call in CALLS:
        query = {k: datetime.fromisoformat(v) if k in {"start", "end"} else v for k, v in call["query"].items()}
        method = getattr(client.with_raw_response, call["operation"])
        if call["body"] is None:
            method(*call["path"], **query)
        elif body_as_keywords:
            spec = models.DeploymentSpec.model_validate(call["body"])
            method(*call["path"], **query, **{name: getattr(spec, name) for name in spec.model_fields_set})
        else:
            method(*call["path"], models.DeploymentSpec.model_validate(call["body"]), **query)
    return [_wire(request) for request in sent]


@pytest.fixture(scope="module")
def peer_requests(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    scratch = tmp_path_factory.mktemp("opc")
    package = generate_with_openapi_python_client(SPEC, scratch / "client")
    calls = scratch / "calls.json"
    calls.write_text(json.dumps(CALLS))
    runner = ROOT / "tests" / "peers" / "opc_requests.py"
    command = [str(python_with(OPENAPI_PYTHON_CLIENT)), str(runner), str(package.parent), package.name, str(calls)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    requests: list[dict[str, Any]] = json.loads(result.stdout)
    return requests


def test_the_calls_cover_every_operation() -> None:
    operations = {n for n, v in vars(sdk.Client).items() if callable(v) and v.__doc__ and not n.startswith("_")}
    waiters = {n for n in operations if n.startswith("wait_for_")}  # they call operations, they are none
    assert {c["operation"] for c in CALLS} == operations - {"close", "with_options"} - waiters


@pytest.mark.parametrize("body_as_keywords", [False, True], ids=["body-model", "body-keywords"])
def test_both_clients_make_the_same_requests(peer_requests: list[dict[str, Any]], body_as_keywords: bool) -> None:
    ours = _ours(body_as_keywords)
    assert len(ours) == len(peer_requests) == len(CALLS)
    for call, mine, theirs in zip(CALLS, ours, peer_requests, strict=True):
        mine, theirs = (_defaults_filled_in(call["operation"], wire) for wire in (mine, theirs))
        assert mine == theirs, f"{call['operation']} {call['path']} {call['query']}"


def test_a_parameter_left_unset_is_not_sent_even_with_a_default(peer_requests: list[dict[str, Any]]) -> None:
    first_call_ours, first_call_theirs = _ours(False)[0], peer_requests[0]
    assert CALLS[0] == {"operation": "list_deployments", "path": [], "query": {}, "body": None}
    assert (first_call_ours["query"], first_call_theirs["query"]) == ([], [["limit", "20"]])
