"""Python names for things the spec names: operations, parameters, fields and models."""

from __future__ import annotations

import builtins
import keyword
import re

# builtins a class name could shadow (``Warning``, ``Exception``): pydantic resolves a field's
# annotation ``Warning`` to the builtin while the class of that name is not yet defined
BUILTIN_CLASS_NAMES = frozenset(name for name in dir(builtins) if name[:1].isupper())
# Names a generated module already binds, or that would shadow what users import from it.
RESERVED_MODEL_NAMES = frozenset(
    {"Any", "Annotated", "AwareDatetime", "BaseModel", "ConfigDict", "Enum", "Field", "Literal", "Optional"}
    | {"RootModel", "StrEnum", "Union", "date", "datetime", "models", "timedelta"}
    | BUILTIN_CLASS_NAMES
)
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def words(text: str) -> list[str]:
    """``listDeploymentRuns`` / ``list-deployment_runs`` / ``HTTPServer`` → their words, lowercased."""
    return [w.lower() for w in _WORD.findall(text)]


def snake_case(text: str) -> str:
    name = "_".join(words(text)) or "value"
    if name[0].isdigit():
        name = f"_{name}"
    return f"{name}_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) else name


def pascal_case(text: str) -> str:
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or "Model"
    if name[0].isdigit():
        name = f"Model{name}"
    return f"{name}Model" if name in RESERVED_MODEL_NAMES or keyword.iskeyword(name) else name


def unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name2``, ``name3``... whichever is not yet in ``taken``; adds it."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}{n}"
    taken.add(candidate)
    return candidate
