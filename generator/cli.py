"""``python -m generator``: generate, check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .background import Worker
from .pipeline import DEFAULT_OUT, DEFAULT_PACKAGE, DEFAULT_SPEC, Inputs, default_overlays, run
from .write import FormatError, compare_trees, remove_tree, swap_into_place, unsafe_output_reason

EXIT_STALE = 1
EXIT_SPEC_ERRORS = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("generate", "write the package generated from the spec and its overlays"),
        ("check", "exit 1 when the output directory is not what generate would write"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the upstream OpenAPI 3.0 spec")
        command.add_argument(
            "--overlay",
            type=Path,
            action="append",
            help="an Overlay 1.0 document (repeatable; default: spec/overlays/*)",
        )
        command.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory, replaced as a whole")
        command.add_argument("--package", default=DEFAULT_PACKAGE, help="Python package name")
    return parser


def _inputs(args: argparse.Namespace) -> Inputs:
    # the vendored overlays apply to the vendored spec only; another spec gets none unless named
    if args.overlay is not None:
        overlays = tuple(args.overlay)
    elif args.spec.resolve() == DEFAULT_SPEC.resolve():
        overlays = default_overlays()
    else:
        overlays = ()
    return Inputs(spec=args.spec, overlays=overlays, out=args.out, package=args.package)


def main(argv: list[str] | None = None, models_worker: Worker | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit:
        if models_worker is not None:
            models_worker.cancel()
        raise
    inputs = _inputs(args)
    refusal = unsafe_output_reason(inputs.out) if args.command == "generate" else None
    if refusal is not None:
        if models_worker is not None:
            models_worker.cancel()
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    try:
        outcome = run(inputs, models_worker)
    except FormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if outcome.scratch is None:
        for error in outcome.errors:
            print(error, file=sys.stderr)
        print(f"{len(outcome.errors)} problem(s); {inputs.out} left unchanged.", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    if args.command == "check":
        differences = compare_trees(outcome.scratch, inputs.out)
        remove_tree(outcome.scratch)
        if differences:
            print(f"{inputs.out} is stale; run `make generate`:", file=sys.stderr)
            print("\n".join(differences), file=sys.stderr)
            return EXIT_STALE
        print(f"{inputs.out} is up to date.")
        return 0
    swap_into_place(outcome.scratch, inputs.out)
    print(f"generated {inputs.package} in {inputs.out}")
    return 0
