"""The one-way pipeline: load → validate → build IR → render → format → write.

No stage imports a later one; each returns values, problems included, and this module alone
decides when to stop. Nothing is written until every stage has succeeded.

For speed the CLI starts a worker process that imports datamodel-code-generator while this one
loads and validates, and the IR is built before validation has finished so the worker can render
the models meanwhile. Nothing built from an invalid spec is used: when validation fails, its
errors are what the user sees, even if building the IR failed too.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .background import Worker
from .build import BuildResult, build_api
from .bundle import Bundle, load_bundled, might_refer_to_other_files
from .encoders import Identifier
from .errors import SpecError, SpecErrors
from .limits import Limits
from .loader import SourceDocument, load_document
from .lock import LOCK_NAME, input_fingerprint, lock_text
from .models import locate_notes, render_models
from .overlay import apply_overlays
from .render import EFFECTIVE_SPEC_NAME, TEMPLATES, TemplateDirs, file_header, render_package
from .validate import validate_parts
from .write import MARKER, MARKER_TEXT, format_tree, remove_tree, scratch_dir_beside, write_tree

__all__ = [
    "EFFECTIVE_SPEC_NAME",
    "Inputs",
    "Outcome",
    "bundle_if_split",
    "fingerprint",
    "load_effective",
    "read_bundle",
    "run",
]


@dataclass(frozen=True)
class Inputs:
    spec: Path
    overlays: tuple[Path, ...] = ()
    out: Path = Path("generated")
    package: str = "api_client"
    template_dirs: TemplateDirs = (TEMPLATES,)  # overrides first (see render.TemplateDirs)
    limits: Limits = field(default_factory=Limits)  # what a spec or overlay may cost to read (--max-*)
    lenient: bool = False  # --lenient: the validator's findings are warnings when the IR can be built
    spec_root: Path | None = None  # --spec-root: the tree the spec's references may read (its directory)
    # where input names start (the configuring pyproject.toml's directory): the same lock and file
    # headers whichever subdirectory the command runs in; None: the working directory
    base: Path | None = None

    def display(self, path: Path) -> str:
        return display_path(path, self.base)


@dataclass
class Outcome:
    scratch: Path | None  # the formatted generation, ready to swap in; None when there are errors
    errors: list[SpecError] = field(default_factory=list)
    warnings: list[SpecError] = field(default_factory=list)
    waived: int = 0  # validator findings --lenient made warnings
    waivable: bool = False  # every error is one --lenient would waive (and the IR could be built)


def fingerprint(inputs: Inputs, bundle: Bundle | None = None) -> dict[str, Any]:
    """What a generation from ``inputs`` is made of, for the lock (paths named as in file headers):
    every file of a spec split over files is an input of its own. ``bundle``: the spec as already
    read, so its files are not read again."""
    spec_files: tuple[Path, ...] = (inputs.spec,)
    if bundle is not None:
        spec_files = bundle.files
    elif might_refer_to_other_files(inputs.spec, inputs.limits):
        with contextlib.suppress(SpecErrors):  # the generation reports it; the lock names the spec alone
            spec_files = read_bundle(inputs).files
    fingerprint = input_fingerprint(spec_files, inputs.overlays, inputs.template_dirs, inputs.display)
    fingerprint["inputs"][f"package {inputs.package}"] = "the Python package's name"
    if inputs.lenient:
        fingerprint["inputs"]["option --lenient"] = "the validator's findings waived"
    return fingerprint


def read_bundle(inputs: Inputs) -> Bundle:
    """The spec with every file it refers to; raises :class:`SpecErrors`. Read once per command:
    the lock and the generation take it as an argument."""
    return load_bundled(inputs.spec, inputs.display, inputs.limits, inputs.spec_root)


def bundle_if_split(inputs: Inputs) -> Bundle | None:
    """The spec read now when it refers to other files (whose list the lock needs before a
    generation), else None: a single file is hashed without being parsed, and parsed once later."""
    if not might_refer_to_other_files(inputs.spec, inputs.limits):
        return None
    try:
        return read_bundle(inputs)
    except SpecErrors:
        return None  # the generation reads it again and reports where it is wrong


def display_path(path: Path, base: Path | None = None) -> str:
    """How generated files and messages name an input: relative to ``base`` (the working directory
    by default) when it is inside it, else by file name alone, so no machine's absolute paths end
    up in generated files."""
    relative = os.path.relpath(path.resolve(), (base or Path.cwd()).resolve())
    return Path(relative).as_posix() if not relative.startswith("..") else path.name


def load_effective(
    inputs: Inputs, skipped: list[SpecError] | None = None, bundle: Bundle | None = None
) -> tuple[SourceDocument, SourceDocument]:
    """The upstream spec and the effective spec; raises :class:`SpecErrors` on unreadable input.
    With ``skipped``, an overlay action that selects nothing is said there instead of stopping."""
    spec = (bundle or read_bundle(inputs)).document
    overlays = [load_document(p, inputs.display(p), inputs.limits) for p in inputs.overlays]
    return spec, apply_overlays(spec, overlays, inputs.limits, skipped)


def run(inputs: Inputs, models_worker: Worker | None = None, bundle: Bundle | None = None) -> Outcome:
    """Everything up to a formatted generation in a scratch directory beside ``inputs.out``.

    ``models_worker``, if given, renders the models (see :mod:`.background`); it is used or
    cancelled before this returns. ``bundle``: the spec as the caller already read it.
    """
    worker = models_worker or Worker(fork=False)
    try:
        return _run(inputs, worker, bundle)
    finally:
        worker.cancel()


def _run(inputs: Inputs, worker: Worker, bundle: Bundle | None) -> Outcome:
    try:
        Identifier(inputs.package)
    except ValueError:
        message = f"--package {inputs.package!r} is not a Python identifier (ASCII letters, digits, _; no keyword)"
        return Outcome(None, [SpecError("<arguments>", 0, "", message)])
    try:
        bundle = bundle or read_bundle(inputs)
        upstream, effective = load_effective(inputs, bundle=bundle)
    except SpecErrors as exc:
        return Outcome(None, exc.errors)
    try:
        built: BuildResult | Exception = build_api(effective, package=inputs.package, source=upstream.display_name)
    except Exception as exc:  # an invalid spec may break the IR; validation will say why
        built = exc
    if isinstance(built, BuildResult) and not built.errors:
        header = file_header(built.api, inputs.template_dirs)
        worker.submit(render_models, built.model_spec, header=header, expected=built.api.model_names)
    hard, waivable = _validate_all([upstream, effective] if inputs.overlays else [upstream], inputs.limits)
    waive = inputs.lenient and not hard and isinstance(built, BuildResult) and not built.errors
    if hard or (waivable and not waive):
        could = not hard and isinstance(built, BuildResult) and not built.errors
        return Outcome(None, sorted(set(hard + waivable)), waivable=could)
    if isinstance(built, Exception):
        raise built
    if built.errors:
        return Outcome(None, built.errors, built.warnings)
    built.warnings[:0] = waivable  # --lenient: each is still said, where it is
    files = render_package(built.api, effective.data, inputs.template_dirs)
    models_source, model_errors, notes = worker.result()
    warnings = [*built.warnings, *(w for w in locate_notes(effective, notes) if w not in built.warnings)]
    if model_errors:
        return Outcome(None, model_errors, warnings, waived=len(waivable))
    files[f"{built.api.package}/models.py"] = models_source
    files[MARKER] = MARKER_TEXT
    scratch = scratch_dir_beside(inputs.out)
    try:
        write_tree(files, scratch)
        format_tree(scratch)
        (scratch / LOCK_NAME).write_text(lock_text(fingerprint(inputs, bundle), scratch), encoding="utf-8")
    except BaseException:
        remove_tree(scratch)
        raise
    return Outcome(scratch, [], warnings, waived=len(waivable))


def _validate_all(documents: list[SourceDocument], limits: Limits) -> tuple[list[SpecError], list[SpecError]]:
    """The problems of every document, once each: those no generation survives, and those
    ``--lenient`` waives (see :func:`.validate.validate_parts`)."""
    hard: list[SpecError] = []
    waivable: list[SpecError] = []
    for document in documents:
        found_hard, found_waivable = validate_parts(document, limits)
        hard += [e for e in found_hard if e not in hard]
        waivable += [e for e in found_waivable if e not in waivable and e not in hard]
    return hard, waivable
