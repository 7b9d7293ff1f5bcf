"""{% provisional_mark %}: the 暂定 badge of a deadline stored without its flag."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from onestop.workdays.actions import load_year_schedule
from onestop.workdays.schedule import ScheduleRow

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)
KNOWN = datetime(2026, 12, 31, 15, 59, tzinfo=UTC)
UNKNOWN = datetime(2027, 1, 8, 15, 59, tzinfo=UTC)
BADGE = "due-provisional"


def mark(*dues: datetime | None) -> str:
    names = " ".join(f"d{i}" for i in range(len(dues)))
    template = Template("{% load deadlines %}{% provisional_mark start " + names + " %}")
    return template.render(Context({"start": START, **{f"d{i}": d for i, d in enumerate(dues)}}))


def test_it_marks_a_deadline_reaching_an_unknown_year_until_the_year_is_loaded(centre_admin):
    assert BADGE not in mark(KNOWN)
    assert BADGE not in mark(None)
    assert BADGE in mark(UNKNOWN)
    assert mark(KNOWN, UNKNOWN).count(BADGE) == 1  # one mark for the pair
    load_year_schedule(
        2027,
        [ScheduleRow("2027-01-01", "休", "元旦")],
        actor=centre_admin,
        now=datetime(2026, 11, 20, tzinfo=UTC),
    )
    assert BADGE not in mark(UNKNOWN)


def test_a_page_of_rows_reads_an_unknown_year_once(django_assert_max_num_queries):
    rows = "{% for d in dues %}{% provisional_mark start d %}{% endfor %}"
    template = Template("{% load deadlines %}" + rows)
    with django_assert_max_num_queries(2):  # 2027: its override rows and its loaded mark
        html = template.render(Context({"start": START, "dues": [UNKNOWN] * 20}))
    assert html.count(BADGE) == 20
