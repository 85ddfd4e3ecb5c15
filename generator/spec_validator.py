"""Spec validator: what openapi-spec-validator finds in a document against the OpenAPI 3.0 or 3.1
schema, each finding located where it is, and whatever stops the validator reported where it
stopped. The library's validator is subclassed here so that it is linear in the size of the spec
where it was quadratic or worse (the spec is untrusted; see :func:`_validator_class`), and so that
this code, not the process environment, chooses the JSON Schema backend it checks with. It follows
references by recursion, so it must be given a document whose references have been checked
(:mod:`.references`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any, Literal
from urllib.parse import urljoin

from .errors import SpecError
from .limits import MAX_REF_CHAIN
from .loader import Path_, SourceDocument, located, walk
from .openapi import is_ref, resolve_pointer, target_path

# what checks the document against the OpenAPI schema: of openapi-spec-validator's backends, the
# one whose errors the reports here are built from (see _validator_class)
Backend = Literal["jsonschema"]


@functools.cache
def _validator_class(minor: str, backend: Backend = "jsonschema") -> Any:
    """openapi-spec-validator's OpenAPI ``minor`` (3.0 or 3.1) validator, made linear where it was
    quadratic or worse, checking the document against the OpenAPI schema with ``backend``.

    It keeps the schemas it visited in lists and asks each schema whether it is in them (20,000
    schemas: 13 s instead of 6.6 s); it collects the properties of an ``allOf`` again for every path
    that leads to it (25 schemas each extending the two before: 44 s); and jsonschema checks
    ``uniqueItems`` of objects, such as an operation's parameters, by comparing every pair (2,000
    parameters: 16 s instead of 0.1 s).

    The backend is chosen here, not by the environment, because the library takes no parameter for
    it: it checks the document with the ``schema_validator`` its class names, built by
    ``openapi_spec_validator.schemas.backend.get_validator_for`` for the backend its settings read
    from ``OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND`` (unset, ``auto``: jsonschema-rs when it
    is installed, and Schemathesis installs it). So the class below names its own, what the backend
    ``jsonschema`` builds there (jsonschema's validator for the OpenAPI schema) extended as above,
    and the library's choice is never asked for; the keyword validators (schemas, defaults) are
    jsonschema's whatever the variable says. jsonschema is the only backend offered: the reports are
    built from the context and paths of its errors, and jsonschema-rs words them differently.
    """
    if backend != "jsonschema":
        raise ValueError(f"unsupported schema validator backend {backend!r}: only 'jsonschema' is")
    # imported here: the validator's import is most of its cost, and only this stage needs it
    from jsonschema import validators  # type: ignore[import-untyped]
    from openapi_schema_validator import OAS30Validator, OAS31Validator
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.schemas import schema_v30, schema_v31
    from openapi_spec_validator.validation.keywords import OpenAPIV30ValueValidator, OpenAPIV31ValueValidator

    base, schema, value_base, values = {
        "3.0": (OpenAPIV30SpecValidator, schema_v30, OpenAPIV30ValueValidator, OAS30Validator),
        "3.1": (OpenAPIV31SpecValidator, schema_v31, OpenAPIV31ValueValidator, OAS31Validator),
    }[minor]

    class ValueValidator(value_base):  # type: ignore[misc,valid-type]  # defaults, checked against their schemas
        value_validator_cls = validators.extend(values, {"uniqueItems": _unique_items})

    # the registry of the meta-schemas, crawled once: 3.1's schema finds Schema Objects by $dynamicRef,
    # and an uncrawled registry is crawled again at every lookup (1,000 operations: 7.0 s, crawled 2.0 s)
    if minor == "3.1":  # its Schema Objects are {$dynamicAnchor: meta}, found by $dynamicRef: '#meta'
        schema = static_dynamic_refs(schema, "meta", "#/$defs/schema")
    registry = _crawled_registry(schema)

    document_validator = validators.extend(
        validators.validator_for(schema),
        {"uniqueItems": _unique_items, "unevaluatedProperties": _unevaluated_properties},
    )

    class SpecValidator(base):  # type: ignore[misc,valid-type]
        # in place of the library's, built for the backend its environment names
        schema_validator = document_validator(schema, registry=registry)

    keywords = {"schema": _schema_validator_class(minor), "default": ValueValidator}
    SpecValidator.keyword_validators = dict(base.keyword_validators, **keywords)
    return SpecValidator


def _crawled_registry(schema: dict[str, Any]) -> Any:
    """The JSON Schema meta-schemas and ``schema`` in a registry whose anchors are all found."""
    from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]
    from referencing import Resource

    if "$id" not in schema:
        return REGISTRY.crawl()
    return REGISTRY.with_resource(schema["$id"], Resource.from_contents(schema)).crawl()


def _unevaluated_properties(validator: Any, unevaluated: Any, instance: Any, schema: Any) -> Iterator[Any]:
    """jsonschema's ``unevaluatedProperties``, without its search when every property of the object
    is one the schema evaluates whatever the object holds.

    jsonschema finds the evaluated properties by validating the object again against each
    ``allOf``, ``oneOf``, ``anyOf`` and ``if`` beside the keyword (an OpenAPI 3.1 parameter: five
    times). But a schema's own ``properties`` and ``patternProperties``, and those of the schema its
    ``$ref`` names, are evaluated unconditionally; an object holding only those has no unevaluated
    property, and the answer is the same without the search. Any other object is searched as before,
    so the errors are jsonschema's own (tests/generator/test_validate.py compares them).
    """
    from jsonschema import _keywords

    if validator.is_type(instance, "object"):
        names, patterns = _always_evaluated(validator, schema)
        if all(key in names or any(p.search(key) for p in patterns) for key in instance):
            return
    yield from _keywords.unevaluatedProperties(validator, unevaluated, instance, schema)


_ALWAYS_EVALUATED: dict[tuple[int, str], tuple[Any, frozenset[str], tuple[re.Pattern[str], ...]]] = {}


def _always_evaluated(validator: Any, schema: Any) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The property names and patterns ``schema`` evaluates in any object: its own and, through
    ``$ref``, those of the schema it names (what jsonschema's search counts without validating)."""
    key = (id(schema), validator._resolver._base_uri)
    if key not in _ALWAYS_EVALUATED:
        names: set[str] = set()
        patterns: list[re.Pattern[str]] = []
        if isinstance(schema, dict):
            properties = schema.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
            pattern_properties = schema.get("patternProperties")
            if isinstance(pattern_properties, dict):
                patterns += [re.compile(pattern) for pattern in pattern_properties]
            if isinstance(schema.get("$ref"), str):
                resolved = validator._resolver.lookup(schema["$ref"])
                target = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
                more_names, more_patterns = _always_evaluated(target, resolved.contents)
                names |= more_names
                patterns += more_patterns
        # the schema is kept with its answer: its id is not reused while it is
        _ALWAYS_EVALUATED[key] = (schema, frozenset(names), tuple(patterns))
    _, found_names, found_patterns = _ALWAYS_EVALUATED[key]
    return found_names, found_patterns


def static_dynamic_refs(schema: Any, anchor: str, target: str) -> Any:
    """``schema`` with every ``$dynamicRef: '#<anchor>'`` written ``$ref: <target>``: the same
    validation when the outermost dynamic anchor of that name is ``target`` (the schema validated
    against is the dialect or document schema that defines it), without resolving the dynamic
    scope at each use (JSON Schema 2020-12, 8.2.3.2)."""
    if isinstance(schema, dict):
        return {
            ("$ref" if key == "$dynamicRef" and value == f"#{anchor}" else key): (
                target if key == "$dynamicRef" and value == f"#{anchor}" else static_dynamic_refs(value, anchor, target)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [static_dynamic_refs(value, anchor, target) for value in schema]
    return schema


def _schema_validator_class(minor: str) -> Any:
    """The validator's keyword validator of schemas, with sets for what it visited and each
    ``allOf``'s properties collected once."""
    from openapi_spec_validator.validation.keywords import OpenAPIV30SchemaValidator, OpenAPIV31SchemaValidator

    schema_base = OpenAPIV31SchemaValidator if minor == "3.1" else OpenAPIV30SchemaValidator

    class Visited(list[int]):
        """A list to the validator, which only appends and asks; a set inside."""

        def __init__(self) -> None:
            super().__init__()
            self.seen: set[object] = set()

        def append(self, item: int) -> None:
            self.seen.add(item)

        def __contains__(self, item: object) -> bool:
            return item in self.seen

    class SchemaValidator(schema_base):  # type: ignore[misc,valid-type]
        def __init__(self, registry: Any) -> None:
            super().__init__(registry)
            self.visited_schema_ids = Visited()
            self.meta_checked_schema_ids = Visited()
            self.properties: dict[int, set[str]] = {}

        def _collect_properties(self, schema: Any) -> set[str]:
            # once a schema: unmemoized, every path through a lattice of allOf is walked again
            key = id(schema.read_value())
            if key not in self.properties:
                self.properties[key] = set()  # while it is collected, a cycle back to it adds nothing
                self.properties[key] = super()._collect_properties(schema)
            return self.properties[key]

        def _get_schema_checker(self, schema: Any, schema_value: Any) -> Any:
            # 3.1: each Schema Object is checked against its dialect's meta-schema by a validator made
            # anew, on a registry crawled again at every $dynamicRef; one validator a dialect, its
            # dynamic references made static, on a crawled registry, does the same checks faster
            # (1,000 schemas under cProfile: 4.8 s before)
            checker = super()._get_schema_checker(schema, schema_value)
            dialect = getattr(getattr(checker, "func", None), "__self__", None)
            if minor != "3.1" or not isinstance(dialect, type) or not hasattr(dialect, "META_SCHEMA"):
                return checker
            return _meta_schema_checker(dialect, checker.keywords.get("format_checker"))

    return SchemaValidator


@functools.cache
def _meta_schema_checker(dialect: Any, format_checker: Any) -> Any:
    """``dialect.check_schema`` with one validator of its meta-schema, on a crawled registry."""
    from jsonschema import validators
    from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped]
    from openapi_schema_validator._specifications import REGISTRY
    from referencing import Registry, Resource

    meta = validators.validator_for(dialect.META_SCHEMA, default=dialect)
    flat = flat_meta_schema(dialect.META_SCHEMA.get("$id", ""), REGISTRY)
    if flat is not None:
        validator = meta(flat, format_checker=format_checker)
    else:  # a dialect of another shape: its vocabularies' "$dynamicRef: '#meta'" lead back to it
        target = dialect.META_SCHEMA.get("$id", "")
        static = Registry().with_resources(
            (uri, Resource.from_contents(static_dynamic_refs(REGISTRY[uri].contents, "meta", target)))
            for uri in REGISTRY
        )
        meta_schema = static_dynamic_refs(dialect.META_SCHEMA, "meta", target)
        validator = meta(meta_schema, format_checker=format_checker, registry=static.crawl())

    def check(value: Any) -> None:
        for error in validator.iter_errors(value):
            raise SchemaError.create_from(error)

    return check


_META_KEYS = {"$schema", "$id", "$vocabulary", "$dynamicAnchor", "title", "description", "$comment"}


def flat_meta_schema(uri: str, registry: Any) -> dict[str, Any] | None:
    """The dialect meta-schema at ``uri`` as one schema: its vocabularies (``allOf`` of references,
    each ``{type: [object, boolean], properties, $defs}``) merged, each ``$dynamicRef: '#meta'``
    a reference to the whole, each ``$defs`` entry named by its vocabulary. None when the dialect
    is not of that shape (then it is validated as it is).

    The same keywords checked the same way, without resolving references across eight documents
    and a dynamic scope for every subschema: with them, 2020-12's meta-schema checks cost about as
    much as the rest of validating a 3.1 spec (``tests/generator/test_validate.py`` compares the
    two on schemas with every kind of mistake).
    """
    found = _vocabularies(uri, registry)
    if found is None:
        return None
    documents = {current for current, _ in found}
    properties: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    try:
        for current, contents in found:
            for name, definition in (contents.get("$defs") or {}).items():
                definitions[_def_name(current, name)] = _made_local(definition, current, documents)
            for name, rule in (contents.get("properties") or {}).items():
                if name in properties:
                    return None
                properties[name] = _made_local(rule, current, documents)
    except LookupError:  # a reference the merged schema cannot hold
        return None
    return {"type": ["object", "boolean"], "properties": properties, "$defs": definitions}


def _vocabularies(uri: str, registry: Any) -> list[tuple[str, dict[str, Any]]] | None:
    """The documents of a dialect in ``allOf`` order, depth first; None when one is of another shape."""
    found: list[tuple[str, dict[str, Any]]] = []
    pending, seen = [uri], set()
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        try:
            contents = registry[current].contents
        except LookupError:
            return None
        if not isinstance(contents, dict) or set(contents) - _META_KEYS - {"allOf", "type", "properties", "$defs"}:
            return None
        if contents.get("type", ["object", "boolean"]) != ["object", "boolean"]:
            return None
        members = contents.get("allOf", [])
        if not all(isinstance(m, dict) and set(m) == {"$ref"} and isinstance(m["$ref"], str) for m in members):
            return None
        pending[:0] = [urljoin(current, m["$ref"]) for m in members]
        found.append((current, contents))
    return found


def _def_name(uri: str, name: str) -> str:
    return f"{uri.rstrip('/').rsplit('/', 1)[-1]}.{name}"


def _made_local(node: Any, base: str, documents: set[str]) -> Any:
    """``node`` of the document ``base`` with its references pointing into the merged schema."""
    if isinstance(node, list):
        return [_made_local(item, base, documents) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$dynamicRef" and value == "#meta":
            out["$ref"] = "#"
        elif key == "$ref" and isinstance(value, str):
            target, _, fragment = urljoin(base, value).partition("#")
            if target not in documents or not fragment.startswith("/$defs/") or fragment.count("/") != 2:
                raise LookupError(value)
            out["$ref"] = f"#/$defs/{_def_name(target, fragment.removeprefix('/$defs/'))}"
        elif key in {"properties", "patternProperties", "$defs"} and isinstance(value, dict):
            out[key] = {name: _made_local(item, base, documents) for name, item in value.items()}
        else:
            out[key] = _made_local(value, base, documents)
    return out


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
    """jsonschema's ``uniqueItems``, by hashing what its equality compares."""
    from jsonschema.exceptions import ValidationError

    if unique and validator.is_type(instance, "array"):
        canonical = [_canonical(item) for item in instance]
        if len(set(canonical)) != len(canonical):
            yield ValidationError(f"{_short(repr(instance), 100)} has non-unique elements")


def _canonical(value: Any) -> Any:
    """A hashable value equal for two JSON values jsonschema calls equal (1 and 1.0, not 1 and true).

    Recursive: the loader bounds the depth (see limits.Limits).
    """
    if isinstance(value, dict):
        return ("object", frozenset((key, _canonical(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_canonical(item) for item in value))
    if isinstance(value, bool) or value is None:
        return (repr(value), None)
    return ("number", value) if isinstance(value, int | float) else ("string", value)


def schema_errors(doc: SourceDocument, data: Any, minor: str, backend: Backend = "jsonschema") -> list[SpecError]:
    """What the OpenAPI ``minor`` validator, checking with ``backend``, finds in ``data`` (``doc``'s
    data or a copy of it with some references replaced), located in ``doc``."""
    errors: list[SpecError] = []
    echoes: list[tuple[Path_, Any, str]] = []  # schema-pass findings, reported where the main pass is silent
    try:
        for found in _validator_class(minor, backend)(data).iter_errors():
            for path, error in _explained(found, tuple(found.absolute_path)):
                # an empty path is the root, or a value checked on its own (a default against its schema)
                if (path and _exists(data, path)) or (not path and error.instance is data):
                    errors.append(located(doc, path, _short(error.message)))
                else:  # the schema pass reports paths relative to the schema it checks
                    echoes.append((path, error.instance, _short(error.message)))
    except RecursionError as exc:  # schemas nested through references, deeper than Python's stack
        message = "validation stopped: schemas nest too deeply here, counting those that $ref leads to"
        errors.append(located(doc, _where_stopped(exc, data), message))
    except Exception as exc:  # the validator gives up on what it cannot read; say where, keep the rest
        message = f"validation stopped here: {type(exc).__name__} {_short(str(exc))}"
        errors.append(located(doc, _where_stopped(exc, data), message))
    reported = {e.pointer for e in errors}
    anchored = [located(doc, path, message) for path, message in _anchors(data, echoes)]
    return errors + [e for e in anchored if e.pointer not in reported]


def _where_stopped(exc: Exception, data: Any) -> Path_:
    """Where in the document the validator was when it raised: the deepest node its frames were
    at (it walks a view of the document whose paths go through references, as it followed them)."""
    parts: tuple[Any, ...] = ()
    traceback = exc.__traceback__
    while traceback is not None:
        for value in traceback.tb_frame.f_locals.values():
            found = getattr(value, "parts", None) if hasattr(value, "read_value") else None
            parts = found if isinstance(found, tuple) else parts
        traceback = traceback.tb_next
    node: Any = data
    path: Path_ = ()
    for part in parts:
        for _ in range(MAX_REF_CHAIN + 1):  # chains are no longer (see references._Chains)
            target = target_path(data, node["$ref"]) if isinstance(node, dict) and is_ref(node) else None
            if target is None:
                break
            node, path = resolve_pointer(data, node["$ref"]), target
        key = int(part) if isinstance(node, list) and str(part).isdigit() else part
        if not isinstance(node, dict | list) or not _exists(node, (key,)):
            break
        node, path = node[key], (*path, key)
    return path


def _exists(data: Any, path: Path_) -> bool:
    try:
        for part in path:
            data = data[part]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _anchors(data: Any, echoes: list[tuple[Path_, Any, str]]) -> list[tuple[Path_, str]]:
    """For each relative path, the first absolute path that ends with it and holds its instance.

    One walk for all of them: a walk each would cost the number of findings times the size of the
    document.
    """
    wanted: dict[Path_, list[int]] = {}
    for index, (relative, _, _) in enumerate(echoes):
        wanted.setdefault(relative, []).append(index)
    lengths = {len(relative) for relative in wanted}
    found: dict[int, Path_] = {}
    for path, value in walk(data):
        for length in lengths:
            for index in wanted.get(path[len(path) - length :], ()) if length <= len(path) else ():
                if index not in found and value == echoes[index][1]:
                    found[index] = path
        if len(found) == len(echoes):
            break
    return [(found.get(index, relative), message) for index, (relative, _, message) in enumerate(echoes)]


def _explained(error: Any, path: Path_) -> list[tuple[Path_, Any]]:
    """What explains a "not valid under any of the given schemas" error: every problem of the
    alternative that got furthest (see :func:`_specificity`), each explained the same way, in a
    stable order; an error without alternatives explains itself.

    Every problem of that alternative, not only its deepest: two invalid properties of one schema
    are two errors, whichever the validator met first.
    """
    if not error.context:
        return [(path, error)]
    alternatives: dict[Any, list[Any]] = {}
    for part in error.context:
        alternatives.setdefault(part.schema_path[0] if part.schema_path else None, []).append(part)
    best = max(alternatives.values(), key=lambda parts: max(_specificity(p) for p in parts))
    explained: dict[Path_, Any] = {}  # one problem a place: `type: 5` is "not a string" and "not one of..."
    for part in sorted(best, key=lambda p: ([str(k) for k in p.path], p.message)):
        for where, leaf in _explained(part, (*path, *part.path)):
            explained.setdefault(where, leaf)
    return list(explained.items())


def _specificity(error: Any) -> tuple[int, bool]:
    """Among the alternatives of a oneOf, the one that got furthest into the node explains it best.

    A failed ``Reference`` alternative ("'$ref' is a required property") explains nothing: the
    author did not mean to write a reference.
    """
    is_missing_ref = error.validator == "required" and "'$ref'" in error.message
    return (len(error.path) + len(error.schema_path), not is_missing_ref)


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."
