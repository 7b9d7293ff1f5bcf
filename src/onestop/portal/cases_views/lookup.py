"""办件进度查询: case number + query code, no sign-in, nothing to enumerate."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from onestop.cases.models import CaseEvent
from onestop.cases.queries import TooManyMisses, lookup_progress
from onestop.portal.cases_views.following import EVENT_LABELS
from onestop.portal.cases_views.forms import ProgressForm

PUBLIC_EVENTS = (
    "submitted",
    "supplement_requested",
    "supplied",
    "accepted",
    "deemed_accepted",
    "not_accepted",
    "extension_approved",
    "deadline_recomputed",
    "suspended",
    "resumed",
    "granted",
    "refused",
    "completed",
    "delivered",
    "withdrawn",
)


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """办件进度查询: case number + query code; a wrong pair gets the same answer as no case."""
    form = ProgressForm(request.POST or None)
    case = None
    error = ""
    retry_after = 0
    events: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        try:
            case = lookup_progress(
                str(request.META.get("REMOTE_ADDR", "")),
                form.cleaned_data["number"],
                form.cleaned_data["query_code"],
            )
        except TooManyMisses as e:
            error, retry_after = e.message + "。", e.retry_after
        else:
            if case is None:
                error = "未找到与该办件编号和查询码相符的办件，请核对后重新输入。"
            else:
                events = [
                    {"at": e.at, "label": EVENT_LABELS[e.kind]}
                    for e in CaseEvent.objects.filter(case=case, kind__in=PUBLIC_EVENTS).order_by(
                        "seq"
                    )
                ]
    response = render(
        request,
        "portal/cases/progress.html",
        {"form": form, "case": case, "error": error, "events": events},
        status=429 if retry_after else 404 if error.startswith("未找到") else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
