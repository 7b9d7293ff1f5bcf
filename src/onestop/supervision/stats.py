"""Daily statistics (预聚合): one day's efficiency counts, kept current from the audit trail.

A periodic job (`refresh_statistics`) reads the case events since its last run, finds the days
they touched (the days of the events, and the received days of their cases) and rebuilds each such
day from the cases, tasks and ratings of that day. Every monthly figure is then a sum over at most
31 days of `DailyStat` rows, whatever the number of cases.

Safe on many workers: a day is rebuilt under a lock on its `StatDay` row, in one transaction
(delete and insert), so two workers rebuilding the same day leave one copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import TruncDate

from onestop.cases.models import Case, CaseEvent, Task
from onestop.catalog.models import ServiceItem
from onestop.evaluation.models import GOOD, Rating
from onestop.org.models import Role, StaffRole
from onestop.supervision.models import DailyStat, StatDay
from onestop.supervision.sweep import advance_cursor, cursor_start
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar, centre_zone, local_date

CURSOR = "statistics"
S = Case.Status
DONE = (S.COMPLETED, S.DELIVERED)
# Counted fields of a DailyStat row, in the order `_Counts` keeps them.
COUNTS = (
    "received",
    "completed",
    "promised_done",
    "on_time",
    "early",
    "instant_done",
    "late_done",
    "timed_done",
    "used_days",
    "promised_days",
    "tasks_done",
    "tasks_on_time",
    "rated",
    "satisfied",
)

# (region, department, centre, window, person)
Key = tuple[int, int, int, int | None, int | None]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = centre_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


@dataclass
class _Counts:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def add(self, name: str, n: int = 1) -> None:
        self.values[name] += n


class Windows:
    """The window each clerk sits at (StaffRole.window), preferring one at the case's centre."""

    def __init__(self) -> None:
        self.by_user: dict[int, dict[int, int]] = defaultdict(dict)
        rows = StaffRole.objects.filter(role=Role.CLERK, window__isnull=False).values_list(
            "user_id", "window_id", "window__zone__centre_id"
        )
        for user_id, window_id, centre_id in rows.order_by("pk"):
            self.by_user[user_id].setdefault(centre_id, window_id)

    def of(self, user_id: int | None, centre_id: int) -> int | None:
        if user_id is None:
            return None
        windows = self.by_user.get(user_id)
        if not windows:
            return None
        return windows.get(centre_id, next(iter(windows.values())))


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _acceptors(case_ids: Iterable[int]) -> dict[int, int | None]:
    """Who accepted each case (the actor of its `accepted` event; None when deemed accepted)."""
    out: dict[int, int | None] = {}
    for chunk in _chunks(sorted(set(case_ids))):
        for case_id, actor_id in CaseEvent.objects.filter(
            case_id__in=chunk, kind="accepted"
        ).values_list("case_id", "actor_id"):
            out[case_id] = actor_id
    return out


def compute_day(day: date, cal: Calendar, windows: Windows) -> list[DailyStat]:
    """The rows of one day, from its received and completed cases, done tasks and ratings."""
    start, end = day_bounds(day)
    cases = list(
        Case.objects.exclude(status=S.DRAFT)
        .filter(
            Q(received_at__gte=start, received_at__lt=end)
            | Q(completed_at__gte=start, completed_at__lt=end)
        )
        .values_list(
            "pk",
            "region_id",
            "department_id",
            "centre_id",
            "status",
            "received_at",
            "accepted_at",
            "decided_at",
            "completed_at",
            "due_at",
            "limit_days",
            "extension_days",
            "item__kind",
        )
    )
    ratings = list(
        Rating.objects.filter(rated_at__gte=start, rated_at__lt=end).values_list(
            "case_id", "case__region_id", "department_id", "case__centre_id", "score"
        )
    )
    tasks = list(
        Task.objects.filter(done_at__gte=start, done_at__lt=end, assignee__isnull=False)
        .exclude(status=Task.Status.CANCELLED)
        .values_list(
            "case__region_id",
            "department_id",
            "case__centre_id",
            "assignee_id",
            "due_at",
            "done_at",
        )
    )
    acceptor = _acceptors([c[0] for c in cases] + [r[0] for r in ratings])
    rows: dict[Key, _Counts] = defaultdict(_Counts)

    def key(case_id: int, region: int, dept: int, centre: int) -> Key:
        person = acceptor.get(case_id)
        return (region, dept, centre, windows.of(person, centre), person)

    for c in cases:
        _count_case(rows[key(c[0], c[1], c[2], c[3])], c[4:], start, end, cal)
    for case_id, region, dept, centre, score in ratings:
        row = rows[key(case_id, region, dept, centre)]
        row.add("rated")
        if score >= GOOD:
            row.add("satisfied")
    for region, dept, centre, person, due, done in tasks:
        row = rows[(region, dept, centre, None, person)]
        row.add("tasks_done")
        if due is None or (done is not None and done <= due):
            row.add("tasks_on_time")
    return [
        DailyStat(
            day=day,
            region_id=k[0],
            department_id=k[1],
            centre_id=k[2],
            window_id=k[3],
            person_id=k[4],
            **counts.values,
        )
        for k, counts in rows.items()
    ]


