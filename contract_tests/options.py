"""The suite's options, in one table: the ``deployments-contract`` command's flags and pytest's.

Each option is read, highest first, from its flag, its ``CONTRACT_*`` environment variable, the
config file, and its default. The config file is ``deployments-contract.toml`` in the current
directory, or the ``[tool.deployments-contract]`` table of ``./pyproject.toml``, or the file
``--config`` / ``CONTRACT_CONFIG`` names; its keys are the flags without dashes::

    [tool.deployments-contract]
    base-url = "https://api.paperspace.com/v1"
    profile = "full"
    workers = 4

Tokens are never read from a file (one gets committed): a config file naming ``api-token`` or
``other-team-token`` is refused; give them as flags or environment variables.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperspace_deployments_toolkit.contract_tests.target import (
    DEFAULT_MAX_CREATED,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SEED,
    PROFILES,
    WORKERS,
)

CONFIG_FILE = "deployments-contract.toml"
CONFIG_TABLE = "deployments-contract"  # [tool.deployments-contract] in pyproject.toml


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Option:
    flag: str
    help: str
    kind: type = str  # str, int, float or bool (a switch)
    default: Any = None
    choices: tuple[str, ...] = ()
    secret: bool = False  # a token: never from a file

    @property
    def key(self) -> str:
        """Its name in the config file."""
        return self.flag.removeprefix("--")

    @property
    def env(self) -> str:
        return "CONTRACT_" + self.key.upper().replace("-", "_")


OPTIONS = (
    Option("--base-url", "the API's base URL, e.g. https://api.paperspace.com/v1 (default: the embedded emulator)"),
    Option("--api-token", "bearer token of the team under test", secret=True),
    Option("--other-team-token", "a second team's token (the isolation checks)", secret=True),
    Option("--allow-writes", "create and delete deployments on a non-loopback target", kind=bool, default=False),
    Option(
        "--profile",
        "how hard to fuzz: "
        + "; ".join(
            f"{name}: {examples} Hypothesis examples per operation and phase" for name, examples in PROFILES.items()
        )
        + " (default quick)",
        default="quick",
        choices=tuple(sorted(PROFILES)),
    ),
    Option(
        "--seed", f"seed of every generated input (default {DEFAULT_SEED}: runs repeat)", kind=int, default=DEFAULT_SEED
    ),
    Option("--workers", f"Schemathesis's concurrent workers (default {WORKERS['quick']})", kind=int),
    Option(
        "--max-created",
        f"deployments a run may create (default: {DEFAULT_MAX_CREATED} off loopback, no cap on loopback)",
        kind=int,
    ),
    Option("--baseline", "accepted deviations: a Schemathesis baseline file (JSON); its failures do not fail the run"),
    Option("--record-deviations", "add this run's Schemathesis failures to --baseline", kind=bool, default=False),
    Option(
        "--no-shrink",
        "report the first failing input as found, without minimising it: a broken server is told "
        "sooner, its reproductions are longer (Schemathesis's and Hypothesis's shrinking)",
        kind=bool,
        default=False,
    ),
    Option(
        "--max-response-time",
        "seconds an answer may take at most; a slower one fails the run (default: no limit)",
        kind=float,
    ),
    Option(
        "--request-timeout",
        f"seconds to wait for each answer (default {DEFAULT_REQUEST_TIMEOUT:g})",
        kind=float,
        default=DEFAULT_REQUEST_TIMEOUT,
    ),
)


def problem(values: dict[str, Any]) -> str | None:
    """What makes these option values unusable (keys as in the config file), checked before
    anything runs; None when they make sense. The target's own checks (a token a header cannot
    carry, a URL that is not http(s)) are :func:`contract_tests.conftest.target_from_options`'s."""
    from urllib.parse import urlparse

    from paperspace_deployments_toolkit.contract_tests.target import MIN_CREATED

    base_url = values.get("base-url")
    if base_url is not None:
        parts = urlparse(str(base_url))
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            return "--base-url must be an http:// or https:// URL, e.g. https://api.paperspace.com/v1"
        if not values.get("api-token"):
            return "--api-token (or CONTRACT_API_TOKEN) is required with --base-url"
    workers = values.get("workers")
    if workers is not None and not 1 <= workers <= 64:
        return "--workers must be 1 to 64"
    created = values.get("max-created")
    if created and created < MIN_CREATED:
        return f"--max-created must be at least {MIN_CREATED}"
    if created is not None and created < 0:
        return f"--max-created must be at least {MIN_CREATED} (0: the default)"
    timeout = values.get("request-timeout")
    if timeout is not None and timeout <= 0:
        return "--request-timeout must be a positive number of seconds"
    slowest = values.get("max-response-time")
    if slowest is not None and slowest <= 0:
        return "--max-response-time must be a positive number of seconds"
    if values.get("record-deviations") and not values.get("baseline"):
        return "--record-deviations needs --baseline FILE to record into"
    baseline = values.get("baseline")
    if baseline and not values.get("record-deviations") and not Path(str(baseline)).exists():
        return f"--baseline {Path(str(baseline)).resolve()}: no such file"
    return None


