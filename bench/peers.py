"""The tools we measure ourselves against, installed on demand into ``bench/.peers/`` (ignored by
git), never made dependencies of the project. Each peer gets a virtualenv of its own; a marker
file written after a successful install tells a complete one from one a killed run left behind.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / ".peers"
OPENAPI_PYTHON_CLIENT = "openapi-python-client==0.29.1"
DATAMODEL_CODE_GENERATOR = "datamodel-code-generator==0.89.0"
_MARKER = ".installed"


def python_with(*requirements: str, name: str | None = None) -> Path:
    """The Python of a virtualenv holding ``requirements`` (installed now if they are not yet),
    named ``name`` or after the first requirement."""
    venv = PEERS / (name or requirements[0].replace("==", "-"))
    python = venv / "bin" / "python"
    wanted = "\n".join(requirements) + "\n"
    marker = venv / _MARKER
    PEERS.mkdir(parents=True, exist_ok=True)
    # one builder at a time: test workers running in parallel ask for the same peer
    with (PEERS / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists() or marker.read_text() != wanted:
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([*pip_install(python), *requirements], check=True)
            marker.write_text(wanted)
    return python


def pip_install(python: Path) -> list[str]:
    return [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]


def peer_command(requirement: str, executable: str) -> list[str]:
    """The command line of ``executable`` from the virtualenv of ``requirement``."""
    return [str(python_with(requirement).parent / executable)]


def with_our_tools_on_path() -> dict[str, str]:
    """The environment for a peer run: our virtualenv's ``ruff`` on PATH, so openapi-python-client
    formats its output as it is meant to (and as we format ours)."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def generate_with_openapi_python_client(spec: Path, out: Path) -> Path:
    """Generate a client package from ``spec`` into ``out``; the package's directory."""
    command = peer_command(OPENAPI_PYTHON_CLIENT, "openapi-python-client")
    command += ["generate", "--path", str(spec), "--output-path", str(out), "--overwrite"]
    subprocess.run(command, check=True, capture_output=True, env=with_our_tools_on_path())
    packages = [p for p in out.iterdir() if (p / "client.py").exists()]
    assert len(packages) == 1, f"openapi-python-client wrote {packages}"
    return packages[0]
