"""The suite's own Schemathesis checks: rules of this API that no schema can express.

Each is a small function that returns None to pass and raises with Received/Expected to fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import urllib.parse
import zlib
from importlib import resources
from typing import Any

import httpx
import schemathesis

from paperspace_deployments_toolkit.contract_tests import threadsafe_ast
from paperspace_deployments_toolkit.contract_tests.expectations import moment_of
from paperspace_deployments_toolkit.contract_tests.inventory import Contract

threadsafe_ast.install()  # st loads this module before its worker threads start

_SPEC = json.loads(resources.files("paperspace_deployments").joinpath("openapi.json").read_text("utf-8"))


# the code each documented status answers with, as the spec's Error schema documents it ("One of
# BAD_REQUEST (400), ..."), for the statuses its operations document (a live server's answer to,
# say, a 405 the spec never mentions is not this check's business)
CODES = Contract(_SPEC).error_codes


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


@schemathesis.check
def error_code_matches_status(ctx: Any, response: Any, case: Any) -> bool | None:
    """An Error body's `code` names its HTTP status (404 is NOT_FOUND, not BAD_REQUEST)."""
    expected = CODES.get(response.status_code)
    body = _json(response)
    if expected is None or not isinstance(body, dict) or "code" not in body:
        return True  # nothing to judge: Schemathesis records a skip, not a pass
    if body["code"] != expected:
        raise AssertionError(
            f"Received code {body['code']!r} with status {response.status_code}; Expected {expected!r}"
        )
    return None


@schemathesis.check
def page_respects_limit(ctx: Any, response: Any, case: Any) -> bool | None:
    """A page never holds more than `limit` items, and `hasMore` comes with a `nextPage`."""
    body = _json(response)
    if response.status_code != 200 or not isinstance(body, dict) or "items" not in body:
        return True
    limit = _limit(case)
    if limit is not None and isinstance(body["items"], list) and len(body["items"]) > limit:
        raise AssertionError(f"Received {len(body['items'])} items; Expected at most limit={limit}")
    if body.get("hasMore") is True and not body.get("nextPage"):
        raise AssertionError("Received hasMore=true without nextPage; Expected a cursor for the next page")
    return None


@schemathesis.check
def logs_respect_limit(ctx: Any, response: Any, case: Any) -> bool | None:
    """Logs never exceed `limit` lines."""
    body = _json(response)
    if response.status_code != 200 or not case.path.endswith("/logs") or not isinstance(body, list):
        return True
    limit = _limit(case)
    if limit is not None and len(body) > limit:
        raise AssertionError(f"Received {len(body)} log lines; Expected at most limit={limit}")
    return None


@schemathesis.check
def logs_oldest_first(ctx: Any, response: Any, case: Any) -> bool | None:
    """Log lines come oldest first; judged only on answers with distinct timestamps.

    The embedded emulator's clock stands still while Schemathesis runs (moving it would change
    `state` between a read and its replay, and `object_level_authorization` would take a leaked
    deployment for another one), so there this cell is *not run*: the rule
    ``test_logs_never_exceed_limit_and_come_oldest_first`` moves the clock and judges order."""
    body = _json(response)
    if response.status_code != 200 or not case.path.endswith("/logs") or not isinstance(body, list):
        return True
    # compared as instants: RFC 3339 text with other fractions or offsets does not sort as text
    times = [t for t in (moment_of(line.get("t")) for line in body if isinstance(line, dict)) if t is not None]
    if len(set(times)) < 2:
        return True  # lines of one instant say nothing about order: a skip, not a pass
    if times != sorted(times):
        raise AssertionError("Received log lines out of order; Expected oldest first")
    return None


