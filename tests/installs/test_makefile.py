"""The README's targets exist, each once: `make help` lists them without make's warnings."""

from __future__ import annotations

import re
import subprocess

from support.paths import ROOT


def test_every_target_the_readme_names_exists_once() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "warning" not in result.stderr, result.stderr  # e.g. "overriding recipe for target"
    listed = set(re.findall(r"^  make (\S+)", result.stdout, flags=re.MULTILINE))
    named = set(re.findall(r"^\| `make ([a-z-]+)`", (ROOT / "README.md").read_text(), flags=re.MULTILINE))
    assert named, "the README's table of targets is gone"
    assert named == listed, f"README only: {named - listed}; Makefile only: {listed - named}"


def test_make_contract_does_not_echo_the_tokens() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "contract", "API_TOKEN=sekrit-1", "OTHER_TEAM_TOKEN=sekrit-2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "deployments-contract" in result.stdout
    assert "sekrit" not in result.stdout + result.stderr
