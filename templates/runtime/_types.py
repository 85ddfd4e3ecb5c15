"""The runtime's vocabulary, which every other runtime module may import: the ``NOT_GIVEN``
sentinel, the ``Timeout`` alias, and what keeps the API key safe: :class:`Secret`, which holds it
behind a masked repr, the rule for what a header value can carry (a key that breaks it is refused
before any request), and header dicts whose repr masks credentials.
"""

from __future__ import annotations

import re

import httpx

from .errors import APIError


class NotGiven:
    """Marks an option the caller did not pass, so ``None`` can still mean "no timeout"."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
Timeout = float | httpx.Timeout | None


class Secret:
    """A credential: its repr and str are a mask, so no repr, traceback or log that shows the
    object holding it shows the credential; ``value`` is the credential itself."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


# what a header carries as it is: visible ASCII, inner spaces (no line break, no padding)
_HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie"}  # and the spec's API-key headers
_CREDENTIAL_HINT = re.compile(r"auth|token|secret|key|password|session", re.IGNORECASE)


def refuse_unsendable_key(api_key: Secret) -> None:
    """Raises :class:`APIError` when no header can carry ``api_key`` as it is. The key is taken as a
    :class:`Secret`, so this frame's locals show the mask too."""
    if not _HEADER_VALUE.fullmatch(api_key.value):
        # httpx's and h11's errors about such a value quote it: say what is wrong without it
        raise APIError(
            "The API key has a line break, another control or non-ASCII character, or whitespace at "
            "either end, which a header cannot carry: check how it was read (a file's last newline?)."
        )


class _MaskedHeaders(dict[str, str]):
    """Headers whose repr masks credentials: a local, a field or an argument holding them shows
    ``'***'`` where the key is (httpx.Headers does the same for Authorization only)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr({k: "***" if _is_credential_header(k) else v for k, v in self.items()})


def _is_credential_header(name: str) -> bool:
    return name.lower() in _CREDENTIAL_HEADERS or _CREDENTIAL_HINT.search(name) is not None


__all__ = ["NOT_GIVEN", "NotGiven", "Secret", "Timeout", "refuse_unsendable_key"]
