"""The Schemathesis process parses Python under one lock (CPython gh-106905, see threadsafe_ast)."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from contract_tests import checks, threadsafe_ast


def test_loading_the_hooks_serialises_every_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    assert checks.__name__ == "contract_tests.checks"  # imported, so installed
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
