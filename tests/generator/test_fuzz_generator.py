"""Property-based fuzzing of the generator: a valid spec with hostile text in its fields.

For every example of :func:`fuzz_specs.fuzz_cases` (one to three text fields of a small valid
spec, or its file name, replaced by quotes, line breaks, NUL, lone surrogates, Jinja/TOML/Markdown
syntax, code-execution payloads...) ``generate`` either refuses the spec with exit 2 and a
``FILE:LINE:`` location, or exits 0 with a package that

- parses (every ``.py``), whose ``pyproject.toml`` is TOML and whose README is UTF-8 text,
- imports; whose sync client's every method, called against a closed port, fails only with the
  SDK's ``APIConnectionError``; whose clients build from the spec's server URL and environment
  variable names; and whose ``create_app`` builds (and renders its OpenAPI document),
- and never runs a payload: the canary file they would create does not exist afterwards.

Any other exit code (1, or 70 for an internal error), an exception escaping, a traceback in the
output, a scratch directory left beside ``--out``, a hang are failures too. Each failure has a
class (its symptom and where it was raised); Hypothesis shrinks each class on its own, so a run
reports every class it found, each with a minimal example: the field and the text.

Speed (~0.37 s an example): each step runs in a child forked from this process, which has
imported and warmed up the generator, httpx, pydantic and FastAPI once: as isolated as a
subprocess (nothing a run caches or leaks, nothing a package imports, defines or breaks, survives
it) at the cost of an in-process call. ``generate`` (``generator.cli.main``) takes ~0.22 s, half
of it compiling the generator's Jinja templates, instead of ~1.1 s for ``python -m paperspace_deployments_toolkit.generator``
(``FUZZ_SUBPROCESS=1`` runs that instead); importing and using the package ~0.1 s, instead of
~0.55 s in a fresh interpreter or ~0.07 s in this process (where 5,000 packages' modules and
classes would pile up).

``make test`` runs ``FUZZ_EXAMPLES`` (25) derandomized examples; ``make fuzz-generator`` runs
5,000 random ones (``FUZZ_RANDOM=1``) and prints a summary (``FUZZ_SUMMARY``): how many ran, how
long, and each class of failure seen with the smallest example of it. ``FUZZ_KEEP_GOING=1``
records failures instead of stopping at them, to survey a long run without shrinking.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import hashlib
import importlib
import inspect
import io
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import traceback
import types
import typing
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastapi  # noqa: F401 - imported before the children fork, so that none imports it again
import httpx
import pydantic
import pytest
from hypothesis import Phase, given, settings
from support.fuzz_specs import FuzzCase, everywhere, fuzz_case, fuzz_cases, payloads
from support.paths import ROOT

from paperspace_deployments_toolkit.generator.cli import main

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# make test: the same examples on every run; make fuzz-generator: new ones each time
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"
KEEP_GOING = os.environ.get("FUZZ_KEEP_GOING", "") == "1"
IN_SUBPROCESS = os.environ.get("FUZZ_SUBPROCESS", "") == "1"
SUMMARY = os.environ.get("FUZZ_SUMMARY")
CHILD_TIMEOUT = 120.0  # seconds; a child that takes longer is killed and reported

# the file every payload would create; only its absence matters, so nothing creates its directory
CANARY = Path(tempfile.gettempdir()) / f"generator-fuzz-canary-{os.getpid()}"


# ---------------------------------------------------------------------------------------------
# what a run found


@dataclass
class Stats:
    examples: int = 0
    exit_codes: Counter[str] = field(default_factory=Counter)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    # failure class -> (times seen, the smallest example seen, its symptom)
    failures: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def failed(self, kind: str, case: FuzzCase, symptom: str) -> None:
        seen, example, shown = self.failures.get(kind, (0, "", ""))
        described = case.describe()
        if not example or len(described) < len(example):
            example, shown = described, symptom
        self.failures[kind] = (seen + 1, example, shown)

    def summary(self) -> str:
        elapsed = time.perf_counter() - self.started
        each = elapsed / self.examples if self.examples else 0.0
        lines = [
            f"generator fuzzing: {self.examples} examples in {elapsed:.0f} s ({each:.2f} s each; "
            f"shrinking included; {'derandomized' if DERANDOMIZE else 'random'}"
            f"{', keep going' if KEEP_GOING else ''})",
            "exit codes: " + ", ".join(f"{code}: {n}" for code, n in sorted(self.exit_codes.items())),
            "time: " + ", ".join(f"{step} {s:.0f} s" for step, s in sorted(self.seconds.items())),
        ]
        if not self.failures:
            lines.append("no failure")
        for kind, (seen, example, symptom) in sorted(self.failures.items()):
            lines += [f"FAILED {kind}: {seen} example(s); the smallest:", _indent(example), _indent(symptom, 4)]
        return "\n".join(lines)


STATS = Stats()


def _indent(text: str, spaces: int = 2) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


class Failure(AssertionError):
    """A property that does not hold; ``kind`` is its class (stable across examples)."""

    kind = ""

    def __init__(self, symptom: str) -> None:
        super().__init__(f"{self.kind}\n{symptom}")
        self.symptom = symptom


_FAILURE_CLASSES: dict[str, type[Failure]] = {}


def failure(kind: str, symptom: str) -> Failure:
    """A :class:`Failure` of a class of its own for each ``kind``: Hypothesis tells bugs apart by
    the exception's type and line, and shrinks and reports each one separately."""
    kind = re.sub(r"fuzzpkg_\d+_\d+", "PKG", kind)
    if kind not in _FAILURE_CLASSES:
        _FAILURE_CLASSES[kind] = types.new_class("Failure", (Failure,), exec_body=lambda ns: ns.update(kind=kind))
    return _FAILURE_CLASSES[kind](symptom)


