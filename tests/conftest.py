"""Shared helpers: the generator's command line, generated packages, the SDK's flavours."""

from __future__ import annotations

import contextlib
import importlib
import io
import subprocess
import sys
import textwrap
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
from paperspace_deployments._base_client import AsyncAPIClient, SyncAPIClient
from sdk_flavors import Flavor

from paperspace_deployments_toolkit import contract_tests as contract_tests_package
from paperspace_deployments_toolkit.generator import cli as generator_cli

ROOT = Path(__file__).resolve().parent.parent  # the clone: its spec/, docs/ and Makefile
SPECS = Path(__file__).resolve().parent / "specs"
# the conformance suite where the toolkit is installed (a clone's editable install: its namespace's
# link), so pytest imports it under its package's name
SUITE = Path(contract_tests_package.__file__).parent


def run_generator(
    *args: str | Path, cwd: Path = ROOT, preexec_fn: Callable[[], None] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """The generator's command line with ``args`` in ``cwd``: called in this process
    (``cli.main(argv)``, as the command calls it), or as the ``python -m`` child process users
    start when the test caps the process (``preexec_fn``) or bounds its time."""
    argv = [str(a) for a in args]
    if preexec_fn is not None or timeout is not None:
        return run_generator_process(*argv, cwd=cwd, preexec_fn=preexec_fn, timeout=timeout)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = generator_cli.main(argv)
    return subprocess.CompletedProcess(["deployments-generator", *argv], code, out.getvalue(), err.getvalue())


def run_generator_process(
    *args: str | Path, cwd: Path = ROOT, preexec_fn: Callable[[], None] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m paperspace_deployments_toolkit.generator`` in a child process (the end-to-end layer)."""
    return subprocess.run(
        [sys.executable, "-m", "paperspace_deployments_toolkit.generator", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=preexec_fn,
        timeout=timeout,
        check=False,
    )


@contextmanager
def imported(package: str, directory: Path) -> Iterator[ModuleType]:
    """``package``, generated into ``directory``, imported; forgotten again afterwards."""
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[name]


@pytest.fixture
def generate(tmp_path: Path) -> Callable[..., Path]:
    """Generate a package from a spec in tests/specs into a temporary directory; returns its dir."""

    def _generate(spec_name: str, package: str, *extra: str) -> Path:
        out = tmp_path / f"out-{package}"
        result = run_generator("generate", "--spec", SPECS / spec_name, "--out", out, "--package", package, *extra)
        assert result.returncode == 0, result.stderr
        return out

    return _generate


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> Iterator[Flavor]:
    chosen = Flavor(request.param)
    yield chosen
    chosen.close()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clients' pauses between retries, recorded instead of waited."""
    recorded: list[float] = []

    async def async_wait(self: AsyncAPIClient, seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(SyncAPIClient, "_wait", lambda self, seconds: recorded.append(seconds))
    monkeypatch.setattr(AsyncAPIClient, "_wait", async_wait)
    return recorded


def mypy_strict(directory: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` run in ``directory`` on ``targets`` (a generated package, a user program)."""
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *targets]
    return subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False)


def generate_package(tmp_path_factory: pytest.TempPathFactory, spec: Path, package: str) -> tuple[Path, str]:
    """``spec`` generated as ``package`` into a new directory: the directory and the warnings printed."""
    out = tmp_path_factory.mktemp(package)
    result = run_generator("generate", "--spec", spec, "--out", out, "--package", package)
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def user_program_type_checks(directory: Path, package: str, program: str) -> None:
    """A user program of ``package`` (written beside it) and the package pass ``mypy --strict``."""
    (directory / "user_program.py").write_text(textwrap.dedent(program), encoding="utf-8")
    result = mypy_strict(directory, package, "user_program.py")
    assert result.returncode == 0, result.stdout


# After a spec change, what a failing test asks you to update (README: "Updating the spec"); the
# first prefix of the test file's name that matches decides.
UPDATE_AFTER_A_SPEC_CHANGE = (
    ("test_emulator", "the emulator (emulator/app.py binds the generated stubs; emulator/service.py the rules)"),
    ("test_sdk_emulator", "the emulator (emulator/), which the clients are run against here"),
    ("test_contract", "the suite's rules and checks (contract_tests/test_rules.py, contract_tests/checks.py)"),
    ("test_examples", "the tour (examples/tour.py)"),
    ("test_generated_output", "generated/ (make generate) or the templates"),
    ("test_user_paths", "the emulator's test fixture (emulator/testing.py) or the README's examples"),
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        module = item.path.stem
        hint = next((what for prefix, what in UPDATE_AFTER_A_SPEC_CHANGE if module.startswith(prefix)), None)
        if hint is not None:
            report.sections.append(("after a spec change", f"if the spec changed, update {hint}"))
    return report
