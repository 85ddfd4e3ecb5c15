"""The test run's plugins: the shared fixtures (``support.fixtures``) and, on a failure after a
spec change, a note of what to update."""

from __future__ import annotations

from collections.abc import Generator

import pytest

pytest_plugins = ["support.fixtures"]


# After a spec change, what a failing test asks you to update (README: "Updating the spec"); the
# first prefix of the test file's name that matches decides.
UPDATE_AFTER_A_SPEC_CHANGE = (
    ("test_emulator", "the emulator (emulator/app.py binds the generated stubs; emulator/service.py the rules)"),
    ("test_sdk_emulator", "the emulator (emulator/), which the clients are run against here"),
    ("test_contract", "the suite's rules and checks (contract_tests/test_rules.py, contract_tests/checks.py)"),
    ("test_examples", "the tour (examples/tour.py)"),
    ("test_generated_output", "generated/ (make generate) or the templates"),
    ("test_user_paths", "the emulator's test fixture (emulator/testing.py) or the README's examples"),
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        module = item.path.stem
        hint = next((what for prefix, what in UPDATE_AFTER_A_SPEC_CHANGE if module.startswith(prefix)), None)
        if hint is not None:
            report.sections.append(("after a spec change", f"if the spec changed, update {hint}"))
    return report
