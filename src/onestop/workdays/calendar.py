"""The working-day calendar and deadline arithmetic (DESIGN.md "Time"), without the database.

Order of truth for a day:
1. an administrator's override (a CalendarDay row);
2. the chinesecalendar package, for the years it knows (2004–2026 in 1.11.0);
3. a year whose full schedule the administrator has loaded (CalendarYear): Monday–Friday;
4. any other year: Monday–Friday less the fixed-date public holidays (1 January, 1 May,
   1–3 October: `FIXED_HOLIDAYS`), and every deadline that reaches it is PROVISIONAL until
   the year's schedule is loaded.

The database part comes in through a `YearSource` (see queries.py); tests pass a dict.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

ONE_DAY = timedelta(days=1)
# A walk longer than this means no working day lies ahead (a runaway clock stop); refuse it.
MAX_WALK_DAYS = 366 * 60

# The public holidays whose dates never move (全国年节及纪念日放假办法, Art. 2): a year
# whose State Council schedule is not known yet still rests on these days.
FIXED_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

Stop = tuple[date, date]
"""A clock-stop interval [first, last], both days inclusive (补正, Art. 45 suspensions)."""


class Source(StrEnum):
    OVERRIDE = "override"
    PACKAGE = "package"
    LOADED = "loaded"
    PROVISIONAL = "provisional"


@dataclass(frozen=True, slots=True)
class Override:
    workday: bool
    name: str = ""


@dataclass(frozen=True)
class YearData:
    """What the database says about one year: its override rows, and whether it is loaded.

    `loaded` need only be looked up for years the package lacks; it is ignored otherwise.
    """

    overrides: Mapping[date, Override] = field(default_factory=dict)
    loaded: bool = False


YearSource = Callable[[int], YearData]


@dataclass(frozen=True, slots=True)
class Day:
    date: date
    workday: bool
    name: str  # holiday or make-up-workday name; "" for an ordinary weekday or weekend
    source: Source

    @property
    def provisional(self) -> bool:
        return self.source == Source.PROVISIONAL


@dataclass(frozen=True)
class Due:
    """A deadline: the end of `due` in the centre's zone (see `end_at`)."""

    due: date
    provisional: bool
    start: date | None = None
    days: int = 0
    skipped: tuple[Day, ...] = ()  # named non-working days passed over (holidays, closures)
    makeup: tuple[Day, ...] = ()  # weekend days counted because they are make-up workdays
    stopped_days: int = 0  # working days passed over because the clock was stopped
    unknown_years: tuple[int, ...] = ()  # the years that make the deadline provisional

    def end_at(self) -> datetime:
        return end_of_day(self.due)


def halve(days: int) -> int:
    """Half a limit, rounded up (green channel, big-enterprise lane): ceil(days / 2)."""
    if days < 0:
        raise ValueError("days must not be negative")
    return (days + 1) // 2


def centre_zone() -> ZoneInfo:
    return ZoneInfo(settings.CENTRE_TIME_ZONE)


def local_date(moment: datetime) -> date:
    """The centre's calendar date at an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (USE_TZ)")
    return moment.astimezone(centre_zone()).date()


def end_of_day(day: date) -> datetime:
    """23:59:59.999999 of `day` in the centre's zone, as an aware UTC datetime."""
    return datetime.combine(day, time.max, tzinfo=centre_zone()).astimezone(UTC)


