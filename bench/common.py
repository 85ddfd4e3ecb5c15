"""What the benchmarks share: the machine's description and a served emulator."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "dev-token-team-a"


def machine() -> str:
    cpus = len(os.sched_getaffinity(0))
    return f"{platform.machine()}, {cpus} CPUs, {platform.python_implementation()} {platform.python_version()}"


@contextmanager
def served_emulator(*extra: str, cpu: int | None = None) -> Iterator[str]:
    """``python -m paperspace_deployments_toolkit.emulator`` on a free port of 127.0.0.1 with a database in memory (on one CPU
    if ``cpu`` is given); its API URL."""
    command = [
        sys.executable,
        "-m",
        "paperspace_deployments_toolkit.emulator",
        "--port",
        "0",
        "--db",
        ":memory:",
        *extra,
    ]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()  # printed once the socket listens
            found = re.search(r"on (http://127\.0\.0\.1:\d+/v1)", banner)
            if not found:
                raise SystemExit(f"the emulator did not start: {banner!r}")
            yield found.group(1)
        finally:
            process.terminate()
            process.wait(timeout=10)
