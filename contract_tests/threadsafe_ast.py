"""``ast.parse`` serialised across threads: the cause of a false alarm on CPython 3.11.7.

CPython gh-106905: converting a parsed tree to Python objects keeps its recursion depth in state
shared by every thread, so two threads parsing at once can fail with ``SystemError: AST
constructor recursion depth mismatch`` (fixed in later CPython releases). Schemathesis's workers
are threads and Hypothesis parses source while it builds strategies, so on 3.11.7 a run with
workers failed about one time in two through no fault of the server. Parsing is rare and fast;
one lock around it costs nothing measurable and keeps the workers.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_LOCK = threading.RLock()
_UNLOCKED_PARSE = ast.parse


def _parse(*args: Any, **kwargs: Any) -> Any:
    with _LOCK:
        return _UNLOCKED_PARSE(*args, **kwargs)


def install() -> None:
    """Make every ``ast.parse`` of this process (``ast.literal_eval`` included) take the lock."""
    ast.parse = _parse
