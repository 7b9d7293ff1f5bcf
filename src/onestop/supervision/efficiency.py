"""Efficiency evaluation (效能评估): per department, window and person, per month.

Figures are computed from the cases' stored times (received, accepted, decided, completed, due)
in the centre's calendar; a scope (a region subtree) limits what a supervisor sees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from onestop.cases.lights import light
from onestop.cases.models import Case
from onestop.catalog.models import ServiceItem
from onestop.org.models import Region
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar, local_date

S = Case.Status
DONE = (S.COMPLETED, S.DELIVERED)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[first moment, first moment of the next month) in the centre's zone."""
    zone = ZoneInfo(settings.CENTRE_TIME_ZONE)
    start = datetime.combine(date(year, month, 1), time.min, tzinfo=zone)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(nxt, time.min, tzinfo=zone)


@dataclass
class Figures:
    """One row of the evaluation: a department, window or person in one month."""

    key: str
    name: str
    received: int = 0
    completed: int = 0
    promised_done: int = 0  # completed promised items (the base of the on-time rates)
    on_time: int = 0
    early: int = 0
    instant_done: int = 0
    overdue: int = 0
    used_days: list[int] = field(default_factory=list)
    promised_days: list[int] = field(default_factory=list)
    satisfaction: float | None = None  # share of ratings 满意 or better (好差评)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.promised_done if self.promised_done else None

    @property
    def early_rate(self) -> float | None:
        return self.early / self.promised_done if self.promised_done else None

    @property
    def on_the_spot_rate(self) -> float | None:
        return self.instant_done / self.completed if self.completed else None

    @property
    def avg_used(self) -> float | None:
        return sum(self.used_days) / len(self.used_days) if self.used_days else None

    @property
    def avg_promised(self) -> float | None:
        return sum(self.promised_days) / len(self.promised_days) if self.promised_days else None


def scoped_cases(region: Region | None) -> QuerySet[Case]:
    qs = Case.objects.exclude(status=S.DRAFT)
    return qs.filter(region.subtree_q("region")) if region is not None else qs


def evaluate(
    cases: Iterable[Case],
    year: int,
    month: int,
    by: str,
    *,
    now: datetime,
    calendar: Calendar | None = None,
) -> list[Figures]:
    """Figures of the month grouped `by` "department" (or "centre"), best on-time rate first."""
    start, end = month_bounds(year, month)
    cal = calendar or workdays.calendar()
    rows: dict[str, Figures] = {}
    for case in cases:
        group = case.department if by == "department" else case.centre
        row = rows.setdefault(str(group.pk), Figures(str(group.pk), _name(group)))
        if case.received_at and start <= case.received_at < end:
            row.received += 1
        if case.status in DONE and case.completed_at and start <= case.completed_at < end:
            _count_completed(row, case, cal)
        if (case.status in Case.CLOCK_RUNNING and case.due_at and case.due_at < min(now, end)) or (
            case.status in DONE
            and case.completed_at
            and start <= case.completed_at < end
            and case.due_at
            and case.decided_at
            and case.decided_at > case.due_at
        ):
            row.overdue += 1
    _add_satisfaction(rows, by, start, end)
    return sorted(rows.values(), key=lambda r: (-(r.on_time_rate or 0), -r.completed, r.name))


def _add_satisfaction(rows: dict[str, Figures], by: str, start: datetime, end: datetime) -> None:
    from onestop.evaluation.queries import satisfaction

    ratings = satisfaction(start, end, "department_id" if by == "department" else "case__centre_id")
    for key, figures in ratings.items():
        if str(key) in rows:
            rows[str(key)].satisfaction = figures.rate


def _name(group: object) -> str:
    return str(getattr(group, "short_name", "") or getattr(group, "name", ""))


def _count_completed(row: Figures, case: Case, cal: Calendar) -> None:
    row.completed += 1
    if case.item.kind == ServiceItem.Kind.INSTANT:
        if (
            case.accepted_at
            and case.completed_at
            and local_date(case.accepted_at) == local_date(case.completed_at)
        ):
            row.instant_done += 1
        return
    row.promised_done += 1
    decided = case.decided_at or case.completed_at
    if case.due_at and decided and decided <= case.due_at:
        row.on_time += 1
        if local_date(decided) < local_date(case.due_at):
            row.early += 1
    if case.accepted_at and decided:
        row.used_days.append(
            cal.workdays_between(local_date(case.accepted_at), local_date(decided))
        )
        row.promised_days.append(case.limit_days + case.extension_days)


def month_cases(region: Region | None, year: int, month: int, now: datetime) -> QuerySet[Case]:
    """Cases that count in a month: received or completed in it, or open and overdue."""
    start, end = month_bounds(year, month)
    return (
        scoped_cases(region)
        .filter(
            Q(received_at__gte=start, received_at__lt=end)
            | Q(completed_at__gte=start, completed_at__lt=end)
            | Q(status__in=Case.CLOCK_RUNNING, due_at__lt=min(now, end))
        )
        .select_related("item", "department", "centre")
        .only(
            "status",
            "received_at",
            "accepted_at",
            "decided_at",
            "completed_at",
            "due_at",
            "limit_days",
            "extension_days",
            "item__kind",
            "department__short_name",
            "department__name",
            "centre__name",
        )
    )


def hall_today(region: Region | None, now: datetime) -> dict[str, dict[str, int]]:
    """Open cases by department and light: {department: {green, yellow, red}}."""
    cal = workdays.calendar()
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"green": 0, "yellow": 0, "red": 0})
    open_cases = (
        scoped_cases(region)
        .filter(status__in=Case.CLOCK_RUNNING)
        .select_related("department")
        .only("accepted_at", "due_at", "department__short_name")
    )
    for case in open_cases:
        colour = light(case.accepted_at, case.due_at, now, cal) or "green"
        out[case.department.short_name][colour] += 1
    return dict(out)


def monthly_trend(region: Region | None, months: list[tuple[int, int]]) -> list[dict[str, object]]:
    """Received and completed per month, oldest first."""
    trend: list[dict[str, object]] = []
    base = scoped_cases(region)
    for year, month in months:
        start, end = month_bounds(year, month)
        trend.append(
            {
                "month": f"{year}-{month:02d}",
                "received": base.filter(received_at__gte=start, received_at__lt=end).count(),
                "completed": base.filter(completed_at__gte=start, completed_at__lt=end).count(),
            }
        )
    return trend


def region_tree(region: Region | None, now: datetime) -> dict[str, object]:
    """The three levels with each region's open and overdue cases (for the ECharts tree)."""
    root = region or Region.objects.filter(parent=None).order_by("code").first()
    if root is None:
        return {}
    regions = list(Region.objects.filter(root.subtree_q()).order_by("code"))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for region_id, due in (
        scoped_cases(root).filter(status__in=Case.CLOCK_RUNNING).values_list("region_id", "due_at")
    ):
        counts[region_id][0] += 1
        if due is not None and due < now:
            counts[region_id][1] += 1
    nodes = {
        r.pk: {"name": r.name, "value": counts[r.pk][0], "overdue": counts[r.pk][1], "children": []}
        for r in regions
    }
    for r in regions:
        if r.parent_id in nodes and r.pk != root.pk:
            nodes[r.parent_id]["children"].append(nodes[r.pk])  # type: ignore[attr-defined]
    return nodes[root.pk]


def last_months(today: date, n: int = 12) -> list[tuple[int, int]]:
    months = []
    y, m = today.year, today.month
    for _ in range(n):
        months.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(months))
