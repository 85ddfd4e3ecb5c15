"""Render the models module with datamodel-code-generator, configured once for every spec."""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
import warnings
from dataclasses import dataclass
from typing import Any

from .encoders import docstring
from .errors import SpecError, to_pointer
from .loader import Path_, SourceDocument
from .naming import BUILTIN_CLASS_NAMES, unique
from .openapi import schema_nodes

# Choices, each for a user-visible reason:
# - snake_case attributes with the wire's camelCase as aliases, constructible by either name;
# - extra="allow": fields a newer server adds are kept, not dropped or rejected;
# - plain datetime rather than AwareDatetime: a server that omits the offset is not an error;
# - no timestamp and no formatter here: the pipeline formats everything once, with ruff.
_OPTIONS: dict[str, Any] = {
    "snake_case_field": True,
    "allow_population_by_field_name": True,
    "allow_extra_fields": True,
    "disable_timestamp": True,
    "use_schema_description": True,
    "use_field_description": True,
    "field_constraints": True,
    "use_annotated": True,
    "use_double_quotes": True,
    "keep_model_order": True,
    "output_datetime_class": "datetime",
    "set_default_enum_member": True,  # an enum default is a member, as mypy --strict requires
    "formatters": [],
}


@dataclass(frozen=True)
class ModelNote:
    """Something datamodel-code-generator decided that the user should hear of, located later
    (:func:`locate_notes`) in the spec the user wrote: an unknown ``format`` of a ``type``, or
    properties whose Python names collided (``fooBar`` and ``foo_bar``) and what they became."""

    kind: str  # "format" or "fields"
    subject: tuple[str, ...]  # (format, type) or the wire names of the colliding properties
    message: str


def render_models(
    model_spec: dict[str, Any], *, header: str, expected: tuple[str, ...]
) -> tuple[str, list[SpecError], list[ModelNote]]:
    """The models module's source, a problem for every expected class it lacks, and notes."""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import PythonVersion

    if not model_spec.get("components", {}).get("schemas"):
        return f"{header}\n", [], []  # nothing to model; datamodel-code-generator refuses empty input
    try:
        with warnings.catch_warnings(record=True) as caught:  # its warnings name no place: see notes
            warnings.simplefilter("always")
            source = generate(
                json.dumps(model_spec),
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                custom_file_header=header,
                **_OPTIONS,
            )
    except Exception as exc:  # its errors name no location; say which stage failed
        return (
            "",
            [SpecError("<datamodel-code-generator>", 0, "/components/schemas", f"cannot render the models: {exc}")],
            [],
        )
    assert isinstance(source, str)  # one module in, one module out
    source = invented_roots_as_aliases(enum_members_not_shadowing(without_builtin_shadows(source)), set(expected))
    source = add_missing_docstrings(open_enums(enums_before_use(source)))
    undeclared = not_declarations(source)
    if undeclared:
        where = "/components/schemas"
        return (
            "",
            [SpecError("<datamodel-code-generator>", 0, where, f"refused the models module: {p}") for p in undeclared],
            [],
        )
    defined = set(re.findall(r"^class (\w+)\(", source, flags=re.MULTILINE))
    missing = [
        SpecError("<generator>", 0, f"/components/schemas/{name}", f"datamodel-code-generator wrote no class {name!r}")
        for name in expected
        if name not in defined
    ]
    return source, missing, _format_notes(caught) + _field_notes(source)


_UNKNOWN_FORMAT = re.compile(r"format of '(.*)' not understood for '(\w+)'")


def _format_notes(caught: list[warnings.WarningMessage]) -> list[ModelNote]:
    notes: dict[tuple[str, ...], ModelNote] = {}
    for warning in caught:
        found = _UNKNOWN_FORMAT.search(str(warning.message))
        if found is not None:
            subject = (found[1], found[2])
            message = (
                f"format {found[1]!r} of a {found[2]} is not one the models know; it is read as a plain {found[2]}"
            )
            notes.setdefault(subject, ModelNote("format", subject, message))
    return list(notes.values())


