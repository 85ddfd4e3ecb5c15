"""``deployments-generator``: generate the SDK and stubs from the spec, check, diff.

Defaults for ``--spec``, ``--overlay``, ``--out``, ``--package`` and ``--templates`` come from
``[tool.deployments-generator]`` of the nearest ``pyproject.toml`` (see :mod:`.config`)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import traceback
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from .background import Worker
from .bundle import Bundle
from .config import CONFIG_TABLE, ConfigError, Defaults, read_defaults
from .diff import diff_specs, render_json, render_text, suggested_bump
from .encoders import comment
from .errors import SpecError, SpecErrors
from .limits import add_limit_options, limits_from
from .lock import LOCK_NAME, changed_inputs, edited_outputs, read_lock
from .pipeline import EFFECTIVE_SPEC_NAME, Inputs, bundle_if_split, fingerprint, load_effective, run
from .render import TEMPLATES, TemplateError
from .revision import spec_at_revision
from .write import (
    FormatError,
    compare_trees,
    real_output_path,
    remove_tree,
    swap_into_place,
    unsafe_output_reason,
)

EXIT_STALE = 1
EXIT_SPEC_ERRORS = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deployments-generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    diff = commands.add_parser(
        "diff", help="every change to the API surface from OLD to NEW, breaking or not (exit 1 if any is breaking)"
    )
    diff.add_argument(
        "old", type=Path, help="the older upstream spec: a file, or a git revision (NEW's files at that revision)"
    )
    diff.add_argument("new", type=Path, help="the newer upstream spec")
    diff.add_argument(
        "--overlay",
        type=Path,
        action="append",
        help=f"an overlay applied to both (repeatable; default: the overlays of [tool.{CONFIG_TABLE}])",
    )
    diff.add_argument("--no-overlays", action="store_true", help="compare the specs as they are")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    add_limit_options(diff)
    for name, help_text in (
        ("generate", "write the package generated from the spec and its overlays"),
        ("check", "exit 1 when the output directory is not what generate would write"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument(
            "--spec",
            type=Path,
            help="the upstream OpenAPI 3.0 or 3.1 spec (YAML or JSON; it may refer to files beside it); "
            f"default: spec of [tool.{CONFIG_TABLE}] in pyproject.toml",
        )
        command.add_argument(
            "--overlay",
            type=Path,
            action="append",
            help=f"an Overlay 1.0 document (repeatable; default: the overlays of [tool.{CONFIG_TABLE}], "
            "which apply to its own spec only)",
        )
        command.add_argument(
            "--out", type=Path, help=f"output directory, replaced as a whole (default: out of [tool.{CONFIG_TABLE}])"
        )
        command.add_argument("--package", help=f"Python package name (default: package of [tool.{CONFIG_TABLE}])")
        command.add_argument(
            "--templates",
            type=Path,
            action="append",
            help="a directory of template overrides, laid out like templates/ (package/*.jinja, runtime/*.py); "
            f"repeatable, searched in order before the toolkit's own (default: templates of [tool.{CONFIG_TABLE}])",
        )
        command.add_argument(
            "--spec-root",
            type=Path,
            help="the directory tree the spec's references to other files may read (default: the spec's "
            "directory); for a layout such as reference/openapi.yaml referring to ../models/",
        )
        command.add_argument(
            "--lenient",
            action="store_true",
            help="generate a spec the validator finds invalid, when the generator can still read it: each of "
            "the validator's findings is a warning, and the summary says how many were waived (dangling or "
            "cyclic references and the size limits still stop the run)",
        )
        add_limit_options(command)
    commands.choices["generate"].add_argument(
        "--force", action="store_true", help="regenerate even when the lock says nothing changed"
    )
    for command in commands.choices.values():
        command.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    return parser


class UsageError(Exception):
    """Something the command needs was given neither as a flag nor in the configuration."""


def _missing(flag: str, key: str, defaults: Defaults) -> UsageError:
    if not defaults.source:
        return UsageError(f"no {flag} given, and no pyproject.toml from here up has a [tool.{CONFIG_TABLE}] table")
    return UsageError(f"no {flag} given, and {defaults.source} sets no {key}")


def _inputs(args: argparse.Namespace, defaults: Defaults) -> Inputs:
    spec = args.spec or defaults.spec
    if spec is None:
        raise _missing("--spec", "spec", defaults)
    out, package = args.out or defaults.out, args.package or defaults.package
    if out is None:
        raise _missing("--out", "out", defaults)
    if package is None:
        raise _missing("--package", "package", defaults)
    # the configured overlays apply to the configured spec only; another spec gets none unless named
    if args.overlay is not None:
        overlays = tuple(args.overlay)
    elif defaults.spec is not None and spec.resolve() == defaults.spec.resolve():
        overlays = defaults.overlays
    else:
        overlays = ()
    templates = args.templates if args.templates is not None else list(defaults.templates)
    for directory in templates:
        if not (directory / "package").is_dir() and not (directory / "runtime").is_dir():
            raise UsageError(f"--templates {directory}: no package/ or runtime/ directory in it")
    return Inputs(
        spec=spec,
        overlays=overlays,
        out=out,
        package=package,
        template_dirs=(*templates, TEMPLATES),
        limits=limits_from(args),
        lenient=args.lenient,
        spec_root=args.spec_root,
        base=defaults.root,
    )


EXIT_BUG = 70  # sysexits' EX_SOFTWARE: the generator failed, not the spec


def main(argv: list[str] | None = None, models_worker: Worker | None = None) -> int:
    """The command line; never a traceback: a problem in the input is exit 2 with its location,
    and an unexpected exception (a bug) is one line asking for a report (the traceback with --debug)."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        with _cancelled_at_exit(models_worker):
            return _main(argv, models_worker)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(
            f"internal error: {comment(f'{type(exc).__name__}: {exc}')[:500]}\n"
            "This is a bug in the generator, not a problem in your spec: please report it with the output of "
            "the same command run with --debug.",
            file=sys.stderr,
        )
        return EXIT_BUG


