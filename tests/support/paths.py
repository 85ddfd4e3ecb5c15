"""Where things are: the clone (its spec/, docs/, Makefile), the test specs, the installed suite."""

from __future__ import annotations

from pathlib import Path

from paperspace_deployments_toolkit import contract_tests as contract_tests_package

ROOT = Path(__file__).resolve().parents[2]  # the clone
SPECS = ROOT / "tests" / "specs"
# the conformance suite where the toolkit is installed (a clone's editable install: its namespace's
# link), so pytest imports it under its package's name
SUITE = Path(contract_tests_package.__file__).parent
