"""The resource the contract describes, found in the spec by its shape rather than by name.

The create-or-update operation is the POST with a JSON body; the resource's own operations are
on ``<its path>/{param}``; its sub-resources are the GETs below that; the listings are the
operations with ``x-pagination``. The rules of ``test_contract.py`` are written against this
shape, so an operation or field the spec adds is probed without anyone listing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paperspace_deployments_toolkit.contract_tests.inventory import Contract, Field, Operation, fields

DEFAULT_PAGING = {
    "cursorParam": "after",
    "limitParam": "limit",
    "itemsField": "items",
    "hasMoreField": "hasMore",
    "nextCursorField": "nextPage",
}


@dataclass(frozen=True)
class Paging:
    cursor: str
    limit: str
    items: str
    has_more: str
    next_cursor: str


@dataclass
class Shape:
    contract: Contract
    upsert: Operation
    get: Operation | None
    delete: Operation | None
    children: list[Operation]  # GETs below one resource: runs, metrics, logs, history
    listings: list[Operation]  # paginated listings: the team's and the project's
    id_param: str  # the path parameter naming one resource

    @property
    def reads_of_one(self) -> list[Operation]:
        """Every GET that names one resource in its path."""
        return [op for op in [self.get, *self.children] if op is not None]

    def paging(self, op: Operation) -> Paging:
        given = {**DEFAULT_PAGING, **(op.extensions.get("x-pagination") or {})}
        return Paging(
            given["cursorParam"],
            given["limitParam"],
            given["itemsField"],
            given["hasMoreField"],
            given["nextCursorField"],
        )

    @property
    def team_listing(self) -> Operation | None:
        return next((op for op in self.listings if op.path == self.upsert.path), None)

    @property
    def parent_listings(self) -> list[Operation]:
        """Listings under another resource (``/projects/{id}/deployments``)."""
        return [op for op in self.listings if "{" in op.path]

    def request_fields(self) -> list[Field]:
        return fields(self.upsert.body or {})

    @property
    def resource_schema(self) -> dict[str, Any]:
        return self.upsert.response_schema(200) or self.upsert.response_schema(201) or {}

    def shown_fields(self) -> set[str]:
        """Top-level fields that the request and the resource's answer share (what a read shows
        of what was written)."""
        sent = set(((self.upsert.body or {}).get("properties") or {}).keys())
        shown = set((self.resource_schema.get("properties") or {}).keys())
        return sent & shown

    def kind_of(self, op: Operation) -> str:
        """A child's last path segment (``runs``, ``metrics``...), for messages."""
        return op.path.rsplit("/", 1)[-1]


def shape_of(contract: Contract) -> Shape:
    upserts = [op for op in contract.operations.values() if op.method == "POST" and op.body is not None]
    if not upserts:
        raise LookupError("the spec has no POST operation with a JSON body: nothing creates a resource")
    upsert = upserts[0]
    one = [
        op
        for op in contract.operations.values()
        if op.path.startswith(upsert.path + "/{") and op.path.count("/") == upsert.path.count("/") + 1
    ]
    get = next((op for op in one if op.method == "GET"), None)
    delete = next((op for op in one if op.method == "DELETE"), None)
    template = (get or delete or upsert).path
    id_param = template.rsplit("{", 1)[-1].rstrip("}") if "{" in template else "id"
    children = [
        op
        for op in contract.operations.values()
        if op.method == "GET" and template != upsert.path and op.path.startswith(template + "/")
    ]
    listings = [op for op in contract.operations.values() if "x-pagination" in op.extensions]
    return Shape(contract, upsert, get, delete, children, listings, id_param)
