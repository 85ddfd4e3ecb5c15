"""Values made from a schema: valid ones that tell variants apart, and each bound's edges.

``sample(schema, n)`` is a valid value, different for each ``n`` wherever the schema leaves room
(a server that shows an older value, or another deployment's, is caught by the difference).
``edges(schema)`` gives, for each bound the schema documents, the value at the bound (valid) and
the value one past it (invalid): min-1, min, max, max+1 for numbers; lengths for strings and
arrays; every member of an enum and one value outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Edge:
    facet: str  # "minimum 0", "maxLength 255", "enum cpu|memory|requests"
    value: Any
    valid: bool
    what: str  # "min-1", "max", "a member", "not a member"


NON_ASCII = " é✓"  # in free text inside lists and maps: a server that mangles what is not ASCII shows it


def sample(schema: dict[str, Any], n: int = 0, name: str = "v", nested: bool = False) -> Any:
    """A valid value of ``schema``, the ``n``-th of its kind (``nested``: inside a list or a map,
    where every other value carries non-ASCII text and a space)."""
    if schema.get("enum"):
        members = list(schema["enum"])
        return members[n % len(members)]
    kind = schema.get("type")
    if kind == "integer" or kind == "number":
        low = schema.get("minimum", 0)
        high = schema.get("maximum", low + 1000)
        span = max(1, int(high - low))
        value = int(low) + 1 + n % span if span > 1 else int(low) + n % (span + 1)
        return min(value, int(high))
    if kind == "boolean":
        return n % 2 == 0
    if kind == "array":
        items = schema.get("items") or {}
        size = max(int(schema.get("minItems", 0)), min(2, int(schema.get("maxItems", 2))))
        made: list[Any] = []
        for i in range(size * 4):
            value = sample(items, n + i, name, nested=True)
            if value not in made:
                made.append(value)
            if len(made) == size:
                break
        return made
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        if schema.get("properties"):
            return {k: sample(sub, n, k) for k, sub in schema["properties"].items()}
        values = schema.get("additionalProperties")
        if isinstance(values, dict):
            return {
                f"{name.upper()}_{n}_A": sample(values, n, "a", nested=True),
                f"{name.upper()}_{n}_B": sample(values, n + 1, "b", nested=True),
            }
        return {}
    if schema.get("format") == "date-time":
        return f"2026-01-{1 + n % 28:02d}T00:00:00Z"
    return text(schema, f"{name}-{n}" + (NON_ASCII if nested and n % 2 == 0 and "pattern" not in schema else ""))


def text(schema: dict[str, Any], seed: str) -> str:
    """``seed`` fitted to the schema's length bounds."""
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    value = seed if len(seed) >= low else seed + "x" * (low - len(seed))
    return value if high is None else value[: int(high)]


def edges(schema: dict[str, Any], base: Any) -> list[Edge]:
    """The values at and one past each bound of ``schema``; ``base`` is a valid value to start from."""
    found: list[Edge] = []
    kind = schema.get("type")
    if kind in {"integer", "number"}:
        if "minimum" in schema:
            m = schema["minimum"]
            found += [Edge(f"minimum {m}", m, True, "min"), Edge(f"minimum {m}", m - 1, False, "min-1")]
        if "maximum" in schema:
            m = schema["maximum"]
            found += [Edge(f"maximum {m}", m, True, "max"), Edge(f"maximum {m}", m + 1, False, "max+1")]
    if kind == "string" or (kind is None and isinstance(base, str)):
        seed = base if isinstance(base, str) else "x"
        if "minLength" in schema:
            m = int(schema["minLength"])
            if m >= 1:
                found.append(Edge(f"minLength {m}", _length(seed, m), True, "min"))
                found.append(Edge(f"minLength {m}", _length(seed, m - 1), False, "min-1"))
        if "maxLength" in schema:
            m = int(schema["maxLength"])
            found += [
                Edge(f"maxLength {m}", _length(seed, m), True, "max"),
                Edge(f"maxLength {m}", _length(seed, m + 1), False, "max+1"),
            ]
    if kind == "array":
        items = schema.get("items") or {}
        if "maxItems" in schema:
            m = int(schema["maxItems"])
            made = _distinct(items, m + 1)
            if len(made) == m + 1:
                found += [
                    Edge(f"maxItems {m}", made[:m], True, "max"),
                    Edge(f"maxItems {m}", made, False, "max+1"),
                ]
        if "minItems" in schema and int(schema["minItems"]) >= 1:
            m = int(schema["minItems"])
            made = _distinct(items, m)
            found += [Edge(f"minItems {m}", made, True, "min"), Edge(f"minItems {m}", made[: m - 1], False, "min-1")]
    if "enum" in schema:
        members = list(schema["enum"])
        facet = "enum " + "|".join(str(v) for v in members)
        found += [Edge(facet, v, True, f"member {v!r}") for v in members]
        outside = _outside(members)
        if outside is not None:
            found.append(Edge(facet, outside, False, f"{outside!r}, not a member"))
    return found


def _length(seed: str, size: int) -> str:
    if size <= len(seed):
        return seed[:size]
    return seed + "x" * (size - len(seed))


def _distinct(items: dict[str, Any], count: int) -> list[Any]:
    made: list[Any] = []
    for i in range(count * 8):
        value = sample(items, i)
        if value not in made:
            made.append(value)
        if len(made) == count:
            break
    return made


def _outside(members: list[Any]) -> Any:
    if all(isinstance(v, str) for v in members):
        candidate = "not-" + "-".join(str(v) for v in members)[:40]
        return candidate if candidate not in members else None
    if all(isinstance(v, int) for v in members):
        return max(members) + 1
    return None
