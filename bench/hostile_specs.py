"""Hostile specs: how long and how much memory `generate` takes to answer (generate or refuse) each
of a set of adversarial specs of up to 10 MB, with the default limits (a benchmark, never a test).

    .venv/bin/python bench/hostile_specs.py [--only alias-bomb-10,...] [--timeout 120]

The specs are written into a temporary directory: alias bombs, nesting millions deep (JSON and
YAML), 10 MB in one description, 10 MB of small operations, a flat 10 MB extension, 10 MB of
duplicate keys, and the dearest specs within the limits (as many schemas, operations, models or
references as the node limit lets through, an alias expanded to just under it, schemas at the
depth limit, thousands of errors). Each runs as `python -m paperspace_deployments_toolkit.generator generate` in a child process
(its own process group, a 4 GB address-space cap and a timeout as guards); wall time, CPU time and
peak resident memory are those of the child and every process it waited for (`wait4`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ROOT, machine
from bench.results import Area, Chart, Table, print_area
from bench.synthetic_spec import synthetic_spec
from paperspace_deployments_toolkit.generator.limits import Limits

MB = 1_000_000
SIZE = 10 * MB  # the size every spec must be answered up to
BUDGET_S, BUDGET_MIB = 30.0, 1024.0
GUARD_BYTES = 4 * 1024**3  # address space of a run: a runaway fails instead of taking the machine
LIMITS = Limits()
HEAD = {"openapi": "3.0.3", "info": {"title": "Hostile", "version": "1"}}
ONE_OPERATION = {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}


@dataclass
class Case:
    name: str
    what: str
    write: Callable[[Path], Path]  # writes the spec into a directory, returns its path


@dataclass
class Outcome:
    case: Case
    size: int
    code: int
    wall: float
    cpu: float
    peak_mib: float
    answer: str  # the first line of the refusal, or how the run ended


def _json(directory: Path, name: str, spec: dict[str, Any]) -> Path:
    return _text(directory, name, _compact_json(spec))


def _text(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _spec(**parts: Any) -> dict[str, Any]:
    return {**HEAD, "paths": ONE_OPERATION, **parts}


def alias_bomb(levels: int) -> str:
    lines = ["openapi: 3.0.3", "info: {title: Hostile, version: '1'}", "paths: {}", "x-bomb:"]
    lines.append("  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    lines += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def alias_to_the_limit() -> str:
    """A few hundred bytes whose aliases expand to just under the node limit."""
    per_row = 1000  # a row is a sequence of 1,000 scalars: 1,001 nodes
    rows = (LIMITS.max_nodes - 100) // (per_row + 2)
    lines = [
        "openapi: 3.0.3",
        "info: {title: Hostile, version: '1'}",
        "paths: {/a: {get: {responses: {'200': {description: ok}}}}}",
    ]
    lines += ["x-row: &row [" + ", ".join(["0"] * per_row) + "]", "x-rows:"]
    lines += ["  - *row" for _ in range(rows - 1)]
    return "\n".join(lines) + "\n"


def deep_json(size: int) -> str:
    head = '{"openapi":"3.0.3","info":{"title":"Hostile","version":"1"},"paths":{},"x-deep":'
    depth = (size - len(head) - 1) // 2
    return head + "[" * depth + "]" * depth + "}"


def deep_yaml(size: int) -> str:
    head = "openapi: 3.0.3\ninfo: {title: Hostile, version: '1'}\npaths: {}\nx-deep:\n  "
    return head + "- " * ((size - len(head) - 2) // 2) + "x\n"


def nested_schemas(depth: int) -> dict[str, Any]:
    """Inline object schemas nested to the depth limit inside a response (the depth counts every
    mapping from the top)."""
    schema: dict[str, Any] = {"type": "string"}
    for _ in range((depth - 9) // 2):
        schema = {"type": "object", "properties": {"p": schema}}
    content = {"application/json": {"schema": schema}}
    return _spec(paths={"/a": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}})


def synthetic_of_size(size: int, dump: Callable[[dict[str, Any]], str]) -> str:
    """A synthetic spec (bench/synthetic_spec.py) of about ``size`` characters as ``dump`` writes it."""
    sample = len(dump(synthetic_spec(500)))
    return dump(synthetic_spec(int(500 * size / sample * 0.99)))


def _compact_json(spec: dict[str, Any]) -> str:
    return json.dumps(spec, separators=(",", ":"))


def _nodes_left(per_unit: int) -> int:
    return (LIMITS.max_nodes - 500) // per_unit  # what the rest of the spec takes, and a margin


def cases() -> list[Case]:
    """Every hostile spec; the last group is as dear as the default limits let a spec be."""
    return [
        Case(
            "alias-bomb-10", "YAML alias bomb, 10 levels (10^10 nodes)", lambda d: _text(d, "b10.yml", alias_bomb(10))
        ),
        Case("alias-bomb-7", "YAML alias bomb, 7 levels (10^7 nodes)", lambda d: _text(d, "b7.yml", alias_bomb(7))),
        Case("deep-json", "JSON nested 5 million deep (10 MB)", lambda d: _text(d, "deep.json", deep_json(SIZE))),
        Case("deep-yaml", "YAML nested 5 million deep (10 MB)", lambda d: _text(d, "deep.yml", deep_yaml(SIZE))),
        Case(
            "big-description",
            "one 10 MB description (JSON)",
            lambda d: _json(
                d, "desc.json", _spec(info={"title": "H", "version": "1", "description": "x" * (SIZE - 200)})
            ),
        ),
        Case(
            "big-description-yaml",
            "one 10 MB description (YAML block scalar)",
            lambda d: _text(
                d,
                "desc.yml",
                "openapi: 3.0.3\ninfo:\n  title: H\n  version: '1'\n  description: |\n"
                + ("    " + "x" * 95 + "\n") * ((SIZE - 200) // 100)
                + "paths: {}\n",
            ),
        ),
        Case(
            "many-operations",
            "10 MB of small operations (synthetic, JSON)",
            lambda d: _text(d, "ops.json", synthetic_of_size(SIZE, _compact_json)),
        ),
        Case(
            "many-operations-yaml",
            "10 MB of small operations (synthetic, YAML)",
            lambda d: _text(d, "ops.yml", synthetic_of_size(SIZE, _yaml)),
        ),
        Case(
            "wide-extension", "a flat 10 MB extension: 5 million numbers", lambda d: _text(d, "wide.json", _wide(SIZE))
        ),
        Case("duplicate-keys", "10 MB of one key repeated (YAML)", lambda d: _text(d, "dup.yml", _duplicates(SIZE))),
        Case("many-keys", "10 MB of distinct keys in one mapping (YAML)", lambda d: _text(d, "keys.yml", _keys(SIZE))),
        # within the limits, the dearest found
        Case(
            "at-limit-synthetic",
            "synthetic operations up to the node limit",
            lambda d: _json(d, "syn.json", _synthetic_at_limit()),
        ),
        Case(
            "at-limit-empty-schemas",
            "empty schemas ({}) up to the node limit: one model each",
            lambda d: _json(
                d, "schemas.json", _spec(components={"schemas": {f"S{n}": {} for n in range(_nodes_left(2))}})
            ),
        ),
        Case(
            "at-limit-inline-models",
            "one schema of inline object properties up to the node limit: one model each",
            lambda d: _json(d, "inline.json", _inline_models()),
        ),
        Case(
            "at-limit-operations",
            "minimal operations up to the node limit",
            lambda d: _json(
                d, "minops.json", {**HEAD, "paths": {f"/p{n}": ONE_OPERATION["/a"] for n in range(_nodes_left(10))}}
            ),
        ),
        Case(
            "allof-chain",
            "one chain of schemas each extending the one before (allOf), as long as the node limit lets it",
            lambda d: _json(d, "allof.json", _allof_chains(_nodes_left(7))),
        ),
        Case(
            "allof-lattice",
            "8 layers of schemas, each extending every schema of the layer below, up to the node limit",
            lambda d: _json(d, "lattice.json", _allof_lattice(8, _lattice_width(8))),
        ),
        Case(
            "at-limit-allof-chains",
            "chains of 9 schemas each extending the one before (8 bases, the allOf limit), up to the node limit",
            lambda d: _json(d, "allof9.json", _allof_chains(9)),
        ),
        Case(
            "at-limit-allof-lattices",
            "lattices of 3 layers of 4 schemas (each extending the 4 below: 8 bases), up to the node limit",
            lambda d: _json(d, "lattices.json", _allof_lattice(3, 4)),
        ),
        Case(
            "at-limit-unions",
            "unions (oneOf) of 1,000 schemas, the limit, up to the node limit",
            lambda d: _json(d, "unions.json", _unions()),
        ),
        Case(
            "wide-enum",
            "one enum of as many values as the node limit lets through",
            lambda d: _json(d, "enum.json", _spec(components={"schemas": _enums(_nodes_left(1))})),
        ),
        Case(
            "at-limit-enums",
            "enums of 5,000 values (the limit), up to the node limit",
            lambda d: _json(d, "enums.json", _spec(components={"schemas": _enums(5000)})),
        ),
        Case(
            "at-limit-references",
            "references to a chain of 8 references, up to the node limit",
            lambda d: _json(d, "refs.json", _references()),
        ),
        Case(
            "at-limit-alias",
            "a 2 KB YAML whose aliases expand to just under the node limit",
            lambda d: _text(d, "alias.yml", alias_to_the_limit()),
        ),
        Case(
            "at-limit-depth",
            "inline schemas nested to the depth limit",
            lambda d: _json(d, "nested.json", nested_schemas(LIMITS.max_depth)),
        ),
        Case(
            "at-limit-errors",
            "an invalid parameter for each 10 nodes: thousands of errors",
            lambda d: _json(d, "errors.json", _errors()),
        ),
    ]


def _yaml(spec: dict[str, Any]) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # the C emitter: seconds, not a minute
    return str(yaml.dump(spec, Dumper=dumper, sort_keys=False))


def _wide(size: int) -> str:
    head = '{"openapi":"3.0.3","info":{"title":"Hostile","version":"1"},"paths":{},"x-wide":['
    return head + ",".join(["0"] * ((size - len(head)) // 2)) + "]}"


def _duplicates(size: int) -> str:
    head = "openapi: 3.0.3\ninfo: {title: Hostile, version: '1'}\npaths: {}\nx-dup:\n"
    return head + "  a: 1\n" * ((size - len(head)) // 7)


def _keys(size: int) -> str:
    head = "openapi: 3.0.3\ninfo: {title: Hostile, version: '1'}\npaths: {}\nx-keys:\n"
    return head + "".join(f"  k{n}: 1\n" for n in range((size - len(head)) // 14))


def _synthetic_at_limit() -> dict[str, Any]:
    per_operation = 64  # nodes of an operation of bench/synthetic_spec.py, keys included
    return synthetic_spec(int(_nodes_left(per_operation) * 0.98))


def _inline_models() -> dict[str, Any]:
    prop = {"type": "object", "properties": {"a": {"type": "string"}}}  # 10 nodes with its name
    properties = {f"p{n}": prop for n in range(_nodes_left(10))}
    return _spec(components={"schemas": {"S": {"type": "object", "properties": properties}}})


def _allof_chains(length: int) -> dict[str, Any]:
    """As many chains of ``length`` schemas as the node limit lets through (7 nodes a schema: its
    name, its mapping, allOf, its list, a mapping, $ref and its value)."""
    schemas: dict[str, Any] = {}
    for chain in range(max(1, _nodes_left(7) // length)):
        schemas[f"C{chain}S0"] = {"type": "object"}
        for n in range(1, length):
            schemas[f"C{chain}S{n}"] = {"allOf": [{"$ref": f"#/components/schemas/C{chain}S{n - 1}"}]}
    return _spec(components={"schemas": schemas})


def _lattice_width(layers: int) -> int:
    """The widest lattice of ``layers`` the node limit lets through (a schema: 4 nodes, a base: 3)."""
    width = 1
    while layers * (width + 1) * (3 * (width + 1) + 4) < _nodes_left(1):
        width += 1
    return width


def _allof_lattice(layers: int, width: int) -> dict[str, Any]:
    """As many lattices as the node limit lets through: ``layers`` of ``width`` schemas, each
    extending every schema of the layer below."""
    schemas: dict[str, Any] = {}
    for lattice in range(max(1, _nodes_left(1) // (layers * width * (3 * width + 4)))):
        schemas.update({f"T{lattice}L0S{n}": {"type": "object"} for n in range(width)})
        for layer in range(1, layers):
            bases = [{"$ref": f"#/components/schemas/T{lattice}L{layer - 1}S{n}"} for n in range(width)]
            schemas.update({f"T{lattice}L{layer}S{n}": {"allOf": bases} for n in range(width)})
    return _spec(components={"schemas": schemas})


def _enums(values: int) -> dict[str, Any]:
    """As many enums of ``values`` values as the node limit lets through (4 nodes besides)."""
    return {f"E{n}": {"enum": list(range(values))} for n in range(max(1, _nodes_left(values + 4)))}


def _unions() -> dict[str, Any]:
    """Unions of 1,000 schemas: a schema is 4 nodes (its name, its mapping, type and its value) and
    each of its places in a union 3 (a mapping, $ref and its value)."""
    schemas: dict[str, Any] = {}
    for union in range(max(1, _nodes_left(7 * 1000))):
        schemas.update({f"U{union}S{n}": {"type": "object"} for n in range(1000)})
        schemas[f"U{union}"] = {"oneOf": [{"$ref": f"#/components/schemas/U{union}S{n}"} for n in range(1000)]}
    return _spec(components={"schemas": schemas})


def _references() -> dict[str, Any]:
    chain = {f"C{n}": {"$ref": f"#/components/schemas/C{n + 1}"} for n in range(7)}
    chain["C7"] = {"type": "string"}
    properties = {f"p{n}": {"$ref": "#/components/schemas/C0"} for n in range(_nodes_left(4))}
    return _spec(components={"schemas": {**chain, "S": {"type": "object", "properties": properties}}})


def _errors() -> dict[str, Any]:
    parameters = [{"name": f"q{n}", "in": "nowhere", "schema": {"type": "string"}} for n in range(_nodes_left(10))]
    return {**HEAD, "paths": {"/a": {"get": {"parameters": parameters, "responses": {"200": {"description": "ok"}}}}}}


def run(spec: Path, out: Path, timeout: float) -> tuple[int, float, float, float, str]:
    """Exit code, wall s, CPU s, peak MiB and the first line of stderr of one `generate`."""
    command = [
        sys.executable,
        "-m",
        "paperspace_deployments_toolkit.generator",
        "generate",
        "--spec",
        str(spec),
        "--out",
        str(out),
    ]
    command += ["--package", "hostile", "--force"]

    def guard() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (GUARD_BYTES, GUARD_BYTES))

    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: nobody reads while it runs
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors, preexec_fn=guard, start_new_session=True
        )
        timer = threading.Timer(timeout, lambda: os.killpg(process.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    lines = [line for line in stderr.splitlines() if line and not line.startswith("warning:")]
    answer = "killed at the timeout" if code == -signal.SIGKILL else (lines[0] if lines and code else "generated")
    if "Traceback" in stderr or "MemoryError" in stderr or "internal error" in stderr:
        answer = "FAILED: " + (lines[-1] if lines else "?")
    return code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, answer


def measure(only: tuple[str, ...] = (), timeout: float = 120.0) -> Area:
    outcomes = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        for case in cases():
            if only and case.name not in only:
                continue
            spec = case.write(directory)
            code, wall, cpu, peak, answer = run(spec, directory / f"out-{case.name}", timeout)
            outcomes.append(Outcome(case, spec.stat().st_size, code, wall, cpu, peak, answer))
            spec.unlink()
            print(f"  {case.name}: exit {code}, {wall:.1f} s, {peak:.0f} MiB: {answer[:100]}", flush=True)
    return _area(outcomes, timeout)


def _area(outcomes: list[Outcome], timeout: float) -> Area:
    area = Area(name="hostile", title="Hostile specs", command="make bench (bench/hostile_specs.py)", headline="")
    area.headline = _headline(outcomes)
    columns = ["spec", "what", "MB", "exit", "wall s", "CPU s", "peak MiB", "answer"]
    rows = [_row(o) for o in outcomes]
    area.tables.append(
        Table("One run each, `python -m paperspace_deployments_toolkit.generator generate --force`", columns, rows)
    )
    names = [o.case.name for o in outcomes]
    area.chart = Chart(
        "Answering a hostile spec (one run each)", "seconds", names, {"wall": [[o.wall] for o in outcomes]}
    )
    area.notes = [
        f"Limits: {LIMITS.max_bytes:,} bytes, depth {LIMITS.max_depth}, {LIMITS.max_nodes:,} nodes "
        f"(generator/limits.py); the budget is {BUDGET_S:.0f} s and {BUDGET_MIB:.0f} MiB for any spec up to 10 MB.",
        f"Each run has a {timeout:.0f} s timeout and a 4 GB address-space cap as guards; CPU s counts every process "
        "of the run (the models worker and ruff included), so it may exceed the wall time on 2 CPUs.",
    ]
    return area


def _row(o: Outcome) -> list[str]:
    figures = [f"{o.size / MB:.2f}", str(o.code), f"{o.wall:.2f}", f"{o.cpu:.2f}", f"{o.peak_mib:.0f}"]
    return [o.case.name, o.case.what, *figures, _cell(o.answer)]


def _headline(outcomes: list[Outcome]) -> str:
    wall = max(outcomes, key=lambda o: o.wall)
    peak = max(outcomes, key=lambda o: o.peak_mib)
    failed = [o.case.name for o in outcomes if o.code not in (0, 2) or o.answer.startswith("FAILED")]
    over = [o.case.name for o in outcomes if o.wall > BUDGET_S or o.peak_mib > BUDGET_MIB]
    budget = (
        f"over the {BUDGET_S:.0f} s / {BUDGET_MIB:.0f} MiB budget: {', '.join(over)}" if over else "all within budget"
    )
    answered = f"failed: {', '.join(failed)}" if failed else "every one answered with exit 0 or 2, no traceback"
    return (
        f"{len(outcomes)} adversarial specs up to 10 MB, default limits: worst {wall.wall:.1f} s wall "
        f"({wall.case.name}), worst {peak.peak_mib:.0f} MiB peak ({peak.case.name}); {budget}; {answered}."
    )


def _cell(text: str) -> str:
    text = text.replace("|", "\\|")
    return text if len(text) <= 110 else text[:107] + "..."


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated spec names (default: all)")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    area = measure(tuple(filter(None, args.only.split(","))), args.timeout)
    print_area(area, machine())


if __name__ == "__main__":
    main()
