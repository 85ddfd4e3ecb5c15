"""generator/config.py: defaults from ``[tool.deployments-generator]`` of the nearest pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.generator import run_generator
from support.paths import SPECS

from paperspace_deployments_toolkit.generator.config import ConfigError, read_defaults


def _project(root: Path, table: str) -> Path:
    (root / "api").mkdir(parents=True)
    shutil.copy(SPECS / "tiny.yml", root / "api" / "tiny.yml")
    (root / "pyproject.toml").write_text(f'[project]\nname = "app"\n\n[tool.deployments-generator]\n{table}')
    return root


def test_a_project_generates_from_its_own_table_from_any_subdirectory(tmp_path: Path) -> None:
    project = _project(tmp_path / "app", 'spec = "api/tiny.yml"\nout = "sdk"\npackage = "tiny_sdk"\n')
    (project / "docs").mkdir()

    result = run_generator("generate", cwd=project / "docs")

    assert result.returncode == 0, result.stderr
    assert (project / "sdk" / "tiny_sdk" / "__init__.py").is_file()
    assert run_generator("check", cwd=project).returncode == 0


def test_flags_override_the_table(tmp_path: Path) -> None:
    project = _project(tmp_path / "app", 'spec = "api/tiny.yml"\nout = "sdk"\npackage = "tiny_sdk"\n')

    result = run_generator("generate", "--out", tmp_path / "elsewhere", "--package", "other", cwd=project)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "elsewhere" / "other" / "__init__.py").is_file()
    assert not (project / "sdk").exists()


def test_overlays_named_by_directory_apply_to_the_configured_spec_only(tmp_path: Path) -> None:
    project = _project(tmp_path / "app", 'spec = "api/tiny.yml"\noverlays = ["api/overlays"]\nout = "sdk"\n')
    (project / "api" / "overlays").mkdir()
    (project / "api" / "overlays" / "b.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: b, version: '1'}\nactions: []\n"
    )
    (project / "api" / "overlays" / "a.yml").write_text("overlay: 1.0.0\ninfo: {title: a, version: '1'}\nactions: []\n")
    (project / "api" / "overlays" / "notes.txt").write_text("not an overlay")

    defaults = read_defaults(project)

    assert [p.name for p in defaults.overlays] == ["a.yml", "b.yaml"]
    assert defaults.spec == project / "api" / "tiny.yml"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("spec = 3\n", "spec must be a non-empty string, not 3"),
        ('overlays = "api"\n', "overlays must be a list of non-empty strings"),
        ('overlays = ["missing"]\n', "overlays: 'missing' is neither a file nor a directory"),
        ('specs = "api/tiny.yml"\n', "unknown key 'specs'"),
        ("spec = \n", "not TOML"),
    ],
)
def test_a_table_that_cannot_be_used_is_refused_naming_the_file_and_key(
    tmp_path: Path, table: str, expected: str
) -> None:
    project = _project(tmp_path / "app", table)
    with pytest.raises(ConfigError, match=r"pyproject\.toml") as raised:
        read_defaults(project)
    assert expected in str(raised.value)
    result = run_generator("generate", cwd=project)
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_without_a_spec_anywhere_the_command_says_what_to_give(tmp_path: Path) -> None:
    result = run_generator("generate", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: no --spec given, and no pyproject.toml from here up has a [tool.deployments-generator] table"
    )


def test_a_pyproject_without_the_table_does_not_hide_the_one_above(tmp_path: Path) -> None:
    project = _project(tmp_path / "app", 'spec = "api/tiny.yml"\nout = "sdk"\npackage = "tiny_sdk"\n')
    (project / "tools" / "helper").mkdir(parents=True)
    (project / "tools" / "helper" / "pyproject.toml").write_text('[project]\nname = "helper"\n')

    defaults = read_defaults(project / "tools" / "helper")

    assert defaults.spec == project / "api" / "tiny.yml" and defaults.root == project


def test_a_table_that_sets_no_package_is_named_in_the_message(tmp_path: Path) -> None:
    project = _project(tmp_path / "app", 'spec = "api/tiny.yml"\nout = "sdk"\n')

    result = run_generator("generate", cwd=project)

    assert result.returncode == 2
    assert (
        "no --package given, and" in result.stderr and "[tool.deployments-generator] sets no package" in result.stderr
    )
