"""The suite's own Schemathesis checks: rules of this API that no schema can express.

Each is a small function that returns None to pass and raises with Received/Expected to fail.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import schemathesis

CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
}


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
        return None
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
        return None
    limit = (case.query or {}).get("limit")
    if isinstance(limit, int) and isinstance(body["items"], list) and len(body["items"]) > limit:
        raise AssertionError(f"Received {len(body['items'])} items; Expected at most limit={limit}")
    if body.get("hasMore") is True and not body.get("nextPage"):
        raise AssertionError("Received hasMore=true without nextPage; Expected a cursor for the next page")
    return None


@schemathesis.check
def logs_respect_limit(ctx: Any, response: Any, case: Any) -> bool | None:
    """Logs never exceed `limit` lines and come oldest first."""
    body = _json(response)
    if response.status_code != 200 or not case.path.endswith("/logs") or not isinstance(body, list):
        return None
    limit = (case.query or {}).get("limit")
    if isinstance(limit, int) and len(body) > limit:
        raise AssertionError(f"Received {len(body)} log lines; Expected at most limit={limit}")
    times = [str(line.get("t")) for line in body if isinstance(line, dict)]
    if times != sorted(times):
        raise AssertionError("Received log lines out of order; Expected oldest first")
    return None


@schemathesis.check
def metric_points_within_range(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every metric point lies within the requested [start, end]."""
    body = _json(response)
    query = case.query or {}
    if response.status_code != 200 or not case.path.endswith("/metrics") or not isinstance(body, dict):
        return None
    start, end = _moment(query.get("start")), _moment(query.get("end"))
    for series in body.get("series") or []:
        for point in series.get("values") or [] if isinstance(series, dict) else []:
            t = _moment(point.get("t")) if isinstance(point, dict) else None
            if t is None:
                continue
            if (start is not None and t < start) or (end is not None and t > end):
                raise AssertionError(
                    f"Received a {series.get('metric')} point at {point.get('t')}; Expected within [{query.get('start')}, {query.get('end')}]"
                )
    return None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- safety on a live account: every deployment the run creates carries the run's name prefix
# (CONTRACT_RUN_PREFIX, set by the suite for itself and for Schemathesis's engine), so the sweep
# at the end finds and deletes all of them.

NAME_LIMIT = 255  # the spec's maxLength for a deployment name


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    prefix = os.environ.get("CONTRACT_RUN_PREFIX")
    if not prefix or not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return body
    name = body["name"]
    if not 1 <= len(name) <= NAME_LIMIT or name.startswith(prefix):
        return body  # an invalid name stays invalid: the server must still reject it
    return {**body, "name": (prefix + name)[:NAME_LIMIT]}
