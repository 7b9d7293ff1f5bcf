"""The callback queue, the leaders' 督办 queue and the monthly metrics."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from onestop.cases.lights import LABELS, light
from onestop.hotline import actions, permissions, queries
from onestop.hotline.forms import (
    CallbackForm,
    EscalationForm,
    FollowForm,
    InstructForm,
    MonthForm,
)
from onestop.hotline.models import Escalation
from onestop.hotline.views.common import (
    OPERATOR,
    only,
    post_move,
    user_of,
)
from onestop.hotline.workflow import ESCALATION_OPEN
from onestop.org.models import Role, StaffRole
from onestop.org.web import staff_required
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

# --- callback queue, leaders' queue ------------------------------------------------------------


@require_GET
@staff_required(OPERATOR)
def callback_queue(request: HttpRequest) -> HttpResponse:
    rows = [(t, queries.callback_script(t)) for t in queries.callback_queue()[:100]]
    return render(request, "hotline/callbacks.html", {"rows": rows, "form": CallbackForm()})


def _leader_move(request: HttpRequest, user: User) -> HttpResponse:
    """批示 (a leader) or 督办记录 (the named officer) on one escalation of the queue."""
    which = EscalationForm(request.POST)
    chosen = which.cleaned_data["escalation"] if which.is_valid() else None
    esc = get_object_or_404(Escalation, pk=chosen or 0)
    if which.cleaned_data.get("move") == "instruct":
        post_move(
            request,
            InstructForm(request.POST),
            lambda f: actions.instruct_escalation(
                esc,
                actor=user,
                now=timezone.now(),
                instruction=f.cleaned_data["instruction"],
                officer=f.cleaned_data["officer"],
            ),
            "批示已送达督办人和承办部门",
        )
    else:
        post_move(
            request,
            FollowForm(request.POST),
            lambda f: actions.follow_escalation(
                esc,
                actor=user,
                now=timezone.now(),
                note=f.cleaned_data["note"],
                finish=f.cleaned_data["finish"],
            ),
            "督办情况已记录",
        )
    return redirect("hotline:leaders")


@login_required
@require_http_methods(["GET", "POST"])
def leader_queue(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    leader = permissions.is_leader(user)
    only(leader or permissions.is_supervision_officer(user))
    if request.method == "POST":
        return _leader_move(request, user)
    rows = queries.leader_queue()
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(status__in=ESCALATION_OPEN)
    officers = User.objects.filter(
        pk__in=StaffRole.objects.filter(role=Role.SUPERVISOR).values("user_id")
    ).order_by("pk")
    now, cal = timezone.now(), workdays.calendar()  # one calendar for every row's light
    items = [
        (e, light(e.ticket.dispatched_at, e.ticket.due_at, now, cal) if e.ticket.is_open else None)
        for e in rows
    ]
    return render(
        request,
        "hotline/leaders.html",
        {
            "items": items,
            "leader": leader,
            "officers": officers,
            "show": show,
            "labels": LABELS,
        },
    )


# --- metrics -----------------------------------------------------------------------------------


@login_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    only(queries.sees_all(user))
    year, month = MonthForm(request.GET).year_month(local_date(timezone.now()))
    return render(
        request,
        "hotline/metrics.html",
        {
            "rows": queries.department_metrics(year, month, timezone.now()),
            "definitions": queries.DEFINITIONS,
            "hot": queries.hot_topics(year, month),
            "month": f"{year:04d}-{month:02d}",
            "operator": permissions.is_operator(user),
        },
    )
