"""Wall time of a full generation against openapi-python-client on the same spec (a benchmark,
never a test). Each tool runs as a cold process, interleaved, several times; medians and ranges.

    .venv/bin/python bench/generate_speed.py [--runs 8]

The peer is installed into bench/.peers/ (ignored by git), never made a project dependency.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "paperspace-deployments-api-openapi.yml"
PEERS = ROOT / "bench" / ".peers"
PEER_VERSION = "0.29.1"


def peer_executable() -> Path:
    venv = PEERS / f"openapi-python-client-{PEER_VERSION}"
    exe = venv / "bin" / "openapi-python-client"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"openapi-python-client=={PEER_VERSION}"], check=True)
    return exe


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    runs = parser.parse_args().runs
    peer = peer_executable()
    ours: list[float] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        for _ in range(runs):
            ours.append(timed([sys.executable, "-m", "generator", "generate", "--out", str(out / "ours")], ROOT))
            shutil.rmtree(out / "peer", ignore_errors=True)
            peer_command = [str(peer), "generate", "--path", str(SPEC), "--output-path", str(out / "peer")]
            theirs.append(timed(peer_command, ROOT))
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, runs: {runs}"
    )
    print("| tool | median s | min-max s |")
    print("| --- | --- | --- |")
    for name, values in (("make generate (ours: validate + models + clients + stubs)", ours),
                         (f"openapi-python-client {PEER_VERSION} (client only)", theirs)):  # fmt: skip
        print(f"| {name} | {statistics.median(values):.2f} | {min(values):.2f}-{max(values):.2f} |")
    print(f"ratio ours / peer (medians): {statistics.median(ours) / statistics.median(theirs):.2f}")


if __name__ == "__main__":
    main()
