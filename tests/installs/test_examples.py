"""The tour in ``examples/`` is a user's program: it uses every operation of both clients (checked
here), passes ``mypy --strict`` (``make typecheck`` covers ``examples/``) and runs against the
emulator on 127.0.0.1 (here)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import paperspace_deployments as sdk
from support.emulator import TEAM_A
from support.emulator_process import emulator_process
from support.paths import ROOT

TOUR = ROOT / "examples" / "tour.py"


def _called_methods(function: str) -> set[str]:
    tree = ast.parse(TOUR.read_text(encoding="utf-8"))
    body = next(n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == function)
    return {n.func.attr for n in ast.walk(body) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}


def _operations(cls: type) -> set[str]:
    return {name for name, value in vars(cls).items() if callable(value) and value.__doc__ and name[0] != "_"} - {
        "close",
        "with_options",
    }


def test_the_tour_calls_every_operation_with_both_clients() -> None:
    operations = _operations(sdk.Client)
    assert len(operations) == 10 and operations == _operations(sdk.AsyncClient)
    assert operations - _called_methods("sync_tour") == set()
    assert operations - _called_methods("async_tour") == set()


def test_the_tour_runs_against_the_emulator(tmp_path: Path) -> None:
    with emulator_process(tmp_path / "db.sqlite3") as (_, url):
        env = {**os.environ, "PAPERSPACE_API_KEY": TEAM_A, "PAPERSPACE_API_URL": url}
        result = subprocess.run([sys.executable, str(TOUR)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "sync: tour-sync is deploying" in result.stdout and "after delete, 404 NOT_FOUND" in result.stdout
    assert "async: tour-async is" in result.stdout
    assert "sync: still deploying after a second" in result.stdout  # the emulator's clock is manual here
