"""The committed generated/ is exactly what the pipeline produces, every time."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from support.generator import run_generator
from support.paths import ROOT

from paperspace_deployments_toolkit.generator.render import RUNTIME_MODULES
from paperspace_deployments_toolkit.generator.write import compare_trees, tree_files

PACKAGE = ROOT / "generated" / "paperspace_deployments"
# the client's runtime split by concern (0.2.1); before, _base_client.py held all of it
CLIENT_RUNTIME = ("_types.py", "_encoding.py", "_response.py", "_pagination.py", "_waiters.py", "_base_client.py")
# the package's __all__ before the split (0.2.0), read once from git: moving private modules must
# not take a name away from users, nor add one
PUBLIC_NAMES = [
    "API_VERSION",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncPage",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "SyncPage",
    "UnprocessableEntityError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "__version__",
    "errors",
    "models",
]


def test_committed_generation_is_current() -> None:
    result = run_generator("check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert run_generator("generate", "--out", out).returncode == 0
    assert tree_files(first) == tree_files(second)
    assert compare_trees(ROOT / "generated", first) == []


def test_check_reports_a_stale_file_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert run_generator("generate", "--out", out).returncode == 0
    client = out / "paperspace_deployments" / "_client.py"
    client.write_text(client.read_text() + "\n# edited by hand\n")
    (out / "stray.txt").write_text("not generated")

    result = run_generator("check", "--out", out)
    assert result.returncode == 1
    assert "edited by hand: paperspace_deployments/_client.py" in result.stderr  # the lock says so
    assert "not generated (extra): stray.txt" in result.stderr

    (out / "generator.lock.json").unlink()  # without a lock: the regeneration compared file by file
    result = run_generator("check", "--out", out)
    assert result.returncode == 1
    assert "stale: paperspace_deployments/_client.py" in result.stderr
    assert "missing: generator.lock.json" in result.stderr


def test_every_generated_file_names_its_source() -> None:
    files = tree_files(ROOT / "generated")
    commented = {name: text for name, text in files.items() if name.endswith((".py", ".toml", ".md"))}
    assert commented, "no generated files found"
    for name, text in commented.items():
        if name.endswith("py.typed"):
            continue
        head = text.splitlines()[0]
        assert "Generated from spec/paperspace-deployments-api-openapi.yml" in head, name
        assert "do not edit" in head, name


def test_effective_spec_is_written_and_carries_the_overlays() -> None:
    import json

    spec = json.loads((ROOT / "generated" / "openapi.json").read_text())
    assert spec["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    limit = spec["components"]["parameters"]["Limit"]["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 120)
    links = spec["paths"]["/deployments"]["post"]["responses"]["200"]["links"]
    assert {link["operationId"] for link in links.values()} >= {
        "getDeployment",
        "listDeploymentRuns",
        "getDeploymentMetrics",
        "getDeploymentLogs",
        "getDeploymentHistory",
        "deleteDeployment",
    }
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert {"400", "401", "429", "500"} <= operation["responses"].keys(), (path, method)


def test_the_lock_names_the_input_that_changed(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    overlays = [tmp_path / name for name in ("a.yaml", "b.yaml")]
    for overlay in overlays:
        action = f"actions: [{{target: '$.info', update: {{x-{overlay.stem}: 1}}}}]"
        overlay.write_text(f"overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\n{action}\n", encoding="utf-8")
    spec = ROOT / "spec" / "paperspace-deployments-api-openapi.yml"
    common = ("--spec", spec, "--out", out, "--overlay", overlays[0], "--overlay", overlays[1])
    assert run_generator("generate", *common).returncode == 0
    lock = json.loads((out / "generator.lock.json").read_text())
    assert lock["generator"]["datamodel-code-generator"] and len(lock["outputs"]) > 5
    assert not [key for key in lock["inputs"] if "/tmp" in key or key.startswith("/")]

    overlays[1].write_text(overlays[1].read_text() + "# changed\n", encoding="utf-8")
    result = run_generator("check", *common)
    assert (result.returncode, result.stderr.splitlines()[1:]) == (1, ["changed: overlay b.yaml"])

    templates = tmp_path / "mine" / "package"
    templates.mkdir(parents=True)
    (templates / "py.typed.jinja").write_text("", encoding="utf-8")
    result = run_generator("check", *common, "--templates", templates.parent)
    assert "new input: template mine/package/py.typed.jinja" in result.stderr


def test_regenerating_unchanged_inputs_is_a_no_op(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert run_generator("generate", "--out", out).returncode == 0
    client = out / "paperspace_deployments" / "_client.py"
    before = client.stat().st_mtime_ns
    again = run_generator("generate", "--out", out)
    assert again.returncode == 0 and "up to date: no input changed" in again.stdout
    assert client.stat().st_mtime_ns == before, "nothing was rewritten"
    forced = run_generator("generate", "--out", out, "--force")
    assert forced.returncode == 0 and "generated paperspace_deployments" in forced.stdout
    assert "API surface unchanged since the last generation." in forced.stdout


def test_another_package_name_is_not_mistaken_for_no_change(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert run_generator("generate", "--out", out).returncode == 0
    renamed = run_generator("generate", "--out", out, "--package", "other_name")
    assert renamed.returncode == 0 and "generated other_name" in renamed.stdout
    assert (out / "other_name" / "_client.py").is_file() and not (out / "paperspace_deployments").exists()


def _package_imports(module: Path) -> set[str]:
    """The modules of its own package ``module`` imports, anywhere in it (a function's too)."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            imported |= {node.module} if node.module else {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom | ast.Import):  # an absolute import of the package
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            imported |= {n.split(".")[1] for n in names if n.startswith(f"{PACKAGE.name}.")}
    return imported


def test_the_client_runtime_is_split_into_modules_of_one_concern_each() -> None:
    assert set(CLIENT_RUNTIME) <= set(RUNTIME_MODULES)
    for module in RUNTIME_MODULES:
        assert (PACKAGE / module).is_file(), f"{module} is not in the generated package"
    for module in CLIENT_RUNTIME:
        path = PACKAGE / module
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and "\n\n" not in docstring.strip(), f"{module}: a one-paragraph docstring of its job"


@pytest.mark.parametrize("module", RUNTIME_MODULES)
def test_a_runtime_module_imports_only_those_listed_before_it(module: str) -> None:
    """RUNTIME_MODULES is in import order, so the runtime has no import cycle."""
    runtime = [m.removesuffix(".py") for m in RUNTIME_MODULES]
    own = runtime.index(module.removesuffix(".py"))
    later = {m for m in _package_imports(PACKAGE / module) if m in runtime and runtime.index(m) >= own}
    assert not later, f"{module} imports {sorted(later)}, listed after it (or itself)"


def test_the_server_runtime_imports_the_encoding_not_the_client() -> None:
    imported = _package_imports(PACKAGE / "_server_base.py")
    assert "_encoding" in imported
    assert not imported & {"_base_client", "_client", "_response", "_pagination", "_waiters"}, imported


def test_users_import_the_same_public_names_as_before_the_split() -> None:
    import paperspace_deployments as sdk

    assert sdk.__all__ == PUBLIC_NAMES
    for name in PUBLIC_NAMES:
        assert getattr(sdk, name) is not None, name
