# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
# (hand-owned runtime: templates/runtime/_encoding.py)
"""Values as the wire carries them: request bodies as JSON-ready data with wire names, form and
multipart bodies as httpx takes them, and path, query and header values as text in OpenAPI's
default styles. It needs neither httpx nor the clients, so the server stubs import it to answer
with the same encoding the clients send (both directions agree on what a body looks like).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any
from urllib.parse import quote

import pydantic
import pydantic_core

_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")  # what percent-encoding leaves as it is


def expand_path(template: str, values: Mapping[str, Any]) -> str:
    """``/items/{id}`` with each value percent-encoded; an empty value is a caller's mistake."""
    for name, value in values.items():
        text = _header_value(value)
        if not text or text in {".", ".."}:  # a dot segment would address another resource
            raise ValueError(
                f"Path parameter {name!r} must be a non-empty value other than '.' and '..', got {value!r}"
            )
        segment = text if _UNRESERVED.fullmatch(text) else quote(text, safe="")
        template = template.replace("{" + name + "}", segment)
    return template


def encode_body(value: Any) -> Any:
    """JSON-ready data with wire names; fields of models nobody set are left out, not sent as null.

    The server stubs answer with the same function, so both directions agree.
    """
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list | tuple):
        return [encode_body(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_body(v) for k, v in value.items()}
    return pydantic_core.to_jsonable_python(value)


def _form_parts(body: Any, *, files_allowed: bool) -> tuple[dict[str, Any] | None, list[tuple[str, Any]] | None]:
    """A form body as httpx takes it: urlencoded fields as ``data`` (a list repeats its key); a
    multipart body as ``files``: text fields without a file name (so even a body with no file is
    multipart), bytes as files, a list as one part per item. An object-valued field is sent as
    JSON text, which is what the server stubs read back."""
    if body is None:
        return None, None
    if isinstance(body, pydantic.BaseModel):
        body = body.model_dump(by_alias=True, exclude_unset=True)  # not mode="json": bytes stay bytes
    fields = {name: value for name, value in dict(body).items() if value is not None}
    if not files_allowed:
        return {name: _form_value(value) for name, value in fields.items()}, None
    parts: list[tuple[str, Any]] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, bytes | bytearray):
                parts.append((name, (name, bytes(item), "application/octet-stream")))
            else:
                parts.append((name, (None, _form_value(item))))
    return None, parts


def _form_value(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(pydantic_core.to_jsonable_python(value))
    if isinstance(value, list | tuple):
        return [_form_value(v) for v in value]
    return _header_value(value)


def _header_value(value: Any) -> str:
    if isinstance(value, list | tuple):  # OpenAPI's "simple" style
        return ",".join(_header_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _query_value(value: Any) -> Any:
    if isinstance(value, list | tuple):  # OpenAPI's default "form" style, exploded: ?tag=a&tag=b
        return [_header_value(v) for v in value]
    return _header_value(value)


__all__ = ["encode_body", "expand_path"]
