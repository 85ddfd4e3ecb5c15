"""Each user's path, tried as they would: in a new virtualenv holding the toolkit and the generated
package as installed packages (not this clone's ``.venv``, not its sources on ``sys.path``).

- every command answers ``--help`` with its own options, and the installed generator generates a
  spec of the user's (its templates travel inside the wheel);
- a test file of the user's, using the ``deployments_emulator`` fixture of the toolkit's pytest
  plugin, passes: the waiter returns once the emulator's clock moves the deployment to ready,
  ``async for`` over a listing pages to the end, faults and reset work, and the in-process mode
  answers without a socket;
- a user program building ``DeploymentSpec(ports=[80])``, iterating a listing with ``async for``
  and waiting for a deployment passes ``mypy --strict``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, SPECS

USER_TESTS = """
import asyncio

import pytest
from paperspace_deployments import AsyncClient, Client, InternalServerError, models

from paperspace_deployments_toolkit.emulator.testing import in_process


def test_the_fixture_names_its_api_and_tokens(deployments_emulator):
    assert deployments_emulator.url.startswith("http://127.0.0.1:") and deployments_emulator.url.endswith("/v1")
    assert deployments_emulator.token != deployments_emulator.other_token


def test_a_deployment_waited_for_is_ready_once_the_clock_has_moved(deployments_emulator):
    client = Client(api_key=deployments_emulator.token, base_url=deployments_emulator.url)
    created = client.upsert_deployment(name="web", image="nginx:1.25", machine_type="A4000", ports=[80])
    seen = []

    def tick(answer):
        seen.append(str(answer.state))
        deployments_emulator.advance(10)  # the rollout takes 30 s of the emulator's clock

    ready = client.wait_for_deployment_ready(created.id, poll_interval=0, on_poll=tick)
    assert isinstance(ready, models.Deployment) and ready.state == "ready"
    assert seen == ["deploying", "deploying", "deploying", "ready"]


def test_async_for_over_a_listing_pages_to_the_end(deployments_emulator):
    async def names():
        async with AsyncClient(api_key=deployments_emulator.token, base_url=deployments_emulator.url) as client:
            for n in range(5):
                await client.upsert_deployment(name=f"app-{n}", image="nginx:1.25", machine_type="A4000")
            return sorted([d.name async for d in client.list_deployments(limit=2)])

    assert asyncio.run(names()) == [f"app-{n}" for n in range(5)]


def test_each_test_starts_from_an_empty_emulator_and_faults_apply(deployments_emulator):
    client = deployments_emulator.client()
    assert list(client.list_deployments()) == []
    deployments_emulator.fault(method="GET", path="/v1/deployments", status=503, count=1)
    with pytest.raises(InternalServerError):
        client.list_deployments()
    assert list(client.list_deployments()) == []


def test_the_other_team_sees_nothing_of_the_first(deployments_emulator):
    deployments_emulator.client().upsert_deployment(name="mine", image="nginx:1.25", machine_type="A4000")
    other = deployments_emulator.client(api_key=deployments_emulator.other_token)
    assert list(other.list_deployments()) == []


def test_the_in_process_emulator_answers_without_a_socket():
    with in_process() as emulator:
        client = emulator.client()
        created = client.upsert_deployment(name="unit", image="nginx:1.25", machine_type="A4000")
        emulator.advance(30)
        assert client.get_deployment(created.id).state == "ready"
"""

USER_PROGRAM = """
from paperspace_deployments import AsyncClient, Client, models


def deploy(client: Client) -> models.Deployment:
    spec = models.DeploymentSpec(name="web", image="nginx:1.25", machine_type="A4000", ports=[80])
    created = client.upsert_deployment(spec)
    return client.wait_for_deployment_ready(created.id, timeout=600, poll_interval=5)


async def names(client: AsyncClient) -> list[str]:
    return [d.name async for d in client.list_deployments(limit=10)]
"""


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with the toolkit and the generated package (with its server extra) installed."""
    venv = tmp_path_factory.mktemp("user") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    targets = [str(ROOT), f"{ROOT / 'generated'}[server]", "mypy>=1.10"]
    installed = subprocess.run([*install, *targets], capture_output=True, text=True, check=False, timeout=900)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return venv / "bin"


def _run(bin_dir: Path, *command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # nothing of this clone or of the test run's environment: what a user's shell would have
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": os.environ.get("HOME", str(cwd))}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


@pytest.mark.parametrize(
    ("command", "own_option"),
    [
        (("deployments-generator", "--help"), "{diff,generate,check}"),
        (("deployments-generator", "generate", "--help"), "--spec"),
        (("deployments-generator", "diff", "--help"), "--no-overlays"),
        (("deployments-emulator", "--help"), "--clock"),
        (("deployments-contract", "--help"), "--base-url"),
    ],
)
def test_each_command_answers_help_with_its_own_options(
    user_venv: Path, tmp_path: Path, command: tuple[str, ...], own_option: str
) -> None:
    result = _run(user_venv, str(user_venv / command[0]), *command[1:], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert own_option in result.stdout and len(result.stdout.splitlines()) < 80, result.stdout


def test_a_users_tests_with_the_deployments_emulator_fixture_pass(user_venv: Path, tmp_path: Path) -> None:
    (tmp_path / "test_my_deployments.py").write_text(USER_TESTS, encoding="utf-8")
    result = _run(user_venv, str(user_venv / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "6 passed" in result.stdout, result.stdout[-2000:]


def test_a_users_program_passes_mypy_strict(user_venv: Path, tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(textwrap.dedent(USER_PROGRAM), encoding="utf-8")
    result = _run(user_venv, str(user_venv / "python"), "-m", "mypy", "--strict", "deploy.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_installed_generator_generates_a_spec_of_the_users(user_venv: Path, tmp_path: Path) -> None:
    spec, out = SPECS / "generality.yml", tmp_path / "out"
    generator = str(user_venv / "deployments-generator")
    result = _run(
        user_venv, generator, "generate", "--spec", str(spec), "--out", str(out), "--package", "shop", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = _run(user_venv, str(user_venv / "python"), "-c", "import shop, shop.models, shop.server", cwd=out)
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert (
        _run(
            user_venv, generator, "check", "--spec", str(spec), "--out", str(out), "--package", "shop", cwd=tmp_path
        ).returncode
        == 0
    )
