"""Efficiency evaluation (效能评估): per department, centre, window and person, per month.

Monthly figures are sums of the pre-aggregated daily statistics (onestop.supervision.stats), so a
month costs the same at a thousand cases or a million; what is open now (the hall by light, the
overdue count, the three-level map) is counted live with grouped queries over the open cases.
A scope (a region subtree) limits what a supervisor sees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate, TruncMonth

from onestop.cases.lights import light
from onestop.cases.models import Case, CaseEvent
from onestop.org.models import Centre, Department, Region, Window
from onestop.supervision.models import Card, DailyStat, ScoreWeights
from onestop.supervision.periods import month_bounds
from onestop.supervision.stats import COUNTS, Windows
from onestop.supervision.workflow import STANDING
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import centre_zone, local_date

S = Case.Status
DIMENSIONS = {
    "department": "department_id",
    "centre": "centre_id",
    "window": "window_id",
    "person": "person_id",
}
DIMENSION_LABELS = {"department": "部门", "centre": "网点", "window": "窗口", "person": "人员"}


@dataclass
class Figures:
    """One row of the evaluation: a department, centre, window or person in one month."""

    key: str
    name: str
    received: int = 0
    completed: int = 0
    promised_done: int = 0  # completed promised items (the base of the on-time rates)
    on_time: int = 0
    early: int = 0
    instant_done: int = 0
    late_done: int = 0
    open_overdue: int = 0
    timed_done: int = 0
    used_days: int = 0  # sum over timed_done
    promised_days: int = 0  # sum over timed_done
    tasks_done: int = 0
    tasks_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    yellow_cards: int = 0  # standing (not withdrawn) cards issued in the month
    red_cards: int = 0
    overdue_cards: int = 0  # of those, rectifications that missed their deadline
    score: float | None = None  # see ScoreWeights; None: nothing to rate

    @property
    def rated_anything(self) -> bool:
        return self.score is not None

    @property
    def overdue(self) -> int:
        """Completed after the due time this month, and still open past it."""
        return self.late_done + self.open_overdue

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
        return self.used_days / self.timed_done if self.timed_done else None

    @property
    def avg_promised(self) -> float | None:
        return self.promised_days / self.timed_done if self.timed_done else None

    @property
    def task_on_time_rate(self) -> float | None:
        return self.tasks_on_time / self.tasks_done if self.tasks_done else None

    @property
    def satisfaction(self) -> float | None:
        """满意率: the share of the month's ratings scoring 满意 or better."""
        return self.satisfied / self.rated if self.rated else None


def scoped_cases(region: Region | None) -> QuerySet[Case]:
    qs = Case.objects.exclude(status=S.DRAFT)
    return qs.filter(region.subtree_q("region")) if region is not None else qs


def scoped_stats(region: Region | None) -> QuerySet[DailyStat]:
    qs = DailyStat.objects.all()
    return qs.filter(region.subtree_q("region")) if region is not None else qs


def evaluate(
    region: Region | None, year: int, month: int, by: str, *, now: datetime
) -> list[Figures]:
    """The month's figures grouped `by` a dimension, best on-time rate first."""
    column = DIMENSIONS[by]
    start, end = month_bounds(year, month)
    stats = scoped_stats(region).filter(day__gte=start.date(), day__lt=end.date())
    if by in ("window", "person"):
        stats = stats.exclude(**{f"{column}__isnull": True})
    rows: dict[Any, Figures] = {}
    for sums in stats.values(column).annotate(**{name: Sum(name) for name in COUNTS}):
        key = sums.pop(column)
        rows[key] = Figures(str(key), "", **sums)
    for key, n in _open_overdue(region, by, min(now, end)).items():
        if key is not None:
            rows.setdefault(key, Figures(str(key), "")).open_overdue = n
    if by != "person":  # steps done for other departments' cases do not make a ranked row
        rows = {k: r for k, r in rows.items() if r.received or r.completed or r.rated or r.overdue}
    for key, (yellow, red, late) in _cards(region, by, start, end).items():
        row = rows.setdefault(key, Figures(str(key), ""))
        row.yellow_cards, row.red_cards, row.overdue_cards = yellow, red, late
    weights = ScoreWeights.current()
    names = _names(by, list(rows))
    for key, row in rows.items():
        row.name = names.get(key, str(key))
        row.score = score_of(row, weights)
    return ranked(rows.values())


def ranked(rows: Iterable[Figures]) -> list[Figures]:
    """Scored units best first; units with nothing to rate after them, by name (unranked)."""
    return sorted(
        rows,
        key=lambda r: (
            r.score is None,
            -(r.score or 0),
            -(r.on_time_rate or 0),
            -r.completed,
            r.name,
        ),
    )


def ranks(rows: list[Figures]) -> list[int | None]:
    """Competition ranks (1, 2, 2, 4) by score; None for a unit with nothing to rate."""
    out: list[int | None] = []
    for i, row in enumerate(rows):
        if row.score is None:
            out.append(None)
        elif i and rows[i - 1].score == row.score:
            out.append(out[-1])
        else:
            out.append(i + 1)
    return out


