"""A spec split over files (``tests/specs/multifile/``: paths, schemas, parameters and responses in
YAML and JSON files referring to each other and back): it generates, passes ``mypy --strict``, its
client and stubs agree on the wire; every problem is located in the file where it is; the lock
covers every file; overlays and ``diff`` work on the bundled document; and a reference never
leads the generator outside the spec's directory tree or to the network.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.generator import generate_package, imported, run_generator, user_program_type_checks
from support.paths import SPECS

from paperspace_deployments_toolkit.emulator.asgi_transport import SyncASGITransport

TREE = SPECS / "multifile"

USER_PROGRAM = """
from kennel import Client, models


def use(client: Client) -> list[object]:
    dogs: list[models.Dog] = client.list_dogs(limit=5)
    added: models.Dog = client.add_dog(name="Rex", owner=models.Owner(name="Ann", email="ann@example.com"))
    one: models.Dog = client.get_dog(added.id)
    return [dogs, one]
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the multi-file spec to change, inside a directory that also holds other files."""
    shutil.copytree(TREE, tmp_path / "spec")
    (tmp_path / "outside.yaml").write_text("type: string\n")
    return tmp_path / "spec"


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, warnings = generate_package(tmp_path_factory, TREE / "openapi.yaml", "kennel")
    assert "warning" not in warnings, warnings
    return out


@pytest.fixture(scope="module")
def kennel(package_dir: Path) -> Iterator[ModuleType]:
    with imported("kennel", package_dir) as package:
        yield package


def test_the_package_and_a_user_program_pass_mypy_strict(package_dir: Path) -> None:
    user_program_type_checks(package_dir, "kennel", USER_PROGRAM)


def test_each_schema_file_is_one_model_whatever_refers_to_it(kennel: ModuleType) -> None:
    models = kennel.models
    assert {"Dog", "NewDog", "Owner", "Problem"} <= set(vars(models))
    dog = models.Dog.model_validate({"id": "d1", "name": "Rex", "friends": [{"id": "d2", "name": "Fido"}]})
    assert isinstance(dog.friends[0], models.Dog), "a file's reference to itself ('#') is the recursive model"
    new = models.NewDog.model_validate({"name": "Rex", "owner": {"name": "Ann"}})
    assert isinstance(new.owner, models.Owner), "two files referring to Owner.json share one model"


class Backend:
    def __init__(self, models: Any, not_found: type[Exception]) -> None:
        self.models, self.not_found = models, not_found
        self.dogs: dict[str, Any] = {}
        self.limits: list[int | None] = []

    async def list_dogs(self, context: Any, *, limit: int | None = None) -> list[Any]:
        self.limits.append(limit)
        return list(self.dogs.values())

    async def add_dog(self, context: Any, body: Any) -> Any:
        dog = self.models.Dog(id=f"d{len(self.dogs) + 1}", name=body.name, owner=body.owner)
        self.dogs[dog.id] = dog
        return dog

    async def get_dog(self, context: Any, dog_id: str) -> Any:
        if dog_id not in self.dogs:
            raise self.not_found("No such dog.")
        return self.dogs[dog_id]


def test_client_and_stubs_agree_on_the_wire(kennel: ModuleType) -> None:
    server = __import__("kennel.server", fromlist=["create_app"])
    backend = Backend(kennel.models, __import__("kennel._server_base", fromlist=["NotFound"]).NotFound)
    http = httpx.Client(transport=SyncASGITransport(server.create_app(backend)))
    client = kennel.Client(api_key="t", base_url="http://testserver/v1", http_client=http, max_retries=0)
    added = client.add_dog(name="Rex", owner=kennel.models.Owner(name="Ann", email="ann@example.com"))
    assert client.get_dog(added.id).owner.email == "ann@example.com"
    assert [d.name for d in client.list_dogs()] == ["Rex"]
    assert backend.limits == [10], "the shared parameter's default, from parameters/limit.yaml"
    with pytest.raises(kennel.NotFoundError):
        client.get_dog("nobody")
    bad = http.post("http://testserver/v1/dogs", json={"name": ""}, headers={"Authorization": "Bearer t"})
    assert bad.status_code == 400, "NewDog's minLength, from schemas/NewDog.yaml, is enforced by the stubs"


def _generate(spec: Path, out: Path, *extra: str) -> Any:
    return run_generator("generate", "--spec", spec, "--out", out, "--package", "kennel", *extra, cwd=spec.parent)


def test_a_problem_is_located_in_the_file_where_it_is(tree: Path, tmp_path: Path) -> None:
    owner = tree / "schemas" / "Owner.json"
    owner.write_text(owner.read_text().replace('"type": "string", "format"', '"type": "text", "format"'))
    result = _generate(tree / "openapi.yaml", tmp_path / "out")
    assert result.returncode == 2
    assert "schemas/Owner.json:6: /components/schemas/Owner/properties/email/type:" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("../../outside.yaml", "leads outside the spec's directory tree"),
        ("../../../../../../etc/passwd", "leads outside the spec's directory tree"),
        ("https://example.invalid/schemas/Owner.json", "remote reference"),
        ("file:///etc/passwd", "remote reference"),
        ("//example.invalid/Owner.json", "remote reference"),
        ("./Nobody.yaml", "cannot read"),
        ("./Owner.json#/definitions/Nobody", "has nothing at '/definitions/Nobody'"),
        ("./Own%00er.json", "or to no file that can be"),
        ("./Loop.yaml", "or to no file that can be"),
    ],
)
def test_a_reference_outside_the_tree_remote_or_dangling_is_a_located_error(
    tree: Path, tmp_path: Path, ref: str, expected: str
) -> None:
    (tree / "schemas" / "Loop.yaml").symlink_to(tree / "schemas" / "Loop.yaml")  # a link to itself
    new_dog = tree / "schemas" / "NewDog.yaml"
    new_dog.write_text(new_dog.read_text().replace("./Owner.json", ref))
    result = _generate(tree / "openapi.yaml", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    line = next(n for n, text in enumerate(new_dog.read_text().splitlines(), 1) if ref in text)
    assert f"schemas/NewDog.yaml:{line}: " in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_reference_is_a_uri_its_escapes_decoded(tree: Path, tmp_path: Path) -> None:
    (tree / "schemas" / "Owner.json").rename(tree / "schemas" / "The Owner.json")
    for name in ("Dog.yaml", "NewDog.yaml"):
        schema = tree / "schemas" / name
        schema.write_text(schema.read_text().replace("./Owner.json", "./The%20Owner.json"))
    result = _generate(tree / "openapi.yaml", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "class TheOwner(BaseModel)" in (tmp_path / "out" / "kennel" / "models.py").read_text()


def test_a_symbolic_link_out_of_the_tree_is_refused(tree: Path, tmp_path: Path) -> None:
    (tree / "schemas" / "Escape.yaml").symlink_to(tmp_path / "outside.yaml")
    new_dog = tree / "schemas" / "NewDog.yaml"
    new_dog.write_text(new_dog.read_text().replace("./Owner.json", "./Escape.yaml"))
    result = _generate(tree / "openapi.yaml", tmp_path / "out")
    assert result.returncode == 2 and "leads outside the spec's directory tree" in result.stderr, result.stderr


def test_the_lock_covers_every_file_of_the_spec(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _generate(tree / "openapi.yaml", out).returncode == 0
    check: list[str | Path] = ["check", "--spec", tree / "openapi.yaml", "--out", out, "--package", "kennel"]
    assert run_generator(*check, cwd=tree).returncode == 0
    owner = tree / "schemas" / "Owner.json"
    owner.write_text(
        owner.read_text().replace(
            '"name": {"type": "string"}', '"name": {"type": "string"}, "age": {"type": "integer"}'
        )
    )
    stale = run_generator(*check, cwd=tree)
    assert stale.returncode == 1 and "schemas/Owner.json" in stale.stdout + stale.stderr, stale.stdout + stale.stderr


def test_an_overlay_applies_to_the_bundled_document(tree: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n"
        "  - target: $.components.schemas.Owner.properties\n    update: {phone: {type: string}}\n"
    )
    out = tmp_path / "out"
    assert _generate(tree / "openapi.yaml", out, "--overlay", str(overlay)).returncode == 0
    assert "phone: str | None = None" in (out / "kennel" / "models.py").read_text()


def test_diff_compares_two_multi_file_specs(tree: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(tree, old)
    new_dog = tree / "schemas" / "NewDog.yaml"
    new_dog.write_text(new_dog.read_text().replace("required: [name]", "required: [name, owner]"))
    result = run_generator("diff", old / "openapi.yaml", tree / "openapi.yaml", "--no-overlays")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "owner" in result.stdout and "breaking" in result.stdout.lower(), result.stdout


def test_a_root_file_beside_the_files_it_reads_names_their_parent_with_spec_root(tree: Path, tmp_path: Path) -> None:
    """SpaceTraders' layout: reference/openapi.yaml refers to ../schemas/ and ../paths/."""
    (tree / "reference").mkdir()
    root = tree / "reference" / "openapi.yaml"
    root.write_text((tree / "openapi.yaml").read_text().replace("$ref: ./", "$ref: ../"))
    refused = _generate(root, tmp_path / "out")
    assert refused.returncode == 2 and "leads outside the spec's directory tree" in refused.stderr
    generated = _generate(root, tmp_path / "out", "--spec-root", str(tree))
    assert generated.returncode == 0, generated.stderr
    outside = _generate(root, tmp_path / "out", "--spec-root", str(tree / "schemas"))
    assert outside.returncode == 2 and "the spec is not inside --spec-root" in outside.stderr


def test_a_generation_reads_the_files_of_a_split_spec_once(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock's check, the generation and the lock share one bundle (every file read once)."""
    from paperspace_deployments_toolkit.generator import pipeline
    from paperspace_deployments_toolkit.generator.bundle import load_bundled as original

    reads: list[Path] = []

    def counted(path: Path, *args: Any, **kwargs: Any) -> Any:
        reads.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load_bundled", counted)
    out = tmp_path / "out"
    spec = tree / "openapi.yaml"
    assert run_generator("generate", "--spec", spec, "--out", out, "--package", "kennel").returncode == 0
    assert reads == [spec]
    reads.clear()
    (tree / "schemas" / "Dog.yaml").write_text((tree / "schemas" / "Dog.yaml").read_text() + "\n# changed\n")
    result = run_generator("generate", "--spec", spec, "--out", out, "--package", "kennel")
    assert result.returncode == 0, result.stderr
    assert reads == [spec], "an update (the lock compared, then a generation) reads the spec once"