# ---------------------------------------------------------------------------------------------
# running the generator


@dataclass
class Run:
    code: int | str  # the exit code, "exception" when one escaped main(), "died" when its process did
    stdout: str
    stderr: str
    escaped: str = ""  # the exception that escaped: its type and where it was raised


def _where(exc: BaseException) -> str:
    """``KeyError in openapi.py:resolve_pointer``: an exception's class, the same whatever its message."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{type(exc).__name__}{_place(frames[-1].filename, frames[-1].name) if frames else ''}"


def _place(file: str, function: str) -> str:
    if re.search(r"/out/[^/]+/[^/]+\.py$", file):  # a generated module: "function" is a class named from the spec
        return f" in {Path(file).name}"
    return f" in {Path(file).name}:{function}"


def _traceback_class(text: str) -> str:
    """Like :func:`_where`, from a printed traceback."""
    frames = re.findall(r'^  File "([^"]*)", line \d+, in (.*)$', text, flags=re.MULTILINE)
    error = re.findall(r"^(\w+(?:\.\w+)*)(?::|$)", text[text.rindex("Traceback") :], flags=re.MULTILINE)
    return f"{error[-1] if error else '?'}{_place(*frames[-1]) if frames else ''}"


def _generate(spec: Path, out: Path, package: str, *options: str) -> Run:
    """``generate`` on ``spec``: in a child forked from this process (``FUZZ_SUBPROCESS=1``: the CLI)."""
    argv = ["generate", "--spec", str(spec), "--out", str(out), "--package", package, *options]
    if IN_SUBPROCESS:
        env = dict(os.environ)
        result = subprocess.run(
            [sys.executable, "-m", "paperspace_deployments_toolkit.generator", *argv],
            cwd=ROOT,
            capture_output=True,
            env=env,
            check=False,
        )
        stdout, stderr = (data.decode("utf-8", "backslashreplace") for data in (result.stdout, result.stderr))
        return Run(result.returncode, stdout, stderr)
    try:
        return Run(**_forked(_generate_here, argv))
    except ChildFailed as failed:
        return Run("died", "", f"{failed.kind}\n{failed.detail}")


def _generate_here(argv: list[str]) -> dict[str, Any]:
    # streams that encode as a process's do: stdout strict UTF-8, stderr with backslashreplace
    streams = [
        io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)
        for errors in ("strict", "backslashreplace")
    ]
    code: int | str
    escaped = ""
    with contextlib.redirect_stdout(streams[0]), contextlib.redirect_stderr(streams[1]):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's, or a stage's
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:
            code, escaped = "exception", _where(exc)
            traceback.print_exc()  # into the redirected stderr, as the CLI would show it
    stdout, stderr = (_written(stream) for stream in streams)
    return {"code": code, "stdout": stdout, "stderr": stderr, "escaped": escaped}


def _bug_class(spec: Path, out: Path, package: str) -> str:
    """The class of the internal error that made a run exit neither 0 nor 2, from the traceback
    ``--debug`` shows (the run itself shows one line)."""
    debug = _generate(spec, out, package, "--debug")
    if "Traceback" in debug.stderr:
        return _traceback_class(debug.stderr)
    return debug.escaped or _last_line(debug.stderr)


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:120] if lines else ""


def _written(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", "backslashreplace")


def _located(stderr: str, file_name: str) -> bool:
    """Does a line say ``FILE:LINE: /POINTER:`` (LINE from 1) of the spec? It is named as it is,
    or with what is not printable escaped (``\\n``, ``\\x0a``, ``\\u202e``..., the generator
    chooses how), so only the name's ending, its suffix, is compared."""
    suffix = re.escape("." + file_name.rsplit(".", 1)[-1])  # .yaml or .json
    return re.search(rf"^.*{suffix}:[1-9][0-9]*: /", stderr, flags=re.MULTILINE) is not None


