"""generator/pipeline.py: strict by default; ``--lenient`` waives the validator's findings only."""

from __future__ import annotations

import json
from pathlib import Path

from support.generator import run_generator

VENDOR = """\
openapi: 3.0.3
info: {title: Vendor, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  gone: {type: 'null'}
                  name: {type: string, minLength: -1}
"""


def test_strict_refuses_what_lenient_generates_with_a_warning_each(tmp_path: Path) -> None:
    spec = tmp_path / "vendor.yaml"
    spec.write_text(VENDOR)
    args: list[str | Path] = ["generate", "--spec", spec, "--out", tmp_path / "out", "--package", "vendor"]
    strict = run_generator(*args, cwd=tmp_path)
    assert strict.returncode == 2
    assert (
        "vendor.yaml:15: /paths/~1things/get/responses/200/content/application~1json/schema/properties/gone/type"
        in strict.stderr
    )
    assert "--lenient generates the spec anyway" in strict.stderr
    assert not (tmp_path / "out").exists()
    lenient = run_generator(*args, "--lenient", cwd=tmp_path)
    assert lenient.returncode == 0, lenient.stderr
    warnings = [line for line in lenient.stderr.splitlines() if line.startswith("warning: vendor.yaml:")]
    assert len(warnings) == 2 and any(":16: " in w and "minLength" in w for w in warnings), warnings
    assert "2 problem(s) the validator found were waived by --lenient" in lenient.stdout
    lock = json.loads((tmp_path / "out" / "generator.lock.json").read_text())
    assert "option --lenient" in lock["inputs"]
    check: list[str | Path] = ["check", "--spec", spec, "--out", tmp_path / "out", "--package", "vendor"]
    assert run_generator(*check, "--lenient", cwd=tmp_path).returncode == 0
    assert run_generator(*check, cwd=tmp_path).returncode == 1, "a strict check of a lenient generation is stale"


def test_lenient_still_stops_at_what_guards_the_later_stages(tmp_path: Path) -> None:
    spec = tmp_path / "vendor.yaml"
    spec.write_text(VENDOR.replace("name: {type: string, minLength: -1}", "name: {$ref: '#/components/schemas/Nope'}"))
    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "out", "--package", "vendor", "--lenient")
    assert result.returncode == 2
    assert "Nope" in result.stderr and "--lenient generates" not in result.stderr
