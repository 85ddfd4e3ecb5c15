"""Requests the suite sends itself, each answer judged against what the contract documents for it.

A :class:`Prober` sends one operation of the contract at a time over plain httpx (no SDK between
the server's answer and the judge, so a malformed answer is judged, never crashes the tool) and
runs the answer checks below on every answer: its status is one the operation documents, its
body matches the schema documented for that status, an error body's code names its status, the
headers documented for the status are there, a 204 has no body, an error body holds no stack
trace, and the answer came within ``--max-response-time``. Each check is a small named function.

Everything sent and answered is kept as :class:`Exchange` records on the run's :class:`Ledger`,
so a failure carries the whole sequence that led to it (set-up requests included), and the
coverage table knows which items of the inventory were provoked, judged and passed.
"""

from __future__ import annotations

import json
import re
import shlex
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from paperspace_deployments_toolkit.contract_tests.inventory import Contract, Item, Operation, fields
from paperspace_deployments_toolkit.contract_tests.target import Secret, Target
from paperspace_deployments_toolkit.contract_tests.verdict import ServerFault

NOTHING = object()  # an answer without a JSON body
BODY_KEPT = 2000  # characters of an answer's text a record keeps
DEFAULT_TOKEN = object()


@dataclass
class Exchange:
    """One request the suite sent and what came back."""

    number: int
    operation: str  # the operation's label, e.g. "GET /deployments/{id}"
    method: str
    url: str
    auth: str  # how the request authenticated, as a shell line shows it: "$CONTRACT_API_TOKEN", "none", ...
    headers: dict[str, str]  # other headers sent (never Authorization)
    body: str | None
    status: int = 0
    answer_headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    seconds: float = 0.0
    json: Any = field(default=NOTHING, repr=False)
    error: str | None = None  # no answer: why

    def curl(self) -> str:
        parts = ["curl", "-sS", "-i", "-X", self.method]
        if self.auth not in {"none", ""}:
            parts += ["-H", f"Authorization: {self.auth}"]
        for name, value in self.headers.items():
            parts += ["-H", f"{name}: {value}"]
        if self.body is not None:
            parts += ["--data-binary", self.body if len(self.body) <= 4000 else f"@<{len(self.body)} bytes>"]
        parts.append(self.url)
        return " ".join(_quote(p) for p in parts)

    def shown(self) -> str:
        """The answer in one line: status and the start of the body."""
        if self.error:
            return f"no answer ({self.error})"
        body = self.text[:300].encode("unicode_escape").decode("ascii")
        return f"{self.status} {body}" + ("..." if len(self.text) > 300 else "")

    def record(self) -> dict[str, Any]:
        return {
            "n": self.number,
            "operation": self.operation,
            "request": {"method": self.method, "url": self.url, "auth": self.auth, "headers": self.headers}
            | ({"body": self.body[:4000]} if self.body is not None else {}),
            "answer": {"status": self.status, "headers": self.answer_headers, "body": self.text[:BODY_KEPT]}
            if not self.error
            else {"error": self.error},
            "seconds": round(self.seconds, 4),
            "curl": self.curl(),
        }


