"""The models stage (generator/models.py): what it changes in datamodel-code-generator's module."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pydantic
import pytest
from support.generator import imported, user_program_type_checks
from support.paths import ROOT

from paperspace_deployments_toolkit.generator.models import invented_roots_as_aliases

MODULE = textwrap.dedent(
    '''\
    from __future__ import annotations

    from typing import Annotated

    from pydantic import BaseModel, Field, RootModel


    class Spec(BaseModel):
        ports: list[Port] | None = None
        owner: Owner | None = None
        names: list[Name] | None = None


    class Port(RootModel[int]):
        """
        An inline item with bounds.
        """

        root: Annotated[int, Field(ge=1, le=65535)]


    class Name(RootModel[str]):
        root: Annotated[str, Field(min_length=1)]


    class Owner(RootModel[Spec]):
        root: Spec
    '''
)


def test_a_root_model_invented_for_an_inline_schema_becomes_a_type_alias(tmp_path: Path) -> None:
    source = invented_roots_as_aliases(MODULE, declared={"Spec", "Name"})
    assert 'Port = TypeAliasType("Port", Annotated[int, Field(ge=1, le=65535)])' in source
    assert "from typing_extensions import TypeAliasType" in source
    assert "class Name(RootModel[str])" in source  # the spec's own schema: the clients name it
    assert "class Owner(RootModel[Spec])" in source  # an alias of a later class could not be evaluated
    (tmp_path / "aliased_models.py").write_text(source, encoding="utf-8")
    with imported("aliased_models", tmp_path) as module:  # the module still imports and validates
        assert module.Spec.model_validate({"ports": [80]}).ports == [80]
        with pytest.raises(pydantic.ValidationError, match="greater than or equal to 1"):
            module.Spec.model_validate({"ports": [0]})


def test_a_module_without_invented_roots_is_left_as_it_is() -> None:
    assert invented_roots_as_aliases(MODULE, declared={"Spec", "Name", "Port", "Owner"}) == MODULE


def test_a_model_with_constrained_items_takes_plain_values_under_mypy_strict(tmp_path: Path) -> None:
    package = ROOT / "generated" / "paperspace_deployments"
    (tmp_path / "paperspace_deployments").symlink_to(package, target_is_directory=True)
    program = """\
        from paperspace_deployments import models

        spec = models.DeploymentSpec(name="web", image="nginx:1.25", machine_type="A4000", ports=[80])
        first: int = (spec.ports or [0])[0]
        """
    user_program_type_checks(tmp_path, "paperspace_deployments", program)