@schemathesis.check
def metric_points_within_range(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every metric point lies within the requested [start, end]."""
    body = _json(response)
    query = case.query or {}
    if response.status_code != 200 or not case.path.endswith("/metrics") or not isinstance(body, dict):
        return True
    start, end = moment_of(query.get("start")), moment_of(query.get("end"))
    for series in body.get("series") or []:
        for point in series.get("values") or [] if isinstance(series, dict) else []:
            t = moment_of(point.get("t")) if isinstance(point, dict) else None
            if t is None:
                continue
            if (start is not None and t < start) or (end is not None and t > end):
                raise AssertionError(
                    f"Received a {series.get('metric')} point at {point.get('t')}; Expected within [{query.get('start')}, {query.get('end')}]"
                )
    return None


def _limit(case: Any) -> int | None:
    """The `limit` the request asked for, or the spec's default when it asked for none."""
    query = case.query or {}
    value: Any = query["limit"] if "limit" in query else _DEFAULT_LIMITS.get(case.operation.label)
    try:
        return int(value)  # a query value may arrive as text
    except (TypeError, ValueError):
        return None


def _default_limits() -> dict[str, int]:
    spec = _SPEC
    shared = spec.get("components", {}).get("parameters", {})
    found = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                if "$ref" in parameter:
                    parameter = shared.get(parameter["$ref"].rsplit("/", 1)[-1], {})
                default = parameter.get("schema", {}).get("default")
                if parameter.get("name") == "limit" and isinstance(default, int):
                    found[f"{method.upper()} {path}"] = default
    return found


_DEFAULT_LIMITS = _default_limits()


# -- safety on a live account: every deployment the run creates carries the run's name prefix
# (CONTRACT_RUN_PREFIX, set by the suite for itself and for Schemathesis's engine), so the sweep
# at the end finds and deletes all of them. With a cap (CONTRACT_NAME_POOL, set on non-loopback
# targets), generated names fold onto that many names and bodies lose `projectId`, so upserts can
# create at most that many deployments (the team's default project, one per name). The hook is
# `before_call`, which every phase calls; the coverage phase skips `map_body`. And no write
# reaches a deployment the run did not create (``confine``).

NAME_LIMIT = 255  # the spec's maxLength for a deployment name


READS = frozenset({"GET", "OPTIONS"})  # the only methods sent to a deployment the run did not create


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    """Runs before every request of every phase (``map_body`` misses the coverage phase's)."""
    renamed = run_name(case.body)
    pool = int(os.environ.get("CONTRACT_NAME_POOL") or 0)
    if pool and case.method.upper() == "POST" and isinstance(renamed, dict) and len(_CREATED) >= pool:
        renamed = {**renamed, "name": ""}  # the budget is spent: a request the server must reject
    if renamed is not case.body:
        case.body = renamed
    if case.method.upper() not in READS:
        confine(case)


def confine(case: Any) -> None:
    """A write (any method but GET and OPTIONS: a DELETE, a probe of an undocumented method, a
    request with a missing or made-up token) names only deployments this run created: another id
    in its path is swapped for one that does not exist, whose answer must still be a 404.

    Off loopback (CONTRACT_CONFINE=strict) every id but the run's is swapped, whatever its origin
    (an example of the spec may name a real deployment). On loopback only ids seen in an answer
    are: the ids Schemathesis makes up (empty, huge, escaped) still reach the server, which must
    answer them with a 4xx."""
    if not isinstance(case.path_parameters, dict):
        return
    strict = os.environ.get("CONTRACT_CONFINE") == "strict"
    with _LOCK:
        ours = _CREATED | _OURS
        seen = set(_SEEN)

    def allowed(value: Any) -> bool:
        if isinstance(value, str) and value in ours:
            return True
        return not strict and not (isinstance(value, str) and value in seen)

    confined = {
        key: value if allowed(value) else NOT_CREATED_BY_THIS_RUN for key, value in case.path_parameters.items()
    }
    if confined != case.path_parameters:
        case.path_parameters = confined


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """Learns which deployment ids are this run's and which are someone else's."""
    prefix = os.environ.get("CONTRACT_RUN_PREFIX")
    if not prefix or response.status_code >= 300:
        return
    answer = _json(response)
    if case.method.upper() == "POST" and isinstance(answer, dict) and isinstance(answer.get("id"), str):
        if str(answer.get("name", "")).startswith(prefix):
            with _LOCK:
                _CREATED.add(answer["id"])
            _log_created(answer["id"], str(answer.get("name", "")))
        else:  # a server that took a name the hooks left alone (invalid): remove it at once
            _log_created(answer["id"], str(answer.get("name", "")))
            _delete_stray(response, answer["id"])
    for record in _records(answer):
        id, name = record.get("id"), record.get("name")
        if isinstance(id, str):
            with _LOCK:
                _SEEN.add(id)
                if isinstance(name, str) and name.startswith(prefix):
                    _OURS.add(id)


def _log_created(id: str, name: str) -> None:
    """Tell the suite's process of a deployment Schemathesis's requests made: its cleanup deletes
    every one by id, whatever the server's listings say (CONTRACT_CREATED_LOG names the file)."""
    log = os.environ.get("CONTRACT_CREATED_LOG")
    if log:
        with _LOCK, open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": id, "name": name}) + "\n")


def _records(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        items = body.get("items")
        return [body] + ([i for i in items if isinstance(i, dict)] if isinstance(items, list) else [])
    return [i for i in body if isinstance(i, dict)] if isinstance(body, list) else []


def _delete_stray(response: Any, id: str) -> None:
    request = response.request
    url = str(request.url).split("?", 1)[0].rstrip("/") + "/" + urllib.parse.quote(id, safe="")
    headers = httpx.Headers({k: v for k, v in request.headers.items() if k.lower() == "authorization"})
    with contextlib.suppress(Exception):  # best effort; the check that let it in fails anyway
        httpx.delete(url, headers=headers, timeout=30)


NOT_CREATED_BY_THIS_RUN = "contract-suite-no-such-deployment"
_CREATED: set[str] = set()  # ids this run's requests created, against CONTRACT_NAME_POOL
_OURS: set[str] = set()  # ids of deployments named with the run's prefix, seen in any answer
_SEEN: set[str] = set()  # every deployment id seen in an answer
_LOCK = threading.Lock()  # Schemathesis's workers are threads


def run_name(body: Any) -> Any:
    """``body`` with its deployment name moved under the run's prefix (and pool), or ``body``."""
    prefix = os.environ.get("CONTRACT_RUN_PREFIX")
    if not prefix or not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return body
    name = body["name"]
    if not 1 <= len(name) <= NAME_LIMIT:
        return body  # an invalid name stays invalid: the server must still reject it
    pool = int(os.environ.get("CONTRACT_NAME_POOL") or 0)
    if pool > 0:  # also for a body renamed before and mutated since (the stateful phase reuses bodies)
        pooled = (
            name
            if name.startswith(prefix)
            else f"{prefix}fuzz-{zlib.crc32(name.encode('utf-8', 'surrogatepass')) % pool}"
        )
        if pooled == name and "projectId" not in body:
            return body
        return {**{k: v for k, v in body.items() if k != "projectId"}, "name": pooled}
    if name.startswith(prefix):
        return body
    return {**body, "name": (prefix + name)[:NAME_LIMIT]}
