"""Render: the IR and the effective spec → the text of every generated file (not yet formatted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .ir import CLIENT_FLAVORS, Api

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EFFECTIVE_SPEC_NAME = "openapi.json"  # the effective spec, at the output's root (what `diff` compares)
# hand-owned runtime modules, copied into every package as they are
RUNTIME_MODULES = ("_base_client.py", "_enums.py", "_server_base.py", "errors.py")
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


TemplateDirs = tuple[Path, ...]  # searched in order: a user's overrides first, the project's templates last


def _environment(template_dirs: TemplateDirs) -> Any:
    import jinja2

    env = jinja2.Environment(
        # a user's directory may hold any of the templates (or macros.jinja); the rest come from ours
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(d / "package") for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Python and TOML, not HTML
    )
    # text from the spec goes into Python and TOML source only through these
    env.filters["py"] = repr  # a Python string literal
    env.filters["toml"] = json.dumps  # a TOML basic string (JSON's escapes are TOML's)
    env.filters["doc"] = docstring_safe  # text inside a triple-quoted docstring
    return env


def docstring_safe(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


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
        text = env.get_template(template_name).render(api=api, flavors=CLIENT_FLAVORS)
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
