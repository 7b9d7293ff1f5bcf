"""Finished cases to rate, built through the real case actions."""

from __future__ import annotations

from datetime import datetime

import pytest

from onestop.cases import actions
from onestop.cases.models import Case
from onestop.org.models import Role
from tests.case_fixtures import *  # noqa: F403
from tests.case_fixtures import NOW, provide_all
from tests.conftest import make_staff


@pytest.fixture
def finish(new_case, instant_item, clerk):
    """A 即办件 completed on the spot by the window clerk (at `now`)."""

    def build(now: datetime = NOW) -> Case:
        case = new_case(item=instant_item, now=now)
        provide_all(case)
        return actions.handle_instant(case, actor=clerk, now=now)

    return build


@pytest.fixture
def done_case(finish) -> Case:
    return finish()


@pytest.fixture
def head(district, dept_a):
    return make_staff("head_a", Role.DEPARTMENT_HEAD, district, dept_a)


@pytest.fixture
def clerk_b(district, dept_b):
    return make_staff("clerk_b", Role.CLERK, district, dept_b)


@pytest.fixture
def other_applicant(db):
    from onestop.org.actions import register_applicant

    return register_applicant(
        kind="person",
        name="李娜",
        username="lina",
        password="Jinsha-river-99",
        phone="13881230000",
        id_number="110101199003074477",
    )


# What a bad rating must carry (an indicator of its channel and a comment), for tests whose
# point is elsewhere.
WHY_ONLINE = {"reasons": ["efficiency"], "comment": "材料要求前后说法不一，多跑了一趟"}
WHY_HALL = {"reasons": ["service_attitude"], "comment": "窗口人员态度生硬，解释不耐心"}
