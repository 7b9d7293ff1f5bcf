"""Deadlines across the real 2025 and 2026 holidays, counted by hand (DESIGN.md "Time").

Each expected date is written out with the count that leads to it: "班" is a make-up workday
on a weekend, "休" a day off. The first test pins the package data the counts rely on.
"""

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from onestop.workdays.calendar import halve
from onestop.workdays.queries import (
    describe_day,
    due_at,
    due_date,
    is_workday,
    unknown_years,
    workdays_between,
)

pytestmark = pytest.mark.django_db


def span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_package_has_the_published_2025_and_2026_schedules():
    makeup = [
        date(2025, 1, 26),  # Sun
        date(2025, 2, 8),  # Sat
        date(2025, 9, 28),  # Sun
        date(2025, 10, 11),  # Sat
        date(2026, 1, 4),  # Sun
        date(2026, 2, 14),  # Sat
        date(2026, 2, 28),  # Sat
        date(2026, 9, 20),  # Sun
        date(2026, 10, 10),  # Sat
    ]
    assert all(d.weekday() >= 5 and chinese_calendar.is_workday(d) for d in makeup)
    off = (
        span(date(2025, 1, 28), date(2025, 2, 4))  # 春节
        + span(date(2025, 10, 1), date(2025, 10, 8))  # 国庆节、中秋
        + span(date(2026, 2, 15), date(2026, 2, 23))  # 春节
        + span(date(2026, 10, 1), date(2026, 10, 7))  # 国庆节
    )
    assert not any(chinese_calendar.is_workday(d) for d in off)
    # The days just outside each holiday are working days, so the spans above are whole.
    for d in [date(2025, 1, 27), date(2025, 2, 5), date(2025, 10, 9), date(2026, 2, 24)]:
        assert chinese_calendar.is_workday(d)
    assert chinese_calendar.is_workday(date(2026, 9, 30))
    assert chinese_calendar.is_workday(date(2026, 10, 8))


def test_it_counts_through_national_day_2025():
    result = due_date(date(2025, 9, 26), 20)  # accepted Friday
    # 9-27 Sat 休; 9-28 Sun 班 1; 9-29 2; 9-30 3; 10-1..10-8 休; 10-9 4; 10-10 5;
    # 10-11 Sat 班 6; 10-13..17 7-11; 10-20..24 12-16; 10-27 17, 10-28 18, 10-29 19, 10-30 20
    assert result.due == date(2025, 10, 30)
    assert not result.provisional
    names = {d.name for d in result.skipped}
    assert names == {"国庆节", "中秋"}
    assert len(result.skipped) == 8  # 10-1 … 10-8; plain weekends are not listed
    assert [d.date for d in result.makeup] == [date(2025, 9, 28), date(2025, 10, 11)]


def test_it_counts_through_spring_festival_2025():
    result = due_date(date(2025, 1, 24), 10)  # accepted Friday
    # 1-25 Sat 休; 1-26 Sun 班 1; 1-27 2; 1-28..2-4 休; 2-5 3; 2-6 4; 2-7 5;
    # 2-8 Sat 班 6; 2-9 Sun 休; 2-10 7; 2-11 8; 2-12 9; 2-13 10
    assert result.due == date(2025, 2, 13)
    assert [d.date for d in result.skipped] == span(date(2025, 1, 28), date(2025, 2, 4))


def test_it_counts_through_spring_festival_2026():
    # 2-13 Fri 1; 2-14 Sat 班 2; 2-15..2-23 休; 2-24 3; 2-25 4; 2-26 5
    assert due_date(date(2026, 2, 12), 5).due == date(2026, 2, 26)
    # … 2-27 6; 2-28 Sat 班 7; 3-1 Sun 休; 3-2 8; 3-3 9; 3-4 10
    assert due_date(date(2026, 2, 12), 10).due == date(2026, 3, 4)


def test_it_counts_through_mid_autumn_and_national_day_2026():
    # 9-19 Sat 休; 9-20 Sun 班 1; 9-21..9-24 2-5; 9-25..9-27 休 (中秋); 9-28 6; 9-29 7;
    # 9-30 8; 10-1..10-7 休; 10-8 9; 10-9 10
    assert due_date(date(2026, 9, 18), 10).due == date(2026, 10, 9)
    # 10-10 Sat 班 11: a deadline can fall on a make-up Saturday
    assert due_date(date(2026, 9, 18), 11).due == date(2026, 10, 10)