# ---------------------------------------------------------------------------------------------
# the generated files

_PARSED: set[bytes] = set()  # digests of the sources that parsed: most files are the same every time


def _check_files(out: Path) -> None:
    for path in sorted(out.rglob("*.py")):
        source = path.read_bytes()
        digest = hashlib.sha256(source).digest()
        if digest in _PARSED:
            continue
        try:
            ast.parse(source, filename=str(path))
        except (SyntaxError, ValueError) as exc:
            raise failure(f"{path.name} does not parse: {type(exc).__name__}", str(exc)) from exc
        _PARSED.add(digest)
    try:
        tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise failure(f"pyproject.toml is not TOML: {type(exc).__name__}", str(exc)) from exc
    try:
        (out / "README.md").read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise failure("README.md is not UTF-8", str(exc)) from exc


# ---------------------------------------------------------------------------------------------
# using the generated package, in a forked child

Problem = tuple[str, str]  # its class, what happened


def _dummy(annotation: Any) -> Any:
    """A value of type ``annotation``, as a caller would pass it (models built without validation)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation in (str, typing.Any, object):
        return "x"
    if annotation in (int, float, bool):
        return annotation(1)
    if annotation is bytes:
        return b"x"
    if origin is typing.Literal:
        return args[0]
    if origin is typing.Annotated:
        return _dummy(args[0])
    if origin in (typing.Union, types.UnionType):
        return _dummy(next(arg for arg in args if arg is not type(None)))
    if origin in (list, Sequence):
        return []
    if origin in (dict, Mapping):
        return {}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation))
    if isinstance(annotation, type) and issubclass(annotation, pydantic.RootModel):
        return annotation.model_construct(_dummy(annotation.model_fields["root"].annotation))
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        required = {name: _dummy(f.annotation) for name, f in annotation.model_fields.items() if f.is_required()}
        return annotation.model_construct(**required)
    raise TypeError(f"the fuzz test has no value of type {annotation!r}")


RUNTIME_PARAMETERS = {"self", "extra_headers", "timeout", "max_retries"}


def _any_of(annotation: Any) -> bool:
    return annotation is typing.Any or typing.Any in typing.get_args(annotation)


def _calls(client_class: type) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each call to make of the client's methods generated from the spec's operations (not its
    runtime's): each way of calling one (a body model, or its fields as keywords), once with
    what it requires and once with every parameter the spec gives it."""
    for name, function in vars(client_class).items():
        if not inspect.isfunction(function) or name.startswith("_") or name == "with_options":
            continue
        for signature in typing.get_overloads(function) or [function]:
            hints = typing.get_type_hints(signature, include_extras=True)
            parameters = [
                p for p in inspect.signature(signature).parameters.values() if p.name not in RUNTIME_PARAMETERS
            ]
            required = {p.name: _dummy(hints[p.name]) for p in parameters if p.default is p.empty}
            # (an optional parameter typed Any, the SDK validates against a type it does not show: left out)
            every = {p.name: _dummy(hints[p.name]) for p in parameters if not _any_of(hints[p.name])}
            yield from [(name, required)] + ([(name, every)] if every != required else [])


