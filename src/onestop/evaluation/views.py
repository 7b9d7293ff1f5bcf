"""好差评 pages: the applicant's rating page, the SMS link, the window's pad, the department's
rectifications, and the public statistics. Views are thin: fetch in scope, call one action,
show a domain error as a Chinese message."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from onestop.cases.lights import LABELS, light
from onestop.cases.models import Case
from onestop.cases.queries import get_case_for_user
from onestop.core.errors import DomainError
from onestop.evaluation import actions
from onestop.evaluation.forms import PadCaseForm, RatingForm, RectificationForm
from onestop.evaluation.models import Rating, Rectification
from onestop.evaluation.queries import (
    department_stats,
    get_rectification_for_user,
    rectifications_for_user,
)
from onestop.hall.devices import device_required
from onestop.hall.models import Device
from onestop.org.models import Window
from onestop.org.queries import is_staff_member
from onestop.org.web import run_move, staff_required
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date


def _rating_of(case: Case) -> Rating | None:
    return Rating.objects.filter(case=case).select_related("rectification").first()


def _form_for(request: HttpRequest, channel: str, rating: Rating | None) -> RatingForm:
    """The rating form of the page: bound on POST, for the re-rate once a follow-up closed."""
    rerate = rating is not None and actions.can_rerate(rating)
    form_channel = rating.channel if rating is not None else channel
    data = request.POST if request.method == "POST" else None
    return RatingForm(data, channel=form_channel, rerate=rerate)


def _form_context(case: Case, rating: Rating | None, form: RatingForm) -> dict[str, Any]:
    return {
        "case": case,
        "rating": rating,
        "form": form,
        "can_rate": rating is None and case.status in actions.RATEABLE,
        "can_rerate": rating is not None and actions.can_rerate(rating),
        "key": secrets.token_hex(8),  # a double tap records one rating
    }


def _submit(
    request: HttpRequest,
    case: Case,
    form: RatingForm,
    *,
    actor: User | None,
    channel: str,
    window: Window | None = None,
) -> bool:
    """Rate (or re-rate) from the posted form; True when saved. A refusal of the action is
    shown next to its field when the form has one, else as a message."""
    if not form.is_valid():
        return False
    now = timezone.now()
    data = form.cleaned_data
    key = data["key"]
    rating = _rating_of(case)
    try:
        if rating is not None and actions.can_rerate(rating):
            actions.rerate(
                case,
                actor=actor,
                now=now,
                score=data["score"],
                comment=data["comment"],
                reasons=data["reasons"],
                key=key,
            )
            messages.success(request, "感谢您的再评价")
        else:
            actions.rate_case(
                case,
                actor=actor,
                now=now,
                score=data["score"],
                comment=data["comment"],
                tags=data.get("tags", []),
                reasons=data["reasons"],
                channel=channel,
                key=key,
                window=window,
            )
            messages.success(request, "感谢您的评价")
    except DomainError as e:
        if e.field in form.fields:
            form.add_error(e.field, e.message)
        else:
            messages.error(request, e.message)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant rates their own finished case (from 我的办件)."""
    user = cast(User, request.user)
    case = get_case_for_user(user, pk)
    if case.applicant.user_id != user.pk:
        raise Http404("办件不存在")
    rating = _rating_of(case)
    form = _form_for(request, Rating.Channel.PORTAL, rating)
    if request.method == "POST" and _submit(
        request, case, form, actor=user, channel=Rating.Channel.PORTAL
    ):
        return redirect("evaluation:rate", pk=case.pk)
    ctx = _form_context(case, _rating_of(case), form)
    return render(request, "evaluation/rate.html", ctx, status=200)


