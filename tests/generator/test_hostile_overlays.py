"""An overlay is input too: what it adds to the spec is held to the spec's limits."""

from __future__ import annotations

from pathlib import Path

from support.generator import run_generator
from support.paths import SPECS

UPDATE = "\n".join(f"      x-k{i}: {{a: [1, 2, 3], b: {{c: d}}}}" for i in range(40))
FAN_OUT = f"""\
overlay: 1.0.0
info: {{title: everywhere, version: '1'}}
actions:
  - target: $.info
    update: {{x-fine: small}}
  - target: $..*
    update:
{UPDATE}
"""


def test_an_update_fanned_out_over_every_node_is_refused_at_its_target(tmp_path: Path) -> None:
    overlay = tmp_path / "fan-out.yaml"
    overlay.write_text(FAN_OUT, encoding="utf-8")
    out = tmp_path / "out"
    result = run_generator(
        "generate", "--spec", SPECS / "tiny.yml", "--overlay", overlay, "--out", out, "--max-nodes", "3000"
    )
    assert result.returncode == 2, result.stderr
    assert "fan-out.yaml:6: /actions/1/target: the action would make the spec larger than its limit of nodes" in (
        result.stderr
    )
    assert not out.exists()


def test_the_same_update_within_the_limit_applies(tmp_path: Path) -> None:
    overlay = tmp_path / "fan-out.yaml"
    overlay.write_text(FAN_OUT.replace("$..*", "$.info"), encoding="utf-8")
    result = run_generator("generate", "--spec", SPECS / "tiny.yml", "--overlay", overlay, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