def _field_notes(source: str) -> list[ModelNote]:
    """Properties of one model whose Python names collided: datamodel-code-generator gave the later
    ones a suffix (``foo_bar_1``); each keeps its wire name as its alias, so both are read and sent."""
    notes = []
    for cls in (node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)):
        wire: dict[str, str] = {}
        for statement in cls.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                field = statement.target.id
                aliases = [
                    kw.value.value
                    for node in ast.walk(statement)
                    if isinstance(node, ast.Call)
                    for kw in node.keywords
                    if kw.arg == "alias" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)
                ]
                wire[field] = aliases[0] if aliases else field
        for field, name in wire.items():
            base = re.sub(r"_\d+$", "", field)
            if base != field and base in wire and wire[base] != name:
                subject = (wire[base], name)
                message = (
                    f"properties {wire[base]!r} and {name!r} of `{cls.name}` both make the Python name "
                    f"{base!r}: the second is `{field}` (each keeps its wire name)"
                )
                notes.append(ModelNote("fields", subject, message))
    return notes


def locate_notes(doc: SourceDocument, notes: list[ModelNote]) -> list[SpecError]:
    """Each note as a warning at every place of the spec it is about: the schemas with that format
    and type, or holding those properties."""
    found: list[SpecError] = []
    for path, node in schema_nodes(doc.data) if isinstance(doc.data, dict) else ():
        for note in notes:
            if note.kind == "format" and node.get("format") == note.subject[0] and _has_type(node, note.subject[1]):
                at: Path_ = (*path, "format")
            elif (
                note.kind == "fields"
                and isinstance(node.get("properties"), dict)
                and all(name in node["properties"] for name in note.subject)
            ):
                at = (*path, "properties", note.subject[1])
            else:
                continue
            file, line = doc.origin.locate(at)
            found.append(SpecError(file, line, to_pointer(at), note.message))
    return sorted(set(found))


def _has_type(schema: dict[str, Any], kind: str) -> bool:
    declared = schema.get("type")
    return declared == kind or (isinstance(declared, list) and kind in declared)


def without_builtin_shadows(source: str) -> str:
    """Each class datamodel-code-generator named like a builtin (an inline schema of a field
    ``warnings`` becomes ``Warning``) renamed ``<Name>Model``, every use of the name following.

    A field annotated ``list[Warning]`` before ``class Warning`` is defined resolves to the builtin
    exception, and the module fails to import. Names are renamed as tokens: never inside a string,
    never after a dot.
    """
    classes = set(re.findall(r"^class (\w+)\(", source, flags=re.MULTILINE))
    shadows = classes & BUILTIN_CLASS_NAMES
    if not shadows:
        return source
    taken = set(classes)
    renames = {name: unique(f"{name}Model", taken) for name in sorted(shadows)}
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits = []
    for index, token in enumerate(tokens):
        after_dot = index > 0 and tokens[index - 1].type == tokenize.OP and tokens[index - 1].string == "."
        if token.type == tokenize.NAME and token.string in renames and not after_dot:
            edits.append((token, renames[token.string]))
    return _with_token_edits(source, edits)


