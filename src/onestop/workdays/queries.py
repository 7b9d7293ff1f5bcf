"""The working-day calendar as the database sees it: what other apps call.

Each function builds a fresh `Calendar`, so it sees overrides committed by any process. It
reads each calendar year it touches with one query (two for a year the package lacks), so a
typical deadline costs one small indexed query. A batch job computing many deadlines can take
one `calendar()` and reuse it for the whole batch.

Where the cache is shared by every process (Redis, `REDIS_URL`), a year read from the database
is kept there under a generation number that every calendar change bumps after it commits
(`forget_years`, registered on the workdays hooks), so pages showing lights do not read the same
rows on every request and still see a change as soon as it is committed. Without a shared
cache (the embedded run, the tests) every calendar reads the database as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache

from onestop.workdays import hooks
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


YEAR_TTL = 3600  # seconds; a bound on staleness should a generation bump ever be lost


def _key(*parts: object) -> str:
    # The database's name is part of the key: two databases may share one Redis.
    return ":".join(["workdays", str(settings.DATABASES["default"]["NAME"]), *map(str, parts)])


def shared_year(year: int) -> YearData:
    """`db_year` through the shared cache, under the current generation."""
    key = _key(cache.get(_key("generation"), 0), year)
    data = cache.get(key)
    if data is None:
        data = db_year(year)
        cache.set(key, data, YEAR_TTL)
    return data


def forget_years(*_changed: object) -> None:
    """Called after a calendar change commits: later calendars read the database again."""
    if not settings.REDIS_URL:
        return
    try:
        cache.incr(_key("generation"))
    except ValueError:  # no generation yet
        cache.set(_key("generation"), 1, None)


def forget_years_on_changes() -> None:
    """Register `forget_years` first on the calendar hooks, so that the other apps'
    recomputations after a change already read the new calendar."""
    hooks.on_year_loaded.register(forget_years, first=True)
    hooks.on_calendar_changed.register(forget_years, first=True)


def calendar() -> Calendar:
    """A calendar snapshot backed by the database; reuse it within one request or job."""
    return Calendar(shared_year if settings.REDIS_URL else db_year)


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
