"""Supervision tests use the case fixtures (tests/case_fixtures.py)."""

from datetime import timedelta

import pytest

from onestop.cases import actions
from onestop.cases.models import Case
from tests.case_fixtures import NOW, provide_all

HOUR = timedelta(hours=1)


@pytest.fixture
def accepted_case(new_case, clerk):
    """A window case accepted at NOW: its clock runs, its review tasks are open."""

    def build() -> Case:
        case = new_case()
        provide_all(case)
        actions.accept_case(case, actor=clerk, now=NOW)
        return Case.objects.get(pk=case.pk)

    return build
