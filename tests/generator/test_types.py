"""generator/types.py: type references render themselves and answer questions about themselves."""

from __future__ import annotations

from paperspace_deployments_toolkit.generator.encoders import Code, Identifier
from paperspace_deployments_toolkit.generator.types import (
    ANY,
    NONE,
    STR,
    Builtin,
    ListOf,
    LiteralOf,
    MappingOf,
    ModelRef,
    Nullable,
    UnionOf,
    nullable,
)

PET = ModelRef(Identifier("Pet"))


def test_each_kind_renders_its_annotation() -> None:
    assert PET.code() == "models.Pet"
    assert ListOf(PET).code() == "list[models.Pet]"
    assert MappingOf(Nullable(Builtin("int"))).code() == "dict[str, int | None]"
    assert LiteralOf((Code("'a'"), Code("1"))).code() == "Literal['a', 1]"
    assert UnionOf((PET, LiteralOf((Code("'x'"),)))).code() == "models.Pet | Literal['x']"
    assert NONE.code() == "None"


def test_models_are_found_by_structure_once_each_in_order() -> None:
    owner = ModelRef(Identifier("Owner"))
    nested = UnionOf((MappingOf(ListOf(PET)), Nullable(owner), ListOf(PET)))
    assert nested.model_names() == ("Pet", "Owner")
    assert STR.model_names() == ()


def test_uses_looks_inside_containers_and_does_not_confuse_date_with_datetime() -> None:
    when = ListOf(Nullable(Builtin("datetime")))
    assert when.uses("datetime")
    assert not when.uses("date")
    assert MappingOf(Builtin("date")).uses("date")


def test_nullable_wraps_once_and_never_any() -> None:
    assert nullable(STR) == Nullable(STR)
    assert nullable(Nullable(STR)) == Nullable(STR)
    assert nullable(ANY) == ANY
    assert Nullable(STR).without_none() == STR
    assert PET.without_none() == PET


def test_examples_follow_the_type() -> None:
    assert STR.example("<name>") == "'<name>'"
    assert Builtin("int").example("x") == "1"
    assert ListOf(PET).example("x") == "[]"
    assert MappingOf(STR).example("x") == "{}"
    assert LiteralOf((Code("'on'"), Code("'off'"))).example("x") == "'on'"
    assert Nullable(STR).example("<n>") == "'<n>'"
    assert PET.example("x") == "..."


def test_types_are_values() -> None:
    assert ListOf(PET) == ListOf(ModelRef(Identifier("Pet")))
    assert len({ListOf(PET), ListOf(PET), ListOf(STR)}) == 2
