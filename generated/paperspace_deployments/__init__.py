# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
"""Paperspace Deployments API: typed sync and async clients and pydantic models.

The FastAPI server stubs live in ``paperspace_deployments.server`` (install the ``server`` extra).
"""

from . import errors, models
from ._base_client import NOT_GIVEN, AsyncPage, NotGiven, SyncPage
from ._client import AsyncClient, Client
from ._version import API_VERSION, __version__
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
)

__all__ = [
    "API_VERSION",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncPage",
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
    "__version__",
    "errors",
    "models",
]
