"""Open enums: a value the spec does not list yet is kept, not an error, in what a server answers.

A server grows: a new deployment state or metric must not make a whole list unreadable. The
clients parse answers with :data:`accept_unknown_values` set, and an unknown value then becomes a
member of its own (``State("hibernating")``: a ``State`` that is not in ``list(State)``, whose
``.value`` is the text received). Everywhere else, the server stubs validating a request
included, the enums stay closed and an unknown value is a validation error.
"""

from __future__ import annotations

from contextvars import ContextVar
from enum import Enum, IntEnum, StrEnum
from typing import Any, Self

accept_unknown_values: ContextVar[bool] = ContextVar("accept_unknown_values", default=False)


def _unknown_member(cls: Any, value: Any, value_type: type) -> Any:
    if not accept_unknown_values.get() or not isinstance(value, value_type) or isinstance(value, bool):
        return None
    member: Any = value_type.__new__(cls, value) if value_type is not object else object.__new__(cls)
    member._name_ = f"UNKNOWN_{value}"  # not a class attribute: list(cls) stays the documented values
    member._value_ = value
    return member


class OpenStrEnum(StrEnum):
    """A string enum that keeps unknown values while a client parses an answer."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        member: Self | None = _unknown_member(cls, value, str)
        return member


class OpenIntEnum(IntEnum):
    """An integer enum that keeps unknown values while a client parses an answer."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        member: Self | None = _unknown_member(cls, value, int)
        return member


class OpenEnum(Enum):
    """An enum of other values that keeps unknown ones while a client parses an answer."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        member: Self | None = _unknown_member(cls, value, object)
        return member


def is_known(member: Enum) -> bool:
    """Whether ``member`` is one of the values the spec documents."""
    return member._name_ in type(member).__members__


__all__ = ["OpenEnum", "OpenIntEnum", "OpenStrEnum", "accept_unknown_values", "is_known"]
