"""The OpenAPI vocabulary every stage shares: HTTP methods and media types.

Each fact here is written once; the loader, validator, IR builder and diff import it, and so do
the contract suite and the emulator where they read a spec. (The generated packages' runtime, which
ships without the generator, keeps its own ``is_json`` in ``_server_base.py``.)
"""

from __future__ import annotations

from typing import Any

# the methods a Path Item may hold, in the order OpenAPI lists them
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# safe to send twice (RFC 9110, 9.2.2), so a client may retry them after a failure
IDEMPOTENT_METHODS = frozenset({"get", "head", "put", "delete", "options"})

# string formats whose values pydantic checks with the email-validator package (EmailStr, NameEmail)
EMAIL_FORMATS = frozenset({"email", "idn-email"})

# media types besides JSON, by kind: an object sent as a form
_FORM_KINDS = {"application/x-www-form-urlencoded": "form", "multipart/form-data": "multipart"}


def base_media_type(media_type: str) -> str:
    """``media_type`` without parameters, lower case: ``application/json; charset=utf-8`` → ``application/json``."""
    return media_type.split(";")[0].strip().lower()


def is_json_media_type(media_type: str) -> bool:
    """Whether a body of ``media_type`` is JSON: ``application/json`` or a ``+json`` suffix (RFC 6839)."""
    base = base_media_type(media_type)
    return base == "application/json" or base.endswith("+json")


def media_kind(media_type: str) -> str:
    """How a body of ``media_type`` is carried: json, form, multipart, text (``text/*``) or bytes."""
    if is_json_media_type(media_type):
        return "json"
    base = base_media_type(media_type)
    return _FORM_KINDS.get(base) or ("text" if base.startswith("text/") else "bytes")


def json_media(content: Any) -> tuple[str, Any] | None:
    """The first JSON media type of a ``content`` map, and its Media Type Object."""
    for media_type, media in (content or {}).items():
        if is_json_media_type(media_type):
            return media_type, media or {}
    return None


def other_media(content: Any) -> tuple[str, Any] | None:
    """The first media type that is not a wildcard: any of them can be sent (text/*, forms, or as bytes)."""
    for media_type, media in (content or {}).items():
        if media_type.split(";")[0].strip() not in {"*/*", ""}:
            return media_type, media or {}
    return None


def success_statuses(operation: dict[str, Any]) -> list[int]:
    """The 2xx statuses an operation documents, lowest first."""
    return sorted(int(s) for s in operation.get("responses", {}) if s.isdigit() and s.startswith("2"))
