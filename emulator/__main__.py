"""``python -m paperspace_deployments_toolkit.emulator``: serve the emulated Deployments API (on 127.0.0.1 unless told otherwise).

Start-up problems (a port in use, a database that cannot be opened, a bad option) are one line
on stderr and exit 1 (2 for a bad option); never a traceback.
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import secrets
import socket
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from .app import DEV_TOKENS, Settings, build_app
from .clock import ClockOutOfRange
from .connections import DEFAULT_HEADER_TIMEOUT, ConnectionLimits, default_max_connections, guarded_protocol

DEFAULT_PORT = 8000
PROG = "deployments-emulator"  # also `python -m paperspace_deployments_toolkit.emulator`
# what a bearer token may hold (RFC 6750's b64token); a token outside it could not be sent
_BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_TEAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_.]{0,62}")


def default_db() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("paperspace-deployments-emulator")) / "emulator.sqlite3"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message} (see --help)\n")


def _token(text: str) -> tuple[str, str]:
    # the token itself is never repeated in a message: it is a secret
    token, sep, team = text.partition("=")
    if not sep or not token or not team:
        raise argparse.ArgumentTypeError("expected TOKEN=TEAM")
    if not _BEARER_TOKEN.fullmatch(token):
        raise argparse.ArgumentTypeError(
            f"the token for team {team[:64]!r} has characters a bearer token cannot carry (letters, digits, -._~+/ only)"
        )
    if not _TEAM.fullmatch(team):
        raise argparse.ArgumentTypeError(f"team {team[:64]!r}: letters, digits, '-', '_' and '.', at most 63")
    return token, team


def _admin_token(text: str) -> str:
    if not _BEARER_TOKEN.fullmatch(text):
        raise argparse.ArgumentTypeError("the admin token has characters a bearer token cannot carry")
    return text


def _positive(kind: type[int] | type[float]) -> argparse._ActionType:
    def convert(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text[:40]!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, got {text[:40]!r}")
        return value

    return convert


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__.split("\n\n")[0])
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
    parser.add_argument(
        "--admin-token",
        type=_admin_token,
        help="require this bearer token on the /_emulator control API (generated when --host is not loopback)",
    )
    parser.add_argument(
        "--header-timeout",
        type=_positive(float),
        default=DEFAULT_HEADER_TIMEOUT,
        help=f"seconds a client has to send a request's headers (default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=_positive(int),
        default=default_max_connections(),
        help="open connections at most; past it the oldest idle one is closed (default: %(default)s, from the file limit)",
    )
    return parser


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _masked(token: str) -> str:
    return token if token in DEV_TOKENS else token[:4] + "…"


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)
    return 1


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before serving so the banner can name the port even when it was 0."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        # listening before the banner: a client that reads it and connects at once waits in the
        # backlog instead of being refused while uvicorn starts
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


@dataclass(frozen=True)
class Plan:
    """What ``main`` serves, decided from the options before anything is opened."""

    settings: Settings
    banner: list[str]  # after the address lines
    loopback: bool


def plan(args: argparse.Namespace) -> Plan:
    tokens = dict(args.token) if args.token else dict(DEV_TOKENS)
    db = args.db or str(default_db())
    loopback = is_loopback(args.host)
    admin_token = args.admin_token
    generated_admin = admin_token is None and not loopback
    if generated_admin:
        admin_token = secrets.token_urlsafe(24)
    settings = Settings(
        db=db,
        tokens=tokens,
        clock=args.clock,
        seed=args.seed,
        admin_token=admin_token,
        # on loopback the API answers only to loopback names (a DNS-rebound web page gets 400)
        allowed_hosts=("127.0.0.1", "localhost", "::1", args.host.strip("[]")) if loopback else None,
    )
    banner = [f"  data:   {db}", f"  clock:  {args.clock}, seed {args.seed}"]
    banner += [f"  token:  {_masked(token)} -> team {team}" for token, team in tokens.items()]
    if not loopback:
        banner.append(
            f"  warning: listening on {args.host}: the API and its control API are reachable from the network"
        )
    if generated_admin:
        # shown once, here: the control API needs it and nothing else shows it
        banner.append(f"  admin:  {admin_token} (generated; send it as a bearer token on /_emulator/*)")
    elif admin_token is not None:
        banner.append(f"  admin:  {_masked(admin_token)} (required on /_emulator/*)")
    return Plan(settings, banner, loopback)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    chosen = plan(args)
    db = chosen.settings.db
    try:
        app = build_app(chosen.settings)
    except (sqlite3.Error, OSError) as exc:
        return _fail(f"cannot open the database {db}: {exc.strerror if isinstance(exc, OSError) else exc}")
    except ClockOutOfRange as exc:
        return _fail(f"the database {db} cannot be served: {exc} (start with another --db, or --clock real)")
    try:
        sock = _listen(args.host, args.port)
    except OSError as exc:
        hint = " (choose another with --port, or 0 for a free one)" if exc.errno in {98, 48, 10048} else ""
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}{hint}")

    import uvicorn

    port = sock.getsockname()[1]
    where = f"[{args.host.strip('[]')}]" if ":" in args.host else args.host
    print(f"Paperspace Deployments emulator on http://{where}:{port}/v1", flush=True)
    print(f"  spec:   http://{where}:{port}/openapi.json", flush=True)
    for line in chosen.banner:
        print(line, flush=True)
    limits = ConnectionLimits(header_timeout=args.header_timeout, max_connections=args.max_connections)
    config = uvicorn.Config(app, log_level="warning", access_log=False, http=guarded_protocol(limits))
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