def _call_problem(call: str, exc: BaseException) -> Problem | None:
    """What is wrong with ``exc``, raised by a client call to a closed port (None: nothing)."""
    if type(exc).__name__ == "APIConnectionError":
        return None
    if isinstance(exc, pydantic.ValidationError) and {e["type"] for e in exc.errors()} == {"string_pattern_mismatch"}:
        return None  # a dummy argument that does not match the spec's pattern, refused before sending: right
    return f"{call.partition('(')[0]}(...) raised {_where(exc)}", f"{call} raised {type(exc).__name__}: {exc}"


def exercise(package: str, directory: str, closed_url: str, http_client: httpx.Client) -> list[Problem]:
    """Import ``package``, call each operation of its sync client against ``closed_url`` and build
    its server app; what went wrong (empty: nothing). ``http_client`` serves the clients built only
    to see that they can be (each one the SDK builds itself loads the CA certificates: 45 ms)."""
    problems: list[Problem] = []

    def payload_ran(step: str) -> bool:
        if CANARY.exists():
            problems.append(("a payload ran " + step, f"{CANARY} was created {step}"))
        return CANARY.exists()

    sys.dont_write_bytecode = True  # imported once
    sys.path.insert(0, directory)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            client_class = importlib.import_module(f"{package}._client").Client
            errors = importlib.import_module(f"{package}.errors")
            client = client_class(api_key="fuzz", base_url=closed_url, max_retries=0)
        except Exception as exc:
            payload_ran("on import")
            return [*problems, (f"importing it raised {_where(exc)}", traceback.format_exc())]
        if payload_ran("on import"):
            return problems
        for name, arguments in _calls(client_class):
            call = f"client.{name}(**{arguments!r})"
            try:
                answer = getattr(client, name)(**arguments)
            except Exception as exc:
                problem = _call_problem(call, exc)
                problems += [problem] if problem else []
            else:
                problems.append((f"client.{name}(...) answered", f"{call} answered {answer!r} from a closed port"))
            if payload_ran(f"calling client.{name}"):
                return problems
        for call, arguments in (("Client(api_key=...)", {"api_key": "fuzz"}), ("Client()", {})):
            try:  # the spec's server URL, and reading the environment variables the spec names
                client_class(**arguments, http_client=http_client)
            except errors.APIError:  # "No API key", when the spec's variable is not set
                pass
            except Exception as exc:
                problems.append((f"{call} raised {_where(exc)}", f"{call} raised {type(exc).__name__}: {exc}"))
            if payload_ran(f"building {call}"):
                return problems
        try:
            server = importlib.import_module(f"{package}.server")
            server.create_app(server.UnimplementedBackend()).openapi()
        except Exception as exc:
            problems.append((f"the server app raised {_where(exc)}", traceback.format_exc()))
        if payload_ran("building the server app"):
            return problems
    problems += [(f"{w.category.__name__} from {Path(w.filename).name}", f"{w.message}") for w in caught]
    return problems


def _in_child(package: str, directory: Path, workspace: Workspace) -> list[Problem]:
    """:func:`exercise` in a forked child; its problems, or how it died."""
    try:
        answer = _forked(exercise, package, str(directory), workspace.closed_url, workspace.http_client)
    except ChildFailed as failed:
        return [(failed.kind, failed.detail)]
    return [(kind, detail) for kind, detail in answer]


# ---------------------------------------------------------------------------------------------
# forked children


class ChildFailed(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}\n{detail}")
        self.kind, self.detail = kind, detail


