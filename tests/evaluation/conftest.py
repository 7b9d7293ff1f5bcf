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


def close_bad_rating(case: Case, applicant, head, why: dict | None = None):
    """The applicant rates `case` 非常不满意 on the portal; the head follows up and closes it."""
    from django.utils import timezone

    from onestop.evaluation import actions as rating_actions

    now = timezone.now()
    rating = rating_actions.rate_case(
        case, actor=applicant.user, now=now, score=1, channel="portal", **(why or WHY_ONLINE)
    )
    rect = rating_actions.record_followup(
        rating.rectification, actor=head, now=now, contact_note="已电话回访"
    )
    rating_actions.close_rectification(rect, actor=head, now=now, measure="窗口一次性告知材料清单")
    return rating
