"""The supervision dashboard and the monthly efficiency evaluation (with its Excel export)."""

from __future__ import annotations

import io
from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from onestop.hall.figures import dashboard_panel as hall_queue_panel
from onestop.org.models import Region, Role
from onestop.org.queries import staff_roles_of
from onestop.parallel.queries import dashboard_panel as parallel_panel
from onestop.supervision.efficiency import (
    DIMENSION_LABELS,
    Figures,
    evaluate,
    hall_today,
    last_months,
    monthly_trend,
    region_tree,
)
from onestop.supervision.models import StatDay
from onestop.workdays.calendar import local_date

OVERSEERS = (Role.SUPERVISOR, Role.CENTRE_ADMIN)


def oversight_region(user: User) -> Region | None:
    """The widest region a supervisor or centre administrator oversees; 404 for others."""
    if user.is_superuser:
        return None
    regions = [r.region for r in staff_roles_of(user) if r.role in OVERSEERS]
    if not regions:
        raise Http404("页面不存在")
    return min(regions, key=lambda r: len(r.path))


def _month(request: HttpRequest) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    today = local_date(timezone.now())
    try:
        year, month = (int(x) for x in raw.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    region = oversight_region(user)
    now = timezone.now()
    year, month = _month(request)
    ranking = evaluate(region, year, month, "department", now=now)
    hall = hall_today(region, now)
    data = {
        "hall": {
            "departments": list(hall),
            "green": [v["green"] for v in hall.values()],
            "yellow": [v["yellow"] for v in hall.values()],
            "red": [v["red"] for v in hall.values()],
        },
        "trend": monthly_trend(region, last_months(local_date(now), 12)),
        "ranking": [
            {"name": r.name, "rate": round((r.on_time_rate or 0) * 100, 1)} for r in ranking
        ],
        "tree": region_tree(region, now),
    }
    return render(
        request,
        "supervision/dashboard.html",
        {
            "region": region,
            "month": f"{year}-{month:02d}",
            "ranking": ranking,
            "data": data,
            "totals": {k: sum(v[k] for v in hall.values()) for k in ("green", "yellow", "red")},
            "computed_at": _computed_at(),
            "hall_queue": hall_queue_panel(region, now),  # the hall app's queue figures
            "parallel_panel": parallel_panel(region, now),
        },
    )


def _computed_at() -> object:
    """When the daily statistics were last brought up to date (None before the first run)."""
    last = StatDay.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return last


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _avg(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


COLUMNS = [
    "名称",
    "收件",
    "办结",
    "按时办结率",
    "提前办结率",
    "即办率",
    "平均用时（工作日）",
    "平均承诺时限（工作日）",
    "超期件",
    "满意度",
]


def _row(r: Figures) -> list[object]:
    return [
        r.name,
        r.received,
        r.completed,
        _pct(r.on_time_rate),
        _pct(r.early_rate),
        _pct(r.on_the_spot_rate),
        _avg(r.avg_used),
        _avg(r.avg_promised),
        r.overdue,
        _pct(r.satisfaction),
    ]


PERSON_COLUMNS = [*COLUMNS, "办理环节", "环节按时率"]


def _person_row(r: Figures) -> list[object]:
    return [*_row(r), r.tasks_done, _pct(r.task_on_time_rate)]


@login_required
@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    region = oversight_region(user)
    now = timezone.now()
    year, month = _month(request)
    by = request.GET.get("by", "department")
    if by not in DIMENSION_LABELS:
        by = "department"
    rows = evaluate(region, year, month, by, now=now)
    columns, to_row = (PERSON_COLUMNS, _person_row) if by == "person" else (COLUMNS, _row)
    columns = [DIMENSION_LABELS[by], *columns[1:]]
    if request.GET.get("format") == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = f"{year}年{month}月效能评估（按{DIMENSION_LABELS[by]}）"
        sheet.append(columns)
        for r in rows:
            sheet.append(to_row(r))
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="evaluation-{by}-{year}-{month:02d}.xlsx"'
        )
        return response
    return render(
        request,
        "supervision/evaluation.html",
        {
            "rows": [(i + 1, to_row(r)) for i, r in enumerate(rows)],
            "columns": columns,
            "month": f"{year}-{month:02d}",
            "by": by,
            "dimensions": DIMENSION_LABELS,
            "region": region,
            "computed_at": _computed_at(),
        },
    )