def _forked(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)``, a JSON value, computed in a child forked from this process, which
    keeps nothing of it: neither what a generated package imports and defines, nor what the
    generator caches or leaks run after run (in this process, 0.3 MB an example). Raises
    :class:`ChildFailed` when the child raised, died or took more than ``CHILD_TIMEOUT``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answers on the pipe, and leaves without running this process's cleanup
        try:
            os.close(read_end)
            try:
                answer = [True, function(*args)]
            except BaseException as exc:
                answer = [False, f"the fuzz test's child raised {_where(exc)}", traceback.format_exc()]
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(json.dumps(answer).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    data = b""
    deadline = time.monotonic() + CHILD_TIMEOUT
    with os.fdopen(read_end, "rb") as pipe:
        while select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))[0]:
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            data += chunk
    timed_out = time.monotonic() > deadline
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        raise ChildFailed(f"{function.__name__} took over {CHILD_TIMEOUT:.0f} s", "")
    if not data:
        raise ChildFailed(f"{function.__name__}'s process died", f"wait status {status}")
    answer = json.loads(data)
    if not answer[0]:
        raise ChildFailed(answer[1], answer[2])
    return answer[1]


# ---------------------------------------------------------------------------------------------
# the properties


@dataclass
class Workspace:
    root: Path
    closed_url: str
    http_client: httpx.Client
    count: int = 0


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    # a port bound but not listening: connections are refused, and nothing else can take it
    with socket.socket() as closed, httpx.Client() as http_client:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        CANARY.unlink(missing_ok=True)
        workspace = Workspace(tmp_path_factory.mktemp("fuzz"), f"http://127.0.0.1:{port}", http_client)
        _warm_up(workspace)
        yield workspace
    if SUMMARY:
        Path(SUMMARY).write_text(STATS.summary() + "\n", encoding="utf-8")


def _warm_up(workspace: Workspace) -> None:
    """Generate and use a package of the base spec here once, so that what a first run imports
    and caches (datamodel-code-generator's lazy imports, pydantic's and typing's caches, the CA
    certificates) is in place in every child forked afterwards: a child using a package then
    takes 0.09 s instead of 0.12 s, one generating it 0.2 s instead of 0.6 s."""
    out = workspace.root / "warm-up"
    spec = workspace.root / "warm-up.yaml"
    spec.write_text(fuzz_case(()).text, encoding="utf-8")
    generated = _generate_here(["generate", "--spec", str(spec), "--out", str(out), "--package", "fuzz_warm_up"])
    assert generated["code"] == 0, generated
    assert exercise("fuzz_warm_up", str(out), workspace.closed_url, workspace.http_client) == []
    sys.path.remove(str(out))


def _timed(step: str, started: float) -> None:
    STATS.seconds[step] += time.perf_counter() - started


def check(case: FuzzCase, workspace: Workspace) -> None:
    """Every property for one example; raises a :class:`Failure`."""
    workspace.count += 1
    package = f"fuzzpkg_{os.getpid()}_{workspace.count}"
    directory = workspace.root / package
    (directory / "spec").mkdir(parents=True)
    spec = directory / "spec" / case.file_name
    spec.write_text(case.text, encoding="utf-8")
    out = directory / "out"
    try:
        started = time.perf_counter()
        run = _generate(spec, out, package)
        _timed("generate", started)
        STATS.exit_codes[str(run.code)] += 1
        output = f"exit {run.code}\n--- stdout\n{run.stdout}--- stderr\n{run.stderr}"
        if CANARY.exists():
            raise failure("a payload ran while generating", output)
        if run.code == "died":
            raise failure(f"the generator: {run.stderr.partition(chr(10))[0]}", output)
        if run.code == "exception":
            raise failure(f"an exception escaped the generator: {run.escaped}", output)
        if "Traceback" in run.stdout + run.stderr:
            raise failure(f"a traceback in the output: {_traceback_class(run.stdout + run.stderr)}", output)
        if run.code not in (0, 2):
            raise failure(f"exit {run.code}: {_bug_class(spec, out, package)}", output)
        leftovers = sorted(p.name for p in directory.iterdir() if p.name.startswith(f".{out.name}."))
        if leftovers:
            raise failure("scratch directories left beside --out", f"{leftovers}\n{output}")
        if run.code == 2:
            if not _located(run.stderr, case.file_name):
                raise failure("exit 2 without a FILE:LINE: location", output)
            return
        started = time.perf_counter()
        _check_files(out)
        _timed("parse files", started)
        started = time.perf_counter()
        problems = _in_child(package, out, workspace)
        _timed("import and use", started)
        if CANARY.exists():  # a payload that ran in a way the child did not see
            problems.insert(0, ("a payload ran in the generated package", ""))
        if problems:
            kind, _ = problems[0]
            raise failure(f"the generated package: {kind}", "\n".join(detail for _, detail in problems))
    finally:
        CANARY.unlink(missing_ok=True)
        shutil.rmtree(directory, ignore_errors=True)