def invented_roots_as_aliases(source: str, declared: set[str]) -> str:
    """Each root model datamodel-code-generator invented for an inline schema with constraints
    (``ports: {items: {type: integer, minimum: 1}}`` becomes ``class Port(RootModel[int])``) written
    as a type alias of its annotated type: ``Port = TypeAliasType("Port", Annotated[int, ...])``.

    The model validates the same, but a root model in a field's type makes its users wrap plain
    values (``DeploymentSpec(ports=[Port(80)])``, or mypy --strict refuses ``ports=[80]``); an alias
    takes them as they are. Classes of the spec's own schemas (``declared``) stay classes: the
    clients name them. A root referring to another class of the module stays a class too: an alias
    is evaluated where it stands, before later classes exist.
    """
    tree = ast.parse(source)
    defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    lines = _source_lines(source)
    aliased = False
    for cls in reversed([node for node in tree.body if isinstance(node, ast.ClassDef)]):
        statements = [s for s in cls.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        root = statements[0] if len(statements) == 1 else None
        if (
            cls.name in declared
            or cls.decorator_list
            or len(cls.bases) != 1
            or not (isinstance(cls.bases[0], ast.Subscript) and ast.unparse(cls.bases[0].value) == "RootModel")
            or not isinstance(root, ast.AnnAssign)
            or ast.unparse(root.target) != "root"
            or root.value is not None
            or {n.id for n in ast.walk(root.annotation) if isinstance(n, ast.Name)} & defined
        ):
            continue
        end = cls.end_lineno or cls.lineno
        lines[cls.lineno - 1 : end] = [f'{cls.name} = TypeAliasType("{cls.name}", {ast.unparse(root.annotation)})\n']
        aliased = True
    if not aliased:
        return source
    imports_end = max(
        node.end_lineno or node.lineno for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
    )
    lines[imports_end:imports_end] = ["from typing_extensions import TypeAliasType\n"]
    return "".join(lines)


_ENUM_VALUE_TYPES = {"StrEnum": str, "IntEnum": int}


def enum_members_not_shadowing(source: str) -> str:
    """Enum members named like a method of their value type (``title``, ``count`` of a string enum)
    renamed ``title_``, every ``Enum.title`` following: the member would hide ``str.title``, and
    ``mypy --strict`` refuses the assignment. The value is unchanged."""
    renames: dict[tuple[str, str], str] = {}
    for cls in (node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)):
        bases = [b.id for b in cls.bases if isinstance(b, ast.Name)]
        value_type = next((_ENUM_VALUE_TYPES[b] for b in bases if b in _ENUM_VALUE_TYPES), None)
        if value_type is None:
            continue
        members = [
            target.id
            for statement in cls.body
            if isinstance(statement, ast.Assign)
            for target in statement.targets
            if isinstance(target, ast.Name)
        ]
        taken = set(members)
        for member in members:
            if hasattr(value_type, member) and not member.startswith("_"):
                renames[(cls.name, member)] = unique(f"{member}_", taken)
    if not renames:
        return source
    classes = {cls for cls, _ in renames}
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits: list[tuple[tokenize.TokenInfo, str]] = []
    current = None  # the enum class whose body the tokens are in
    for index, token in enumerate(tokens):
        if token.type == tokenize.NAME and token.string == "class" and token.start[1] == 0:
            current = tokens[index + 1].string if tokens[index + 1].string in classes else None
        elif token.type == tokenize.NAME and token.start[1] == 0:
            current = None
        if token.type != tokenize.NAME:
            continue
        before = tokens[index - 2 : index]
        owner = before[0].string if len(before) == 2 and before[1].string == "." else None
        if owner is not None and (owner, token.string) in renames:  # Colour.title
            edits.append((token, renames[(owner, token.string)]))
        elif owner is None and current is not None and (current, token.string) in renames:
            # a member's definition: first on its line in the class body, and assigned
            first_on_line = token.start[1] > 0 and token.line[: token.start[1]].strip() == ""
            if first_on_line and index + 1 < len(tokens) and tokens[index + 1].string == "=":
                edits.append((token, renames[(current, token.string)]))
    return _with_token_edits(source, edits)


def _with_token_edits(source: str, edits: list[tuple[tokenize.TokenInfo, str]]) -> str:
    """``source`` with each edited token (a name, in document order) replaced by its new text."""
    lines = _source_lines(source)
    for token, new in reversed(edits):  # from the end, so earlier columns of a line stay right
        row, column = token.start
        lines[row - 1] = lines[row - 1][:column] + new + lines[row - 1][column + len(token.string) :]
    return "".join(lines)


def _source_lines(source: str) -> list[str]:
    """The lines as Python (and ``ast``'s line numbers) count them: only ``\\n`` ends one, while
    ``str.splitlines`` also splits at U+2028 and other separators a string literal may hold."""
    lines = re.split(r"(?<=\n)", source)
    return lines[:-1] if lines and lines[-1] == "" else lines


def enums_before_use(source: str) -> str:
    """Each enum class moved above the first class whose defaults name one of its members.

    A default is evaluated when its class is defined, and datamodel-code-generator orders classes
    by name, so ``colour: Colour | None = Colour.red`` in a class sorted before ``Colour`` would
    be a NameError on import.
    """
    tree = ast.parse(source)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    enums = {cls.name for cls in classes if any(isinstance(b, ast.Name) and b.id.endswith("Enum") for b in cls.bases)}
    first_use: dict[str, int] = {}
    for index, cls in enumerate(classes):
        for node in ast.walk(cls):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in enums:
                first_use.setdefault(node.value.id, index)
    late = [cls for index, cls in enumerate(classes) if first_use.get(cls.name, index) < index]
    if not late:
        return source
    lines = _source_lines(source)
    starts = [cls.lineno - 1 for cls in classes]
    ends = [*starts[1:], classes[-1].end_lineno or len(lines)]
    chunks = {cls.name: "".join(lines[start:end]) for cls, start, end in zip(classes, starts, ends, strict=True)}
    order = [cls.name for cls in late] + [cls.name for cls in classes if cls not in late]
    body = "".join(chunks[name] if chunks[name].endswith("\n\n") else chunks[name] + "\n\n" for name in order)
    return "".join(lines[: starts[0]]) + body + "".join(lines[ends[-1] :])


