"""Changes to the working-day calendar: hand-set days, loaded year schedules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.workdays import hooks
from onestop.workdays.models import CalendarDay, CalendarYear
from onestop.workdays.schedule import NAME_MAX, ScheduleDay, ScheduleRow, check_schedule


class CalendarError(ValueError):
    """A calendar change that makes no sense (its message is Chinese, for the user)."""


@dataclass(frozen=True)
class LoadedYear:
    schedule: CalendarYear
    days: list[CalendarDay]  # rows of the file now in force
    kept: list[ScheduleDay]  # rows of the file not applied: a hand-set day holds that date
    replaced: int  # rows of an earlier load of the same year that were removed


@transaction.atomic
def set_calendar_day(
    day: date, kind: str, name: str = "", *, actor: User | None, now: datetime
) -> CalendarDay:
    """Mark one day as a working day or a day off, overriding everything else.

    A day set by hand is a local decision: a later load of its year's schedule keeps it.
    """
    if kind not in CalendarDay.Kind.values:
        raise CalendarError(f"类型须为 {'、'.join(CalendarDay.Kind.values)}")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise CalendarError(f"名称不能超过 {NAME_MAX} 个字")
    row, _ = CalendarDay.objects.update_or_create(
        date=day,
        defaults={
            "kind": kind,
            "name": name,
            "schedule": None,
            "changed_at": now,
            "changed_by": actor,
        },
    )
    hooks.calendar_changed_on_commit(day, day)
    return row


def close_day(day: date, name: str, *, actor: User | None, now: datetime) -> CalendarDay:
    """A local closure: the centre does not work on `day` (e.g. "停电闭厅")."""
    return set_calendar_day(day, CalendarDay.Kind.HOLIDAY, name, actor=actor, now=now)


@transaction.atomic
def remove_calendar_day(row: CalendarDay, *, actor: User | None, now: datetime) -> None:
    """Drop an override: the day follows the package or the weekday rule again."""
    CalendarDay.objects.filter(pk=row.pk).delete()
    hooks.calendar_changed_on_commit(row.date, row.date)


@transaction.atomic
def load_year_schedule(
    year: int,
    rows: Sequence[ScheduleRow],
    *,
    actor: User | None,
    now: datetime,
    name: str = "",
) -> LoadedYear:
    """Load (or reload) a whole year's holidays and make-up workdays.

    1. Check every row (ScheduleError lists each bad row and column; nothing is written);
    2. create or lock the year's CalendarYear row, so two loads of a year run one at a time;
    3. remove the rows of an earlier load of that year; hand-set days stay and win;
    4. insert the file's rows; days of the year not listed follow Monday–Friday;
    5. after commit, call hooks.on_year_loaded(year) so apps recompute provisional deadlines.
    """
    days = check_schedule(year, rows)
    schedule, _ = CalendarYear.objects.update_or_create(  # locks the row (SELECT … FOR UPDATE)
        year=year, defaults={"name": name.strip()[:200], "loaded_at": now, "loaded_by": actor}
    )
    replaced, _ = CalendarDay.objects.filter(schedule=schedule).delete()
    local = set(
        CalendarDay.objects.filter(
            date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
        ).values_list("date", flat=True)
    )
    kept = [d for d in days if d.date in local]
    created = CalendarDay.objects.bulk_create(
        CalendarDay(
            date=d.date,
            kind=d.kind,
            name=d.name,
            schedule=schedule,
            changed_at=now,
            changed_by=actor,
        )
        for d in days
        if d.date not in local
    )
    hooks.year_loaded_on_commit(year)
    return LoadedYear(schedule=schedule, days=created, kept=kept, replaced=replaced)


@transaction.atomic
def remove_year_schedule(schedule: CalendarYear, *, actor: User | None, now: datetime) -> None:
    """Withdraw a loaded year: its file's rows go, and a year the package lacks is provisional."""
    year = schedule.year
    CalendarYear.objects.filter(pk=schedule.pk).delete()  # its rows go with it (CASCADE)
    hooks.calendar_changed_on_commit(date(year, 1, 1), date(year, 12, 31))
