"""The escaping boundary: text from the spec reaches a generated file only through these.

A spec is written by a stranger, so its text is held in the IR as :class:`SpecText`, which
cannot be printed, formatted or concatenated as it is: ``str()`` and ``format()`` raise. The one
way out is an encoder for the place the text goes to (a Python string literal, a docstring, a
comment, a TOML string, Markdown text or code, an HTML comment), each of which makes any text
inert there, whatever it holds (quotes, backslashes, newlines, NUL, lone surrogates, bidi
overrides). Names that become code are no text at all: they are :class:`Identifier` (or
:class:`EnvVarName`), checked when they are made, so an invalid one is a generator bug that
stops the run instead of code. Python built by the generator from those is :class:`Code`.

The Jinja environment's ``finalize`` refuses :class:`SpecText` and anything that is not a string
or a number, so a template, ours or a user's override, cannot print spec text by accident: it
must name an encoder (the filters ``py``, ``doc``, ``comment``, ``toml``, ``md``, ``md_code``,
``html_comment``).
"""

from __future__ import annotations

import keyword
import math
import re
import unicodedata
from typing import Any

__all__ = [
    "Code",
    "EnvVarName",
    "Identifier",
    "RawSpecTextError",
    "SpecText",
    "comment",
    "docstring",
    "html_comment",
    "markdown_code",
    "markdown_text",
    "py_literal",
    "py_string",
    "terminal_safe",
    "toml_string",
    "unwrap",
]


class RawSpecTextError(TypeError):
    """Spec text was about to be printed without an encoder: a bug in a template or the generator."""


class SpecText:
    """Text taken from the spec, opaque until an encoder makes it safe for one place.

    It compares, hashes and tests true like its value; printing it (``str``, ``format``, Jinja's
    ``{{ }}`` or ``~``) raises :class:`RawSpecTextError`.
    """

    __slots__ = ("value",)

    def __init__(self, value: str | SpecText) -> None:
        self.value: str = value.value if isinstance(value, SpecText) else str(value)

    def __str__(self) -> str:
        raise RawSpecTextError(
            "spec text printed without an encoder; pass it through one of the filters "
            "py, doc, comment, toml, md, md_code, html_comment (see generator/encoders.py)"
        )

    def __format__(self, spec: str) -> str:
        return self.__str__()

    def __repr__(self) -> str:
        return f"SpecText({self.value!r})"

    def __bool__(self) -> bool:
        return bool(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpecText) and other.value == self.value

    def __hash__(self) -> int:
        return hash(("SpecText", self.value))

    def __len__(self) -> int:
        return len(self.value)

    def lines(self) -> tuple[SpecText, ...]:
        return tuple(SpecText(line) for line in self.value.splitlines())


def unwrap(text: str | SpecText) -> str:
    return text.value if isinstance(text, SpecText) else str(text)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENV_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Identifier(str):
    """An ASCII Python identifier that is no keyword; anything else raises ``ValueError``.

    ASCII only: Python folds non-ASCII identifiers by NFKC, so two different spec names could
    become one name.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Identifier:
        if isinstance(value, SpecText) or not _IDENTIFIER.fullmatch(value) or keyword.iskeyword(value):
            raise ValueError(f"not a usable Python identifier: {unwrap(value)!r}")
        return super().__new__(cls, value)


class EnvVarName(str):
    """The name of an environment variable: letters, digits and underscores, not starting with a digit."""

    __slots__ = ()

    def __new__(cls, value: str) -> EnvVarName:
        if isinstance(value, SpecText) or not _ENV_VAR.fullmatch(value):
            raise ValueError(f"not a usable environment variable name: {unwrap(value)!r}")
        return super().__new__(cls, value)


class Code(str):
    """Python source the generator wrote itself, from identifiers and encoded literals only."""

    __slots__ = ()


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _is_unsafe(char: str) -> bool:
    """Characters escaped everywhere, as ``repr`` does: controls, surrogates, unassigned, private
    and format characters (bidi overrides among them), and separators other than the space."""
    return not char.isprintable()


def _escape_unsafe(text: str, keep: str = "") -> str:
    return "".join(_escape_char(c) if c not in keep and _is_unsafe(c) else c for c in text)


def terminal_safe(text: str) -> str:
    """``text`` with every character that is not printable (escape sequences, line breaks, bidi
    overrides) escaped, so a message quoting a spec cannot rewrite the user's terminal."""
    return _escape_unsafe(text)


