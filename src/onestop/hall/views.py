"""Staff pages of the hall: the guidance desk (take a number, check in a booking, print the
ticket; the self-service kiosk is a device, see device_views), the window clerk's calling
screen, the day's bookings by window, the figures with their Excel export, and first-inquiry
records.

Views are thin (STYLE §6): parse, fetch in scope, call one action, show a HallError in Chinese.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.hall import actions, figures, queries
from onestop.hall.forms import InquiryForm, InquiryMoveForm, WindowMoveForm
from onestop.hall.models import Inquiry, Ticket
from onestop.hall.permissions import windows_of
from onestop.hall.taking import take_from_post, ticket_page, zone_items
from onestop.org.models import Centre, StaffRole, Window
from onestop.org.oversight import oversight_region
from onestop.org.web import form_problems, run_move, staff_required
from onestop.workdays.calendar import local_date

# --- taking a number: guidance desk (the kiosk is a device, see device_views) ----------------


def _take_page(request: HttpRequest, source: str, template: str) -> HttpResponse:
    user = cast(User, request.user)
    centre = queries.hall_centre(user, request.GET.get("centre", ""))
    if request.method == "POST":
        ticket = take_from_post(request, user, centre, source)
        if ticket is not None:
            return redirect("hall:ticket", pk=ticket.pk)
        return redirect(f"{request.path}?centre={centre.key}")
    now = timezone.now()
    ctx: dict[str, Any] = {
        "centre": centre,
        "centres": queries.centres_for_staff(user),
        "zones": zone_items(centre),
        "categories": [(c.value, c.label) for c in actions.DESK_CATEGORIES],
        "waiting": queries.waiting_by_zone(centre, now),
        "inquiries": queries.my_inquiries(user).filter(status=Inquiry.Status.OPEN)[:50],
        "colleagues": _colleagues(centre),
    }
    return render(request, template, ctx)


@staff_required()
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    """咨询导引台: numbers of any category, booking check-in, first-inquiry records."""
    return _take_page(request, Ticket.Source.DESK, "hall/desk.html")


@staff_required()
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable ticket: number, zone, people ahead and the estimated wait."""
    user = cast(User, request.user)
    t = queries.get_ticket_for_staff(user, pk)
    return ticket_page(request, t, back=reverse("hall:desk"))


# --- the window's calling screen -------------------------------------------------------------


@staff_required()
@require_GET
def window(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    w = queries.get_my_window(user, request.GET.get("window", ""))
    now = timezone.now()
    current = actions.current_ticket(w)
    centre_windows = (
        Window.objects.filter(zone__centre_id=w.zone.centre_id)
        .exclude(pk=w.pk)
        .select_related("zone")
        .order_by("number")
    )
    return render(
        request,
        "hall/window.html",
        {
            "window": w,
            "windows": windows_of(user),
            "current": current,
            "queue": list(actions.waiting_for(w, now).select_related("item")[:10]),
            "queue_count": actions.waiting_for(w, now).count(),
            "others": centre_windows,
            "done_today": Ticket.objects.filter(
                window=w, day=local_date(now), status=Ticket.Status.DONE
            ).count(),
            "centre": w.zone.centre,
        },
    )


# What the clerk is told after a move on the window's ticket (actions.WINDOW_MOVES).
TOLD = {"recall": "已重呼", "serve": "开始办理", "finish": "办理完毕", "no_show": "已过号"}


def _window_move(w: Window, move: str, data: dict[str, Any], user: User) -> str:
    """One move at the window; what happened, in Chinese."""
    now = timezone.now()
    if move == "call":
        called = actions.call_next(w, actor=user, now=now)
        return f"请 {called.number} 号到 {w.number} 窗口" if called else "当前没有等候的号"
    ticket = queries.get_window_ticket(user, data["ticket"] or 0)
    if move == "transfer":
        to = data["to"]
        t = actions.transfer_ticket(ticket, to=to, actor=user, now=now, note=data["note"])
        return f"{t.number} 号已转至 {to.number} 窗口"
    moved = actions.WINDOW_MOVES[move](ticket, actor=user, now=now)
    return f"{moved.number} 号{TOLD[move]}"


@staff_required()
@require_POST
def window_move(request: HttpRequest, window_pk: int, move: str) -> HttpResponse:
    if move not in {"call", "transfer", *actions.WINDOW_MOVES}:
        raise Http404("没有这个操作")
    user = cast(User, request.user)
    w = queries.get_my_window(user, str(window_pk))
    form = WindowMoveForm(request.POST)
    if move == "transfer":
        form.fields["to"].required = True
        form.fields["to"].error_messages["required"] = "请选择转往的窗口"
    if not form.is_valid():
        form_problems(request, form)
    else:
        told = run_move(request, lambda: _window_move(w, move, form.cleaned_data, user))
        if told:
            messages.success(request, told)
    return redirect(f"{reverse('hall:window')}?window={w.pk}")


# --- bookings by window ----------------------------------------------------------------------


def _day(raw: str, default: date) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return default


@staff_required()
@require_GET
def bookings(request: HttpRequest) -> HttpResponse:
    """The day's bookings of the centres in the user's scope, by window."""
    user = cast(User, request.user)
    today = local_date(timezone.now())
    day = _day(request.GET.get("day", ""), today)
    centres = queries.centres_for_staff(user)
    mine = {w.pk for w in windows_of(user)}
    groups = queries.bookings_by_window(centres, day)
    if request.GET.get("mine") and mine:
        groups = [g for g in groups if g[0].pk in mine]
    return render(
        request,
        "hall/bookings.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "groups": groups,
            "total": sum(len(g[1]) for g in groups),
            "mine": bool(request.GET.get("mine")),
        },
    )