def score_of(row: Figures, w: ScoreWeights) -> float | None:
    """The efficiency score (ScoreWeights documents the formula); None with nothing to rate.

    The rates a unit has are weighted and scaled to 100; each standing card of the month takes
    its points off, a card whose rectification missed its deadline takes the overdue points more.
    """
    parts = [
        (w.on_time, row.on_time_rate),
        (w.early, row.early_rate),
        (w.satisfaction, row.satisfaction),
    ]
    present = [(weight, rate) for weight, rate in parts if rate is not None and weight > 0]
    if not present:
        return None
    base = 100 * sum(weight * rate for weight, rate in present) / sum(wt for wt, _ in present)
    penalty = (
        float(w.yellow) * row.yellow_cards
        + float(w.red) * row.red_cards
        + float(w.overdue) * row.overdue_cards
    )
    return round(max(base - penalty, 0.0), 1)


CARD_COLUMNS = {"department": "department_id", "window": "window_id", "person": "person_id"}


def _cards(
    region: Region | None, by: str, start: datetime, end: datetime
) -> dict[Any, tuple[int, int, int]]:
    """Standing cards issued in [start, end) counted by the dimension: (yellow, red, overdue).

    Cards carry a department, and a window or handler when aimed at one; by centre a card counts
    at its window's centre (cards without a window have no centre).
    """
    column = CARD_COLUMNS.get(by, "window__zone__centre_id")
    cards = Card.objects.filter(
        issued_at__gte=start,
        issued_at__lt=end,
        rectification__status__in=STANDING,
    ).exclude(**{f"{column}__isnull": True})
    if region is not None:
        cards = cards.filter(region.subtree_q("region"))
    return {
        key: (yellow, red, late)
        for key, yellow, red, late in cards.values_list(column)
        .annotate(
            yellow=Count("pk", filter=Q(colour=Card.Colour.YELLOW)),
            red=Count("pk", filter=Q(colour=Card.Colour.RED)),
            late=Count("pk", filter=Q(rectification__overdue_at__isnull=False)),
        )
        .values_list(column, "yellow", "red", "late")
    }


def _open_overdue(region: Region | None, by: str, before: datetime) -> dict[Any, int]:
    """Open cases past their due time, counted by the dimension (live)."""
    cases = scoped_cases(region).filter(status__in=Case.CLOCK_RUNNING, due_at__lt=before)
    if by in ("department", "centre"):
        column = DIMENSIONS[by]
        return dict(cases.values_list(column).annotate(n=Count("pk")).values_list(column, "n"))
    acceptor = CaseEvent.objects.filter(case=OuterRef("pk"), kind="accepted").values("actor_id")
    groups = (
        cases.annotate(person=Subquery(acceptor[:1]))
        .values_list("person", "centre_id")
        .annotate(n=Count("pk"))
        .values_list("person", "centre_id", "n")
    )
    windows = Windows() if by == "window" else None
    out: dict[Any, int] = defaultdict(int)
    for person, centre, n in groups:
        out[windows.of(person, centre) if windows else person] += n
    return dict(out)


def _names(by: str, keys: list[Any]) -> dict[Any, str]:
    if by == "department":
        return {d.pk: d.short_name or d.name for d in Department.objects.filter(pk__in=keys)}
    if by == "centre":
        return {c.pk: c.name for c in Centre.objects.filter(pk__in=keys)}
    if by == "window":
        return {
            w.pk: f"{w.zone.centre.name} {w.number}号窗口（{w.name}）"
            for w in Window.objects.filter(pk__in=keys).select_related("zone__centre")
        }
    return {
        u.pk: u.get_full_name() or u.get_username()
        for u in get_user_model().objects.filter(pk__in=keys)
    }


def hall_today(region: Region | None, now: datetime) -> dict[str, dict[str, int]]:
    """Open cases by department and light: {department: {green, yellow, red}}.

    Counted in SQL by (department, accepted date, due date) and lit once per group: a light
    depends only on those dates (and on `now` for red), so this is exact and reads no case rows.
    """
    cal = workdays.calendar()
    zone = centre_zone()
    open_cases = scoped_cases(region).filter(status__in=Case.CLOCK_RUNNING)
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"green": 0, "yellow": 0, "red": 0})
    names = dict(Department.objects.values_list("pk", "short_name"))
    for dept, n in (
        open_cases.filter(due_at__lt=now)
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    ):
        out[names[dept]]["red"] += n
    groups = (
        open_cases.filter(Q(due_at__gte=now) | Q(due_at__isnull=True))
        .annotate(start=TruncDate("accepted_at", tzinfo=zone), due=TruncDate("due_at", tzinfo=zone))
        .values_list("department_id", "start", "due")
        .annotate(n=Count("pk"))
        .values_list("department_id", "start", "due", "n")
    )
    for dept, start, due, n in groups:
        colour = _light_of_dates(start, due, now, cal)
        out[names[dept]][colour] += n
    return dict(out)