def config_path() -> tuple[Path, bool] | None:
    """The config file in use and whether it is a pyproject.toml (then its table is read)."""
    named = os.environ.get("CONTRACT_CONFIG")
    if named:
        return Path(named), Path(named).name == "pyproject.toml"
    if Path(CONFIG_FILE).is_file():
        return Path(CONFIG_FILE), False
    if Path("pyproject.toml").is_file():
        return Path("pyproject.toml"), True
    return None


def read_config() -> dict[str, Any]:
    """The config file's values by option key; :class:`ConfigError` when it cannot be used."""
    found = config_path()
    if found is None:
        return {}
    path, in_pyproject = found
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not TOML: {exc}") from None
    where = f"{path} [tool.{CONFIG_TABLE}]" if in_pyproject else str(path)
    tool = data.get("tool", {}) if in_pyproject else {}
    table = (tool.get(CONFIG_TABLE, {}) if isinstance(tool, dict) else None) if in_pyproject else data
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    by_key = {option.key: option for option in OPTIONS}
    values: dict[str, Any] = {}
    for key, value in table.items():
        option = by_key.get(key)
        if option is None:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(by_key))})")
        if option.secret:
            raise ConfigError(f"{where}: {key} may not be in a file; pass --{key} or set {option.env}")
        if not _fits(option, value):
            raise ConfigError(f"{where}: {key} must be {_kind_name(option)}, not {value!r}")
        # a file named in the config is where the config says, wherever the suite is started
        values[key] = str(path.parent / value) if key == "baseline" else value
    return values


def default_of(option: Option, config: dict[str, Any]) -> Any:
    """What ``option`` is when no flag gives it: its environment variable, the config, its default
    (text from the environment is converted by the parser, which refuses what does not fit)."""
    from_env = os.environ.get(option.env) or None
    if from_env is not None:
        return _truthy(from_env) if option.kind is bool else from_env
    if option.key in config:
        return config[option.key]
    return option.default


def as_environment(option: Option, value: Any) -> str | None:
    """``value`` as its ``CONTRACT_*`` variable holds it; None to leave the variable unset."""
    if value is None or value is False:
        return None
    return "1" if value is True else str(value)


def _truthy(text: str) -> bool:
    return text.strip().lower() not in {"", "0", "false", "no", "off"}


def _fits(option: Option, value: Any) -> bool:
    if option.kind is bool:
        return isinstance(value, bool)
    if option.kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if not isinstance(value, option.kind) or isinstance(value, bool):
        return False
    return not option.choices or value in option.choices


def _kind_name(option: Option) -> str:
    if option.choices:
        return "one of " + ", ".join(option.choices)
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}[option.kind]
