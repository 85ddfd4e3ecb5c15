"""``python -m paperspace_deployments_toolkit.contract_tests``: the same as the ``deployments-contract`` command."""

import sys

from paperspace_deployments_toolkit.contract_tests.cli import main

sys.exit(main())
