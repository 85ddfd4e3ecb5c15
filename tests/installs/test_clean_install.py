"""Generated packages declare what they import: installed into a new virtualenv that has nothing
else (not this project's, not the test run's), each imports, its models included, and so do the
server stubs of one installed with its ``server`` extra.

The packages: the vendored spec's, the OpenAPI 3.1 one (its models use ``EmailStr``, which needs
``email-validator``: ``pydantic[email]``), and the multi-file one (e-mail fields too).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.generator import generate_package
from support.paths import ROOT, SPECS

pytestmark = [pytest.mark.slow, pytest.mark.venv]

IMPORTS = """
import importlib, sys
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    print("imported", module.__name__)
"""


@pytest.fixture(scope="module")
def clean_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("clean") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    return venv / "bin" / "python"


def test_generated_packages_install_and_import_in_a_clean_virtualenv(
    clean_venv: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    shelter, _ = generate_package(tmp_path_factory, SPECS / "openapi31.yaml", "shelter")
    kennel, _ = generate_package(tmp_path_factory, SPECS / "multifile" / "openapi.yaml", "kennel")
    install = [str(clean_venv), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    targets = [str(ROOT / "generated"), f"{shelter}[server]", str(kennel)]
    installed = subprocess.run([*install, *targets], capture_output=True, text=True, check=False, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    modules = ["paperspace_deployments", "paperspace_deployments.models", "shelter", "shelter.models"]
    modules += ["shelter.server", "kennel", "kennel.models"]
    # run from a directory holding nothing importable, so only the installed packages are found
    result = subprocess.run(
        [str(clean_venv), "-c", IMPORTS, *modules],
        cwd=clean_venv.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split("\n")[:-1] == [f"imported {m}" for m in modules]
    email = subprocess.run(
        [str(clean_venv), "-c", "from shelter import models; models.Owner(name='a', email='a@example.com')"],
        cwd=clean_venv.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert email.returncode == 0, email.stderr[-2000:]