def _quote(part: str) -> str:
    if "${CONTRACT_" in part:  # the shell fills the token in
        return '"' + part.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`") + '"'
    return shlex.quote(part)


@dataclass
class Violation:
    """The server broke a rule: which rule, on which operation, what was expected and what came."""

    rule: str
    operation: str
    expected: str
    got: str
    exchanges: list[int]  # the numbers of the exchanges that reproduce it, the failing one last

    def line(self) -> str:
        return f"{self.operation} | {self.rule}: expected {self.expected}; got {self.got}"


@dataclass
class Mark:
    provoked: int = 0
    judged: int = 0
    failed: int = 0
    reason: str = ""  # why it was not reached


class Ledger:
    """One run's record: every exchange, every violation, and the coverage of the inventory."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.items = contract.inventory()
        self.marks: dict[str, Mark] = {item.key: Mark() for item in self.items}
        self.exchanges: list[Exchange] = []
        self.violations: list[Violation] = []
        self._lock = threading.Lock()

    def mark(self, item: Item, *, judged: bool = True, failed: bool = False) -> None:
        found = self.marks.get(item.key)
        if found is None:
            return
        with self._lock:
            found.provoked += 1
            found.judged += judged
            found.failed += failed

    def unreachable(self, item: Item, reason: str) -> None:
        """No black-box client can provoke ``item``: it is left out of the reachable inventory."""
        found = self.marks.get(item.key)
        if found is not None:
            found.reason = "unreachable: " + reason

    def not_reached(self, item: Item, reason: str) -> None:
        found = self.marks.get(item.key)
        if found is not None and not found.provoked and not found.reason:
            found.reason = reason

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            exchange.number = len(self.exchanges) + 1
            self.exchanges.append(exchange)

    def coverage(self) -> list[dict[str, Any]]:
        """One row per kind of item: how many there are, provoked, judged, passed, not reached."""
        rows = []
        for kind in ("status", "parameter", "request field", "response field"):
            mine = [i for i in self.items if i.kind == kind]
            marks = [self.marks[i.key] for i in mine]
            unreachable = sum(1 for m in marks if m.reason.startswith("unreachable:") and not m.provoked)
            rows.append(
                {
                    "kind": kind,
                    "items": len(mine),
                    "reachable": len(mine) - unreachable,
                    "provoked": sum(1 for m in marks if m.provoked),
                    "judged": sum(1 for m in marks if m.judged),
                    "passed": sum(1 for m in marks if m.judged and not m.failed),
                    "not reached": [
                        {"item": f"{i.operation} {i.name}", "reason": self.marks[i.key].reason or "not provoked"}
                        for i in mine
                        if not self.marks[i.key].provoked
                    ],
                }
            )
        return rows


# -- the answer checks: each takes the operation and the exchange, and says what is wrong (or None)


def status_is_documented(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    if not op.documents(ex.status):
        return f"a status {op.label} documents ({', '.join(op.statuses)}); got {ex.status}"
    return None


def body_matches_schema(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    schema = op.response_schema(ex.status)
    if schema is None or not op.documents(ex.status):
        return None
    if ex.json is NOTHING:
        return f"a JSON body for {ex.status}; got {_start(ex.text) or 'no body'}"
    problem = schema_problem(schema, ex.json)
    return f"a body matching the schema of {ex.status} ({problem})" if problem else None


def content_type_is_documented(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    schema = op.response_schema(ex.status)
    got = ex.answer_headers.get("content-type", "")
    if schema is not None and op.documents(ex.status) and "json" not in got.split(";")[0]:
        return f"Content-Type application/json for {ex.status}; got {got or 'none'}"
    return None


def no_content_has_no_body(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    if ex.status == 204 and ex.text:
        return f"no body with 204; got {_start(ex.text)}"
    return None


def documented_headers_are_sent(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    response = op.responses.get(str(ex.status)) or {}
    for name, header in (response.get("headers") or {}).items():
        value = ex.answer_headers.get(name.lower())
        if value is None:
            return f"the {name} header documented for {ex.status}; got none"
        schema = dict(header.get("schema") or {})
        typed: Any = value
        if schema.get("type") == "integer":
            typed = int(value) if re.fullmatch(r"-?[0-9]+", value.strip()) else value
        problem = schema_problem(schema, typed)
        if problem:
            return f"a {name} header matching its schema; got {value!r} ({problem})"
        schemes = _http_schemes(contract)
        if name.lower() == "www-authenticate" and schemes and value.split(" ", 1)[0].lower() not in schemes:
            return (
                f"a WWW-Authenticate challenge of the documented scheme ({', '.join(sorted(schemes))}); got {value!r}"
            )
    return None


def _http_schemes(contract: Contract) -> set[str]:
    """The HTTP authentication schemes the spec's security schemes name (``bearer``)."""
    found = (contract.spec.get("components") or {}).get("securitySchemes") or {}
    return {str(s.get("scheme", "")).lower() for s in found.values() if isinstance(s, dict) and s.get("type") == "http"}


def error_code_names_status(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    expected = contract.error_codes.get(ex.status)
    body = ex.json
    if expected is None or not isinstance(body, dict) or "code" not in body:
        return None
    if body["code"] != expected:
        return f"code {expected!r} with {ex.status}; got {body['code']!r}"
    return None


def error_details_as_documented(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    """An error body's ``details`` where the Error schema describes it as a list (of problems)."""
    schema = op.response_schema(ex.status) if ex.status >= 400 else None
    details = ((schema or {}).get("properties") or {}).get("details") or {}
    said = str(details.get("description", "")).lower()
    body = ex.json
    if not isinstance(body, dict) or "details" not in body or body["details"] is None:
        return None
    if "list of" in said and ex.status == 400 and not isinstance(body["details"], list):
        return f"details as the list of problems the Error schema describes; got {json.dumps(body['details'])[:120]}"
    return None


STACK_TRACE = re.compile(
    r"Traceback \(most recent call last\)|\bFile \"[^\"]+\", line \d+|^\s+at [\w$.<>]+\(.*:\d+\)"
    r"|\.(?:py|java|js|ts|go|rb|php|cs):\d+|goroutine \d+ \[|Exception in thread",
    re.MULTILINE,
)


def no_stack_trace_in_errors(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    if ex.status >= 400 and STACK_TRACE.search(ex.text):
        return f"an error body without a stack trace; got {_start(STACK_TRACE.search(ex.text).group(0))}"  # type: ignore[union-attr]
    return None


def not_a_server_error(op: Operation, ex: Exchange, contract: Contract) -> str | None:
    """A 5xx is a failure of the server even where documented (Schemathesis's rule), unless the
    suite asked for it through the emulator's fault API (then the prober does not run this)."""
    if ex.status >= 500:
        return f"an answer that is not a server error; got {ex.status}"
    return None


ANSWER_CHECKS: tuple[Callable[[Operation, Exchange, Contract], str | None], ...] = (
    not_a_server_error,
    status_is_documented,
    content_type_is_documented,
    body_matches_schema,
    no_content_has_no_body,
    documented_headers_are_sent,
    error_code_names_status,
    error_details_as_documented,
    no_stack_trace_in_errors,
)


def schema_problem(schema: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` does not match ``schema`` (OpenAPI 3.0 dialect, formats checked), else None."""
    from openapi_schema_validator import OAS30Validator
    from openapi_schema_validator._format import oas30_format_checker

    errors = sorted(OAS30Validator(schema, format_checker=oas30_format_checker).iter_errors(value), key=str)
    if not errors:
        return None
    error = errors[0]
    where = "/" + "/".join(str(p) for p in error.absolute_path)
    return f"at {where}: {error.message[:200]}"


def _start(text: str, size: int = 120) -> str:
    shown = text[:size].encode("unicode_escape").decode("ascii")
    return shown + ("..." if len(text) > size else "")


# -- sending


class Prober:
    """Sends the contract's operations to the target, records and judges every answer.

    ``scenario`` names what the current test is doing; a violation carries the exchanges of its
    scenario, so a failure reproduces with the set-up requests that came before it."""

    def __init__(self, target: Target, ledger: Ledger, max_response_time: float | None = None) -> None:
        self.target = target
        self.ledger = ledger
        self.contract = ledger.contract
        self.max_response_time = max_response_time
        self.http = httpx.Client(timeout=target.request_timeout, follow_redirects=False)
        self.scenario: list[int] = []
        self.stalled: dict[str, str] = {}  # operation -> the time-out it gave: later calls fail at once

    def close(self) -> None:
        self.http.close()

    @contextmanager
    def scene(self) -> Iterator[None]:
        """A new scenario: the exchanges from here on reproduce what follows."""
        saved, self.scenario = self.scenario, []
        try:
            yield
        finally:
            self.scenario = saved

    def call(
        self,
        operation_id: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = NOTHING,
        token: Any = DEFAULT_TOKEN,
        auth: str | None = None,
        raw: bytes | None = None,
        judge: bool = True,
        injected: bool = False,
    ) -> Exchange:
        """Send ``operation_id``; ``token`` None sends no Authorization header; ``auth`` sends
        that header exactly (its shell form is given with it)."""
        op = self.contract.operations[operation_id]
        if op.label in self.stalled:  # one time-out per operation, not one per call
            raise ServerFault(f"{op.label}: no answer (it timed out earlier in this run: {self.stalled[op.label]})")
        # a Secret: a query may carry a token (a probe of where tokens are taken), and a
        # traceback that shows this frame's locals shows it as '***'
        url = Secret(
            self.target.base_url + _fill(op.path, path or {}) + ("?" + urlencode(query, doseq=True) if query else "")
        )
        headers = httpx.Headers()
        auth_shown = "none"
        if auth is not None:
            headers["Authorization"] = auth
            auth_shown = self._shown(auth)
        elif token is not None:
            real = self.target.token if token is DEFAULT_TOKEN else token
            headers["Authorization"] = f"Bearer {real}"
            auth_shown = self._shown(f"Bearer {real}")
        content: bytes | None = None
        others: dict[str, str] = {}
        if raw is not None:
            content = raw
            others["Content-Type"] = "application/json"
        elif body is not NOTHING:
            content = json.dumps(body, separators=(",", ":")).encode()
            others["Content-Type"] = "application/json"
        headers.update(others)
        shown_body = None if content is None else content.decode("utf-8", errors="backslashreplace")
        ex = Exchange(0, op.label, op.method, self._variables(url), auth_shown, others, shown_body)
        started = time.perf_counter()
        try:
            response = self.http.request(op.method, url, headers=headers, content=content)
        except (httpx.LocalProtocolError, httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise  # the request could not be made: the tool's own error, the server is not blamed
        except httpx.HTTPError as exc:
            ex.seconds = time.perf_counter() - started
            ex.error = f"{type(exc).__name__}: {self._masked(str(exc))}"
            if isinstance(exc, httpx.TimeoutException):
                self.stalled[op.label] = f"no answer within {self.target.request_timeout:g} s"
            self._keep(ex)
            raise ServerFault(f"{op.label}: no answer ({ex.error})\n    {ex.curl()}") from None
        ex.seconds = time.perf_counter() - started
        ex.status = response.status_code
        ex.answer_headers = {k.lower(): self._masked(v) for k, v in response.headers.items()}
        ex.text = self._masked(response.text)
        if ex.text:
            try:
                ex.json = json.loads(ex.text)
            except ValueError:
                ex.json = NOTHING
        self._keep(ex)
        if judge:
            self.judge(op, ex, injected=injected)
        return ex

    def _keep(self, ex: Exchange) -> None:
        self.ledger.add(ex)
        self.scenario.append(ex.number)

    def judge(self, op: Operation, ex: Exchange, injected: bool = False) -> None:
        """The answer checks, and what the answer covers of the inventory (``injected``: the
        status was asked of the emulator's fault API, so a 5xx is what was asked for)."""
        checks = [c for c in ANSWER_CHECKS if not (injected and c is not_a_server_error)]
        problems = [(check.__name__, check(op, ex, self.contract)) for check in checks]
        if self.max_response_time is not None and ex.seconds > self.max_response_time:
            problems.append(
                ("answers_in_time", f"an answer within {self.max_response_time:g} s; got {ex.seconds:.2f} s")
            )
        failed = False
        for rule, problem in problems:
            if problem:
                failed = True
                expected, _, got = problem.partition("; got ")
                self.violate(rule, op.label, expected, got or ex.shown())
        self.ledger.mark(Item("status", op.label, str(ex.status)), failed=failed)
        schema = op.response_schema(ex.status)
        if schema is not None and str(ex.status).startswith("2") and ex.json is not NOTHING:
            for f in fields(schema):
                if _holds(ex.json, f.pointer):
                    self.ledger.mark(Item("response field", op.label, f"{ex.status} {f.pointer}"), failed=failed)
        if ex.status >= 400 and isinstance(ex.json, dict):
            for name in ex.json:
                self.ledger.mark(Item("response field", "any error answer", f"/{name}"), failed=failed)

    def violate(self, rule: str, operation: str, expected: str, got: str) -> None:
        self.ledger.violations.append(Violation(rule, operation, expected, got, list(self.scenario)))

    def expect(self, ex: Exchange, *statuses: int, what: str = "") -> Any:
        """The answer's JSON body when its status is one of ``statuses`` and its body is valid;
        otherwise the scenario cannot go on: a :class:`ServerFault` naming the operation and the answer."""
        op = self.contract.by_label(ex.operation)
        statuses = tuple(s for s in statuses if op.documents(s)) or statuses  # never an undocumented one
        schema = op.response_schema(ex.status)
        bad = schema is not None and (ex.json is NOTHING or schema_problem(schema, ex.json) is not None)
        if ex.status not in statuses or bad:
            wanted = " or ".join(str(s) for s in statuses)
            raise ServerFault(
                f"{ex.operation}{f' ({what})' if what else ''}: expected {wanted}"
                f"{' with a body matching its schema' if bad and ex.status in statuses else ''}; got {ex.shown()}"
            )
        return None if ex.json is NOTHING else ex.json

    def _shown(self, header: str) -> str:
        return shown_auth(self.target, header)

    def _variables(self, text: str) -> str:
        """``text`` with each real token as the shell variable that holds it."""
        for variable, token in (
            ("CONTRACT_API_TOKEN", self.target.token),
            ("CONTRACT_OTHER_TEAM_TOKEN", self.target.other_token),
        ):
            if token:
                text = text.replace(token, "${" + variable + "}").replace(quote(token, safe=""), "${" + variable + "}")
        return text

    def _masked(self, text: str) -> str:
        for token in (self.target.token, self.target.other_token):
            if token:
                text = text.replace(token, "***")
        return text


def shown_auth(target: Target, header: str) -> str:
    """An Authorization header as a reproduction shows it: the real tokens as shell variables, a
    made-up or mutated one as it was sent (that is what reproduces the answer); "none" if absent."""
    if not header:
        return "none"
    for variable, token in (("CONTRACT_API_TOKEN", target.token), ("CONTRACT_OTHER_TEAM_TOKEN", target.other_token)):
        if not token:
            continue
        if token in header:
            header = header.replace(token, "${" + variable + "}")
            continue
        scheme, _, given = header.rpartition(" ")
        if len(given) >= 4 and token.startswith(given):  # a prefix of the token: shell substring
            header = f"{scheme} ${{{variable}:0:{len(given)}}}".lstrip()
        elif any(token[i : i + 8] in header for i in range(max(1, len(token) - 7))):
            header = f"{scheme} <a mutated ${{{variable}}}>".lstrip()  # never most of a real token
    return header


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: quote(str(values.get(m.group(1), "")), safe=""), template)


def _holds(body: Any, pointer: str) -> bool:
    """Whether some value sits at ``pointer`` in ``body`` (``*``: any item or map value)."""
    parts = pointer.strip("/").split("/") if pointer.strip("/") else []

    def walk(node: Any, rest: list[str]) -> bool:
        if not rest:
            return True
        head, tail = rest[0], rest[1:]
        if head == "*":
            values = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
            return any(walk(v, tail) for v in values)
        return isinstance(node, dict) and head in node and walk(node[head], tail)

    return walk(body, parts)
