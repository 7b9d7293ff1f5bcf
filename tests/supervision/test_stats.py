"""The daily statistics: monthly sums over them equal a direct count of the cases."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.cases.models import Case
from onestop.supervision.efficiency import evaluate
from onestop.supervision.models import DailyStat, StatDay
from onestop.supervision.stats import rebuild_all, rebuild_days
from tests.threads import at_once

BEIJING = ZoneInfo("Asia/Shanghai")
BASE = datetime(2026, 2, 20, tzinfo=UTC)
NOW = datetime(2026, 4, 20, 2, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)

case_spec = st.fixed_dictionaries(
    {
        # Minutes after 20 Feb 00:00 UTC, over ~7 weeks: month ends fall inside, in both zones.
        "received": st.integers(0, 60 * 24 * 48),
        "done_after": st.none() | st.integers(0, 60 * 24 * 20),
        "due_after": st.integers(60, 60 * 24 * 14),
    }
)


def _make(specs, item, applicant, centre):
    cases = []
    for i, spec in enumerate(specs):
        received = BASE + spec["received"] * MINUTE
        due = received + spec["due_after"] * MINUTE
        done = None if spec["done_after"] is None else received + spec["done_after"] * MINUTE
        cases.append(
            Case(
                number=f"P-{i}",
                query_code="ABCDEFGH",
                item=item,
                department=item.department,
                applicant=applicant,
                channel=Case.Channel.WINDOW,
                centre=centre,
                region=centre.region,
                status=Case.Status.COMPLETED if done else Case.Status.UNDER_REVIEW,
                created_at=received,
                received_at=received,
                accepted_at=received,
                decided_at=done,
                completed_at=done,
                due_at=due,
                limit_days=10,
            )
        )
    Case.objects.bulk_create(cases)
    return cases


def _in_march(moment):
    local = moment.astimezone(BEIJING)
    return (local.year, local.month) == (2026, 3)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(case_spec, min_size=1, max_size=25))
def test_month_sums_equal_a_direct_count(specs, item, applicant, centre):
    Case.objects.all().delete()
    cases = _make(specs, item, applicant, centre)
    rebuild_all(NOW)
    end = datetime(2026, 4, 1, tzinfo=BEIJING)
    expected = {
        "received": sum(_in_march(c.received_at) for c in cases),
        "completed": sum(bool(c.completed_at and _in_march(c.completed_at)) for c in cases),
        "on_time": sum(
            bool(c.completed_at and _in_march(c.completed_at) and c.completed_at <= c.due_at)
            for c in cases
        ),
        "overdue": sum(
            bool(c.completed_at and _in_march(c.completed_at) and c.completed_at > c.due_at)
            or (c.completed_at is None and c.due_at < end)
            for c in cases
        ),
    }
    rows = evaluate(None, 2026, 3, "department", now=NOW)
    got = {k: sum(getattr(r, k) for r in rows) for k in expected}
    assert got == expected
    # Rebuilding again changes nothing.
    before = sorted(DailyStat.objects.values_list("day", "received", "completed"))
    rebuild_all(NOW)
    assert sorted(DailyStat.objects.values_list("day", "received", "completed")) == before


@pytest.mark.django_db(transaction=True)
def test_two_workers_rebuilding_one_day_leave_one_copy(item, applicant, centre):
    _make(
        [{"received": 60 * 24 * 20, "done_after": 600, "due_after": 6000}], item, applicant, centre
    )
    day = datetime(2026, 3, 12, tzinfo=BEIJING).date()
    at_once(lambda: rebuild_days([day], NOW))
    assert StatDay.objects.filter(day=day).count() == 1
    assert sum(DailyStat.objects.filter(day=day).values_list("received", flat=True)) == 1


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(case_spec, min_size=1, max_size=20),
    now_offset=st.integers(0, 60 * 24 * 60),
)
def test_the_hall_lights_groups_as_each_case_would_light(
    specs, now_offset, item, applicant, centre
):
    from onestop.cases.lights import light
    from onestop.supervision.efficiency import hall_today

    Case.objects.all().delete()
    cases = _make([{**s, "done_after": None} for s in specs], item, applicant, centre)
    now = BASE + now_offset * MINUTE
    expected = {"green": 0, "yellow": 0, "red": 0}
    for c in cases:
        expected[light(c.accepted_at, c.due_at, now) or "green"] += 1
    assert hall_today(None, now) == {item.department.short_name: expected}
