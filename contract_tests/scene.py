"""A rule family's run: the requests it sends, the violations it finds, and a short failure.

``with Scene(prober, "round_trip") as scene:`` starts a new sequence of exchanges; ``scene.check``
records a violation when a condition fails (the sequence goes on, so one run reports every broken
field, not the first); a :class:`ServerFault` raised inside (an answer the sequence cannot go on
from) becomes a violation too. On leaving, any violation fails the test with one short block per
violation (operation, rule, expected against got) and the requests that reproduce it, the set-up
included; never a traceback of the suite's own frames.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import pytest

from paperspace_deployments_toolkit.contract_tests.inventory import Item
from paperspace_deployments_toolkit.contract_tests.probe import Exchange, Prober, Violation
from paperspace_deployments_toolkit.contract_tests.verdict import ServerFault

SHOWN_REQUESTS = 8  # of a violation's reproduction on the terminal; the JSON report has all


class Scene:
    def __init__(self, prober: Prober, family: str, judged: Any = None) -> None:
        self.prober = prober
        self.family = family
        self.judged = judged
        self._start = 0
        self._saved: list[int] = []

    def __enter__(self) -> Scene:
        self._start = len(self.prober.ledger.violations)
        self._saved, self.prober.scenario = self.prober.scenario, []
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> bool:
        try:
            if isinstance(error, ServerFault | AssertionError) and not isinstance(error, pytest.fail.Exception):
                expected, _, got = str(error).partition("; got ")
                operation, _, expected = expected.partition(": expected ")
                self.prober.violate(
                    self.family,
                    operation or "?",
                    expected or "an answer the sequence can go on from",
                    got or str(error),
                )
            elif error is not None:
                return False  # the tool's own error: raised as it is (blamed on the tooling)
            found = self.prober.ledger.violations[self._start :]
            if found:
                pytest.fail(self.describe(found), pytrace=False)
            return isinstance(error, ServerFault | AssertionError)
        finally:
            self.prober.scenario = self._saved

    def check(self, condition: bool, operation: str, rule: str, expected: str, got: Any) -> bool:
        """Record a violation of ``rule`` unless ``condition``; count one judged answer."""
        if self.judged is not None:
            self.judged.add()
        if not condition:
            self.prober.violate(rule, operation, expected, got if isinstance(got, str) else repr(got)[:400])
        return condition

    def mark(self, kind: str, operation: str, name: str, *, failed: bool = False) -> None:
        self.prober.ledger.mark(Item(kind, operation, name), failed=failed)

    def describe(self, found: list[Violation]) -> str:
        exchanges = {ex.number: ex for ex in self.prober.ledger.exchanges}
        blocks = [f"{len(found)} violation{'s' if len(found) > 1 else ''} of the contract ({self.family}):"]
        for violation in found:
            blocks.append("")
            blocks.append(f"{violation.operation} | {violation.rule}")
            blocks.append(f"    expected: {violation.expected}")
            blocks.append(f"    got:      {violation.got}")
            steps = [exchanges[n] for n in violation.exchanges if n in exchanges]
            if steps:
                blocks.append(_reproduction(steps))
        return "\n".join(blocks)


def _reproduction(steps: list[Exchange]) -> str:
    shown = steps[-SHOWN_REQUESTS:]
    head = f"    reproduce ({len(steps)} request{'s' if len(steps) > 1 else ''}"
    head += f", the last {len(shown)} shown, all in reports/conformance.json" if len(shown) < len(steps) else ""
    head += "; tokens as $CONTRACT_API_TOKEN / $CONTRACT_OTHER_TEAM_TOKEN):"
    lines = [head]
    for ex in shown:
        lines.append(f"      {ex.curl()}")
        lines.append(f"        -> {ex.shown()[:160]}")
    return "\n".join(lines)