@functools.cache
def package_year(year: int) -> Mapping[date, Override] | None:
    """The package's holidays and make-up workdays of `year`, or None if it lacks the year."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # "no available data for year 2027"
        return None
    days: dict[date, Override] = {}
    # The package's own rule (utils.is_workday): a make-up workday beats a holiday.
    for d, english in chinese_calendar.holidays.items():
        if d.year == year:
            days[d] = Override(False, _chinese_name(english))
    for d, english in chinese_calendar.workdays.items():
        if d.year == year:
            days[d] = Override(True, _chinese_name(english))
    return days


def package_knows(year: int) -> bool:
    return package_year(year) is not None


def _chinese_name(english: str) -> str:
    try:
        return str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english


def _check_stops(stops: Iterable[Stop]) -> tuple[Stop, ...]:
    checked = tuple(stops)
    for first, last in checked:
        if last < first:
            raise ValueError(f"clock stop ends before it starts: {first} > {last}")
    return checked


class Calendar:
    """A snapshot of the calendar, reading each year from its source at most once.

    Use one instance for one computation, request or batch job; a new one sees new overrides.
    """

    def __init__(self, source: YearSource) -> None:
        self._source = source
        self._years: dict[int, YearData] = {}

    def year(self, year: int) -> YearData:
        data = self._years.get(year)
        if data is None:
            data = self._years[year] = self._source(year)
        return data

    def year_known(self, year: int) -> bool:
        """True if the package or a loaded schedule covers `year` (deadlines in it are final)."""
        return package_knows(year) or self.year(year).loaded

    def provisional(self, start: datetime | None, due: datetime | None) -> bool:
        """Whether a deadline counted from the moment `start` to the moment `due` reaches a
        year neither the package nor a loaded schedule covers (the rule of `due_date`)."""
        if start is None or due is None:
            return False
        first, last = local_date(start).year, local_date(due).year
        return any(not self.year_known(y) for y in range(first, last + 1))

    def day(self, d: date) -> Day:
        data = self.year(d.year)
        override = data.overrides.get(d)
        if override is not None:
            return Day(d, override.workday, override.name, Source.OVERRIDE)
        package = package_year(d.year)
        if package is not None:
            known = package.get(d)
            if known is not None:
                return Day(d, known.workday, known.name, Source.PACKAGE)
            return Day(d, d.weekday() < 5, "", Source.PACKAGE)
        if data.loaded:
            return Day(d, d.weekday() < 5, "", Source.LOADED)
        fixed = FIXED_HOLIDAYS.get((d.month, d.day))
        if fixed is not None:
            return Day(d, False, fixed, Source.PROVISIONAL)
        return Day(d, d.weekday() < 5, "", Source.PROVISIONAL)

    def is_workday(self, d: date) -> bool:
        return self.day(d).workday

    def due_date(self, start: date, days: int, stops: Sequence[Stop] = ()) -> Due:
        """The end of the `days`-th working day after `start` (the start day not counted).

        1. days == 0 (即办件): `start` itself if it counts, else the next day that counts;
        2. otherwise walk forward from the day after `start`, counting working days that lie
           outside every clock stop, until `days` have been counted;
        3. the deadline is provisional if any year from `start` to the due day is unknown.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        checked = _check_stops(stops)
        skipped: list[Day] = []
        makeup: list[Day] = []
        stopped = 0
        counted = 0
        d = start if days == 0 else start + ONE_DAY
        for _ in range(MAX_WALK_DAYS):
            day = self.day(d)
            if not day.workday:
                if day.name:
                    skipped.append(day)
            elif any(first <= d <= last for first, last in checked):
                stopped += 1
            else:
                counted += 1
                if d.weekday() >= 5:
                    makeup.append(day)
                if counted >= days:
                    break
            d += ONE_DAY
        else:
            raise ValueError(f"no working day within {MAX_WALK_DAYS} days of {start}")
        unknown = tuple(y for y in range(start.year, d.year + 1) if not self.year_known(y))
        return Due(
            due=d,
            provisional=bool(unknown),
            start=start,
            days=days,
            skipped=tuple(skipped),
            makeup=tuple(makeup),
            stopped_days=stopped,
            unknown_years=unknown,
        )

    def workdays_between(self, a: date, b: date, stops: Sequence[Stop] = ()) -> int:
        """Working days in (a, b] outside the clock stops; negative, counted in (b, a], if b < a."""
        checked = _check_stops(stops)
        if b < a:
            return -self.workdays_between(b, a, checked)
        count = 0
        d = a + ONE_DAY
        while d <= b:
            if self.is_workday(d) and not any(first <= d <= last for first, last in checked):
                count += 1
            d += ONE_DAY
        return count


def static_source(
    overrides: Mapping[date, Override] | None = None, loaded_years: Iterable[int] = ()
) -> YearSource:
    """A YearSource from plain data, for tests and tools that do not read the database."""
    by_year: dict[int, dict[date, Override]] = {}
    for d, o in (overrides or {}).items():
        by_year.setdefault(d.year, {})[d] = o
    loaded = frozenset(loaded_years)

    def source(year: int) -> YearData:
        return YearData(by_year.get(year, {}), year in loaded)

    return source
