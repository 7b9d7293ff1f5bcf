"""Staff pages of the hall: the guidance desk (take a number, check in a booking, print the
ticket; the self-service kiosk is a device, see device_views), the window clerk's calling
screen, the day's bookings by window, the figures with their Excel export, and first-inquiry
records.

Views are thin (STYLE §6): parse, fetch in scope, call one action, show a HallError in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.errors import CaseError
from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.core.errors import DomainError
from onestop.hall import actions, booking, figures, queries
from onestop.hall.models import Category, Inquiry, Ticket
from onestop.org.models import Centre, Window, Zone
from onestop.org.oversight import oversight_region
from onestop.org.queries import is_staff_member
from onestop.workdays.calendar import local_date


def _staff(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not is_staff_member(user):
        raise Http404("页面不存在")
    return user


# --- taking a number: guidance desk and kiosk ------------------------------------------------


def zone_items(centre: Centre) -> list[tuple[Zone, list[ServiceItem]]]:
    """Each zone with the live items its windows serve (for choosing by item)."""
    out = []
    for zone in centre.zones.order_by("name", "pk"):
        depts = Window.objects.filter(zone=zone).values("departments")
        items = list(live_items().filter(department__in=depts).order_by("name")[:60])
        out.append((zone, items))
    return out


def take_from_post(
    request: HttpRequest, user: User | None, centre: Centre, source: str
) -> Ticket | None:
    """A ticket from the posted take-a-number form (desk: the staff member; kiosk: None)."""
    post = request.POST
    now = timezone.now()
    try:
        if post.get("code", "").strip():
            return booking.check_in(post["code"], centre, now=now, actor=user)
        zone = centre.zones.filter(pk=_int(post.get("zone"))).first()
        if zone is None:
            raise CaseError("请选择功能区", field="zone")
        item = None
        if post.get("item"):
            item = live_items().filter(code=post["item"]).first()
            if item is None:
                raise CaseError("事项不存在", field="item")
        category = post.get("category") or Category.NORMAL
        return actions.take_ticket(
            actions.NewTicket(
                centre=centre, zone=zone, item=item, category=category, source=source
            ),
            now=now,
            actor=user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return None


def _int(raw: object) -> int:
    try:
        return int(str(raw))
    except ValueError:
        return 0


def _take_page(request: HttpRequest, source: str, template: str) -> HttpResponse:
    user = _staff(request)
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


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    """咨询导引台: numbers of any category, booking check-in, first-inquiry records."""
    return _take_page(request, Ticket.Source.DESK, "hall/desk.html")


@login_required
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable ticket: number, zone, people ahead and the estimated wait."""
    user = _staff(request)
    t = queries.get_ticket_for_staff(user, pk)
    now = timezone.now()
    waiting = t.status == Ticket.Status.WAITING
    return render(
        request,
        "hall/ticket.html",
        {
            "ticket": t,
            "ahead": actions.people_ahead(t) if waiting else 0,
            "wait": queries.estimated_wait_minutes(t, now) if waiting else 0,
            "back": reverse("hall:desk"),
        },
    )


# --- the window's calling screen -------------------------------------------------------------


@login_required
@require_GET
def window(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
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
            "windows": actions.windows_of(user),
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


@login_required
@require_POST
def window_move(request: HttpRequest, window_pk: int, move: str) -> HttpResponse:
    user = _staff(request)
    w = queries.get_my_window(user, str(window_pk))
    now = timezone.now()
    post = request.POST

    def ticket() -> Ticket:
        return queries.get_window_ticket(user, _int(post.get("ticket")))

    def call() -> str:
        called = actions.call_next(w, actor=user, now=now)
        return f"请 {called.number} 号到 {w.number} 窗口" if called else "当前没有等候的号"

    def transfer() -> str:
        to = Window.objects.filter(pk=_int(post.get("to"))).first()
        if to is None:
            raise CaseError("请选择转往的窗口", field="to")
        t = actions.transfer_ticket(ticket(), to=to, actor=user, now=now, note=post.get("note", ""))
        return f"{t.number} 号已转至 {to.number} 窗口"

    def simple(move: Callable[..., Ticket], done: str) -> Callable[[], str]:
        return lambda: f"{move(ticket(), actor=user, now=now).number} 号{done}"

    handlers: dict[str, Callable[[], str]] = {
        "call": call,
        "recall": simple(actions.recall, "已重呼"),
        "serve": simple(actions.start_serving, "开始办理"),
        "finish": simple(actions.finish_ticket, "办理完毕"),
        "no_show": simple(actions.mark_no_show, "已过号"),
        "transfer": transfer,
    }
    handler = handlers.get(move)
    if handler is None:
        raise Http404("没有这个操作")
    try:
        messages.success(request, handler())
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('hall:window')}?window={w.pk}")


# --- bookings by window ----------------------------------------------------------------------


def _day(raw: str, default: date) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return default


@login_required
@require_GET
def bookings(request: HttpRequest) -> HttpResponse:
    """The day's bookings of the centres in the user's scope, by window."""
    user = _staff(request)
    today = local_date(timezone.now())
    day = _day(request.GET.get("day", ""), today)
    centres = queries.centres_for_staff(user)
    mine = {w.pk for w in actions.windows_of(user)}
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


@login_required
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    """Queue figures per zone, window and hour (supervisors and centre administrators)."""
    user = cast(User, request.user)
    region = oversight_region(user)
    now = timezone.now()
    today = local_date(now)
    day_from = _day(request.GET.get("from", ""), today)
    day_to = max(_day(request.GET.get("to", ""), day_from), day_from)
    if (day_to - day_from).days > 366:
        day_to = day_from + timedelta(days=366)
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
    from onestop.org.models import StaffRole

    ids = StaffRole.objects.filter(region=centre.region).values("user")
    return list(User.objects.filter(pk__in=ids).order_by("username")[:200])


@login_required
@require_POST
def inquiry_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    centre = queries.hall_centre(user, request.POST.get("centre", ""))
    try:
        actions.record_inquiry(
            centre,
            question=request.POST.get("question", ""),
            asker_name=request.POST.get("asker_name", ""),
            asker_phone=request.POST.get("asker_phone", ""),
            actor=user,
            now=timezone.now(),
        )
        messages.success(request, "已登记首问，您是该咨询的首问责任人")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('hall:desk')}?centre={centre.key}")


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    inquiry = queries.get_inquiry_for_user(user, pk)
    if request.method == "POST":
        now = timezone.now()
        try:
            if request.POST.get("move") == "answer":
                actions.answer_inquiry(
                    inquiry, answer=request.POST.get("answer", ""), actor=user, now=now
                )
                messages.success(request, "已答复")
            else:
                to = User.objects.filter(pk=_int(request.POST.get("to"))).first()
                if to is None:
                    raise CaseError("请选择移交对象", field="to")
                actions.hand_over_inquiry(
                    inquiry, to=to, note=request.POST.get("note", ""), actor=user, now=now
                )
                messages.success(request, f"已移交给 {to.get_full_name() or to.username}")
        except DomainError as exc:
            messages.error(request, exc.message)
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
