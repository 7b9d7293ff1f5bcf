"""The case fixtures live in tests/case_fixtures.py (a plugin shared with the other suites)."""

from tests.case_fixtures import *  # noqa: F403
from tests.case_fixtures import NOW, provide_all  # noqa: F401
