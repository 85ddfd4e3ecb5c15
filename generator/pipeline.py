"""The one-way pipeline: load → validate → build IR → render → format → write.

No stage imports a later one; each returns values, problems included, and this module alone
decides when to stop. Nothing is written until every stage has succeeded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .build import build_api
from .errors import SpecError, SpecErrors
from .loader import SourceDocument, load_document
from .overlay import apply_overlays
from .render import TEMPLATES, render_package
from .validate import validate_document
from .write import format_tree, scratch_dir_beside, write_tree

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "spec" / "paperspace-deployments-api-openapi.yml"
DEFAULT_OVERLAY_DIR = ROOT / "spec" / "overlays"
DEFAULT_OUT = ROOT / "generated"
DEFAULT_PACKAGE = "paperspace_deployments"


@dataclass(frozen=True)
class Inputs:
    spec: Path = DEFAULT_SPEC
    overlays: tuple[Path, ...] = ()
    out: Path = DEFAULT_OUT
    package: str = DEFAULT_PACKAGE
    template_dir: Path = TEMPLATES


@dataclass
class Outcome:
    scratch: Path | None  # the formatted generation, ready to swap in; None when there are errors
    errors: list[SpecError] = field(default_factory=list)
    warnings: list[SpecError] = field(default_factory=list)


def default_overlays() -> tuple[Path, ...]:
    return tuple(sorted(DEFAULT_OVERLAY_DIR.glob("*.y*ml")))


def display_path(path: Path, out: Path) -> str:
    """How generated files and messages name an input: relative to the output's parent when possible."""
    try:
        return Path(os.path.relpath(path.resolve(), out.resolve().parent)).as_posix()
    except ValueError:  # another drive
        return path.name


def load_effective(inputs: Inputs) -> tuple[SourceDocument, SourceDocument]:
    """The upstream spec and the effective spec; raises :class:`SpecErrors` on unreadable input."""
    spec = load_document(inputs.spec, display_path(inputs.spec, inputs.out))
    overlays = [load_document(p, display_path(p, inputs.out)) for p in inputs.overlays]
    return spec, apply_overlays(spec, overlays)


def run(inputs: Inputs) -> Outcome:
    """Everything up to a formatted generation in a scratch directory beside ``inputs.out``."""
    if not inputs.package.isidentifier():
        return Outcome(
            None, [SpecError("<arguments>", 0, "", f"--package {inputs.package!r} is not a Python identifier")]
        )
    try:
        upstream, effective = load_effective(inputs)
    except SpecErrors as exc:
        return Outcome(None, exc.errors)
    errors = validate_document(upstream)
    if inputs.overlays:
        errors += [e for e in validate_document(effective) if e not in errors]
    if errors:
        return Outcome(None, errors)
    built = build_api(effective, package=inputs.package, source=upstream.display_name)
    if built.errors:
        return Outcome(None, built.errors, built.warnings)
    rendered = render_package(built.api, effective.data, built.model_spec, inputs.template_dir)
    if rendered.errors:
        return Outcome(None, rendered.errors, built.warnings)
    scratch = scratch_dir_beside(inputs.out)
    write_tree(rendered.files, scratch)
    format_tree(scratch)
    return Outcome(scratch, [], built.warnings)
