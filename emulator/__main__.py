"""``python -m emulator``: serve the emulated Deployments API on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .app import DEV_TOKENS, Settings, build_app

DEFAULT_PORT = 8000


def default_db() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("paperspace-deployments-emulator")) / "emulator.sqlite3"


def _token(text: str) -> tuple[str, str]:
    token, sep, team = text.partition("=")
    if not sep or not token or not team:
        raise argparse.ArgumentTypeError(f"expected TOKEN=TEAM, got {text!r}")
    return token, team


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)"
    )
    parser.add_argument("--db", help="SQLite file, or :memory: to keep nothing (default: the per-user data directory)")
    parser.add_argument(
        "--token",
        type=_token,
        action="append",
        metavar="TOKEN=TEAM",
        help="accept TOKEN for TEAM (repeatable; default: two dev tokens)",
    )
    parser.add_argument(
        "--clock", choices=("real", "manual"), default="real", help="real time, or a clock moved by the control API"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of ids, metrics and container output (default 0)")
    parser.add_argument("--admin-token", help="require this bearer token on the /_emulator control API")
    return parser


def _masked(token: str) -> str:
    return token if token in DEV_TOKENS else token[:4] + "…"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    tokens = dict(args.token) if args.token else dict(DEV_TOKENS)
    db = args.db or str(default_db())
    settings = Settings(db=db, tokens=tokens, clock=args.clock, seed=args.seed, admin_token=args.admin_token)
    app = build_app(settings)

    import socket

    import uvicorn

    # bound here, before serving, so the banner can name the port even when it was 0
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    # listening before the banner: a client that reads it and connects at once waits in the
    # backlog instead of being refused while uvicorn starts
    sock.listen(2048)
    port = sock.getsockname()[1]
    print(f"Paperspace Deployments emulator on http://{args.host}:{port}/v1", flush=True)
    print(f"  spec:   http://{args.host}:{port}/openapi.json", flush=True)
    print(f"  data:   {db}", flush=True)
    print(f"  clock:  {args.clock}, seed {args.seed}", flush=True)
    for token, team in tokens.items():
        print(f"  token:  {_masked(token)} -> team {team}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
