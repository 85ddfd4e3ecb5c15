"""generator/build.py: the IR read from a normalised spec."""

from __future__ import annotations

from pathlib import Path

from support.spec_text import SPEC, load_text

from paperspace_deployments_toolkit.generator.build import build_api
from paperspace_deployments_toolkit.generator.encoders import SpecText


def test_pagination_is_read_from_the_extension(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "spec.yml", SPEC)
    spec.data["paths"]["/items"]["get"]["x-pagination"] = {
        "cursorParam": "after",
        "itemsField": "data",
        "hasMoreField": "more",
        "nextCursorField": "cursor",
    }
    built = build_api(spec, package="t", source="spec.yml")
    paging = built.api.operations[0].pagination
    assert paging is not None
    assert (paging.cursor_param, paging.items_attr, paging.has_more_attr, paging.next_cursor_attr) == (
        SpecText("after"),
        "data",
        "more",
        "cursor",
    )
    assert paging.item_type_hint == "str"
    assert built.api.operations[0].return_hint == "models.ListItemsResponse", "the inline response is hoisted"


def test_pagination_naming_what_does_not_exist_is_an_error(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "spec.yml", SPEC)
    spec.data["paths"]["/items"]["get"]["x-pagination"] = {
        "cursorParam": "page",
        "itemsField": "data",
        "hasMoreField": "more",
        "nextCursorField": "next",
    }
    built = build_api(spec, package="t", source="spec.yml")
    assert [str(e) for e in built.errors] == [
        "spec.yml:5: /paths/~1items/get/x-pagination: no query parameter 'page' (cursorParam); "
        "the response has no field 'next' (nextCursorField)"
    ]


def test_unsupported_body_is_a_warning_and_the_rest_is_generated(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "spec.yml", SPEC)
    spec.data["paths"]["/upload"] = {
        "post": {
            "operationId": "upload",
            "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "string"}}}},
            "responses": {"204": {"description": "ok"}},
        }
    }
    built = build_api(spec, package="t", source="spec.yml")
    assert [op.python_name for op in built.api.operations] == ["list_items"]
    expected = "a application/x-www-form-urlencoded body must be an object schema; operation 'upload' left out"
    assert expected in str(built.warnings[0])
    assert built.errors == []


WAITER_SPEC = """\
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /jobs/{jobId}:
    get:
      operationId: getJob
      parameters:
        - {in: path, name: jobId, required: true, schema: {type: string}}
        - {in: query, name: verbose, schema: {type: boolean}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
    delete:
      operationId: deleteJob
      parameters:
        - {in: path, name: jobId, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
components:
  schemas:
    Job:
      type: object
      properties:
        progress: {$ref: '#/components/schemas/Progress'}
    Progress:
      type: object
      properties:
        jobPhase: {type: string}
x-waiters:
  jobDone:
    operationId: getJob
    statusField: progress.jobPhase
    success: [done]
    failure: [failed]
    timeout: 60
"""


def test_a_waiter_is_read_from_x_waiters_with_its_status_path_and_defaults(tmp_path: Path) -> None:
    built = build_api(load_text(tmp_path, "spec.yml", WAITER_SPEC), package="t", source="spec.yml")
    assert built.errors == []
    (waiter,) = built.api.waiters
    assert (waiter.python_name, waiter.poll_call, waiter.status_attrs) == (
        "wait_for_job_done",
        "get_job(job_id)",
        ("progress", "job_phase"),
    )
    assert (waiter.interval, waiter.timeout) == ("5.0", "60.0")
    assert waiter.waiting == (
        "Waiting('wait_for_job_done', ('progress', 'job_phase', ), "
        "success=frozenset({'done'}), failure=frozenset({'failed'}))"
    )


def test_a_waiter_naming_what_cannot_be_polled_is_a_located_error(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "spec.yml", WAITER_SPEC)
    spec.data["x-waiters"] = {
        "jobDone": {"operationId": "getJob", "statusField": "progress.state", "success": ["done"]},
        "jobGone": {"operationId": "deleteJob", "statusField": "x", "success": ["gone"]},
        "nowhere": {"operationId": "getNothing", "statusField": "x", "success": []},
        "odd": {"operationId": "getJob", "statusField": "progress", "success": ["a"], "failure": ["a"], "interval": 0},
        "shape": {"operationId": "getJob", "success": "done", "colour": "red"},
    }
    built = build_api(spec, package="t", source="spec.yml")
    messages = [e.message for e in built.errors]
    assert messages == [
        "x-waiters: jobDone: the answer of 'getJob' has no field 'progress.state'",
        "x-waiters: jobGone: 'deleteJob' must be a GET whose required parameters are all in its path; "
        "the answer of 'deleteJob' has no field 'x'",
        "x-waiters: nowhere: no operation has the operationId 'getNothing'; "
        "success must name at least one value, and none that failure names",
        "x-waiters: odd: success must name at least one value, and none that failure names; "
        "interval and timeout must be positive, the interval no longer than the timeout, the timeout at most 604800 s",
        "x-waiters: shape: statusField is required; success must be a list; unknown key 'colour'",
    ], messages
    assert {e.pointer for e in built.errors} == {
        f"/x-waiters/{n}" for n in ("jobDone", "jobGone", "nowhere", "odd", "shape")
    }
    assert built.api.waiters == ()


def test_a_waiter_with_values_its_status_never_takes_or_no_shape_is_a_located_error(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "spec.yml", WAITER_SPEC)
    spec.data["components"]["schemas"]["Progress"]["properties"]["jobPhase"]["enum"] = ["running", "done", "failed"]
    spec.data["x-waiters"] = {
        "typo": {
            "operationId": "getJob",
            "statusField": "progress.jobPhase",
            "success": ["dnoe"],
            "failure": ["failed"],
        },
        "empty": None,
        "forever": {
            "operationId": "getJob",
            "statusField": "progress.jobPhase",
            "success": ["done"],
            "timeout": 10**400,
        },
    }
    built = build_api(spec, package="t", source="spec.yml")
    assert sorted(e.message for e in built.errors) == [
        "x-waiters: empty: must be a mapping",
        "x-waiters: forever: interval and timeout must be positive, the interval no longer than the timeout, "
        "the timeout at most 604800 s",
        "x-waiters: typo: success names 'dnoe', a value the status field's enum does not list",
    ]
