"""``python -m contract_tests``: the same as the ``deployments-contract`` command."""

import sys

from contract_tests.cli import main

sys.exit(main())
