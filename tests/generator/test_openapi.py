"""generator/openapi.py and generator/errors.py: the OpenAPI vocabulary and JSON pointers."""

from __future__ import annotations

from typing import Any

import pytest

from paperspace_deployments_toolkit.generator.errors import escape_pointer_token, pointer_tokens, to_pointer
from paperspace_deployments_toolkit.generator.openapi import (
    is_json_media_type,
    json_media,
    media_kind,
    other_media,
    success_statuses,
)


@pytest.mark.parametrize(
    ("media_type", "json", "kind"),
    [
        ("application/json", True, "json"),
        ("Application/JSON; charset=utf-8", True, "json"),
        ("application/problem+json", True, "json"),
        ("application/jsonl", False, "bytes"),
        ("text/plain", False, "text"),
        ("multipart/form-data; boundary=x", False, "multipart"),
        ("application/x-www-form-urlencoded", False, "form"),
        ("application/octet-stream", False, "bytes"),
    ],
)
def test_media_types(media_type: str, json: bool, kind: str) -> None:
    assert (is_json_media_type(media_type), media_kind(media_type)) == (json, kind)


def test_content_maps_pick_json_first_and_skip_wildcards() -> None:
    content: dict[str, Any] = {"*/*": {}, "text/csv": {"schema": {}}, "application/json": None}
    assert json_media(content) == ("application/json", {})
    assert other_media(content) == ("text/csv", {"schema": {}})
    assert json_media(None) is None


def test_success_statuses_are_the_2xx_ones_lowest_first() -> None:
    assert success_statuses({"responses": {"404": {}, "204": {}, "201": {}, "default": {}}}) == [201, 204]


@pytest.mark.parametrize("key", ["plain", "a/b", "~x", "~1", "a~/b", ""])
def test_pointer_tokens_undo_escaping(key: str) -> None:
    assert pointer_tokens(to_pointer(("components", key))) == ["components", key]
    assert pointer_tokens("#" + to_pointer((key,))) == [key]
    assert escape_pointer_token(key).count("/") == 0


def test_the_whole_document_has_no_tokens() -> None:
    assert pointer_tokens("#") == pointer_tokens("") == []
