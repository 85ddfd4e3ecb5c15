"""A broken spec or overlay: every problem with file, line and pointer; exit 2; nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.generator import run_generator
from support.paths import ROOT, SPECS

from paperspace_deployments_toolkit.generator.write import MARKER, MARKER_TEXT


def _seed_output(out: Path) -> dict[str, str]:
    """A stand-in for an earlier generation (it carries the generator's marker)."""
    out.mkdir()
    (out / "keep.txt").write_text("the previous generation")
    (out / MARKER).write_text(MARKER_TEXT)
    return {"keep.txt": "the previous generation", MARKER: MARKER_TEXT}


def _contents(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): p.read_text() for p in directory.rglob("*") if p.is_file()}


def test_broken_spec_reports_every_problem_with_line_and_pointer(tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _seed_output(out)

    result = run_generator("generate", "--spec", SPECS / "broken.yml", "--out", out, "--package", "broken")

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    spec = "tests/specs/broken.yml"  # named relative to the working directory
    expected = [
        f"{spec}:13: /paths/~1things/get/parameters/0/schema/type: 'integr' is not one of",
        f"{spec}:20: /paths/~1things/get/responses/200/content/application~1json/schema/$ref: '#/components/schemas/Missing' points to nothing",
        f"{spec}:22: /paths/~1things~1{{id}}/get: 'responses' is a required property",
        f"{spec}:32: /components/schemas/Thing/properties/n/type: 5 is not of type 'string'",
    ]
    for want in expected:
        assert any(line.startswith(want) for line in lines), f"missing {want!r} in:\n{result.stderr}"
    assert "4 problem(s)" in result.stderr
    assert _contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "a scratch directory was left behind"


def test_problem_in_an_overlay_names_the_overlay_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _seed_output(out)

    result = run_generator(
        "generate", "--spec", SPECS / "tiny.yml", "--overlay", SPECS / "breaking-overlay.yaml", "--out", out
    )

    assert result.returncode == 2
    assert (
        "tests/specs/breaking-overlay.yaml:7: /actions/1/target: target \"$.paths['/nowhere']\" selects nothing"
        in result.stderr
    )
    assert _contents(out) == before


def test_invalid_node_added_by_an_overlay_is_located_in_the_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "only-bad-type.yaml"
    overlay.write_text(
        "overlay: 1.0.0\n"
        "info: {title: t, version: '1'}\n"
        "actions:\n"
        "  - target: $.components.schemas.Thing.properties\n"
        "    update:\n"
        "      size:\n"
        "        type: 7\n"
    )
    result = run_generator("generate", "--spec", SPECS / "tiny.yml", "--overlay", overlay, "--out", tmp_path / "out")

    assert result.returncode == 2
    assert "only-bad-type.yaml:7: /components/schemas/Thing/properties/size/type:" in result.stderr


def test_unparsable_yaml_names_the_line(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yml"
    spec.write_text("openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: '1'\npaths: {}\n")

    result = run_generator("generate", "--spec", spec, "--out", tmp_path / "out")

    assert result.returncode == 2
    assert result.stderr.startswith("bad.yml:")
    assert "not valid YAML/JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_package_name_is_refused(tmp_path: Path) -> None:
    result = run_generator("generate", "--spec", SPECS / "tiny.yml", "--out", tmp_path / "o", "--package", "not-valid")
    assert result.returncode == 2
    assert "is not a Python identifier" in result.stderr


@pytest.mark.parametrize("case", ["foreign directory", "working directory", "a file"])
def test_output_that_is_not_an_earlier_generation_is_refused(tmp_path: Path, case: str) -> None:
    if case == "foreign directory":
        out = tmp_path / "home"
        (out / "important").mkdir(parents=True)
        (out / "important" / "thesis.txt").write_text("years of work")
        cwd = tmp_path
    elif case == "working directory":
        out, cwd = Path("."), tmp_path
        (tmp_path / "notes.txt").write_text("mine")
    else:
        out, cwd = tmp_path / "file.txt", tmp_path
        out.write_text("not a directory")
    before = _contents(tmp_path)

    result = run_generator("generate", "--spec", SPECS / "tiny.yml", "--out", out, "--package", "tiny", cwd=cwd)

    assert result.returncode == 2
    assert result.stderr.startswith("error: --out")
    assert "Traceback" not in result.stderr
    assert _contents(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({Path(k).parts[0] for k in before})


def test_formatter_failure_leaves_no_scratch_directory(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    server = templates / "package" / "server.py.jinja"
    server.write_text(server.read_text() + "\ndef broken(:\n")
    out = tmp_path / "out"

    from paperspace_deployments_toolkit.generator.pipeline import Inputs, run
    from paperspace_deployments_toolkit.generator.write import FormatError

    with pytest.raises(FormatError, match=r"server\.py"):
        run(Inputs(spec=SPECS / "tiny.yml", out=out, package="tiny", template_dirs=(templates,)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["templates"]