# no explain phase: it reruns each failing example many times under a line tracer (several
# seconds each), to say which lines only failing examples ran: the traceback says as much here
PHASES = [phase for phase in Phase if phase is not Phase.explain]


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,  # an example takes 0.1-1 s, depending on what it generates
    derandomize=DERANDOMIZE,
    database=None,  # no .hypothesis/ directory in the project; print_blob says how to replay a failure
    print_blob=True,
    phases=PHASES,
)
@given(case=fuzz_cases(str(CANARY)))
def test_generator_answers_hostile_text_with_a_safe_package_or_a_located_error(
    case: FuzzCase, workspace: Workspace
) -> None:
    STATS.examples += 1
    try:
        check(case, workspace)
    except Failure as found:
        STATS.failed(found.kind, case, found.symptom[:3000])
        if not KEEP_GOING:
            raise type(found)(f"{found.symptom}\n\nthe example:\n{case.describe()}") from None


@pytest.mark.skipif(not KEEP_GOING, reason="with FUZZ_KEEP_GOING=1 only: the fuzz test then records its failures")
def test_the_fuzzing_run_found_no_failure() -> None:
    assert not STATS.failures, STATS.summary()


# ---------------------------------------------------------------------------------------------
# the harness itself, and a sample through mypy


def test_the_base_spec_passes_every_check(workspace: Workspace) -> None:
    check(fuzz_case(()), workspace)


def test_the_harness_sees_a_payload_that_runs_when_the_package_is_imported(
    workspace: Workspace, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(fuzz_case(()).text, encoding="utf-8")
    assert _generate(spec, tmp_path / "out", "planted").code == 0
    with (tmp_path / "out" / "planted" / "models.py").open("a", encoding="utf-8") as models:
        models.write(f'\n__import__("pathlib").Path({str(CANARY)!r}).touch()\n')
    try:
        assert _in_child("planted", tmp_path / "out", workspace) == [
            ("a payload ran on import", f"{CANARY} was created on import")
        ]
    finally:
        CANARY.unlink(missing_ok=True)


# a few nasty texts in every field at once (kept a valid spec; see fuzz_specs.everywhere)
SAMPLE_TEXTS = [
    'Quote\'s "double" \'\'\'triple\'\'\' """triple""" back\\slash \\n \\x00 \\N{',
    "Line\nbreak\r\nCR\ttab \u2028 \u202eRTL 😀 👩\u200d👩\u200d👧 é ǅ \ufeff",
    '{{ jinja }} {% raw %} [toml] key = "v" # *md* _x_ `code` <b> | ~0 ~1 / ~ $ref',
    "".join(payloads("CANARY")[:3]),
]


def test_a_sample_with_hostile_text_everywhere_passes_mypy_strict(workspace: Workspace, tmp_path: Path) -> None:
    packages = []
    for index, text in enumerate(SAMPLE_TEXTS):
        case = fuzz_case(everywhere(text, canary=str(CANARY)), "yaml")
        package = f"sample_{index}"
        (tmp_path / package).mkdir()
        spec = tmp_path / package / case.file_name
        spec.write_text(case.text, encoding="utf-8")
        out = tmp_path / package / "out"
        run = _generate(spec, out, package)
        assert run.code == 0, f"{case.describe()}\n{run.stderr}"
        _check_files(out)
        assert _in_child(package, out, workspace) == []
        assert not CANARY.exists()
        packages.append(str(out / package))
    # run outside the project, so that its mypy configuration does not apply
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *packages],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