# --- figures ---------------------------------------------------------------------------------


@staff_required()
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    """Queue figures per zone, window and hour (supervisors and centre administrators)."""
    user = cast(User, request.user)
    region = oversight_region(user)
    now = timezone.now()
    today = local_date(now)
    day_from = _day(request.GET.get("from", ""), today)
    day_from, day_to = figures.span(day_from, _day(request.GET.get("to", ""), day_from))
    fig = figures.hall_figures(region, day_from, day_to, now=now)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            figures.to_xlsx(fig),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="hall-{day_from}-{day_to}.xlsx"'
        return response
    return render(
        request,
        "hall/figures.html",
        {
            "fig": fig,
            "groups": [
                ("合计", [fig.total]),
                ("功能区", fig.zones),
                ("窗口", fig.windows),
                ("时段（取号时间）", fig.hours),
            ],
            "region": region,
            "day_from": day_from,
            "day_to": day_to,
        },
    )


# --- first-inquiry responsibility ------------------------------------------------------------


def _colleagues(centre: Centre) -> list[User]:
    ids = StaffRole.objects.filter(region=centre.region).values("user")
    return list(User.objects.filter(pk__in=ids).order_by("username")[:200])


@staff_required()
@require_POST
def inquiry_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = InquiryForm(request.POST)
    form.is_valid()  # every field is optional text: the action judges it
    data = form.cleaned_data
    centre = queries.hall_centre(user, data["centre"])
    run_move(
        request,
        lambda: actions.record_inquiry(
            centre,
            question=data["question"],
            asker_name=data["asker_name"],
            asker_phone=data["asker_phone"],
            actor=user,
            now=timezone.now(),
        ),
        "已登记首问，您是该咨询的首问责任人",
    )
    return redirect(f"{reverse('hall:desk')}?centre={centre.key}")


def _inquiry_move(inquiry: Inquiry, data: dict[str, Any], user: User) -> str:
    now = timezone.now()
    if data["move"] == "answer":
        actions.answer_inquiry(inquiry, answer=data["answer"], actor=user, now=now)
        return "已答复"
    to = data["to"]
    actions.hand_over_inquiry(inquiry, to=to, note=data["note"], actor=user, now=now)
    return f"已移交给 {to.get_full_name() or to.username}"


@staff_required()
@require_http_methods(["GET", "POST"])
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    inquiry = queries.get_inquiry_for_user(user, pk)
    if request.method == "POST":
        form = InquiryMoveForm(request.POST)
        if not form.is_valid():
            form_problems(request, form)
        else:
            told = run_move(request, lambda: _inquiry_move(inquiry, form.cleaned_data, user))
            if told:
                messages.success(request, told)
        return redirect("hall:inquiry", pk=inquiry.pk)
    return render(
        request,
        "hall/inquiry.html",
        {
            "inquiry": inquiry,
            "handovers": inquiry.handovers.select_related("from_user", "to_user"),
            "colleagues": [u for u in _colleagues(inquiry.centre) if u.pk != user.pk],
            "is_owner": inquiry.owner_id == user.pk,
        },
    )