def _light_of_dates(start: date | None, due: date | None, now: datetime, cal: Any) -> str:
    """The light of an open case not yet overdue, from its local accepted and due dates."""
    if due is None:
        return "green"
    zone = centre_zone()
    # Any moment of the due date not before `now` lights the same (red is decided above).
    due_moment = max(datetime.combine(due, time.max, tzinfo=zone), now)
    start_moment = datetime.combine(start, time.min, tzinfo=zone) if start else None
    return light(start_moment, due_moment, now, cal) or "green"


def monthly_trend(region: Region | None, months: list[tuple[int, int]]) -> list[dict[str, object]]:
    """Received and completed per month, oldest first (from the daily statistics)."""
    first, _ = month_bounds(*months[0])
    _, last = month_bounds(*months[-1])
    sums = {
        (m.year, m.month): (received, completed)
        for m, received, completed in scoped_stats(region)
        .filter(day__gte=first.date(), day__lt=last.date())
        .annotate(m=TruncMonth("day"))
        .values_list("m")
        .annotate(r=Sum("received"), c=Sum("completed"))
        .values_list("m", "r", "c")
    }
    return [
        {
            "month": f"{year}-{month:02d}",
            "received": sums.get((year, month), (0, 0))[0],
            "completed": sums.get((year, month), (0, 0))[1],
        }
        for year, month in months
    ]


ROLLUP_FIELDS = ("open", "overdue", "received", "completed", "yellow", "red")


@dataclass
class RegionFigures:
    """A region's figures: its own (cases, statistics and cards whose region it is) and its
    total (its own plus its children's totals), over the region tree of any depth."""

    region: Region
    own: dict[str, int]
    total: dict[str, int]
    children: list[RegionFigures]


def rollup(root: Region, now: datetime, year: int, month: int) -> RegionFigures:
    """The region subtree with every level's figures summed from the level below.

    Open and overdue cases are live; received and completed come from the month's daily
    statistics; yellow and red are the month's standing cards. Generic over the tree: it walks
    parent links, not level names, so province and city levels roll up the same way.
    """
    start, end = month_bounds(year, month)
    regions = list(Region.objects.filter(root.subtree_q()).order_by("path"))
    own: dict[int, dict[str, int]] = {r.pk: dict.fromkeys(ROLLUP_FIELDS, 0) for r in regions}
    for region_id, n, late in (
        scoped_cases(root)
        .filter(status__in=Case.CLOCK_RUNNING)
        .values_list("region_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        .values_list("region_id", "n", "late")
    ):
        own[region_id] |= {"open": n, "overdue": late}
    for region_id, received, completed in (
        scoped_stats(root)
        .filter(day__gte=start.date(), day__lt=end.date())
        .values_list("region_id")
        .annotate(r=Sum("received"), c=Sum("completed"))
        .values_list("region_id", "r", "c")
    ):
        own[region_id] |= {"received": received or 0, "completed": completed or 0}
    for region_id, yellow, red in (
        Card.objects.filter(
            root.subtree_q("region"),
            issued_at__gte=start,
            issued_at__lt=end,
            rectification__status__in=STANDING,
        )
        .values_list("region_id")
        .annotate(
            y=Count("pk", filter=Q(colour=Card.Colour.YELLOW)),
            r=Count("pk", filter=Q(colour=Card.Colour.RED)),
        )
        .values_list("region_id", "y", "r")
    ):
        own[region_id] |= {"yellow": yellow, "red": red}
    nodes = {r.pk: RegionFigures(r, own[r.pk], dict(own[r.pk]), []) for r in regions}
    # Deepest first, so each child's total is complete before it is added to its parent's.
    for r in sorted(regions, key=lambda r: -len(r.path)):
        if r.pk != root.pk and r.parent_id in nodes:
            parent = nodes[r.parent_id]
            parent.children.append(nodes[r.pk])
            for name in ROLLUP_FIELDS:
                parent.total[name] += nodes[r.pk].total[name]
    for node in nodes.values():
        node.children.sort(key=lambda n: n.region.code)
    return nodes[root.pk]


def top_region(region: Region | None) -> Region | None:
    """The region a scope starts at (the first top-level region for the whole deployment)."""
    return region or Region.objects.filter(parent=None).order_by("code").first()


def region_tree(region: Region | None, now: datetime) -> dict[str, object]:
    """The region tree with each level's open and overdue cases, summed (for the ECharts tree)."""
    root = top_region(region)
    if root is None:
        return {}
    today = local_date(now)
    return _tree_node(rollup(root, now, today.year, today.month))


def _tree_node(node: RegionFigures) -> dict[str, object]:
    return {
        "name": f"{node.region.name}（在办{node.total['open']}，超期{node.total['overdue']}）",
        "value": node.total["open"],
        "overdue": node.total["overdue"],
        "children": [_tree_node(c) for c in node.children],
    }


def last_months(today: date, n: int = 12) -> list[tuple[int, int]]:
    months = []
    y, m = today.year, today.month
    for _ in range(n):
        months.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(months))
