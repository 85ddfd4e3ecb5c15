"""The Paperspace Deployments toolkit: one import namespace for its parts.

- :mod:`paperspace_deployments_toolkit.generator`: the spec → SDK and server stubs pipeline
  (``deployments-generator``).
- :mod:`paperspace_deployments_toolkit.emulator`: the stateful local service and its pytest fixture
  (``deployments-emulator``; the light install ``pip install <clone>/emulator`` has it alone).
- :mod:`paperspace_deployments_toolkit.contract_tests`: the conformance suite (``deployments-contract``).

In a clone the folders stay at the top (``generator/``, ``emulator/``, ...); this directory maps
them into the namespace with symbolic links, the way the wheels map them with the build backend's
source mapping (pyproject.toml), so a clone and an install import the same names.
"""
