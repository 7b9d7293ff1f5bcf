"""Supervision pages: alerts, violations and cards of the supervisor's region; cards and their
rectifications. Thin views (STYLE §6): scoped fetch, a form, one action, domain errors as
messages (or next to their fields on a form shown again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from onestop.core.forms import run_form
from onestop.org.web import run_move, staff_required
from onestop.supervision import actions
from onestop.supervision.forms import AnswerForm, CardForm, CloseForm, ListFilter, ReasonForm
from onestop.supervision.models import Card
from onestop.supervision.queries import (
    alerts_for_user,
    cards_for_user,
    get_card_for_user,
    is_supervisor,
    violations_for_user,
)
from onestop.supervision.workflow import CARD

LIMIT = 200


@staff_required()
def index(request: HttpRequest) -> HttpResponse:
    """Alerts, violations and cards the user may see, filtered, newest first."""
    user = cast(User, request.user)
    filters = ListFilter(request.GET or {"standing": "open"}, user=user)
    filters.is_valid()  # a bad field shows its message; the valid ones still filter
    alerts = filters.alerts(alerts_for_user(user)).select_related(
        "case", "task", "case__department"
    )[:LIMIT]
    violations = (
        filters.violations(violations_for_user(user))
        .select_related("case", "case__department")
        .prefetch_related("events")[:LIMIT]
    )
    cards = filters.cards(cards_for_user(user)).select_related(
        "department", "window", "person", "rectification", "rule"
    )[:LIMIT]
    return render(
        request,
        "supervision/index.html",
        {
            "alerts": alerts,
            "violations": violations,
            "cards": cards,
            "filters": filters,
            "can_issue": is_supervisor(user),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def card_new(request: HttpRequest) -> HttpResponse:
    """Issue a card by case number, from an alert or violation row, or to a department."""
    user = cast(User, request.user)
    if not is_supervisor(user):
        raise Http404("页面不存在")
    if request.method == "POST":
        form = CardForm(request.POST, user=user)
        card, _status = run_form(form, lambda d: _issue(user, d))
        if card is not None:
            messages.success(
                request, f"已对{card.department.short_name}亮{card.get_colour_display()}"
            )
            return redirect("supervision:card", pk=card.pk)
    else:
        form = CardForm(initial=CardForm.initial_from(user, request.GET), user=user)
    return render(request, "supervision/card_new.html", {"form": form})


def _issue(user: User, d: dict[str, Any]) -> Card:
    return actions.issue_card(
        actor=user,
        now=timezone.now(),
        colour=d["colour"],
        department=d["department"],
        reason=d["reason"],
        window=d["window"],
        case=d["case_number"],
        rectify_days=d["rectify_days"],
        alert=d["alert"],
        violation=d["violation"],
    )


@staff_required()
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    card = get_card_for_user(user, pk)
    rect = card.rectification
    return render(
        request,
        "supervision/card_detail.html",
        {
            "card": card,
            "rect": rect,
            "can_answer": actions.heads_department(user, card.department_id)
            and CARD.allowed_from("answer", rect.status),
            "can_close": is_supervisor(user) and CARD.allowed_from("close", rect.status),
            "can_withdraw": is_supervisor(user) and CARD.allowed_from("withdraw", rect.status),
            "can_escalate": is_supervisor(user)
            and card.colour == Card.Colour.YELLOW
            and CARD.allowed_from("escalate", rect.status)
            and not hasattr(card, "escalated_to"),
            "history": card.history.select_related("actor"),
            "events": card.events.order_by("seq"),
        },
    )


@staff_required()
@require_POST
def card_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    card = get_card_for_user(user, pk)
    form = AnswerForm(request.POST)
    form.is_valid()  # optional text: the action says when the measure is missing
    measure = form.cleaned_data.get("measure", "")
    run_move(
        request,
        lambda: actions.answer_card(card, actor=user, now=timezone.now(), measure=measure),
        "整改措施已反馈",
    )
    return redirect("supervision:card", pk=card.pk)


@staff_required()
@require_POST
def card_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    card = get_card_for_user(user, pk)
    form = CloseForm(request.POST)
    form.is_valid()  # an optional note
    note = form.cleaned_data.get("note", "")
    run_move(
        request,
        lambda: actions.close_card(card, actor=user, now=timezone.now(), note=note),
        "整改已销号",
    )
    return redirect("supervision:card", pk=card.pk)


def _with_reason(
    request: HttpRequest, pk: int, move: Callable[..., object], missing: str, done: str
) -> HttpResponse:
    """Withdraw or escalate: a reason is required; the page the move leads to is shown."""
    user = cast(User, request.user)
    card = get_card_for_user(user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, missing)
        return redirect("supervision:card", pk=card.pk)
    reason = form.cleaned_data["reason"]
    result = run_move(
        request, lambda: move(card, actor=user, now=timezone.now(), reason=reason), done
    )
    # Escalating makes a new (red) card: show it.
    return redirect("supervision:card", pk=result.pk if isinstance(result, Card) else card.pk)


@staff_required()
@require_POST
def card_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, actions.withdraw_card, "请说明撤销理由", "亮牌已撤销")


@staff_required()
@require_POST
def card_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, actions.escalate_card, "请说明升级理由", "已升级为红牌")
