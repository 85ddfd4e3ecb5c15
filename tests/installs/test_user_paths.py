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

import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from support.paths import ROOT, SPECS

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


pytestmark = [pytest.mark.slow, pytest.mark.venv]

# what a fixture user's virtualenv must not carry: the generator's and the suite's toolchain
TOOLCHAIN = {
    "datamodel-code-generator",
    "ruff",
    "black",
    "schemathesis",
    "hypothesis",
    "jinja2",
    "openapi-spec-validator",
}


def _venv(tmp_path_factory: pytest.TempPathFactory, name: str, *targets: str) -> Path:
    """A virtualenv with ``targets`` installed, built once per test run: under xdist, the first
    worker to ask builds it in the run's shared temporary directory while the others wait."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # one pytest-N per run
    venv = shared / f"venv-{name}"
    with (shared / f"venv-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / "installed").is_file():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            done = subprocess.run([*install, *targets], capture_output=True, text=True, check=False, timeout=900)
            assert done.returncode == 0, done.stderr[-3000:]
            (venv / "installed").touch()
    return venv / "bin"


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with the clone installed as the README says (``pip install <clone>``), and
    mypy for the user's own type checks: the generated package comes as the toolkit's dependency."""
    return _venv(tmp_path_factory, "user", str(ROOT), "mypy>=1.10")


@pytest.fixture(scope="module")
def light_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The application developer's install: ``pip install <clone>/emulator`` (SDK and fixture)."""
    return _venv(tmp_path_factory, "light", str(ROOT / "emulator"), "pytest")  # pytest: the user's own


TOP_LEVEL = """
from importlib import metadata
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    for file in dist.files or []:
        top = file.parts[0]
        if not top.endswith((".dist-info", ".pth")) and top != "..":
            print(name, top.removesuffix(".py"))
"""


def _top_level_names(bin_dir: Path, cwd: Path) -> dict[str, set[str]]:
    listed = _run(bin_dir, str(bin_dir / "python"), "-c", TOP_LEVEL, cwd=cwd)
    assert listed.returncode == 0, listed.stderr
    names: dict[str, set[str]] = {}
    for line in listed.stdout.splitlines():
        dist, top = line.split()
        names.setdefault(dist.lower(), set()).add(top)
    return names


def test_the_install_records_one_top_level_name_for_the_toolkit(user_venv: Path, tmp_path: Path) -> None:
    names = _top_level_names(user_venv, tmp_path)
    toolkit = {dist: tops for dist, tops in names.items() if dist.startswith("paperspace-deployments-")}
    assert set(toolkit) == {"paperspace-deployments-toolkit", "paperspace-deployments-emulator"}, names.keys()
    assert set().union(*toolkit.values()) == {"paperspace_deployments_toolkit"}, toolkit
    assert names["paperspace-deployments"] == {"paperspace_deployments"}  # the generated SDK, declared


def test_the_light_install_has_the_sdk_and_the_fixture_without_the_toolchain(light_venv: Path, tmp_path: Path) -> None:
    names = _top_level_names(light_venv, tmp_path)
    assert not TOOLCHAIN & set(names), sorted(TOOLCHAIN & set(names))
    assert "paperspace-deployments-toolkit" not in names
    (tmp_path / "test_my_deployments.py").write_text(USER_TESTS, encoding="utf-8")
    result = _pytest(light_venv, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "6 passed" in result.stdout, result.stdout[-2000:]
    assert _run(light_venv, str(light_venv / "deployments-emulator"), "--help", cwd=tmp_path).returncode == 0


TYPED_FIXTURE_USE = """
from paperspace_deployments import Client, models
from paperspace_deployments_toolkit.emulator.testing import RunningEmulator


def test_typed(deployments_emulator: RunningEmulator) -> None:
    client: Client = deployments_emulator.client()
    created: models.Deployment = client.upsert_deployment(name="web", image="nginx:1.25", machine_type="A4000")
    deployments_emulator.advance(30)
    assert client.get_deployment(created.id).state == "ready"
"""


def test_a_typed_use_of_the_fixture_passes_mypy_strict_against_the_light_install(
    user_venv: Path, light_venv: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_typed.py").write_text(TYPED_FIXTURE_USE, encoding="utf-8")
    # mypy from the other virtualenv, reading the light install's packages (their py.typed)
    mypy = [str(user_venv / "python"), "-m", "mypy", "--strict", "--python-executable", str(light_venv / "python")]
    result = _run(user_venv, *mypy, "test_typed.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]


OWN_PACKAGES_TEST = """
import emulator
import generator
import contract_tests


def test_my_packages_and_the_fixture_live_side_by_side(deployments_emulator):
    assert (emulator.MINE, generator.MINE, contract_tests.MINE) == ("emulator", "generator", "contract_tests")
    with deployments_emulator.client() as client:
        client.upsert_deployment(name="web", image="nginx:1.25", machine_type="A4000")
        assert [d.name for d in client.list_deployments()] == ["web"]
"""


def test_a_project_with_its_own_emulator_and_generator_packages_runs_the_fixture(
    user_venv: Path, tmp_path: Path
) -> None:
    for name in ("emulator", "generator", "contract_tests"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"MINE = {name!r}\n", encoding="utf-8")
        (tmp_path / name / "pytest_plugin.py").write_text("raise ImportError('not the toolkit')\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_mine.py").write_text(OWN_PACKAGES_TEST, encoding="utf-8")
    # -W error: the fixture leaves nothing unclosed (a project that makes warnings errors)
    result = _pytest(user_venv, tmp_path, "-W", "error")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout, result.stdout[-2000:]


def _pytest(bin_dir: Path, cwd: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """The user's ``python -m pytest`` in ``cwd``, with that virtualenv's Python."""
    return _run(bin_dir, str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, cwd=cwd)


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
    result = _pytest(user_venv, tmp_path)
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


def test_the_standard_build_makes_a_wheel_with_everything_the_toolkit_reads(tmp_path: Path) -> None:
    """``python -m build`` goes through the sdist: the wheel built from it still carries the
    templates, the namespace's ``__init__`` and ``py.typed``, and nothing of the clone's layout."""
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {n.split("/", 1)[0] for n in names if ".dist-info/" not in n}
    assert tops == {"paperspace_deployments_toolkit"}, tops
    for needed in (
        "templates/package/_client.py.jinja",
        "templates/runtime/_base_client.py",
        "__init__.py",
        "py.typed",
    ):
        assert f"paperspace_deployments_toolkit/{needed}" in names, needed
    assert not [
        n for n in names if n.startswith(("bench/", "tests/", "src/", "paperspace_deployments_toolkit/emulator/"))
    ]
