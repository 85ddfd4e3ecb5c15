"""What the suite imports: the generated package's public names only, and nothing by a top-level
name the toolkit does not own (a user's project may have its own ``emulator`` or ``generator``)."""

from __future__ import annotations

import ast
from pathlib import Path

from support.paths import SUITE

OWN_FOLDERS = {"generator", "emulator", "contract_tests", "bench", "tests", "support"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [(n.lineno, a.name) for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def test_the_suite_uses_only_public_names_of_the_generated_package() -> None:
    private = [
        f"{path.name}:{line}: {name}"
        for path in sorted(SUITE.glob("*.py"))
        for line, name in _imports(path)
        if name.startswith("paperspace_deployments.") and any(p.startswith("_") for p in name.split(".")[1:])
    ]
    assert not private, private


def test_the_suite_imports_the_toolkit_by_its_one_name() -> None:
    stray = [
        f"{path.name}:{line}: {name}"
        for path in sorted(SUITE.glob("*.py"))
        for line, name in _imports(path)
        if name.split(".")[0] in OWN_FOLDERS
    ]
    assert not stray, stray