def test_it_counts_into_the_new_year_2026():
    result = due_date(date(2025, 12, 31), 1)
    # 1-1..1-3 休 (元旦); 1-4 Sun 班 1
    assert result.due == date(2026, 1, 4)
    assert not result.provisional


def test_zero_days_is_the_same_day_or_the_next_working_day():
    assert due_date(date(2025, 3, 5), 0).due == date(2025, 3, 5)  # a Wednesday
    assert due_date(date(2025, 10, 11), 0).due == date(2025, 10, 11)  # Sat 班
    assert due_date(date(2025, 10, 1), 0).due == date(2025, 10, 9)  # 10-1..10-8 休


def test_clock_stops_are_not_counted():
    # Without a stop: 3-4 1, 3-5 2, 3-6 3, 3-7 4, 3-10 5, 3-11 6, 3-12 7, 3-13 8, 3-14 9, 3-17 10
    assert due_date(date(2025, 3, 3), 10).due == date(2025, 3, 17)
    # Supplement period 3-5 (Wed) … 3-11 (Tue) stops 5 working days (3-5, 3-6, 3-7, 3-10, 3-11):
    # 3-4 1; 3-12 2, 3-13 3, 3-14 4; 3-17 5 … 3-21 9; 3-24 10
    result = due_date(date(2025, 3, 3), 10, [(date(2025, 3, 5), date(2025, 3, 11))])
    assert result.due == date(2025, 3, 24)
    assert result.stopped_days == 5


def test_a_halved_limit_rounds_up():
    assert [halve(n) for n in (0, 1, 2, 15, 20, 45)] == [0, 1, 1, 8, 10, 23]
    # Green channel, 15 days halved to 8 from Mon 3-3: 3-4 1 … 3-7 4, 3-10 5 … 3-12 7, 3-13 8
    assert due_date(date(2025, 3, 3), halve(15)).due == date(2025, 3, 13)


def test_due_at_is_the_end_of_the_due_day_in_shanghai():
    # 16:30 UTC on Friday 9-26 is already Saturday 9-27 00:30 in Shanghai: accepted on 9-27.
    start = datetime(2025, 9, 26, 16, 30, tzinfo=UTC)
    # 9-28 Sun 班 1; 9-29 2; 9-30 3; 10-1..10-8 休; 10-9 4; 10-10 5
    end = due_at(start, 5)
    assert end == datetime(2025, 10, 10, 15, 59, 59, 999999, tzinfo=UTC)
    assert end.tzinfo == UTC


def test_due_at_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="naive"):
        due_at(datetime(2025, 9, 26, 9, 0), 5)


def test_working_days_between_two_dates():
    # (9-26, 10-10]: 9-28 班, 9-29, 9-30, 10-9, 10-10
    assert workdays_between(date(2025, 9, 26), date(2025, 10, 10)) == 5
    assert workdays_between(date(2025, 10, 10), date(2025, 9, 26)) == -5
    assert workdays_between(date(2025, 10, 10), date(2025, 10, 10)) == 0


def test_it_describes_a_day():
    assert is_workday(date(2025, 1, 26))
    day = describe_day(date(2025, 10, 6))
    assert (day.workday, day.name, day.provisional) == (False, "中秋", False)


def test_a_deadline_into_2027_is_provisional():
    result = due_date(date(2026, 12, 18), 15)  # accepted Friday
    # 12-21..12-25 1-5; 12-28..12-31 6-9; 2027-1-1 Fri 元旦 rests (fixed-date holiday, even
    # before the schedule is loaded); 1-4..1-8 10-14; 1-11 15
    assert result.due == date(2027, 1, 11)
    assert result.provisional
    assert result.unknown_years == (2027,)
    assert [(d.date, d.name) for d in result.skipped] == [(date(2027, 1, 1), "元旦")]


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        due_date(date(2025, 3, 3), -1)
    with pytest.raises(ValueError):
        due_date(date(2025, 3, 3), 5, [(date(2025, 3, 10), date(2025, 3, 5))])


def test_the_demo_years_need_nothing_loaded():
    assert unknown_years([2025, 2026]) == []
    assert unknown_years([2026, 2027]) == [2027]
