"""The supervision dashboard and the monthly efficiency evaluation (with its Excel export)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from onestop.hall.figures import dashboard_panel as hall_queue_panel
from onestop.lib.months import parse_month
from onestop.org.models import Region
from onestop.org.oversight import oversight_region
from onestop.org.web import staff_required
from onestop.parallel.queries import dashboard_panel as parallel_panel
from onestop.supervision.efficiency import (
    DIMENSION_LABELS,
    RegionFigures,
    evaluate,
    hall_today,
    last_months,
    monthly_trend,
    region_tree,
    rollup,
    top_region,
)
from onestop.supervision.models import StatDay
from onestop.supervision.reports import NOTE, Report, pdf, workbook
from onestop.workdays.calendar import local_date


def _month(request: HttpRequest) -> tuple[int, int]:
    return parse_month(request.GET.get("month", ""), local_date(timezone.now()))


@staff_required()
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
        # Units with nothing to rate have no score and sit outside the ranking.
        "ranking": [{"name": r.name, "score": r.score} for r in ranking if r.score is not None],
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
            "rollup": _rollup(region, now, year, month),
        },
    )


def _rollup(region: Region | None, now: datetime, year: int, month: int) -> RegionFigures | None:
    root = top_region(region)
    return rollup(root, now, year, month) if root is not None else None


def _computed_at() -> datetime | None:
    """When the daily statistics were last brought up to date (None before the first run)."""
    last = StatDay.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return last


@staff_required()
@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    region = oversight_region(user)
    now = timezone.now()
    year, month = _month(request)
    by = request.GET.get("by", "department")
    if by not in DIMENSION_LABELS:
        by = "department"
    report = Report(
        rows=evaluate(region, year, month, by, now=now),
        by=by,
        year=year,
        month=month,
        unit=_unit(region),
        computed_at=_computed_at(),
    )
    stem = f"evaluation-{by}-{year}-{month:02d}"
    if request.GET.get("format") == "xlsx":
        return _download(workbook(report), f"{stem}.xlsx", XLSX)
    if request.GET.get("format") == "pdf":
        return _download(pdf(report), f"{stem}.pdf", "application/pdf")
    return render(
        request,
        "supervision/evaluation.html",
        {
            "rows": report.texts(),
            "columns": report.headers[1:],
            "month": f"{year}-{month:02d}",
            "by": by,
            "dimensions": DIMENSION_LABELS,
            "region": region,
            "computed_at": report.computed_at,
            "note": NOTE,
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _unit(region: Region | None) -> str:
    """The supervising unit named in a report's heading: the region (or the whole deployment)."""
    if region is not None:
        return region.name
    top = Region.objects.filter(parent=None).order_by("code").first()
    return top.name if top else ""
