"""Budgets: the unions and enums too wide for the models stage, each located. Within the node limit
(:class:`~.limits.Limits`) they still cost the later stages too much: a union of about 3,000
schemas is deeper than Python's parser goes, and the models stage costs about the square of an
enum's values.
"""

from __future__ import annotations

from .errors import SpecError
from .loader import SourceDocument, located
from .openapi import schema_nodes

# alternatives of a oneOf or anyOf: a union of about 3,000 types is deeper than Python's parser goes
MAX_ALTERNATIVES = 1000
# values of an enum: the models stage costs about their square (10,000: 4 s; 30,000: 25 s); a real
# enum (currencies, countries, languages) has hundreds
MAX_ENUM = 5000


def width_problems(doc: SourceDocument) -> list[SpecError]:
    """Unions and enums too wide for the models stage (see :data:`MAX_ALTERNATIVES`, :data:`MAX_ENUM`)."""
    errors = []
    for path, node in schema_nodes(doc.data):
        for keyword, limit, what in (
            ("oneOf", MAX_ALTERNATIVES, "schemas"),
            ("anyOf", MAX_ALTERNATIVES, "schemas"),
            ("enum", MAX_ENUM, "values"),
        ):
            count = len(node[keyword]) if isinstance(node.get(keyword), list) else 0
            if count > limit:
                message = f"{keyword} of {count:,} {what}, over the limit of {limit:,} for the models it becomes"
                errors.append(located(doc, (*path, keyword), message))
    return errors
