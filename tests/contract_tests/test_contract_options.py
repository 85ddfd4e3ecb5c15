"""contract_tests/options.py and the command's front: flags over CONTRACT_* over the config file,
tokens never from a file, and the live progress read from Schemathesis's events."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

from paperspace_deployments_toolkit.contract_tests.engine import Progress
from paperspace_deployments_toolkit.contract_tests.options import OPTIONS, ConfigError, default_of, read_config

BY_KEY = {option.key: option for option in OPTIONS}


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for option in OPTIONS:
        monkeypatch.delenv(option.env, raising=False)
    monkeypatch.delenv("CONTRACT_CONFIG", raising=False)
    return tmp_path


def test_the_config_file_of_its_own_or_a_pyproject_table_gives_defaults(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.deployments-contract]\nprofile = "full"\nworkers = 4\n')
    config = read_config()
    assert config == {"profile": "full", "workers": 4}
    assert default_of(BY_KEY["profile"], config) == "full" and default_of(BY_KEY["seed"], config) == 20261128
    (in_tmp / "deployments-contract.toml").write_text('base-url = "http://127.0.0.1:9/v1"\n')  # wins over pyproject
    assert read_config() == {"base-url": "http://127.0.0.1:9/v1"}


def test_an_environment_variable_wins_over_the_config_file(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (in_tmp / "deployments-contract.toml").write_text('profile = "full"\nallow-writes = true\n')
    monkeypatch.setenv("CONTRACT_PROFILE", "quick")
    monkeypatch.setenv("CONTRACT_ALLOW_WRITES", "0")
    config = read_config()
    assert default_of(BY_KEY["profile"], config) == "quick" and default_of(BY_KEY["allow-writes"], config) is False


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('api-token = "secret-value"\n', "api-token may not be in a file; pass --api-token or set CONTRACT_API_TOKEN"),
        ('colour = "red"\n', "unknown key 'colour'"),
        ('workers = "four"\n', "workers must be an integer, not 'four'"),
        ('profile = "heavy"\n', "profile must be one of full, quick"),
        ("profile = \n", "not TOML: Invalid value (at line 1, column 11)"),
        ("[profile]\n", "profile must be one of full, quick"),
    ],
)
def test_a_config_file_that_cannot_be_used_is_refused_naming_what(in_tmp: Path, text: str, said: str) -> None:
    (in_tmp / "deployments-contract.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        read_config()
    assert str(caught.value).startswith("deployments-contract.toml: ") and said in str(caught.value)
    assert "secret-value" not in str(caught.value)


def test_the_command_refuses_a_bad_config_before_testing_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "deployments-contract.toml").write_text('other-team-token = "secret-value"\n')
    result = subprocess.run(
        [sys.executable, "-m", "paperspace_deployments_toolkit.contract_tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "other-team-token may not be in a file" in result.stderr and "secret-value" not in result.stdout + result.stderr
    )
    assert "collected" not in result.stdout  # no test ran
    assert json.loads((tmp_path / "reports" / "conformance.json").read_text())["exit_code"] == 2


def test_progress_counts_cases_and_failures_of_complete_lines_only(tmp_path: Path) -> None:
    events = tmp_path / "ndjson-1.ndjson"
    progress = Progress(tmp_path)
    assert progress.line() == ""  # nothing written yet
    scenario = {
        "phase": "fuzzing",
        "recorder": {"checks": {"a": [{"status": "success"}], "b": [{"status": "failure"}]}},
    }
    written = json.dumps({"PhaseStarted": {"phase": {"name": "examples"}}}) + "\n"
    written += json.dumps({"ScenarioFinished": scenario}) + "\n" + '{"ScenarioFinished": {"pha'
    events.write_text(written)
    assert progress.line() == "Schemathesis: fuzzing phase, 2 test cases, 1 failing so far"
    with events.open("a") as more:  # the half-written line is read once it is whole
        more.write('se": "stateful", "recorder": {"checks": {"c": [{"status": "success"}]}}}}\n')
    assert progress.line() == "Schemathesis: stateful phase, 3 test cases, 1 failing so far"


def test_the_commands_help_lists_its_options_not_pytests() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paperspace_deployments_toolkit.contract_tests", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "--workers" in result.stdout and "--config" in result.stdout
    assert "--junitxml" not in result.stdout and len(result.stdout.splitlines()) < 80


def test_a_pyproject_whose_tool_is_no_table_and_a_relative_baseline_are_read_sensibly(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "pyproject.toml").write_text("tool = 3\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.deployments-contract\]: must be a table"):
        read_config()
    (in_tmp / "conf").mkdir()
    (in_tmp / "conf" / "suite.toml").write_text('baseline = "accepted.json"\n')
    monkeypatch.setenv("CONTRACT_CONFIG", str(in_tmp / "conf" / "suite.toml"))
    assert read_config() == {"baseline": str(in_tmp / "conf" / "accepted.json")}