def _count_case(
    row: _Counts, fields: tuple[Any, ...], start: datetime, end: datetime, cal: Calendar
) -> None:
    status, received, accepted, decided, completed, due, limit, extension, kind = fields
    if received and start <= received < end:
        row.add("received")
    if not (status in DONE and completed and start <= completed < end):
        return
    row.add("completed")
    if kind == ServiceItem.Kind.INSTANT:
        if accepted and local_date(accepted) == local_date(completed):
            row.add("instant_done")
        return
    row.add("promised_done")
    decided = decided or completed
    if due and decided <= due:
        row.add("on_time")
        if local_date(decided) < local_date(due):
            row.add("early")
    elif due:
        row.add("late_done")
    if accepted:
        row.add("timed_done")
        row.add("used_days", cal.workdays_between(local_date(accepted), local_date(decided)))
        row.add("promised_days", limit + extension)


def rebuild_days(days: Iterable[date], now: datetime) -> int:
    """Rebuild the statistics of the given days; returns how many days were rebuilt."""
    cal = workdays.calendar()
    windows = Windows()
    done = 0
    for day in sorted(set(days)):
        with transaction.atomic():
            StatDay.objects.get_or_create(day=day, defaults={"computed_at": now})
            StatDay.objects.select_for_update().filter(day=day).update(computed_at=now)
            DailyStat.objects.filter(day=day).delete()
            DailyStat.objects.bulk_create(compute_day(day, cal, windows), batch_size=500)
        done += 1
    return done


def _touched_days(since: int) -> tuple[set[date], int | None]:
    """Days with events after event id `since`, with the received days of their cases."""
    zone = centre_zone()
    events = CaseEvent.objects.filter(pk__gt=since)
    top = events.aggregate(m=Max("pk"))["m"]
    if top is None:
        return set(), None
    days = set(
        events.annotate(d=TruncDate("at", tzinfo=zone)).values_list("d", flat=True).distinct()
    )
    received = (
        Case.objects.filter(pk__in=events.values("case_id"), received_at__isnull=False)
        .annotate(d=TruncDate("received_at", tzinfo=zone))
        .values_list("d", flat=True)
        .distinct()
    )
    days.update(received)
    return days, top


def refresh_statistics(now: datetime) -> int:
    """Bring the daily statistics up to date with the audit trail; returns the days rebuilt."""
    days, top = _touched_days(cursor_start(CURSOR))
    rebuilt = rebuild_days(days, now)
    if top is not None:
        advance_cursor(CURSOR, top)
    return rebuilt


def rebuild_all(now: datetime) -> int:
    """Rebuild every day that has cases (after an import, or to repair); returns days rebuilt."""
    zone = centre_zone()
    days: set[date] = set()
    for column in ("received_at", "completed_at"):
        days.update(
            Case.objects.filter(**{f"{column}__isnull": False})
            .annotate(d=TruncDate(column, tzinfo=zone))
            .values_list("d", flat=True)
            .distinct()
        )
    days.update(
        Rating.objects.annotate(d=TruncDate("rated_at", tzinfo=zone))
        .values_list("d", flat=True)
        .distinct()
    )
    days.update(
        Task.objects.filter(done_at__isnull=False)
        .annotate(d=TruncDate("done_at", tzinfo=zone))
        .values_list("d", flat=True)
        .distinct()
    )
    top = CaseEvent.objects.aggregate(m=Max("pk"))["m"]
    DailyStat.objects.exclude(day__in=days).delete()  # days nothing happened on any more
    rebuilt = rebuild_days(days, now)
    if top is not None:
        advance_cursor(CURSOR, top)
    return rebuilt
