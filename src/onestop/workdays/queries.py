"""The working-day calendar as the database sees it: what other apps call.

Each function builds a fresh `Calendar`, so it sees overrides committed by any process. It
reads each calendar year it touches with one query (two for a year the package lacks), so a
typical deadline costs one small indexed query. A batch job computing many deadlines can take
one `calendar()` and reuse it for the whole batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from onestop.workdays.calendar import (
    Calendar,
    Day,
    Due,
    Override,
    Stop,
    YearData,
    end_of_day,
    local_date,
    package_knows,
)
from onestop.workdays.models import CalendarDay, CalendarYear


def db_year(year: int) -> YearData:
    """The override rows of `year` and, for a year the package lacks, whether it is loaded."""
    rows = CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    overrides = {
        d: Override(kind == CalendarDay.Kind.WORKDAY, name)
        for d, kind, name in rows.values_list("date", "kind", "name")
    }
    loaded = not package_knows(year) and CalendarYear.objects.filter(year=year).exists()
    return YearData(overrides, loaded)


def calendar() -> Calendar:
    """A calendar snapshot backed by the database; reuse it within one request or job."""
    return Calendar(db_year)


def is_workday(d: date) -> bool:
    return calendar().is_workday(d)


def describe_day(d: date) -> Day:
    """Whether `d` is a working day, its holiday name and where that came from."""
    return calendar().day(d)


def due_date(start: date, days: int, stops: Sequence[Stop] = ()) -> Due:
    """The due day `days` working days after `start`, skipping clock stops (see Calendar)."""
    return calendar().due_date(start, days, stops)


def due_at(start: datetime, days: int, stops: Sequence[Stop] = ()) -> datetime:
    """The end (23:59:59.999999 centre time, as aware UTC) of the due day counted from `start`.

    `start` is an aware moment (e.g. `now` at acceptance); its date in the centre's zone is
    the day of acceptance, which is not counted. Use `due_date(...).provisional` as well when
    the deadline must be flagged.
    """
    return end_of_day(due_date(local_date(start), days, stops).due)


def workdays_between(a: date, b: date, stops: Sequence[Stop] = ()) -> int:
    """Working days in (a, b] outside the clock stops (negative if b is before a)."""
    return calendar().workdays_between(a, b, stops)


def unknown_years(years: Iterable[int]) -> list[int]:
    """The years among `years` that neither the package nor a loaded schedule covers.

    The demo loader calls `unknown_years([2025, 2026])` and expects `[]`: the package data is
    enough for those years, nothing needs loading.
    """
    cal = calendar()
    return [y for y in sorted(set(years)) if not cal.year_known(y)]
