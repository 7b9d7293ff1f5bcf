"""办件进度查询: case number + query code, no sign-in, nothing to enumerate."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from onestop.cases.models import CaseEvent
from onestop.cases.queries import case_by_query_code
from onestop.portal.cases_views.following import EVENT_LABELS
from onestop.portal.cases_views.forms import ProgressForm

# Wrong pairs allowed per address in PROGRESS_WINDOW seconds; right ones are not counted, so a
# hall whose visitors share one address is not turned away. (A query code is one of 32^8, so
# guessing is hopeless anyway; this keeps scripts polite.)
PROGRESS_LIMIT = 20
PROGRESS_WINDOW = 600
PUBLIC_EVENTS = (
    "submitted",
    "supplement_requested",
    "supplied",
    "accepted",
    "deemed_accepted",
    "not_accepted",
    "extension_approved",
    "suspended",
    "resumed",
    "granted",
    "refused",
    "completed",
    "delivered",
    "withdrawn",
)


def _misses_key(request: HttpRequest) -> str:
    return "progress-misses:" + str(request.META.get("REMOTE_ADDR", ""))


def _too_many_misses(request: HttpRequest) -> bool:
    return int(cache.get(_misses_key(request), 0)) >= PROGRESS_LIMIT


def _count_miss(request: HttpRequest) -> None:
    key = _misses_key(request)
    if not cache.add(key, 1, PROGRESS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, PROGRESS_WINDOW)


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """办件进度查询: case number + query code; a wrong pair gets the same answer as no case."""
    form = ProgressForm(request.POST or None)
    case = None
    error = ""
    events: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        if _too_many_misses(request):
            error = "查询过于频繁，请 10 分钟后再试。"
        else:
            case = case_by_query_code(form.cleaned_data["number"], form.cleaned_data["query_code"])
            if case is None:
                _count_miss(request)
                error = "未找到与该办件编号和查询码相符的办件，请核对后重新输入。"
            else:
                events = [
                    {"at": e.at, "label": EVENT_LABELS[e.kind]}
                    for e in CaseEvent.objects.filter(case=case, kind__in=PUBLIC_EVENTS).order_by(
                        "seq"
                    )
                ]
    return render(
        request,
        "portal/cases/progress.html",
        {"form": form, "case": case, "error": error, "events": events},
        status=404 if error.startswith("未找到") else 200,
    )
