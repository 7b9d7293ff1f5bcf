"""Supervision pages: alerts, violations and cards of the supervisor's region; cards and their
rectifications. Thin views (STYLE §6): scoped fetch, one action, domain errors as messages."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from onestop.cases.errors import CaseError
from onestop.cases.queries import get_case_for_user
from onestop.org.models import Department, Window
from onestop.org.queries import is_staff_member, regions_in_scope
from onestop.supervision import actions
from onestop.supervision.models import Card
from onestop.supervision.queries import (
    alerts_for_user,
    cards_for_user,
    get_card_for_user,
    is_supervisor,
    violations_for_user,
)

LIMIT = 200


def _staff(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not is_staff_member(user):
        raise Http404("页面不存在")
    return user


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Alerts, violations and cards the user may see, newest first."""
    user = _staff(request)
    alerts = alerts_for_user(user).select_related("case", "task", "case__department")[:LIMIT]
    violations = violations_for_user(user).select_related("case").prefetch_related("events")[:LIMIT]
    cards = cards_for_user(user).select_related("department", "window", "rectification")[:LIMIT]
    return render(
        request,
        "supervision/index.html",
        {
            "alerts": alerts,
            "violations": violations,
            "cards": cards,
            "can_issue": is_supervisor(user),
        },
    )


def _departments(user: User) -> list[Department]:
    return list(Department.objects.filter(region__in=regions_in_scope(user)).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def card_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not is_supervisor(user):
        raise Http404("页面不存在")
    departments = _departments(user)
    form = {
        "colour": request.POST.get("colour", "yellow"),
        "department": request.POST.get("department", ""),
        "window": request.POST.get("window", ""),
        "reason": request.POST.get("reason", ""),
        "case": request.POST.get("case", request.GET.get("case", "")),
    }
    if request.method == "POST":
        try:
            department = next((d for d in departments if str(d.pk) == form["department"]), None)
            if department is None:
                raise CaseError("请选择部门", field="department")
            window = None
            if form["window"]:
                window = Window.objects.filter(pk=int(form["window"])).first()
                if window is None:
                    raise CaseError("窗口不存在", field="window")
            case = get_case_for_user(user, int(form["case"])) if form["case"] else None
            card = actions.issue_card(
                actor=user,
                now=timezone.now(),
                colour=form["colour"],
                department=department,
                reason=form["reason"],
                window=window,
                case=case,
            )
        except CaseError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "编号格式不正确")
        else:
            messages.success(
                request, f"已对{card.department.short_name}亮{card.get_colour_display()}"
            )
            return redirect("supervision:card", pk=card.pk)
    windows = Window.objects.filter(departments__in=departments).distinct().order_by("number")
    return render(
        request,
        "supervision/card_new.html",
        {"departments": departments, "windows": windows, "form": form, "colours": Card.Colour},
    )


@login_required
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    card = get_card_for_user(user, pk)
    rect = card.rectification
    return render(
        request,
        "supervision/card_detail.html",
        {
            "card": card,
            "rect": rect,
            "can_answer": actions.heads_department(user, card.department_id)
            and rect.status != "closed",
            "can_close": is_supervisor(user) and rect.status == "answered",
        },
    )


@login_required
@require_POST
def card_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    card = get_card_for_user(user, pk)
    try:
        actions.answer_card(
            card, actor=user, now=timezone.now(), measure=request.POST.get("measure", "")
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "整改措施已反馈")
    return redirect("supervision:card", pk=card.pk)


@login_required
@require_POST
def card_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    card = get_card_for_user(user, pk)
    try:
        actions.close_card(card, actor=user, now=timezone.now(), note=request.POST.get("note", ""))
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "整改已销号")
    return redirect("supervision:card", pk=card.pk)
