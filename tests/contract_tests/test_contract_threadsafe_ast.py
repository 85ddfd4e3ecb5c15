"""The Schemathesis process parses Python under one lock (CPython gh-106905, see threadsafe_ast)."""

from __future__ import annotations

import ast
import gc
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

from paperspace_deployments_toolkit.contract_tests import checks, threadsafe_ast


def test_loading_the_hooks_serialises_every_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    assert checks.__name__ == "paperspace_deployments_toolkit.contract_tests.checks"  # imported, so installed
    assert ast.parse is threadsafe_ast._parse, "the hooks module installs it when Schemathesis loads it"
    held: list[bool] = []
    real_parse = threadsafe_ast._UNLOCKED_PARSE

    def parse(*args: Any, **kwargs: Any) -> Any:
        held.append(threadsafe_ast._LOCK._is_owned())  # type: ignore[attr-defined]  # RLock's own check
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(threadsafe_ast, "_UNLOCKED_PARSE", parse)
    ast.parse("x = 1")
    ast.literal_eval("1")  # literal_eval parses through ast.parse too
    assert held == [True, True]


SOURCE = "x = " + "[" * 30 + "1" + "]" * 30 + "\n" + "y = [(i, {i: [i]}) for i in z]\n" * 200
INTERRUPTIONS = 50


class _Signalling:
    """The lock, telling when a thread arrives at it (so nobody waits on a clock)."""

    def __init__(self, arrived: threading.Event) -> None:
        self._lock = threading.RLock()
        self._arrived = arrived

    def __enter__(self) -> None:
        if not self._lock._is_owned():  # type: ignore[attr-defined]
            self._arrived.set()
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _in_compile() -> bool:
    """Whether the collector runs inside ``ast.parse``'s call of ``compile`` (not in Python code)."""
    try:
        return sys._getframe(2).f_code is threadsafe_ast._UNLOCKED_PARSE.__code__
    except ValueError:  # collected at the bottom of a thread's stack
        return False


def parse_interrupted_by_other_threads(parse: Callable[[str], Any], settled: threading.Event) -> None:
    """Parse SOURCE while, at each garbage collection inside the parse, another thread parses too.

    A finalizer run by the collector hands the interpreter to a new thread that parses a small
    source and waits until it has finished (no lock) or is waiting for the lock: exactly the
    interleaving of Schemathesis's workers that CPython 3.11.7 mishandles (gh-106905).
    """
    parsing = threading.get_ident()
    armed = True
    others: list[threading.Thread] = []

    def other() -> None:
        try:
            parse("a = [[[1]]]")
        finally:
            settled.set()

    class Interrupter:
        def __init__(self) -> None:
            self.cycle = self  # only the collector frees it

        def __del__(self) -> None:
            if threading.get_ident() != parsing or len(others) >= INTERRUPTIONS or not armed:
                return
            if not _in_compile():  # collected in Python code on the way: wait for the next one
                Interrupter()
                return
            settled.clear()
            thread = threading.Thread(target=other)
            others.append(thread)
            thread.start()
            settled.wait()
            Interrupter()  # the next collection interrupts again

    threshold = gc.get_threshold()
    gc.collect()
    Interrupter()
    gc.set_threshold(1)
    try:
        parse(SOURCE)
    finally:
        armed = False
        gc.set_threshold(*threshold)
        for thread in others:
            thread.join()
    assert others, "the collector never ran inside the parse: the test judged nothing"


def test_a_parse_interrupted_by_other_threads_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    settled = threading.Event()
    monkeypatch.setattr(threadsafe_ast, "_LOCK", _Signalling(settled))
    parse_interrupted_by_other_threads(ast.parse, settled)


@pytest.mark.skipif(sys.version_info[:3] != (3, 11, 7), reason="CPython 3.11.7 is the release with the bug")
def test_without_the_lock_the_same_parse_fails_on_3_11_7() -> None:
    with pytest.raises(SystemError, match="AST constructor recursion depth mismatch"):
        parse_interrupted_by_other_threads(threadsafe_ast._UNLOCKED_PARSE, threading.Event())