@require_http_methods(["GET", "POST"])
def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link in the SMS notice: no sign-in, valid for 30 days. A staff member's
    session never rates through it (the link may reach a clerk's screen)."""
    case = actions.case_from_token(token)
    if case is None:
        return render(request, "evaluation/link_invalid.html", status=404)
    if is_staff_member(request.user):
        return HttpResponseForbidden(actions.STAFF_CANNOT_RATE)
    rating = _rating_of(case)
    form = _form_for(request, Rating.Channel.SMS_LINK, rating)
    if request.method == "POST" and _submit(
        request, case, form, actor=None, channel=Rating.Channel.SMS_LINK
    ):
        return redirect("evaluation:rate_link", token=token)
    ctx = _form_context(case, _rating_of(case), form)
    ctx["link"] = True
    return render(request, "evaluation/rate.html", ctx)


def _pad_case(window: Window, now: datetime) -> Case | None:
    """The case the pad's window closed most recently, within the pad's minutes, not rated."""
    return (
        actions.pad_cases(window, now)
        .select_related("item", "department", "applicant")
        .annotate(closed_at=Max("events__at"))
        .order_by("-closed_at", "-pk")
        .first()
    )


@require_http_methods(["GET", "POST"])
@device_required(Device.Kind.RATING_PAD)
def pad(request: HttpRequest, device: Device) -> HttpResponse:
    """The window's evaluation pad (a device session, no staff user): the applicant picks a
    level and, for a bad one, the indicators, for the case the window has just closed."""
    window = cast(Window, device.window)
    form = RatingForm(request.POST or None, channel=Rating.Channel.PAD)
    case: Case | None
    if request.method == "POST":
        posted = PadCaseForm(request.POST)
        if not posted.is_valid():
            raise Http404("办件不存在")
        pk = posted.cleaned_data["case"]
        # Any case id: the action accepts only a case this window has just closed.
        case = Case.objects.filter(pk=pk).first()
        if case is None:
            raise Http404("办件不存在")
        if _submit(request, case, form, actor=None, channel=Rating.Channel.PAD, window=window):
            return redirect("evaluation:pad")
        # The form is shown again only for a case this pad may still rate.
        if not form.errors or not actions.pad_cases(window, timezone.now()).filter(pk=pk):
            if form.errors:
                messages.error(request, "评价未提交，请重新评价")
            return redirect("evaluation:pad")
    else:
        case = _pad_case(window, timezone.now())
    ctx: dict[str, Any] = {
        "case": case,
        "device": device,
        "form": form,
        "pad": True,
        "key": secrets.token_hex(8),
    }
    return render(request, "evaluation/pad.html", ctx)


@staff_required()
@require_GET
def rectification_list(request: HttpRequest) -> HttpResponse:
    """差评整改 of my department(s), open ones first, with due lights."""
    user = cast(User, request.user)
    now = timezone.now()
    cal = workdays.calendar()
    rows = list(
        rectifications_for_user(user)
        .select_related("case", "case__item", "department", "rating")
        .order_by("closed_at", "due_at", "pk")[:300]
    )
    rows.sort(key=lambda r: (r.status == Rectification.Status.CLOSED, r.due_at))
    for r in rows:
        r.light = None if r.closed_at else light(r.opened_at, r.due_at, now, cal)  # type: ignore[attr-defined]
        r.light_label = LABELS.get(r.light or "", "")  # type: ignore[attr-defined]
    return render(request, "evaluation/rectification_list.html", {"rows": rows})


@staff_required()
@require_http_methods(["GET", "POST"])
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    rect = get_rectification_for_user(user, pk)
    if request.method == "POST":
        form = RectificationForm(request.POST)
        form.is_valid()  # every field optional: the actions say what is missing
        data = form.cleaned_data
        done = "整改已办结" if data["action"] == "close" else "已记录核实回访情况"
        run_move(request, lambda: _rectify(rect, user, data), done)
        return redirect("evaluation:rectification", pk=rect.pk)
    now = timezone.now()
    rect_light = None if rect.closed_at else light(rect.opened_at, rect.due_at, now)
    return render(
        request,
        "evaluation/rectification_detail.html",
        {"rect": rect, "rating": rect.rating, "light": rect_light},
    )


def _rectify(rect: Rectification, user: User, data: dict[str, Any]) -> Rectification:
    now, key = timezone.now(), data["key"]
    if data["action"] == "close":
        return actions.close_rectification(
            rect, actor=user, now=now, measure=data["measure"], key=key
        )
    return actions.record_followup(
        rect,
        actor=user,
        now=now,
        contact_note=data["contact_note"],
        measure=data["measure"],
        key=key,
    )


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    """Public statistics: per department satisfaction and follow-up of bad ratings."""
    now = timezone.now()
    today = local_date(now)
    return render(
        request,
        "evaluation/stats.html",
        {"rows": department_stats(now), "year": today.year, "month": today.month},
    )
