"""Hall figures per zone, window and hour: numbers taken, average and 90th-percentile wait,
service time, no-shows and abandoned tickets, with yellow/red lights on the wait.

The supervision dashboard shows `dashboard_panel(region, now)` through the partial
templates/hall/_dashboard_panel.html; the figures page exports the same rows to Excel.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import Workbook

from onestop.hall import rules
from onestop.hall.actions import policy_of
from onestop.hall.models import Ticket
from onestop.org.models import Centre, Region
from onestop.workdays.calendar import centre_zone, local_date

T = Ticket.Status


@dataclass
class Row:
    name: str
    taken: int = 0
    waits: list[float] = field(default_factory=list)  # minutes, called tickets
    services: list[float] = field(default_factory=list)  # minutes, finished services
    no_shows: int = 0
    abandoned: int = 0
    waiting: int = 0
    longest_waiting: float = 0.0  # minutes, tickets still waiting now
    light: str = "green"

    @property
    def avg_wait(self) -> float | None:
        return rules.mean(self.waits)

    @property
    def p90_wait(self) -> float | None:
        return rules.percentile(self.waits, 90)

    @property
    def avg_service(self) -> float | None:
        return rules.mean(self.services)

    def add(self, t: Ticket, now: datetime) -> None:
        self.taken += 1
        if t.wait_seconds is not None:
            self.waits.append(t.wait_seconds / 60)
        if t.service_seconds is not None:
            self.services.append(t.service_seconds / 60)
        if t.status == T.NO_SHOW:
            self.no_shows += 1
        elif t.status == T.ABANDONED:
            self.abandoned += 1
        elif t.status == T.WAITING and t.day == local_date(now):
            self.waiting += 1
            waited = (now - t.taken_at).total_seconds() / 60
            self.longest_waiting = max(self.longest_waiting, waited)


@dataclass
class Figures:
    total: Row
    zones: list[Row]
    windows: list[Row]
    hours: list[Row]
    yellow: int
    red: int
    day_from: date
    day_to: date

    def as_chart(self) -> dict[str, Any]:
        return {
            "hours": [r.name for r in self.hours],
            "taken": [r.taken for r in self.hours],
            "avg_wait": [_round(r.avg_wait) for r in self.hours],
            "p90_wait": [_round(r.p90_wait) for r in self.hours],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _light(row: Row, yellow: int, red: int) -> str:
    worst = max(row.avg_wait or 0.0, row.longest_waiting)
    if worst >= red:
        return "red"
    if worst >= yellow:
        return "yellow"
    return "green"


def tickets_in(region: Region | None, day_from: date, day_to: date) -> Iterable[Ticket]:
    qs = Ticket.objects.filter(day__gte=day_from, day__lte=day_to)
    if region is not None:
        qs = qs.filter(region.subtree_q("centre__region"))
    return qs.select_related("zone", "zone__centre", "window").order_by("pk")


MAX_SPAN_DAYS = 366


def span(day_from: date, day_to: date | None) -> tuple[date, date]:
    """The days asked for: to no earlier than from, and a year at most."""
    day_to = max(day_to or day_from, day_from)
    return day_from, min(day_to, day_from + timedelta(days=MAX_SPAN_DAYS))


def hall_figures(region: Region | None, day_from: date, day_to: date, *, now: datetime) -> Figures:
    """Figures of the centres in the region's subtree over [day_from, day_to]."""
    centre = _main_centre(region)
    policy = policy_of(centre) if centre else None
    yellow = policy.wait_yellow_minutes if policy else 15
    red = policy.wait_red_minutes if policy else 30
    total = Row("合计")
    zones: dict[int, Row] = {}
    windows: dict[int | None, Row] = {}
    hours: dict[int, Row] = {}
    tz = centre_zone()
    tickets = list(tickets_in(region, day_from, day_to))
    multi = len({t.centre_id for t in tickets}) > 1  # name the centre only when there are more
    for t in tickets:
        total.add(t, now)
        zone_name = f"{t.zone.centre.name} {t.zone.name}" if multi else t.zone.name
        zones.setdefault(t.zone_id, Row(zone_name)).add(t, now)
        window_name = f"{t.window.number} {t.window.name}" if t.window else "（未叫号）"
        if multi and t.window:
            window_name = f"{t.zone.centre.name} {window_name}"
        windows.setdefault(t.window_id, Row(window_name)).add(t, now)
        hour = t.taken_at.astimezone(tz).hour
        hours.setdefault(hour, Row(f"{hour:02d}:00")).add(t, now)
    rows = [total, *zones.values(), *windows.values(), *hours.values()]
    for row in rows:
        row.light = _light(row, yellow, red)
    return Figures(
        total=total,
        zones=sorted(zones.values(), key=lambda r: r.name),
        windows=sorted(windows.values(), key=lambda r: (r.name.startswith("（"), r.name)),
        hours=[hours[h] for h in sorted(hours)],
        yellow=yellow,
        red=red,
        day_from=day_from,
        day_to=day_to,
    )


def _main_centre(region: Region | None) -> Centre | None:
    """The centre whose policy sets the thresholds: the highest-level one in scope."""
    qs = Centre.objects.all() if region is None else Centre.objects.filter(region=region)
    return qs.order_by("level", "pk").first() or (
        Centre.objects.filter(region.subtree_q("region")).order_by("level", "pk").first()
        if region
        else None
    )


def dashboard_panel(region: Region | None, now: datetime) -> Figures:
    """Today's hall figures for the supervision dashboard."""
    today = local_date(now)
    return hall_figures(region, today, today, now=now)


COLUMNS = [
    "分组",
    "名称",
    "取号数",
    "平均等候（分钟）",
    "90%等候（分钟）",
    "平均办理（分钟）",
    "过号",
    "未办理离开",
    "当前等候",
    "等候亮灯",
]
LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


def _cells(group: str, r: Row) -> list[object]:
    return [
        group,
        r.name,
        r.taken,
        _round(r.avg_wait),
        _round(r.p90_wait),
        _round(r.avg_service),
        r.no_shows,
        r.abandoned,
        r.waiting,
        LIGHT_LABELS[r.light],
    ]


def to_xlsx(figures: Figures) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "大厅排队统计"
    sheet.append([f"统计期间 {figures.day_from} 至 {figures.day_to}"])
    sheet.append(
        [f"等候时间黄灯 ≥ {figures.yellow} 分钟，红灯 ≥ {figures.red} 分钟（平均或当前最长等候）"]
    )
    sheet.append(COLUMNS)
    sheet.append(_cells("合计", figures.total))
    groups = (("功能区", figures.zones), ("窗口", figures.windows), ("时段", figures.hours))
    for group, rows in groups:
        for r in rows:
            sheet.append(_cells(group, r))
    for col, width in zip("ABCDEFGHIJ", (8, 36, 8, 14, 14, 14, 8, 10, 10, 10), strict=True):
        sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