@contextlib.contextmanager
def _cancelled_at_exit(worker: Worker | None) -> Iterator[None]:
    """The models worker is stopped however the command ends (its answer may not be wanted)."""
    try:
        yield
    finally:
        if worker is not None:
            worker.cancel()


def _main(argv: list[str] | None, models_worker: Worker | None) -> int:
    args = _parser().parse_args(argv)
    try:
        defaults = read_defaults()
        if args.command == "diff":
            return _diff(args, defaults)
        inputs = _inputs(args, defaults)
    except (ConfigError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    refusal = unsafe_output_reason(inputs.out) if args.command == "generate" else None
    if refusal is not None:
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    inputs = replace(inputs, out=real_output_path(inputs.out))
    bundle = bundle_if_split(inputs)  # read once: the lock's check and the generation share it
    stale_because = _stale_because(inputs, bundle)
    if args.command == "generate" and stale_because == [] and not args.force:
        print(f"{inputs.out} is up to date: no input changed since the last generation ({LOCK_NAME}).")
        return 0
    if args.command == "check" and stale_because:
        print(f"{inputs.out} is stale; run `deployments-generator generate`:", file=sys.stderr)
        print("\n".join(stale_because), file=sys.stderr)
        return EXIT_STALE
    try:
        outcome = run(inputs, models_worker, bundle)
    except (FormatError, TemplateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if outcome.scratch is None:
        for error in outcome.errors:
            print(error, file=sys.stderr)
        print(f"{len(outcome.errors)} problem(s); {inputs.out} left unchanged.", file=sys.stderr)
        if outcome.waivable:
            print(
                "each is a finding of the validator: --lenient generates the spec anyway, each a warning",
                file=sys.stderr,
            )
        return EXIT_SPEC_ERRORS
    try:
        return _finish(args.command, inputs, outcome.scratch, outcome.waived)
    finally:
        remove_tree(outcome.scratch)  # gone already when it was swapped in


def _finish(command: str, inputs: Inputs, scratch: Path, waived: int = 0) -> int:
    """``check``: compare the fresh generation with the output; ``generate``: swap it in."""
    if command == "check":
        differences = compare_trees(scratch, inputs.out)
        if differences:
            print(f"{inputs.out} is stale; run `deployments-generator generate`:", file=sys.stderr)
            print("\n".join(differences), file=sys.stderr)
            return EXIT_STALE
        print(f"{inputs.out} is up to date.")
        return 0
    summary = _changes_since_last_generation(inputs.out, scratch)
    swap_into_place(scratch, inputs.out)
    print(f"generated {inputs.package} in {inputs.out}")
    if waived:
        print(f"{waived} problem(s) the validator found were waived by --lenient (each is a warning above)")
    if summary:
        print(summary)
    return 0


def _stale_because(inputs: Inputs, bundle: Bundle | None) -> list[str] | None:
    """Why the output is stale by its lock (empty: it is not), or None without a lock to go by."""
    lock = read_lock(inputs.out)
    if lock is None:
        return None
    return changed_inputs(lock, fingerprint(inputs, bundle)) + edited_outputs(lock, inputs.out)


def _diff(args: argparse.Namespace, defaults: Defaults) -> int:
    overlays = () if args.no_overlays else tuple(args.overlay or defaults.overlays)
    with contextlib.ExitStack() as stack:
        try:
            limits = limits_from(args)
            old = args.old if args.old.exists() else stack.enter_context(spec_at_revision(str(args.old), args.new))
            specs = []
            # an overlay written for the newer spec may not fit the older: what it lacks is skipped
            skipped: list[SpecError] = []
            try:
                specs.append(load_effective(Inputs(spec=old, overlays=overlays, limits=limits), skipped)[1].data)
            except SpecErrors as exc:
                raise SpecErrors([replace(e, message=f"{e.message} (in the old spec)") for e in exc.errors]) from None
            for action in skipped:
                print(f"{action} (while reading the old spec)", file=sys.stderr)
            specs.append(load_effective(Inputs(spec=args.new, overlays=overlays, limits=limits))[1].data)
        except SpecErrors as exc:
            for error in exc.errors:
                print(error, file=sys.stderr)
            return EXIT_SPEC_ERRORS
    changes = diff_specs(*specs)
    print(render_json(changes) if args.format == "json" else render_text(changes))
    return EXIT_STALE if any(c.breaking for c in changes) else 0


def _changes_since_last_generation(out: Path, scratch: Path) -> str:
    """What changed in the API since ``out`` was generated, and the version bump it suggests."""
    previous, current = out / EFFECTIVE_SPEC_NAME, scratch / EFFECTIVE_SPEC_NAME
    if not previous.is_file() or not current.is_file():
        return ""
    old, new = (json.loads(path.read_text(encoding="utf-8")) for path in (previous, current))
    changes = diff_specs(old, new)
    if not changes:
        return "API surface unchanged since the last generation."
    version = str((new.get("x-client") or {}).get("packageVersion", "0.1.0"))
    bump, suggested = suggested_bump(changes, version)
    return (
        f"API changes since the last generation:\n{render_text(changes)}\n"
        f"suggested version bump: {bump} ({version} -> {suggested}; set x-client.packageVersion in an overlay)"
    )
