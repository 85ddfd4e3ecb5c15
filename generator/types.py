"""Type references: what a value of a schema is in Python, as structured values that render themselves.

The IR holds these, never an annotation written as a string: whether a type is a model, which
models it names, whether it uses ``datetime``, what an example value of it looks like are all
questions asked of the structure, not of text parsed back. :meth:`TypeRef.code` is the one place
a type becomes Python source.

A schema maps to these in :mod:`.schema_types`; the templates print ``code`` through the IR's
properties.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .encoders import Code, Identifier

MODELS_MODULE = "models"  # how the client, the stubs and the README name the models module


class TypeRef:
    """A Python type. Subclasses are frozen dataclasses; ``code`` is the annotation they render to."""

    def code(self) -> Code:
        raise NotImplementedError

    def children(self) -> tuple[TypeRef, ...]:
        return ()

    def walk(self) -> Iterator[TypeRef]:
        """This type and every type inside it, depth first."""
        stack: list[TypeRef] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))

    def model_names(self) -> tuple[Identifier, ...]:
        """The models this type names, in order of appearance, once each."""
        names = [t.name for t in self.walk() if isinstance(t, ModelRef)]
        return tuple(dict.fromkeys(names))

    def uses(self, builtin: str) -> bool:
        """Whether ``builtin`` (``datetime``, ``date``) is part of this type."""
        return any(isinstance(t, Builtin) and t.name == builtin for t in self.walk())

    def example(self, placeholder: str) -> Code:
        """A value of this type for an example call (``placeholder`` is a string's)."""
        return Code("...")

    def without_none(self) -> TypeRef:
        """The type a present value has: a :class:`Nullable`'s inner type, anything else as it is."""
        return self


@dataclass(frozen=True)
class Builtin(TypeRef):
    """A name in scope where the type is used: ``int``, ``str``, ``datetime``, ``Any``, ``None``, or
    one of the server runtime's types (``RFC3339DateTime``)."""

    name: str

    def code(self) -> Code:
        return Code(self.name)

    def example(self, placeholder: str) -> Code:
        if self.name == "str":
            from .encoders import py_string

            return Code(py_string(placeholder))
        return Code(_EXAMPLE_VALUES.get(self.name, "..."))


_EXAMPLE_VALUES = {"int": "1", "float": "1.0", "bool": "True", "datetime": "datetime.now(UTC)"}

ANY = Builtin("Any")
NONE = Builtin("None")
STR = Builtin("str")
BYTES = Builtin("bytes")


@dataclass(frozen=True)
class ModelRef(TypeRef):
    """A class of the generated models module."""

    name: Identifier

    def code(self) -> Code:
        return Code(f"{MODELS_MODULE}.{self.name}")


@dataclass(frozen=True)
class ListOf(TypeRef):
    item: TypeRef

    def code(self) -> Code:
        return Code(f"list[{self.item.code()}]")

    def children(self) -> tuple[TypeRef, ...]:
        return (self.item,)

    def example(self, placeholder: str) -> Code:
        return Code("[]")


@dataclass(frozen=True)
class MappingOf(TypeRef):
    """A JSON object with string keys: ``dict[str, value]``."""

    value: TypeRef

    def code(self) -> Code:
        return Code(f"dict[str, {self.value.code()}]")

    def children(self) -> tuple[TypeRef, ...]:
        return (self.value,)

    def example(self, placeholder: str) -> Code:
        return Code("{}")


@dataclass(frozen=True)
class LiteralOf(TypeRef):
    """One of fixed values, each a Python literal the generator encoded."""

    values: tuple[Code, ...]

    def code(self) -> Code:
        return Code(f"Literal[{', '.join(self.values)}]")

    def example(self, placeholder: str) -> Code:
        return self.values[0]


@dataclass(frozen=True)
class UnionOf(TypeRef):
    """Any of ``options``: ``a | b``."""

    options: tuple[TypeRef, ...]

    def code(self) -> Code:
        return Code(" | ".join(option.code() for option in self.options))

    def children(self) -> tuple[TypeRef, ...]:
        return self.options


@dataclass(frozen=True)
class Nullable(TypeRef):
    """``inner`` or JSON null: ``inner | None``."""

    inner: TypeRef

    def code(self) -> Code:
        return Code(f"{self.inner.code()} | None")

    def children(self) -> tuple[TypeRef, ...]:
        return (self.inner,)

    def without_none(self) -> TypeRef:
        return self.inner

    def example(self, placeholder: str) -> Code:
        return self.inner.example(placeholder)


def nullable(inner: TypeRef) -> TypeRef:
    """``inner | None``, except for ``Any`` (which holds None already) and types that are nullable."""
    return inner if inner == ANY or isinstance(inner, Nullable) else Nullable(inner)
