"""Render: the IR and the effective spec → the text of every generated file (not yet formatted)."""

from __future__ import annotations

import functools
import json
import traceback
from pathlib import Path
from typing import Any

from . import encoders
from .encoders import RawSpecTextError, SpecText, py_literal
from .ir import CLIENT_FLAVORS, Api

# The toolkit's templates are package data beside this package (templates/package: Jinja;
# templates/runtime: modules copied as they are), found from where this package's files are, never by
# the name it was imported under: one way in a wheel (the build's source mapping) and in a clone (the
# namespace's link, or a virtualenv made before the namespace that imports the folder by its own name).
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EFFECTIVE_SPEC_NAME = "openapi.json"  # the effective spec, at the output's root (what `diff` compares)
# hand-owned runtime modules, copied into every package as they are. The client's runtime is split
# by concern, as Stainless SDKs split theirs; listed in import order (a module imports only modules
# listed before it, so there is no cycle), and the server's runtime takes only _encoding of it
RUNTIME_MODULES = (
    "errors.py",
    "_enums.py",
    "_types.py",
    "_encoding.py",
    "_response.py",
    "_pagination.py",
    "_waiters.py",
    "_base_client.py",
    "_server_base.py",
)
# package template → output path; "{package}" is the package directory
PACKAGE_TEMPLATES = {
    "pyproject.toml.jinja": "pyproject.toml",
    "README.md.jinja": "README.md",
    "__init__.py.jinja": "{package}/__init__.py",
    "_version.py.jinja": "{package}/_version.py",
    "_client.py.jinja": "{package}/_client.py",
    "server.py.jinja": "{package}/server.py",
    "py.typed.jinja": "{package}/py.typed",
}


TemplateDirs = tuple[Path, ...]  # searched in order: a user's overrides first, TEMPLATES last


@functools.lru_cache(maxsize=8)  # compiling the templates is most of rendering; one per run is enough
def _environment(template_dirs: TemplateDirs) -> Any:
    import jinja2

    env = jinja2.Environment(
        # a user's directory may hold any of the templates (or macros.jinja); the rest come from ours
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(d / "package") for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Python and TOML, not HTML: each place has its own encoder below
        finalize=_printable,
    )
    env.filters.update(ENCODERS)
    return env


def py_string_or_literal(value: Any) -> str:
    """The ``py`` filter: a Python literal of spec text, a string, a number or None."""
    return py_literal(value.value if isinstance(value, SpecText) else value)


# the only ways spec text gets into a generated file (see generator/encoders.py)
ENCODERS = {
    "py": py_string_or_literal,
    "doc": encoders.docstring,
    "comment": encoders.comment,
    "toml": encoders.toml_string,
    "md": encoders.markdown_text,
    "md_code": encoders.markdown_code,
    "html_comment": encoders.html_comment,
}


def _printable(value: Any) -> Any:
    """What ``{{ ... }}`` may print: strings the generator made (names, code, encoders' output,
    the template's own text) and numbers. Spec text must name its encoder; anything else (None,
    a list) would print its ``repr`` by accident."""
    if isinstance(value, SpecText):
        str(value)  # raises RawSpecTextError, naming the filters
    if not isinstance(value, str | int):
        raise RawSpecTextError(f"a template printed a {type(value).__name__} ({value!r}); print strings only")
    return value


class TemplateError(Exception):
    """A template failed: its message names the template file and line."""


def _render(env: Any, template_name: str, **context: Any) -> str:
    import jinja2

    try:
        return str(env.get_template(template_name).render(**context))
    except (jinja2.TemplateError, RawSpecTextError, TypeError, ValueError) as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".jinja")]
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else template_name
        raise TemplateError(f"{where}: {type(exc).__name__}: {exc}") from None


def render_package(
    api: Api, effective_spec: dict[str, Any], template_dirs: TemplateDirs = (TEMPLATES,)
) -> dict[str, str]:
    """Output-relative path → content of every file but the models module (see :mod:`.models`).

    Every package template is rendered with the same context: ``api`` (:class:`generator.ir.Api`)
    and ``flavors`` (the sync and async :class:`generator.ir.ClientFlavor`).
    """
    env = _environment(template_dirs)
    files: dict[str, str] = {}
    for template_name, target in PACKAGE_TEMPLATES.items():
        text = _render(env, template_name, api=api, flavors=CLIENT_FLAVORS)
        files[target.format(package=api.package)] = text
    header = file_header(api, template_dirs)
    for module in RUNTIME_MODULES:
        source = next(d / "runtime" / module for d in (*template_dirs, TEMPLATES) if (d / "runtime" / module).is_file())
        runtime = source.read_text(encoding="utf-8")
        files[f"{api.package}/{module}"] = (
            f"{header.rstrip()}\n# (hand-owned runtime: templates/runtime/{module})\n{runtime}"
        )
    spec_json = json.dumps(effective_spec, indent=2, ensure_ascii=False) + "\n"
    files[EFFECTIVE_SPEC_NAME] = spec_json
    files[f"{api.package}/openapi.json"] = spec_json
    return files


def file_header(api: Api, template_dirs: TemplateDirs = (TEMPLATES,)) -> str:
    return str(_environment(template_dirs).get_template("macros.jinja").module.header(api)).strip()