_ENUM_CLASS = re.compile(r"^(class \w+\()(StrEnum|IntEnum|Enum)(\):)", flags=re.MULTILINE)


def open_enums(source: str) -> str:
    """Enums on the runtime's open bases, which keep values a newer server sends (see ``_enums.py``).

    The formatter's import fixes drop whichever of the imports this adds is not used.
    """
    opened = _ENUM_CLASS.sub(r"\1Open\2\3", source)
    if opened == source:
        return source
    # after the imports of the standard library (an enum's base came from one), before pydantic's
    anchor = re.search(r"^from (pydantic|enum) import", opened, flags=re.MULTILINE)
    assert anchor is not None, "an enum class without an import of its base"
    at = anchor.start()
    return f"{opened[:at]}from ._enums import OpenEnum, OpenIntEnum, OpenStrEnum\n{opened[at:]}"


def add_missing_docstrings(source: str) -> str:
    """A docstring for each class datamodel-code-generator left without one (enums, root models,
    and models of inline schemas): what it holds and which fields use it."""
    tree = ast.parse(source)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    users: dict[str, list[str]] = {}
    for cls in classes:
        for statement in cls.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                field = "" if statement.target.id == "root" else f".{statement.target.id}"
                for name in sorted({n.id for n in ast.walk(statement.annotation) if isinstance(n, ast.Name)}):
                    users.setdefault(name, []).append(f"`{cls.name}{field}`")
    lines = _source_lines(source)
    for cls in reversed(classes):  # bottom up, so earlier line numbers stay right
        if ast.get_docstring(cls) is not None or not cls.body:
            continue
        used_by = ", ".join(u for u in users.get(cls.name, []) if not u.startswith(f"`{cls.name}"))
        where = f"the type of {used_by}" if used_by else "used by no other model"
        values = [
            repr(s.value.value)
            for s in cls.body
            if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) and isinstance(s.targets[0], ast.Name)
        ]
        if any(isinstance(b, ast.Name) and b.id.startswith("Open") for b in cls.bases) and values:
            text = f"One of {', '.join(values)}: {where}. A value a newer server sends is kept as a member of its own."
        else:
            text = f"`{cls.name}`: {where}."
        indent = " " * cls.body[0].col_offset
        at = cls.body[0].lineno - 1
        lines[at:at] = [f'{indent}"""\n', f"{indent}{docstring(text)}\n", f'{indent}"""\n', "\n"]
    return "".join(lines)


# what a models module may call and import: pydantic's declarations, nothing that acts
_ALLOWED_CALLS = frozenset(
    {"Field", "ConfigDict", "model_rebuild", "model_validate", "AnyUrl", "constr", "conint", "TypeAliasType"}
)
_ALLOWED_IMPORTS = frozenset(
    {"__future__", "datetime", "decimal", "enum", "ipaddress", "pydantic", "typing", "typing_extensions", "uuid"}
    | {"_enums"}
)


def not_declarations(source: str) -> list[str]:
    """What in a models module is more than declarations (empty when it is only that).

    datamodel-code-generator writes the spec's names, descriptions, patterns, defaults and enum
    values into the models; its escaping is not ours to vouch for, so what it wrote is checked:
    only imports of the modules models need, classes, constants, and calls of pydantic's
    declaration helpers. Text that escaped a string literal would be an expression that calls
    something else, or a name such as ``__import__``.
    """
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in _ALLOWED_CALLS:
                problems.append(f"line {node.lineno}: a call of {ast.unparse(func)[:80]!r}")
        elif isinstance(node, ast.ImportFrom | ast.Import):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            problems += [f"line {node.lineno}: an import of {m!r}" for m in modules if m not in _ALLOWED_IMPORTS]
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name.startswith("__"):
                problems.append(f"line {node.lineno}: the name {name!r}")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Await | ast.Yield | ast.NamedExpr):
            problems.append(f"line {node.lineno}: a {type(node).__name__}")
    return problems
