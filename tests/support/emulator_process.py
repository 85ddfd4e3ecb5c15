"""The emulator as a process of its own on 127.0.0.1, started the way users start it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support.paths import ROOT


@contextmanager
def emulator_process(db: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m paperspace_deployments_toolkit.emulator`` on a free port; yields the process and its API base URL."""
    command = [
        sys.executable,
        "-m",
        "paperspace_deployments_toolkit.emulator",
        "--port",
        "0",
        "--db",
        str(db),
        "--clock",
        "manual",
        *extra,
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()  # printed once the socket is bound
            found = re.search(r"on (http://127\.0\.0\.1:\d+/v1)", banner)
            assert found, f"no address in {banner!r}"
            yield process, found.group(1)
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=10)
