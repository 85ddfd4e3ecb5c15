"""Problems found in a spec, collected as values and reported together.

Every stage of the pipeline returns the problems it found instead of raising on the first one, so
a user fixing a broken spec sees all of them in one run, each as ``FILE:LINE: POINTER: message``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .encoders import terminal_safe


@dataclass(frozen=True, order=True)
class SpecError:
    """One problem, located in the file (upstream spec or overlay) that put the node there."""

    file: str
    line: int
    pointer: str
    message: str

    def __str__(self) -> str:
        return terminal_safe(f"{self.file}:{self.line}: {self.pointer or '/'}: {self.message}")


class SpecErrors(Exception):
    """Raised at a stage boundary when the problems collected so far make going on pointless."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    """The key an RFC 6901 reference token names: ``~1`` is ``/``, ``~0`` is ``~``."""
    return token.replace("~1", "/").replace("~0", "~")


def pointer_tokens(ref: str) -> list[str]:
    """The keys a local reference (``#/a/b~1c``) or a JSON pointer (``/a/b~1c``) names, unescaped;
    ``#`` and ``""`` name the whole document (no keys)."""
    pointer = ref[1:] if ref.startswith("#") else ref
    return [unescape_pointer_token(token) for token in pointer.split("/")[1:]] if pointer else []


def to_pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """RFC 6901 JSON pointer of a path of keys and indices."""
    return "".join("/" + escape_pointer_token(p) for p in parts)
