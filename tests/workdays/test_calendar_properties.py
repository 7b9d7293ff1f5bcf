"""Rules of deadline arithmetic that hold for any calendar (hypothesis, no database)."""

from datetime import date, timedelta
from fractions import Fraction
from math import ceil

import chinese_calendar
from hypothesis import given
from hypothesis import strategies as st

from onestop.workdays.calendar import (
    Calendar,
    Override,
    end_of_day,
    halve,
    package_knows,
    static_source,
)

dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
limits = st.integers(min_value=0, max_value=120)
overrides = st.dictionaries(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    st.builds(Override, st.booleans(), st.sampled_from(["", "本地闭厅", "调休上班"])),
    max_size=40,
)
loaded_years = st.sets(st.sampled_from([2027, 2028]))
stops = st.lists(
    st.tuples(dates, st.integers(min_value=0, max_value=30)).map(
        lambda t: (t[0], t[0] + timedelta(days=t[1]))
    ),
    max_size=3,
)
calendars = st.builds(lambda o, y: Calendar(static_source(o, y)), overrides, loaded_years)


def counts(cal: Calendar, d: date, stops: list[tuple[date, date]]) -> bool:
    return cal.is_workday(d) and not any(a <= d <= b for a, b in stops)


def days_in(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


@given(cal=calendars, start=dates, a=limits, b=limits, stops=stops)
def test_more_days_never_give_an_earlier_deadline(cal, start, a, b, stops):
    a, b = sorted((a, b))
    assert cal.due_date(start, a, stops).due <= cal.due_date(start, b, stops).due


@given(cal=calendars, start=dates, n=st.integers(min_value=1, max_value=120), stops=stops)
def test_the_due_day_is_a_working_day_outside_every_stop(cal, start, n, stops):
    due = cal.due_date(start, n, stops).due
    assert due > start
    assert counts(cal, due, stops)


@given(cal=calendars, start=dates, n=st.integers(min_value=1, max_value=120), stops=stops)
def test_exactly_n_working_days_lie_after_the_start_up_to_the_due_day(cal, start, n, stops):
    due = cal.due_date(start, n, stops).due
    counted = sum(1 for d in days_in(start + timedelta(days=1), due) if counts(cal, d, stops))
    assert counted == n
    assert cal.workdays_between(start, due, stops) == n
    assert cal.workdays_between(due, start, stops) == -n


@given(cal=calendars, start=dates, stops=stops)
def test_zero_days_is_the_first_working_day_from_the_start_itself(cal, start, stops):
    due = cal.due_date(start, 0, stops).due
    assert due >= start
    assert counts(cal, due, stops)
    assert not any(counts(cal, d, stops) for d in days_in(start, due - timedelta(days=1)))


@given(
    cal=calendars,
    start=dates,
    a=st.integers(min_value=1, max_value=60),
    b=st.integers(min_value=0, max_value=60),
    stops=stops,
)
def test_adding_a_then_b_equals_adding_a_plus_b(cal, start, a, b, stops):
    first = cal.due_date(start, a, stops).due
    assert cal.due_date(first, b, stops).due == cal.due_date(start, a + b, stops).due


@given(cal=calendars, start=dates, n=limits, stops=stops)
def test_clock_stops_never_shorten_a_deadline(cal, start, n, stops):
    stopped = cal.due_date(start, n, stops)
    assert stopped.due >= cal.due_date(start, n).due


@given(cal=calendars, start=dates, n=limits)
def test_a_deadline_is_provisional_exactly_when_it_reaches_an_unknown_year(cal, start, n):
    result = cal.due_date(start, n)
    unknown = [
        y
        for y in range(start.year, result.due.year + 1)
        if not (package_knows(y) or cal.year(y).loaded)
    ]
    assert result.provisional == bool(unknown)
    assert list(result.unknown_years) == unknown


@given(n=st.integers(min_value=0, max_value=10_000))
def test_halving_rounds_up(n):
    assert halve(n) == ceil(Fraction(n, 2))
    assert 2 * halve(n) in (n, n + 1)


@given(d=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_without_overrides_it_agrees_with_the_package(d):
    assert Calendar(static_source()).is_workday(d) == chinese_calendar.is_workday(d)


FIXED = {(1, 1): "元旦", (5, 1): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节", (10, 3): "国庆节"}
unknown_dates = st.dates(min_value=date(2027, 1, 1), max_value=date(2040, 12, 31))


@given(d=unknown_dates)
def test_a_year_the_package_lacks_rests_on_weekends_and_the_fixed_holidays(d):
    day = Calendar(static_source()).day(d)
    fixed = FIXED.get((d.month, d.day))
    assert day.workday == (d.weekday() < 5 and fixed is None)
    assert day.name == (fixed or "")
    assert day.provisional


@given(d=unknown_dates)
def test_a_loaded_year_drops_the_fixed_holidays_it_does_not_list(d):
    # The loaded schedule is the whole truth for its year: Monday-Friday plus its own rows.
    day = Calendar(static_source(loaded_years=[d.year])).day(d)
    assert day.workday == (d.weekday() < 5)
    assert not day.provisional


def count_by_hand(start: date, n: int) -> date:
    """The rule written out plainly: weekdays that are not a fixed holiday count."""
    d = start if n == 0 else start + timedelta(days=1)
    counted = 0
    while True:
        if d.weekday() < 5 and (d.month, d.day) not in FIXED:
            counted += 1
            if counted >= max(n, 1):
                return d
        d += timedelta(days=1)


@given(start=unknown_dates, n=st.integers(min_value=0, max_value=200))
def test_a_deadline_in_unknown_years_skips_weekends_and_fixed_holidays(start, n):
    result = Calendar(static_source()).due_date(start, n)
    assert result.due == count_by_hand(start, n)
    assert result.provisional
    assert result.unknown_years == tuple(range(start.year, result.due.year + 1))
    first = start if n == 0 else start + timedelta(days=1)
    skipped = [d for d in days_in(first, result.due) if (d.month, d.day) in FIXED]
    assert [day.date for day in result.skipped] == skipped
    assert result.due.weekday() < 5 and (result.due.month, result.due.day) not in FIXED


@given(start=unknown_dates, n=st.integers(min_value=1, max_value=200))
def test_a_provisional_deadline_is_never_earlier_than_the_weekend_rule(start, n):
    # Counting the fixed holidays can only push a deadline later, never earlier.
    weekdays_only = Calendar(static_source(loaded_years=range(2027, 2042))).due_date(start, n)
    assert Calendar(static_source()).due_date(start, n).due >= weekdays_only.due


@given(cal=calendars, d=dates)
def test_an_override_always_wins(cal, d):
    override = cal.year(d.year).overrides.get(d)
    if override is not None:
        assert cal.is_workday(d) == override.workday
        assert not cal.day(d).provisional


@given(
    cal=calendars, start=st.dates(min_value=date(2025, 6, 1), max_value=date(2028, 6, 1)), n=limits
)
def test_provisional_between_two_moments_agrees_with_the_deadline(cal, start, n):
    # What the pages and the API say of a stored deadline is what due_date said when counting.
    result = cal.due_date(start, n)
    assert cal.provisional(end_of_day(start), result.end_at()) == result.provisional
    assert not cal.provisional(None, result.end_at())
    assert not cal.provisional(end_of_day(start), None)
