"""Helpers the tests share: plain modules (not conftest, not test modules) and the fixture module
:mod:`support.fixtures`, which ``tests/conftest.py`` loads with ``pytest_plugins``."""
