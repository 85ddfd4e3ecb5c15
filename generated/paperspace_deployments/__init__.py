# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
"""Paperspace Deployments API: typed sync and async clients and pydantic models.

The FastAPI server stubs live in ``paperspace_deployments.server`` (install the ``server`` extra).
Names are loaded on first use: ``import paperspace_deployments`` alone costs next to nothing, and the
clients, models and errors (with httpx and pydantic) load when a program first touches them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import API_VERSION, __version__

if TYPE_CHECKING:
    from . import errors, models
    from ._client import AsyncClient, Client
    from ._pagination import AsyncPage, AsyncPaginator, SyncPage
    from ._response import APIResponse
    from ._types import NOT_GIVEN, NotGiven
    from .errors import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        InternalServerError,
        NotFoundError,
        PayloadTooLargeError,
        PermissionDeniedError,
        RateLimitError,
        UnprocessableEntityError,
        WaiterError,
        WaiterFailureError,
        WaiterTimeoutError,
    )

# name → the module that defines it ("" for a submodule of that name)
_LAZY = {
    "errors": "",
    "models": "",
    "NOT_GIVEN": "._types",
    "APIResponse": "._response",
    "AsyncPage": "._pagination",
    "AsyncPaginator": "._pagination",
    "NotGiven": "._types",
    "SyncPage": "._pagination",
    "AsyncClient": "._client",
    "Client": "._client",
    **dict.fromkeys(
        [
            "APIConnectionError",
            "APIError",
            "APIResponseValidationError",
            "APIStatusError",
            "APITimeoutError",
            "AuthenticationError",
            "BadRequestError",
            "ConflictError",
            "InternalServerError",
            "NotFoundError",
            "PayloadTooLargeError",
            "PermissionDeniedError",
            "RateLimitError",
            "UnprocessableEntityError",
            "WaiterError",
            "WaiterFailureError",
            "WaiterTimeoutError",
        ],
        ".errors",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = importlib.import_module(f".{name}" if module == "" else module, __name__)
    if module:
        value = getattr(value, name)
    globals()[name] = value  # loaded once; later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "API_VERSION",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncPage",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "SyncPage",
    "UnprocessableEntityError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "__version__",
    "errors",
    "models",
]
