"""Schemathesis's own CLI (`st run`) against the emulator, every check, two teams as peers.

    .venv/bin/python tests/st_emulator.py [--max-time 120]   (or: make st-emulator)

Starts the emulator on a free 127.0.0.1 port with an in-memory database, writes a Web Fuzzing
Commons auth file with the two development tokens (so `object_level_authorization` runs with
team-b trying team-a's objects), runs `st run generated/openapi.json --checks all`, and stops the
emulator. Exits with st's status. Not part of `make test`: it runs for minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEAMS = {"team-a": "dev-token-team-a", "team-b": "dev-token-team-b"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-time", type=int, default=120)
    args = parser.parse_args()
    emulator = subprocess.Popen(
        [sys.executable, "-m", "paperspace_deployments_toolkit.emulator", "--port", "0", "--db", ":memory:"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        url = re.search(r"(http://127\.0\.0\.1:\d+/v1)", emulator.stdout.readline())
        assert url, "the emulator did not say where it listens"
        with tempfile.TemporaryDirectory() as scratch:
            auth = Path(scratch) / "auth.json"
            entries = [
                {"name": team, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
                for team, token in TEAMS.items()
            ]
            auth.write_text(json.dumps({"auth": entries}))
            config = Path(scratch) / "schemathesis.toml"
            config.write_text(f'[auth.wfc]\npath = "{auth}"\npeers = {json.dumps(list(TEAMS))}\n')
            command = [str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run"]
            command += [str(ROOT / "generated" / "openapi.json"), "--url", url.group(1), "--checks", "all"]
            command += ["--max-time", str(args.max_time), "--workers", "2"]
            print("$", " ".join(command), flush=True)
            return subprocess.run(command, cwd=scratch, check=False).returncode
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        if emulator.stdout is not None:
            emulator.stdout.close()


if __name__ == "__main__":
    sys.exit(main())
