"""Rules that follow from the contract, for every operation and field the spec documents.

Nothing here lists fields, bounds or statuses: they come from the effective spec (``inventory``,
``shape``), so a spec update changes what is sent and judged. Every answer is also judged by the
answer checks of ``probe`` (documented status, schema, error code, documented headers, no stack
trace, no body with 204, the response time). The families, after RESTler's and EvoMaster's fault
catalogues where the contract makes a fault observable:

- round trip: what a write sends is what every later read answers, field by field;
- upsert replaces: fields left out of an update are gone; what the server assigns (id, creation
  time, project) keeps its meaning; revisions count up one per change, each holding what was sent;
- sub-resources answer for the resource in their path and only for it;
- unknown ids, cursors and parents, ids with something added (RESTler's invalid dynamic objects),
  everything after a delete and a repeated delete (use after free) answer 404;
- every bound of every parameter and request field at min-1, min, max, max+1; every enum member
  and one outside; every required field left out: valid is accepted, invalid is a 400, and a
  refused write changes nothing (EvoMaster);
- documented defaults observed with data that tells them apart;
- only the documented scheme authenticates; a refused anonymous write changes nothing; another
  team's resource answers exactly as one that does not exist (no 403/404 existence leak);
- the statuses only a fault produces (403, 409, 429, 500, ...), through the emulator's fault API
  where the target has one; a live target names them in the coverage table as not reached.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from paperspace_deployments_toolkit.contract_tests import session
from paperspace_deployments_toolkit.contract_tests.conftest import SPEC, Judged
from paperspace_deployments_toolkit.contract_tests.expectations import moment_of
from paperspace_deployments_toolkit.contract_tests.inventory import Contract, Field, Item, Operation
from paperspace_deployments_toolkit.contract_tests.journal import Journal
from paperspace_deployments_toolkit.contract_tests.probe import NOTHING, Exchange, Ledger, Prober
from paperspace_deployments_toolkit.contract_tests.scene import Scene
from paperspace_deployments_toolkit.contract_tests.session import Run
from paperspace_deployments_toolkit.contract_tests.shape import Shape, shape_of
from paperspace_deployments_toolkit.contract_tests.target import Secret, Target, control_url
from paperspace_deployments_toolkit.contract_tests.values import edges, sample, text

UNKNOWN_ID = "contract-suite-no-such-deployment"
LONG_AGO = 40  # seconds the emulator's clock moves to finish a rollout (the emulator's takes 30)


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract(json.loads(Path(SPEC).read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def ledger(contract: Contract, run: Run) -> Ledger:
    found = Ledger(contract)
    run.report.attach_ledger(found)
    return found


@pytest.fixture(scope="session")
def shape(contract: Contract) -> Shape:
    return shape_of(contract)


@pytest.fixture(scope="session")
def prober(target: Target, ledger: Ledger, pytestconfig: pytest.Config) -> Iterator[Prober]:
    found = Prober(target, ledger, session.option(pytestconfig, "--max-response-time"))
    try:
        yield found
    finally:
        found.close()


class Maker:
    """Makes this run's deployments through the prober: named with the run's prefix, counted
    against --max-created, and every id an answer gave is kept for the cleanup."""

    def __init__(self, prober: Prober, shape: Shape, target: Target, journal: Journal) -> None:
        self.prober, self.shape, self.target, self.journal = prober, shape, target, journal
        self.default_project: str | None = None

    def spec(self, label: str, n: int = 0, *, full: bool = True) -> dict[str, Any]:
        """A valid body: every field of the request (``full``) or only the required ones, the
        ``n``-th value of each, named for this run."""
        schema = self.shape.upsert.body or {}
        required = set(schema.get("required") or [])
        body = {
            k: sample(sub, n, k)
            for k, sub in (schema.get("properties") or {}).items()
            if (full or k in required) and k not in PLACED
        }
        body["name"] = text((schema.get("properties") or {}).get("name") or {}, self.target.run_prefix + label)
        if full and self.default_project is not None and "projectId" in (schema.get("properties") or {}):
            body["projectId"] = self.default_project
        return body

    def upsert(self, body: Any, *, token: Any = None, what: str = "") -> Exchange:
        if self.journal.budget_spent(self.target):
            pytest.skip("not run: the run's creation budget (--max-created) is spent")
        kwargs: dict[str, Any] = {} if token is None else {"token": token}
        ex = self.prober.call(self.shape.upsert.id, body=body, **kwargs)
        self.remember(ex)
        return ex

    def remember(self, ex: Exchange) -> None:
        """Keep the id of any deployment an answer says was made (whatever the status)."""
        answer = ex.json
        if isinstance(answer, dict) and isinstance(answer.get("id"), str) and 200 <= ex.status < 300:
            self.journal.created.setdefault(answer["id"], str(answer.get("name", "")))
            if self.default_project is None and isinstance(answer.get("projectId"), str):
                self.default_project = answer["projectId"]

    def made(self, label: str, n: int = 0, *, full: bool = True) -> dict[str, Any]:
        """A deployment made now, as its upsert answered it."""
        ex = self.upsert(self.spec(label, n, full=full))
        found = self.prober.expect(ex, 200, 201, what="a valid upsert")
        assert isinstance(found, dict)
        if not isinstance(found.get("id"), str):
            raise AssertionError(f"{ex.operation}: expected an id in the answer; got {ex.shown()}")
        return found


PLACED = frozenset({"projectId"})  # set by the maker: the team's default project, once known


@pytest.fixture(scope="session")
def maker(prober: Prober, shape: Shape, target: Target, run: Run) -> Maker:
    return Maker(prober, shape, target, run.journal)


def _writes(target: Target) -> None:
    if not target.allow_writes:
        pytest.skip("not run: the target is read-only (pass --allow-writes)")


def _one(prober: Prober, shape: Shape, op: Operation | None, id: str, **query: Any) -> Exchange:
    assert op is not None
    return prober.call(op.id, path={shape.id_param: id}, query=query or None)


def _shown(body: dict[str, Any], shape: Shape) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k in shape.shown_fields()}


def _same(sent: Any, got: Any) -> bool:
    """Equal as the wire carries them; numbers compare as numbers (2 == 2.0)."""
    if isinstance(sent, dict) and isinstance(got, dict):
        return sent.keys() == got.keys() and all(_same(sent[k], got[k]) for k in sent)
    if isinstance(sent, list) and isinstance(got, list):
        return len(sent) == len(got) and all(_same(a, b) for a, b in zip(sent, got, strict=True))
    if isinstance(sent, bool) or isinstance(got, bool):
        return sent is got
    return bool(sent == got)


def _listed(
    prober: Prober, shape: Shape, op: Operation, path: dict[str, str], scene: Scene, limit: int | None = None
) -> list[dict[str, Any]]:
    """Every item of a listing, page by page (at most 50 pages of ``limit``, by default the largest
    page size)."""
    paging = shape.paging(op)
    limit_parameter = op.parameter(paging.limit)
    largest = limit or (limit_parameter.schema.get("maximum") if limit_parameter else None) or 100
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        query: dict[str, Any] = {paging.limit: largest} if largest else {}
        if cursor is not None:
            query[paging.cursor] = cursor
        ex = prober.call(op.id, path=path, query=query)
        if ex.status == 400 and largest:
            # the largest documented page refused: the bounds rule says so; read on with the default,
            # so one broken parameter does not hide what the other rules would find
            largest = 0
            query.pop(paging.limit)
            ex = prober.call(op.id, path=path, query=query)
        page = prober.expect(ex, 200, what="a page of the listing")
        items = page.get(paging.items) if isinstance(page, dict) else None
        if not isinstance(items, list):
            raise AssertionError(f"{op.label}: expected a list at {paging.items}; got {str(page)[:200]}")
        if cursor is not None and not items:
            scene.check(
                False, op.label, "pagination", f"items on the page {paging.has_more}=true promised", "an empty page"
            )
        found += [i for i in items if isinstance(i, dict)]
        if page.get(paging.has_more) is not True:
            return found
        cursor = page.get(paging.next_cursor)
        if not isinstance(cursor, str):
            scene.check(False, op.label, "pagination", f"{paging.next_cursor} when {paging.has_more} is true", page)
            return found
    return found


def _entries(items: list[dict[str, Any]], id: str) -> list[dict[str, Any]]:
    return [i for i in items if i.get("id") == id]


# -- round trip


def test_every_field_written_reads_back_everywhere(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """Every request field, sent with a value that tells it apart, reads back exactly as sent from
    the write's answer, get, every listing and the newest revision; after a change of every field,
    again. ``replicas`` of an answer is judged once the rollout is over (``ready``, no autoscaling):
    while it rolls out, the answer shows what runs."""
    _writes(target)
    with Scene(prober, "round_trip", judged) as scene:
        first = maker.made("roundtrip", 1)
        id = first["id"]
        for n in (1, 2):
            sent = maker.spec("roundtrip", n)
            ex = maker.upsert(sent)
            answer = prober.expect(ex, 200, 201, what="an upsert of every field")
            _compare(scene, shape, ex.operation, sent, answer, "the upsert's answer")
            if target.advance_clock(LONG_AGO):
                pass
            got = prober.expect(_one(prober, shape, shape.get, id), 200, what="get after an upsert")
            _compare(scene, shape, f"{shape.get.label if shape.get else '?'}", sent, got, "get")
            for listing in shape.listings:
                path = {} if "{" not in listing.path else {_param(listing): str(got.get("projectId", ""))}
                entries = _entries(_listed(prober, shape, listing, path, scene), id)
                if scene.check(
                    len(entries) == 1,
                    listing.label,
                    "round_trip",
                    "the deployment listed once",
                    f"{len(entries)} times",
                ):
                    _compare(scene, shape, listing.label, sent, entries[0], "its entry in the listing")
            _newest_revision_holds(scene, prober, shape, id, sent)
            for f in shape.request_fields():
                scene.mark("request field", shape.upsert.label, f.pointer)


def _param(op: Operation) -> str:
    return next(p.name for p in op.parameters if p.location == "path")


def _compare(scene: Scene, shape: Shape, operation: str, sent: dict[str, Any], answer: Any, where: str) -> None:
    if not isinstance(answer, dict):
        scene.check(False, operation, "round_trip", f"{where} as an object", answer)
        return
    for key, value in _shown(sent, shape).items():
        if key == "replicas" and not _at_rest(answer, sent):
            continue
        got = answer.get(key, NOTHING)
        scene.check(
            got is not NOTHING and _same(value, got),
            operation,
            "round_trip",
            f"{where} shows {key}={json.dumps(value)} as sent",
            "no such field" if got is NOTHING else json.dumps(got)[:300],
        )


def _at_rest(answer: dict[str, Any], sent: dict[str, Any]) -> bool:
    return answer.get("state") == "ready" and not sent.get("autoscaling")


def _history(prober: Prober, shape: Shape, id: str) -> tuple[Operation | None, list[Any]]:
    """The history operation (the child answering a list of objects holding a spec) and its answer."""
    for op in shape.children:
        schema = op.response_schema(200) or {}
        items = schema.get("items") or {}
        if schema.get("type") == "array" and "spec" in (items.get("properties") or {}):
            answer = prober.expect(_one(prober, shape, op, id), 200, what="the history")
            if not isinstance(answer, list):
                raise AssertionError(f"{op.label}: expected a list; got {str(answer)[:200]}")
            return op, answer
    return None, []


def _newest_revision_holds(scene: Scene, prober: Prober, shape: Shape, id: str, sent: dict[str, Any]) -> None:
    op, history = _history(prober, shape, id)
    if op is None:
        return
    if not scene.check(bool(history), op.label, "round_trip", "at least one revision after an upsert", "[]"):
        return
    newest = max(
        history, key=lambda r: r.get("revision", 0) if isinstance(r, dict) and isinstance(r.get("revision"), int) else 0
    )
    held = newest.get("spec") if isinstance(newest, dict) else None
    if not scene.check(isinstance(held, dict), op.label, "round_trip", "the newest revision holds a spec", newest):
        return
    assert isinstance(held, dict)
    for key, value in sent.items():
        got = held.get(key, NOTHING)
        scene.check(
            got is not NOTHING and _same(value, got),
            op.label,
            "round_trip",
            f"the newest revision holds {key}={json.dumps(value)[:200]} as sent",
            "no such field" if got is NOTHING else json.dumps(got)[:300],
        )


# -- upsert replaces


def test_an_upsert_replaces_the_configuration(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """An update carries the whole configuration: optional fields it leaves out are gone from the
    newest revision and from every read; the id, the creation time and the project stay; each
    change adds one revision, numbered on from the last, each holding what was sent then; an
    identical upsert adds none."""
    _writes(target)
    with Scene(prober, "upsert_replaces", judged) as scene:
        full = maker.spec("replaces", 1)
        created = prober.expect(maker.upsert(full), 200, 201, what="an upsert of every field")
        id = created["id"]
        again = prober.expect(maker.upsert(full), 200, 201, what="the identical upsert again")
        for key in ("dtCreated", "projectId"):
            if key in created:
                scene.check(
                    _same(created[key], again.get(key)),
                    shape.upsert.label,
                    "upsert_replaces",
                    f"{key} unchanged by the identical upsert ({json.dumps(created[key])})",
                    json.dumps(again.get(key)),
                )
        scene.check(
            again.get("id") == id,
            shape.upsert.label,
            "upsert_replaces",
            f"the same id {id} for the same name",
            again.get("id"),
        )
        lean = maker.spec("replaces", 2, full=False)
        changed = prober.expect(maker.upsert(lean), 200, 201, what="an upsert of the required fields only")
        label = shape.upsert.label
        for key in ("id", "dtCreated", "projectId"):
            if key in created:
                scene.check(
                    _same(created[key], changed.get(key)),
                    label,
                    "upsert_replaces",
                    f"{key} unchanged by an update ({json.dumps(created[key])})",
                    json.dumps(changed.get(key)),
                )
        _names_are_unique_per_project_only(scene, prober, shape, maker, full, created)
        left_out = [k for k in full if k not in lean and k not in {"projectId"}]
        got = prober.expect(_one(prober, shape, shape.get, id), 200, what="get after the update")
        for key in left_out:
            if key in shape.shown_fields() and key != "replicas":
                scene.check(
                    key not in got,
                    shape.get.label if shape.get else label,
                    "upsert_replaces",
                    f"{key} gone after an update that left it out",
                    json.dumps(got.get(key))[:200],
                )
        op, history = _history(prober, shape, id)
        if op is not None:
            numbers = [r.get("revision") for r in history if isinstance(r, dict)]
            scene.check(
                numbers == [1, 2],
                op.label,
                "upsert_replaces",
                "revisions [1, 2]: one per change, none for the identical upsert",
                numbers,
            )
            sent_in_order = [full, lean]
            for revision, sent in zip(
                sorted((r for r in history if isinstance(r, dict)), key=lambda r: r.get("revision") or 0),
                sent_in_order,
                strict=False,
            ):
                spec = revision.get("spec")
                held: dict[str, Any] = spec if isinstance(spec, dict) else {}
                extra = sorted(k for k in held if k not in sent and k != "projectId")
                wrong = sorted(k for k in sent if not _same(sent[k], held.get(k, NOTHING)))
                scene.check(
                    not extra and not wrong,
                    op.label,
                    "upsert_replaces",
                    f"revision {revision.get('revision')} holds exactly what was sent then",
                    f"fields not sent {extra}, fields unlike what was sent {wrong}",
                )
            times = [
                r.get("dtCreated") for r in sorted(history, key=lambda r: r.get("revision") or 0) if isinstance(r, dict)
            ]
            scene.check(
                times == sorted(t for t in times if isinstance(t, str)) or len(times) < 2,
                op.label,
                "upsert_replaces",
                "revisions created in order",
                times,
            )
        _a_stopping_value_stops(scene, prober, shape, maker, target, lean, id)


def _a_stopping_value_stops(
    scene: Scene, prober: Prober, shape: Shape, maker: Maker, target: Target, sent: dict[str, Any], id: str
) -> None:
    """A request field whose description says a value stops the resource ("0 stops the
    deployment"), sent with that value: once the change has rolled out (the emulator's clock moved
    on; a target without one is not judged), the resource's state is the enum's stopped one."""
    states = ((shape.resource_schema.get("properties") or {}).get("state") or {}).get("enum") or []
    stopped = next((s for s in states if str(s).startswith("stop")), None)
    for key, sub in ((shape.upsert.body or {}).get("properties") or {}).items():
        said = str(sub.get("description", "")).lower()
        if stopped is None or " stops" not in said or sub.get("type") != "integer" or "minimum" not in sub:
            continue
        prober.expect(
            maker.upsert({**sent, key: sub["minimum"]}), 200, 201, what=f"an upsert with {key}={sub['minimum']}"
        )
        if not target.advance_clock(LONG_AGO):
            return
        got = prober.expect(_one(prober, shape, shape.get, id), 200, what="get after the stopping change")
        scene.check(
            got.get("state") == stopped,
            shape.get.label if shape.get else shape.upsert.label,
            "upsert_replaces",
            f"state {stopped!r} once {key}={sub['minimum']} has rolled out ({sub.get('description')})",
            json.dumps(got.get("state")),
        )
        prober.expect(maker.upsert(sent), 200, 201, what="the configuration before the stopping change")
        return


def _names_are_unique_per_project_only(
    scene: Scene, prober: Prober, shape: Shape, maker: Maker, sent: dict[str, Any], first: dict[str, Any]
) -> None:
    """A name is unique within its project (the name's description): the same name in another
    project is another deployment there, or a 404 where the server has no such project; the
    first one is untouched (RESTler's namespace rule)."""
    schema = (shape.upsert.body or {}).get("properties") or {}
    if "projectId" not in schema or not isinstance(first.get("projectId"), str):
        return
    other_project = text(schema["projectId"], maker.target.run_prefix + "project")
    before = _snapshot(prober, shape, first["id"])
    elsewhere = maker.upsert({**sent, "projectId": other_project, "image": str(sent.get("image", "")) + "-elsewhere"})
    label = shape.upsert.label
    if elsewhere.status == 404:
        return
    answer = prober.expect(elsewhere, 200, 201, what="the same name in another project")
    scene.check(
        answer.get("id") != first["id"],
        label,
        "name_space",
        "another deployment for the same name in another project",
        f"the same id {first['id']}",
    )
    scene.check(
        answer.get("projectId") == other_project,
        label,
        "name_space",
        f"projectId {other_project} as sent",
        json.dumps(answer.get("projectId")),
    )
    after = _snapshot(prober, shape, first["id"])
    scene.check(
        after == before,
        shape.get.label if shape.get else label,
        "name_space",
        "the first project's deployment unchanged by the other project's upsert",
        _change(before, after),
    )


# -- sub-resources


def test_sub_resources_answer_for_their_deployment_only(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """Two deployments with different histories: every read under one names that one (an id
    field in the answer equal to the path's) and its history is its own."""
    _writes(target)
    with Scene(prober, "sub_resources", judged) as scene:
        a = maker.made("sub-a", 1)
        target.advance_clock(LONG_AGO)  # the second is made later: nothing of it is dated before
        b = maker.made("sub-b", 2)
        for n in (3, 4):
            prober.expect(maker.upsert(maker.spec("sub-b", n)), 200, 201, what="a change of the second deployment")
        target.advance_clock(LONG_AGO)
        for mine, revisions, name in ((a, 1, a.get("name")), (b, 3, b.get("name"))):
            id = mine["id"]
            for op in shape.reads_of_one:
                answer = prober.expect(_one(prober, shape, op, id), 200, what=f"{shape.kind_of(op)} of a deployment")
                born = moment_of(mine.get("dtCreated"))
                early = [
                    t
                    for t in _moments(answer if isinstance(answer, list) else [])
                    if born and (moment_of(t) or born) < born
                ]
                scene.check(
                    not early,
                    op.label,
                    "sub_resources",
                    f"nothing dated before the deployment was created ({mine.get('dtCreated')})",
                    f"entries dated {early[:3]}",
                )
                if isinstance(answer, list) and "active" in f"{op.summary} {op.description}".lower():
                    ended = [
                        r.get("state") for r in answer if isinstance(r, dict) and r.get("state") in _terminal(shape)
                    ]
                    scene.check(
                        not ended,
                        op.label,
                        "sub_resources",
                        f"only active entries, as documented (none in a terminal state {sorted(_terminal(shape))})",
                        f"entries in state {ended}",
                    )
                    state = _state_now(prober, shape, id)
                    scene.check(
                        bool(answer) or state is None or state in _terminal(shape),
                        op.label,
                        "sub_resources",
                        f"an active entry for a deployment in state {state!r} (it runs, or is rolling out)",
                        "[]",
                    )
                for where, value in _ids_naming_a_deployment(answer, op):
                    scene.check(
                        value == id, op.label, "sub_resources", f"{where} = {id} (the deployment in the path)", value
                    )
            found, history = _history(prober, shape, id)
            if found is not None:
                scene.check(
                    len(history) == revisions,
                    found.label,
                    "sub_resources",
                    f"{revisions} revision(s), this deployment's own",
                    len(history),
                )
                names = {
                    r.get("spec", {}).get("name")
                    for r in history
                    if isinstance(r, dict) and isinstance(r.get("spec"), dict)
                }
                scene.check(
                    names == {name},
                    found.label,
                    "sub_resources",
                    f"every revision named {name}",
                    sorted(map(str, names)),
                )


def _state_now(prober: Prober, shape: Shape, id: str) -> Any:
    """The deployment's state as a read answers it now (None: no state to read)."""
    if shape.get is None:
        return None
    got = _one(prober, shape, shape.get, id)
    return got.json.get("state") if isinstance(got.json, dict) else None


def _terminal(shape: Shape) -> set[str]:
    """States the contract calls terminal: the failure states of its waiters (x-waiters), which
    waiting never leaves."""
    waiters = shape.contract.spec.get("x-waiters") or {}
    return {
        str(state) for waiter in waiters.values() if isinstance(waiter, dict) for state in waiter.get("failure") or []
    }


def _ids_naming_a_deployment(answer: Any, op: Operation) -> list[tuple[str, Any]]:
    """(where, value) of each field the answer's schema names ``id`` (the resource itself) or
    ``deploymentId`` (a sub-resource naming its deployment)."""
    found: list[tuple[str, Any]] = []
    records = answer if isinstance(answer, list) else [answer]
    top_is_resource = op.path.endswith("}")  # the resource itself, not a sub-resource
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        if "deploymentId" in record:
            found.append(
                (f"[{i}].deploymentId" if isinstance(answer, list) else "deploymentId", record["deploymentId"])
            )
        elif top_is_resource and "id" in record and not isinstance(answer, list):
            found.append(("id", record["id"]))
    return found


# -- unknown ids, cursors, parents; use after free


def test_unknown_ids_cursors_and_parents_answer_404(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """An id that names nothing, and a real id with a character added before or after it, in
    another case, or with a quote (RESTler's invalid dynamic objects), answer 404 on every
    operation on one deployment (a 400 is allowed for a malformed one); an unknown cursor and an
    unknown parent answer 404 on the listings."""
    with Scene(prober, "unknown_ids", judged) as scene:
        real: str | None = None
        if target.allow_writes:
            real = maker.made("known", 1)["id"]
        ids = {"an id that names nothing": UNKNOWN_ID}
        if real:
            ids |= {
                "the id with a character added": real + "x",
                "the id with a character before it": "x" + real,
                "the id with a quote added": real + "'",
            }
            if real.swapcase() != real:
                ids["the id in another case"] = real.swapcase()
        ones = [*shape.reads_of_one] + ([shape.delete] if shape.delete and target.allow_writes else [])
        for what, id in ids.items():
            allowed = {404} if id == UNKNOWN_ID else {400, 404}
            for op in ones:
                ex = _one(prober, shape, op, id)
                scene.check(
                    ex.status in allowed,
                    op.label,
                    "unknown_ids",
                    f"{' or '.join(map(str, sorted(allowed)))} for {what}",
                    ex.shown(),
                )
        for listing in shape.listings:
            paging = shape.paging(listing)
            path = {} if "{" not in listing.path else {_param(listing): _a_parent(prober, shape, listing)}
            if path and not all(path.values()):
                continue
            ex = prober.call(listing.id, path=path, query={paging.cursor: "bm90LWEtY3Vyc29y"})
            if listing.documents(404):
                scene.check(
                    ex.status in {400, 404},
                    listing.label,
                    "unknown_ids",
                    "404 for a cursor this server never gave out",
                    ex.shown(),
                )
            scene.mark("parameter", listing.label, f"{paging.cursor} minLength 1")
        for listing in shape.parent_listings:
            ex = prober.call(listing.id, path={_param(listing): "contract-suite-no-such-parent"})
            scene.check(
                ex.status == 404, listing.label, "unknown_ids", "404 for a parent that does not exist", ex.shown()
            )


def _a_parent(prober: Prober, shape: Shape, listing: Operation) -> str:
    """A parent id the team has: the project of one of its deployments (none: empty)."""
    return _of_the_newest(prober, shape, "projectId")


def _of_the_newest(prober: Prober, shape: Shape, key: str) -> str:
    """``key`` of the first deployment the team listing answers (none: empty)."""
    team = shape.team_listing
    if team is None:
        return ""
    page = prober.call(team.id, query={shape.paging(team).limit: 1})
    items = page.json.get(shape.paging(team).items) if isinstance(page.json, dict) else None
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    value = first.get(key)
    return value if isinstance(value, str) else ""


def test_after_a_delete_everything_answers_404(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """A delete answers its documented success with no body; then every operation on the
    deployment answers 404, a second delete too, and no listing holds it (use after free)."""
    _writes(target)
    if shape.delete is None:
        pytest.skip("not applicable: the spec documents no delete")
    with Scene(prober, "use_after_free", judged) as scene:
        made = maker.made("deleted", 1)
        id = made["id"]
        target.advance_clock(LONG_AGO)
        ex = _one(prober, shape, shape.delete, id)
        success = [int(s) for s in shape.delete.statuses if s.startswith("2")]
        if not scene.check(
            ex.status in success, shape.delete.label, "use_after_free", f"{success} for a delete", ex.shown()
        ):
            return
        for op in shape.reads_of_one:
            answer = _one(prober, shape, op, id)
            scene.check(
                answer.status == 404, op.label, "use_after_free", "404 after the deployment was deleted", answer.shown()
            )
        again = _one(prober, shape, shape.delete, id)
        scene.check(again.status == 404, shape.delete.label, "use_after_free", "404 for a second delete", again.shown())
        for listing in shape.listings:
            path = {} if "{" not in listing.path else {_param(listing): str(made.get("projectId", ""))}
            listed = prober.call(listing.id, path=path, query={shape.paging(listing).limit: 120})
            if listed.status == 404 and path:
                continue  # the project went with its last deployment
            items = listed.json.get(shape.paging(listing).items) if isinstance(listed.json, dict) else []
            ids = [i.get("id") for i in items or [] if isinstance(i, dict)]
            scene.check(
                id not in ids,
                listing.label,
                "use_after_free",
                "the deleted deployment no longer listed",
                f"{id} still listed",
            )


# -- bounds


def test_every_parameter_bound_is_enforced(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """Each bounded query parameter at min-1, min, max and max+1: the values inside are answered
    as valid (not 400), those outside with 400. A path parameter's lengths are not a black-box
    client's to vary: an empty segment makes another URL (``/deployments/``), not this operation."""
    for op in shape.contract.operations.values():
        for parameter in op.parameters:
            if parameter.location == "path":
                for facet, value in parameter.bounds().items():
                    prober.ledger.unreachable(
                        Item("parameter", op.label, f"{parameter.name} {facet} {value}"),
                        "an empty path segment makes another URL, not this operation with an empty value",
                    )
    with Scene(prober, "parameter_bounds", judged) as scene:
        id = maker.made("bounds-q", 1)["id"] if target.allow_writes else _any_deployment(prober, shape)
        target.advance_clock(3 * LONG_AGO)  # an emulator's deployment serves, and has metrics and logs
        for op in shape.contract.operations.values():
            if op.method != "GET":
                continue
            for parameter in op.parameters:
                if parameter.location != "query":
                    continue
                path = {}
                if "{" in op.path:
                    if op in shape.parent_listings:
                        path = {_param(op): _a_parent(prober, shape, op)}
                    elif id:
                        path = {shape.id_param: id}
                    if not all(path.values()):
                        for facet, value in parameter.bounds().items():
                            prober.ledger.not_reached(
                                Item("parameter", op.label, f"{parameter.name} {facet} {value}"),
                                "no deployment to read (pass --allow-writes)",
                            )
                        continue
                for edge in edges(parameter.schema, sample(parameter.schema, 0, parameter.name)):
                    if edge.facet.startswith("enum"):
                        continue
                    ex = prober.call(op.id, path=path, query={parameter.name: edge.value})
                    ok = ex.status != 400 and ex.status < 500 if edge.valid else ex.status == 400
                    scene.check(
                        ok,
                        op.label,
                        "parameter_bounds",
                        f"{parameter.name}={edge.value!r} ({edge.what}) {'accepted' if edge.valid else 'refused with 400'}",
                        ex.shown(),
                    )
                    scene.mark("parameter", op.label, f"{parameter.name} {edge.facet}", failed=not ok)
                if parameter.schema.get("format") == "date-time":
                    ex = prober.call(op.id, path=path, query={parameter.name: "not-a-date"})
                    scene.check(
                        ex.status == 400,
                        op.label,
                        "parameter_bounds",
                        f"{parameter.name}='not-a-date' refused with 400",
                        ex.shown(),
                    )
                    dated = [
                        p for p in op.parameters if p.location == "query" and p.schema.get("format") == "date-time"
                    ]
                    if dated[0] is parameter:
                        _reversed_range(scene, prober, op, path)
                        _range_as_documented(scene, prober, op, path)
        _pages_end_where_the_items_end(scene, prober, shape)


def _pages_end_where_the_items_end(scene: Scene, prober: Prober, shape: Shape) -> None:
    """Each listing read with pages exactly as large as all it holds, and one by one: the same
    items, each once, and no promised page empty (checked in ``_listed``)."""
    for listing in shape.listings:
        path = {} if "{" not in listing.path else {_param(listing): _a_parent(prober, shape, listing)}
        if path and not all(path.values()):
            continue
        everything = [i.get("id") for i in _listed(prober, shape, listing, path, scene)]
        for limit in sorted({len(everything), 1} - {0}):
            paged = [i.get("id") for i in _listed(prober, shape, listing, path, scene, limit=limit)]
            scene.check(
                sorted(map(str, paged)) == sorted(map(str, everything)) and len(paged) == len(set(paged)),
                listing.label,
                "pagination",
                f"the {len(everything)} items, each once, in pages of {limit}",
                f"{len(paged)} items, {len(set(paged))} distinct",
            )


def _reversed_range(scene: Scene, prober: Prober, op: Operation, path: dict[str, str]) -> None:
    """Two date-time query parameters (start, end) given the wrong way round: a documented answer
    that is not an error of the server, and, when it is a success, no point stamped outside."""
    moments = [p.name for p in op.parameters if p.location == "query" and p.schema.get("format") == "date-time"]
    if len(moments) != 2:
        return
    first, second = moments
    query = {first: "2026-01-01T02:00:00Z", second: "2026-01-01T01:00:00Z"}
    ex = prober.call(op.id, path=path, query=query)
    scene.check(
        op.documents(ex.status) and ex.status < 500 and ex.status != 404,
        op.label,
        "parameter_bounds",
        f"{first} after {second} answered as a range with nothing in it (not {ex.status})",
        ex.shown(),
    )
    if 200 <= ex.status < 300:
        stamped = _moments(ex.json)
        scene.check(
            not stamped,
            op.label,
            "parameter_bounds",
            f"no entry stamped in a range whose {second} comes before its {first}",
            f"{len(stamped)} entries: {stamped[:3]}",
        )


NUMBERS = {"one": 1, "two": 2, "three": 3, "six": 6, "twelve": 12, "24": 24, "an": 1, "a": 1}


def _range_as_documented(scene: Scene, prober: Prober, op: Operation, path: dict[str, str]) -> None:
    """A range's ends where their descriptions say so: an end documented as inclusive keeps an
    entry stamped exactly there; a start documented to default to N hours before the end keeps
    nothing older when only the end is given."""
    dated = [p for p in op.parameters if p.location == "query" and p.schema.get("format") == "date-time"]
    if len(dated) != 2:
        return
    first, second = dated
    plain = prober.call(op.id, path=path)
    stamps = sorted(t for t in _moments(plain.json) if moment_of(t))
    if plain.status != 200 or not stamps:
        return
    t = stamps[-1]
    if f"{first.description} {second.description}".lower().count("inclusive") >= 2:
        both = prober.call(op.id, path=path, query={first.name: t, second.name: t})
        scene.check(
            both.status == 200 and t in _moments(both.json),
            op.label,
            "parameter_bounds",
            f"the entry stamped {t} in the range [{t}, {t}] (both ends documented inclusive)",
            both.shown(),
        )
    found = re.search(r"defaults to (\w+) hours? before", first.description)
    hours = NUMBERS.get(found.group(1).lower()) if found else None
    if hours:
        end = moment_of(t)
        assert end is not None
        only_end = prober.call(op.id, path=path, query={second.name: t})
        older = [x for x in _moments(only_end.json) if (moment_of(x) or end) < end - timedelta(hours=hours)]
        scene.check(
            only_end.status == 200 and not older,
            op.label,
            "defaults",
            f"nothing older than {hours} h before {second.name}={t} when {first.name} is left to its default",
            f"{len(older)} entries, the oldest {min(older) if older else '-'}",
        )


def _moments(body: Any, depth: int = 0) -> list[str]:
    """Every date-time stamp inside the arrays of ``body`` (a point's ``t``)."""
    found: list[str] = []
    if depth > 6:
        return found
    if isinstance(body, list):
        for item in body:
            if isinstance(item, dict):
                found += [v for k, v in item.items() if k in {"t", "time", "timestamp"} and isinstance(v, str)]
            found += _moments(item, depth + 1)
    elif isinstance(body, dict):
        for value in body.values():
            found += _moments(value, depth + 1)
    return found


def _any_deployment(prober: Prober, shape: Shape) -> str:
    return _of_the_newest(prober, shape, "id")


def test_every_request_field_bound_is_enforced_and_a_refused_write_changes_nothing(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """Each bounded request field at its edges (min-1, min, max, max+1; every enum member and one
    outside), and each required field left out, sent as an update of one deployment: a valid
    value is accepted and read back in the newest revision; an invalid one is a 400, after which
    the deployment and its history are as they were."""
    _writes(target)
    with Scene(prober, "field_bounds", judged) as scene:
        base = maker.spec("bounds-f", 1)
        created = prober.expect(maker.upsert(base), 200, 201, what="a valid upsert")
        id = created["id"]
        label = shape.upsert.label
        before = _snapshot(prober, shape, id)
        for f in shape.request_fields():
            if f.top == "name":  # the key of the upsert: another name is another deployment
                candidates = [e for e in edges(f.schema, base["name"]) if not e.valid]
            else:
                candidates = edges(
                    f.schema, _value_at(base, f) if _value_at(base, f) is not NOTHING else sample(f.schema, 1, f.name)
                )
            for edge in candidates:
                # a refused write also carries another valid image: a server that applies the
                # valid part of a refused write shows it
                varied = base if edge.valid else _varied(base, shape, avoid={"name", f.top})
                body = _placed(varied, f, edge.value)
                if body is None:
                    continue
                ex = maker.upsert(body)
                if edge.valid:
                    ok = ex.status in {200, 201} or (f.top == "projectId" and ex.status == 404)
                    scene.check(
                        ok,
                        label,
                        "field_bounds",
                        f"{f.pointer}={_short(edge.value)} ({edge.what}) accepted",
                        ex.shown(),
                    )
                    if ex.status in {200, 201}:
                        _newest_revision_holds(scene, prober, shape, id, body) if _is_same_deployment(ex, id) else None
                        before = _snapshot(prober, shape, id)
                else:
                    ok = ex.status == 400
                    scene.check(
                        ok,
                        label,
                        "field_bounds",
                        f"{f.pointer}={_short(edge.value)} ({edge.what}) refused with 400",
                        ex.shown(),
                    )
                    before = _unchanged(scene, prober, shape, id, before, f"{f.pointer}={_short(edge.value)}")
                scene.mark("request field", label, f"{f.pointer} {edge.facet}", failed=not ok)
        schema = shape.upsert.body or {}
        for key in schema.get("required") or []:
            body = {k: v for k, v in maker.spec("bounds-missing", 1).items() if k != key}
            ex = maker.upsert(body)
            scene.check(ex.status == 400, label, "field_bounds", f"400 without the required {key}", ex.shown())
        _every_problem_is_named(scene, prober, shape, maker, base)
        _a_refused_create_leaves_nothing(scene, prober, shape, maker)
        broken = maker.prober.call(shape.upsert.id, raw=b'{"name": "' + base["name"].encode() + b'", ')
        scene.check(broken.status == 400, label, "field_bounds", "400 for a body that is not JSON", broken.shown())
        before = _unchanged(scene, prober, shape, id, before, "body that is not JSON")
        for f in shape.request_fields():
            if "/" in f.pointer.strip("/") or f.top == "name":
                continue
            wrong = _wrong_type(f.schema)
            if wrong is NOTHING:
                continue
            ex = maker.upsert({**_varied(base, shape, avoid={"name", f.top}), f.top: wrong})
            scene.check(
                ex.status == 400,
                label,
                "field_bounds",
                f"{f.pointer}={_short(wrong)} (the wrong type) refused with 400",
                ex.shown(),
            )
            before = _unchanged(scene, prober, shape, id, before, f"{f.pointer}={_short(wrong)}")


def _unchanged(
    scene: Scene, prober: Prober, shape: Shape, id: str, before: tuple[str, str], refused: str
) -> tuple[str, str]:
    """The deployment is as ``before`` after the refused write ``refused`` (EvoMaster's rule: a
    failed write must not change the resource); its state now, for the next comparison."""
    after = _snapshot(prober, shape, id)
    scene.check(
        after == before,
        shape.upsert.label,
        "refused_write_changes_nothing",
        f"the deployment as it was after the refused {refused}",
        _change(before, after),
    )
    return after


def _a_refused_create_leaves_nothing(scene: Scene, prober: Prober, shape: Shape, maker: Maker) -> None:
    """Creates refused with a 400 (a required field left out, each field one past a bound), all
    under one new name: afterwards no listing holds anything of that name (RESTler's leakage rule)."""
    fresh = maker.spec("refused-create", 1)
    schema = shape.upsert.body or {}
    bodies = [{k: v for k, v in fresh.items() if k != key} for key in schema.get("required") or [] if key != "name"]
    for f in shape.request_fields():
        if "/" in f.pointer.strip("/") or f.top == "name":
            continue
        invalid = [e for e in edges(f.schema, fresh.get(f.top, sample(f.schema, 1, f.name))) if not e.valid]
        if invalid:
            bodies.append({**fresh, f.top: invalid[0].value})
    refused = 0
    for body in bodies:
        refused += maker.upsert(body).status == 400
    if not refused or shape.team_listing is None:
        return
    named = [
        i.get("id") for i in _listed(prober, shape, shape.team_listing, {}, scene) if i.get("name") == fresh["name"]
    ]
    scene.check(
        not named,
        shape.team_listing.label,
        "resource_leak",
        f"nothing named {fresh['name']} after {refused} creates refused with 400",
        f"listed: {named}",
    )


def _every_problem_is_named(scene: Scene, prober: Prober, shape: Shape, maker: Maker, base: dict[str, Any]) -> None:
    """Two fields out of bounds in one body: the 400's ``details``, where the Error schema says it
    lists every problem and where each was found, names both fields."""
    error = shape.upsert.response_schema(400) or {}
    said = str(((error.get("properties") or {}).get("details") or {}).get("description", "")).lower()
    if "every" not in said and "each" not in said:
        return
    wrong: dict[str, Any] = {}
    for f in shape.request_fields():
        if "/" in f.pointer.strip("/") or f.top == "name":
            continue
        invalid = [e for e in edges(f.schema, base.get(f.top, sample(f.schema, 1, f.name))) if not e.valid]
        if invalid:
            wrong[f.top] = invalid[0].value
        if len(wrong) == 2:
            break
    if len(wrong) < 2:
        return
    ex = maker.upsert({**base, **wrong})
    if ex.status != 400 or not isinstance(ex.json, dict) or "details" not in ex.json:
        scene.check(
            ex.status == 400, shape.upsert.label, "field_bounds", f"400 for {sorted(wrong)} out of bounds", ex.shown()
        )
        return
    named = json.dumps(ex.json["details"])
    missing = [key for key in wrong if key not in named]
    scene.check(
        not missing,
        shape.upsert.label,
        "error_details",
        f"details naming every problem and where it was found ({', '.join(sorted(wrong))})",
        f"details that do not name {missing}: {named[:200]}",
    )


def _varied(base: dict[str, Any], shape: Shape, avoid: set[str]) -> dict[str, Any]:
    """``base`` with one required string field (not in ``avoid``) given another valid value."""
    schema = shape.upsert.body or {}
    for key in schema.get("required") or []:
        sub = (schema.get("properties") or {}).get(key) or {}
        if key not in avoid and sub.get("type") == "string" and "enum" not in sub and isinstance(base.get(key), str):
            return {**base, key: text(sub, f"{base[key]}-refused")}
    return base


def _is_same_deployment(ex: Exchange, id: str) -> bool:
    return isinstance(ex.json, dict) and ex.json.get("id") == id


def _short(value: Any) -> str:
    shown = json.dumps(value)
    return shown if len(shown) <= 60 else f"{shown[:40]}... ({len(shown)} characters)"


def _wrong_type(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    return {"integer": "1", "number": "1", "string": 1, "array": {"a": 1}, "object": [1], "boolean": "true"}.get(
        str(kind), NOTHING
    )


def _value_at(body: dict[str, Any], f: Field) -> Any:
    node: Any = body
    for part in f.pointer.strip("/").split("/"):
        if part == "*":
            node = (
                node[0]
                if isinstance(node, list) and node
                else next(iter(node.values()))
                if isinstance(node, dict) and node
                else NOTHING
            )
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return NOTHING
        if node is NOTHING:
            return NOTHING
    return node


def _placed(base: dict[str, Any], f: Field, value: Any) -> dict[str, Any] | None:
    """``base`` with ``value`` at ``f``'s pointer (an array item as its only item, a map value as
    its only value); None where the pointer cannot be reached."""
    body = copy.deepcopy(base)
    parts = f.pointer.strip("/").split("/")
    node: Any = body
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "*":
            return None  # an item is placed by its parent below
        nxt = parts[i + 1] if not last else None
        if last:
            node[part] = value
        elif nxt == "*":
            if i + 2 == len(parts):
                node[part] = (
                    [value]
                    if f.schema is not None
                    and isinstance(node.get(part), list | type(None))
                    and not isinstance(node.get(part), dict)
                    else {"K": value}
                )
                return body
            return None
        else:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
    return body


def _snapshot(prober: Prober, shape: Shape, id: str) -> tuple[str, str]:
    """What a refused write must not change: the deployment's shown configuration and its history."""
    got = _one(prober, shape, shape.get, id)
    shown = json.dumps(_shown(got.json, shape) if isinstance(got.json, dict) else got.text, sort_keys=True)
    _, history = _history(prober, shape, id)
    kept = [(r.get("revision"), r.get("spec")) for r in history if isinstance(r, dict)]
    return shown, json.dumps(kept, sort_keys=True)


def _change(before: tuple[str, str], after: tuple[str, str]) -> str:
    if before[0] != after[0]:
        return f"the deployment changed: {after[0][:300]}"
    return f"its history changed: {after[1][-300:]}"


# -- defaults


def test_documented_defaults_are_observed(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """A parameter's documented default, observed where the data tells it apart: a listing
    without its page size over more items than the default, logs without their limit over more
    lines than the default."""
    with Scene(prober, "defaults", judged) as scene:
        for op in shape.contract.operations.values():
            for parameter in op.parameters:
                if parameter.default is None or parameter.location != "query":
                    continue
                item = Item("parameter", op.label, f"{parameter.name} default {parameter.default}")
                if not isinstance(parameter.default, int) or parameter.name != _limit_name(shape, op):
                    prober.ledger.not_reached(item, "no rule tells this default apart")
                    continue
                count, path = _enough(scene, target, prober, shape, maker, op, parameter.default)
                if count is None:
                    prober.ledger.not_reached(item, path.get("why", "not enough data to tell the default apart"))
                    continue
                plain = prober.expect(prober.call(op.id, path=path), 200, what=f"{op.label} without {parameter.name}")
                items = plain.get(shape.paging(op).items) if isinstance(plain, dict) and op in shape.listings else plain
                size = len(items) if isinstance(items, list) else -1
                ok = size == parameter.default
                scene.check(
                    ok,
                    op.label,
                    "defaults",
                    f"{parameter.default} items without {parameter.name} (its default), of {count} there are",
                    f"{size}",
                )
                scene.mark("parameter", op.label, f"{parameter.name} default {parameter.default}", failed=not ok)


def _limit_name(shape: Shape, op: Operation) -> str:
    if op in shape.listings:
        return shape.paging(op).limit
    return "limit"


def _enough(
    scene: Scene, target: Target, prober: Prober, shape: Shape, maker: Maker, op: Operation, default: int
) -> tuple[int | None, dict[str, str]]:
    """How many items ``op`` can answer (more than ``default``), making them where the target
    allows it; (None, why) when it cannot."""
    limit = op.parameter(_limit_name(shape, op))
    largest = int((limit.schema.get("maximum") if limit else None) or default * 2)
    if op in shape.listings:
        path = {} if "{" not in op.path else {_param(op): _a_parent(prober, shape, op)}
        if path and not all(path.values()):
            return None, {"why": "the team has no parent to list"}
        count = len(_listed(prober, shape, op, path, scene))
        missing = default + 1 - count
        if missing > 0:
            budget = target.suite_budget
            if not target.allow_writes or (budget is not None and len(maker.journal.created) + missing > budget):
                return None, {
                    "why": f"needs {default + 1} deployments; the team has {count} and the run may not create {missing} more"
                }
            for n in range(missing):
                maker.made(f"many-{n}", 1, full=False)
            count = default + 1
        return count, path
    if "{" in op.path and target.allow_writes:
        made = maker.made("talkative", 1)
        id = made["id"]
        for n in range(2, 6):
            maker.upsert(maker.spec("talkative", n))
            target.advance_clock(LONG_AGO)
        for _ in range(4):
            lines = _one(prober, shape, op, id, **{_limit_name(shape, op): largest})
            count = len(lines.json) if isinstance(lines.json, list) else 0
            if count > default:
                return count, {shape.id_param: id}
            if not target.advance_clock(3600):
                break
        return None, {"why": f"the deployment had at most {count} lines; {default + 1} tell the default apart"}
    return None, {"why": "needs a deployment the run creates (pass --allow-writes)"}


# -- authentication


def test_only_the_documented_scheme_authenticates(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """Every operation without credentials, with a made-up token, with the valid token under
    another scheme (Basic, Token, none) or in the query answers 401 with WWW-Authenticate as
    documented; a refused anonymous write changed nothing; another team's deployment answers
    exactly as one that does not exist (no 403 for what exists)."""
    with Scene(prober, "authentication", judged) as scene:
        id = maker.made("auth", 1)["id"] if target.allow_writes else _any_deployment(prober, shape) or UNKNOWN_ID
        # Secret: a traceback that shows this frame's locals shows these as '***'
        ways: dict[str, dict[str, Any]] = {
            "no Authorization header": {"token": None},
            "a made-up bearer token": {"auth": "Bearer contract-suite-made-up-token"},
            "the valid token under the Basic scheme": {"auth": Secret(f"Basic {target.token}")},
            "the valid token under the Token scheme": {"auth": Secret(f"Token {target.token}")},
            "the valid token without a scheme": {"auth": Secret(f"{target.token}")},
            "the Bearer scheme without a token": {"auth": "Bearer"},
        }
        for op in shape.contract.operations.values():
            if op.method != "GET" and not target.allow_writes:
                continue
            path = {p.name: id for p in op.parameters if p.location == "path"}
            for what, how in ways.items():
                body = maker.spec("auth-anonymous", 2) if op.body is not None else NOTHING
                ex = prober.call(op.id, path=path, body=body, **how)
                maker.remember(ex)
                scene.check(ex.status == 401, op.label, "authentication", f"401 for {what}", ex.shown())
            query_token = (
                prober.call(op.id, path=path, token=None, query={"access_token": target.token})
                if op.method == "GET"
                else None
            )
            if query_token is not None:
                scene.check(
                    query_token.status == 401,
                    op.label,
                    "authentication",
                    "401 for the token in the query (access_token)",
                    query_token.shown(),
                )
        if target.allow_writes:
            listed = _listed(prober, shape, shape.team_listing, {}, scene) if shape.team_listing else []
            names = {i.get("name") for i in listed}
            anonymous = maker.spec("auth-anonymous", 2)["name"]
            scene.check(
                anonymous not in names,
                shape.upsert.label,
                "authentication",
                "no deployment made by a refused anonymous upsert",
                f"{anonymous} exists",
            )
            if shape.get is not None:
                still = _one(prober, shape, shape.get, id)
                scene.check(
                    still.status == 200,
                    shape.get.label,
                    "authentication",
                    "the deployment still there after refused anonymous deletes",
                    still.shown(),
                )
        if target.other_token and target.allow_writes:
            for op in shape.reads_of_one:
                theirs = prober.call(op.id, path={shape.id_param: id}, token=target.other_token)
                nothing = prober.call(op.id, path={shape.id_param: UNKNOWN_ID}, token=target.other_token)
                same = theirs.status == nothing.status == 404 and _code(theirs) == _code(nothing)
                scene.check(
                    same,
                    op.label,
                    "existence_leak",
                    f"another team's deployment answered as one that does not exist ({nothing.shown()[:80]})",
                    theirs.shown(),
                )
            mine = _one(prober, shape, shape.get, id) if shape.get else None
            parent = mine.json.get("projectId") if mine is not None and isinstance(mine.json, dict) else None
            for listing in shape.parent_listings:  # another team's parent (a project) likewise
                if not isinstance(parent, str):
                    continue
                theirs = prober.call(listing.id, path={_param(listing): parent}, token=target.other_token)
                nothing = prober.call(
                    listing.id, path={_param(listing): "contract-suite-no-such-parent"}, token=target.other_token
                )
                same = theirs.status == nothing.status and _code(theirs) == _code(nothing)
                scene.check(
                    same,
                    listing.label,
                    "existence_leak",
                    f"another team's {_param(listing)} answered as one that does not exist ({nothing.shown()[:80]})",
                    theirs.shown(),
                )
            _another_team_cannot_reach_into_a_project(scene, prober, shape, maker, target)


def _another_team_cannot_reach_into_a_project(
    scene: Scene, prober: Prober, shape: Shape, maker: Maker, target: Target
) -> None:
    """A deployment in a project of the first team's making; the second team upserts the same name
    into a project of the same id: a 404, or a deployment of its own, and the first team's stays
    as it was (projects, and names within them, belong to one team)."""
    schema = (shape.upsert.body or {}).get("properties") or {}
    if "projectId" not in schema:
        return
    project = text(schema["projectId"], target.run_prefix + "shared")
    body = {**maker.spec("auth-shared", 1), "projectId": project}
    ours = maker.upsert(body)
    if ours.status == 404:
        return  # the target makes no project on first use
    made = prober.expect(ours, 200, 201, what="a deployment in a project of the run's")
    before = _snapshot(prober, shape, made["id"])
    theirs = maker.upsert(_varied(body, shape, avoid={"name", "projectId"}), token=target.other_token)
    if 200 <= theirs.status < 300 and isinstance(theirs.json, dict):
        scene.check(
            theirs.json.get("id") != made["id"],
            shape.upsert.label,
            "existence_leak",
            "the second team's upsert into a project of the same id makes a deployment of its own, or a 404",
            f"the first team's deployment {made['id']}",
        )
    after = _snapshot(prober, shape, made["id"])
    scene.check(
        after == before,
        shape.upsert.label,
        "existence_leak",
        "the first team's deployment unchanged by the second team's upsert of its name and project id",
        _change(before, after),
    )


def _code(ex: Exchange) -> Any:
    return ex.json.get("code") if isinstance(ex.json, dict) else None


# -- statuses that only a fault produces


def test_every_documented_status_is_answered_as_documented(
    target: Target, prober: Prober, shape: Shape, maker: Maker, judged: Judged
) -> None:
    """Every operation x documented status that this run's other requests did not reach: a body
    larger than any server takes for 413, and, on a target with the emulator's fault API, the
    statuses only a fault produces (403, 409, 429, 500...). Each answer is judged by the answer
    checks: its body, its error code, its documented headers (Retry-After on 429)."""
    with Scene(prober, "documented_statuses", judged) as scene:
        faults = control_url(target, "faults")
        id = maker.made("statuses", 1)["id"] if target.allow_writes else _any_deployment(prober, shape)
        for op in shape.contract.operations.values():
            if op.method != "GET" and not target.allow_writes:
                for status in op.statuses:
                    prober.ledger.not_reached(
                        Item("status", op.label, status), "the target is read-only (pass --allow-writes)"
                    )
                continue
            for status in op.statuses:
                if prober.ledger.marks[Item("status", op.label, status).key].provoked:
                    continue
                path = {p.name: id or UNKNOWN_ID for p in op.parameters if p.location == "path"}
                body = maker.spec("statuses", 1) if op.body is not None else NOTHING
                if status == "413" and op.body is not None:
                    big = maker.spec("statuses-big", 1)
                    big["env"] = {f"K{i}": "x" * 1000 for i in range(4096)}
                    ex = maker.upsert(big)
                    scene.check(
                        ex.status != 400,
                        op.label,
                        "documented_statuses",
                        "a schema-valid body of 4 MiB accepted, or refused as too large with 413",
                        ex.shown(),
                    )
                    if ex.status != 413:
                        prober.ledger.not_reached(
                            Item("status", op.label, status), f"a body of 4 MiB was answered {ex.status}"
                        )
                    continue
                if faults is None:
                    prober.ledger.not_reached(
                        Item("status", op.label, status), "only a fault produces it, and the target has no fault API"
                    )
                    continue
                rule = {"method": op.method, "path": _glob(target, op), "status": int(status), "count": 1}
                if status == "429":
                    rule["retry_after"] = 1
                added = target.control("faults", rule)
                if not added:
                    prober.ledger.not_reached(Item("status", op.label, status), "the fault API refused the fault")
                    continue
                ex = prober.call(op.id, path=path, body=body, injected=True)
                maker.remember(ex)
                scene.check(
                    ex.status == int(status),
                    op.label,
                    "documented_statuses",
                    f"{status} (injected through the fault API)",
                    ex.shown(),
                )
                target.control("faults", None)


def _glob(target: Target, op: Operation) -> str:
    base = target.base_url.split("://", 1)[-1]
    prefix = "/" + base.split("/", 1)[1] if "/" in base else ""
    return prefix + "".join("*" if part.startswith("{") else part for part in _split(op.path))


def _split(path: str) -> list[str]:
    parts, current = [], ""
    for char in path:
        if char == "{":
            parts.append(current)
            current = "{"
        elif char == "}":
            parts.append(current + "}")
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p]
