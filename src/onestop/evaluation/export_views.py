"""The ratings export in the national 好差评 shape (JSON for the exchange, Excel to read)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from onestop.evaluation.exchange import as_json, as_xlsx
from onestop.evaluation.queries import ratings_for_overseer
from onestop.lib.months import month_bounds
from onestop.workdays.calendar import centre_zone, local_date

MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """?month=2026-03&format=json|xlsx: the month's ratings of the overseer's region."""
    ratings = ratings_for_overseer(request.user)
    if ratings is None:
        raise Http404("页面不存在")
    raw = request.GET.get("month", "") or f"{local_date(timezone.now()):%Y-%m}"
    match = MONTH.match(raw)
    if match is None:
        return JsonResponse(
            {"code": "invalid", "message": "月份格式应为 2026-03", "field": "month"}, status=422
        )
    year, month = int(match[1]), int(match[2])
    start, end = month_bounds(year, month, centre_zone())
    month_ratings = ratings.filter(rated_at__gte=start, rated_at__lt=end)
    stem = f"ratings-{year}-{month:02d}"
    if request.GET.get("format") == "json":
        response = HttpResponse(as_json(month_ratings), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response
    body = as_xlsx(month_ratings, title=f"{year}年{month}月政务服务好差评数据")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