def py_string(text: str | SpecText) -> str:
    """A Python string literal holding ``text`` exactly (``repr`` escapes everything unsafe)."""
    # repr escapes quotes, backslashes and every character that is not printable (bidi overrides
    # included), so the source reads as it runs
    return repr(unwrap(text))


def docstring(text: str | SpecText) -> str:
    """``text`` as the inside of a ``\"\"\"`` docstring: it reads as written, and ends it nowhere."""
    value = unwrap(text).replace("\r\n", "\n").replace("\r", "\n")
    value = _escape_unsafe(value.replace("\\", "\\\\"), keep="\n\t")
    # a quote before another or at the very end is escaped: no run of three, none against the closing ones
    return re.sub(r'"(?="|$)', r'\\"', value)


def comment(text: str | SpecText) -> str:
    """``text`` inside a ``#`` comment: one line, whatever it holds."""
    return _escape_unsafe(unwrap(text).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r"))


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str | SpecText) -> str:
    """A TOML basic string holding ``text``; a lone surrogate (which TOML cannot hold) becomes U+FFFD."""
    out = []
    for char in unwrap(text):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif unicodedata.category(char) == "Cs":
            out.append("\ufffd")
        elif ord(char) < 0x20 or ord(char) == 0x7F or _is_unsafe(char):
            out.append(f"\\u{ord(char):04X}" if ord(char) < 0x10000 else f"\\U{ord(char):08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# characters that start emphasis, code, links, HTML, entities or table cells anywhere in a line
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
# what starts a block (heading, list, quote, rule) when it opens a line
_MARKDOWN_BLOCK_START = re.compile(r"^(#|[-+=])")
_MARKDOWN_ORDERED_ITEM = re.compile(r"^([0-9]+)([.)])")


def _visible(text: str | SpecText) -> str:
    """One line of readable text: whitespace runs are one space, invisible characters U+FFFD."""
    text = " ".join(unwrap(text).split())
    return "".join("\ufffd" if _is_unsafe(c) else c for c in text)


def markdown_text(text: str | SpecText) -> str:
    """Inline Markdown showing ``text`` literally: no link, HTML, heading or emphasis can start."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _visible(text))
    escaped = _MARKDOWN_BLOCK_START.sub(r"\\\1", escaped)
    return _MARKDOWN_ORDERED_ITEM.sub(r"\1\\\2", escaped)


def markdown_code(text: str | SpecText) -> str:
    """An inline code span showing ``text`` literally (its fence outlasts any backticks in it)."""
    value = _visible(text)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{padding}{value}{padding}{fence}"


def html_comment(text: str | SpecText) -> str:
    """``text`` inside an HTML comment (``<!-- ... -->``), which it can neither end nor nest."""
    value = _visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    while "--" in value:
        value = value.replace("--", "-&#45;")
    return value


def py_literal(value: Any) -> Code:
    """A Python expression of a JSON-like value (a spec's default or bound); ``ValueError`` for
    anything else."""
    if value is None or isinstance(value, bool):
        return Code(repr(value))
    if isinstance(value, int):
        return Code(repr(value))
    if isinstance(value, float):
        return Code(repr(value) if math.isfinite(value) else f'float("{value}")')
    if isinstance(value, str | SpecText):
        return Code(py_string(value))
    if isinstance(value, list | tuple):
        return Code("[" + ", ".join(py_literal(v) for v in value) + "]")
    if isinstance(value, dict):
        return Code("{" + ", ".join(f"{py_string(str(k))}: {py_literal(v)}" for k, v in value.items()) + "}")
    raise ValueError(f"no Python literal for a {type(value).__name__}")
