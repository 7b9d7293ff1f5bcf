"""Public pages of the hall: the large-screen display (polled by htmx) and appointment booking
on the portal (a signed-in applicant, or anyone with a phone verified by an SMS code)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.catalog.queries import live_items, search_items
from onestop.core.errors import DomainError
from onestop.hall import booking as booking_actions
from onestop.hall import queries
from onestop.hall.errors import HallError
from onestop.hall.forms import BookForm, PhoneForm, refused
from onestop.hall.models import Booking
from onestop.org.models import Applicant, Centre
from onestop.org.web import run_move

PHONE_SESSION = "hall_verified_phone"
PHONE_SESSION_MINUTES = 30


# --- the display -----------------------------------------------------------------------------


@require_GET
def display(request: HttpRequest, key: str) -> HttpResponse:
    centre = get_object_or_404(Centre, key=key)
    return render(request, "hall/display.html", _board(centre))


@require_GET
def display_board(request: HttpRequest, key: str) -> HttpResponse:
    """The part of the display htmx reloads every few seconds."""
    centre = get_object_or_404(Centre, key=key)
    response = render(request, "hall/_board.html", _board(centre))
    response["Cache-Control"] = "no-store"
    return response


def _board(centre: Centre) -> dict[str, Any]:
    now = timezone.now()
    rows = queries.board(centre, now)
    return {
        "centre": centre,
        "rows": rows,
        "latest": rows[0] if rows else None,
        "waiting": queries.waiting_by_zone(centre, now),
        "now": now,
    }


# --- booking ---------------------------------------------------------------------------------


def _applicant(request: HttpRequest) -> Applicant | None:
    if not request.user.is_authenticated:
        return None
    return Applicant.objects.filter(user_id=request.user.pk).first()


def verified_phone(request: HttpRequest) -> str:
    raw = request.session.get(PHONE_SESSION) or {}
    try:
        until = datetime.fromisoformat(raw.get("until", ""))
    except (TypeError, ValueError, AttributeError):
        return ""
    return str(raw.get("phone", "")) if until > timezone.now() else ""


def _remember_phone(request: HttpRequest, phone: str) -> None:
    until = timezone.now() + timedelta(minutes=PHONE_SESSION_MINUTES)
    request.session[PHONE_SESSION] = {"phone": phone, "until": until.isoformat()}


CODES_PER_SESSION_HOUR = 5


def _send_code(request: HttpRequest, phone: str, now: datetime) -> None:
    """Text a code, at most five an hour from one browser (each phone also once a minute), so
    the page cannot be used to flood many phones with messages."""
    hour_ago = (now - timedelta(hours=1)).timestamp()
    sent = [t for t in request.session.get("hall_codes_sent", []) if t > hour_ago]
    if len(sent) >= CODES_PER_SESSION_HOUR:
        raise HallError("获取验证码过于频繁，请一小时后再试", field="phone")
    booking_actions.send_phone_code(phone, now=now)
    request.session["hall_codes_sent"] = [*sent, now.timestamp()]


def _centres_for(item_code: str) -> list[Centre]:
    item = live_items().filter(code=item_code).first()
    if item is None:
        return []
    return list(
        Centre.objects.filter(zones__windows__departments=item.department_id)
        .exclude(level=Centre.Level.COMMUNITY)
        .distinct()
        .order_by("level", "region__code")
    )


@require_GET
def book_start(request: HttpRequest) -> HttpResponse:
    """Choose the item to book (search)."""
    q = request.GET.get("q", "").strip()[:40]
    items = live_items().select_related("department").order_by("name")
    if q:
        items = search_items(items, q)
    return render(request, "hall/book_start.html", {"q": q, "items": items[:30]})


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, code: str) -> HttpResponse:
    """Slots of the item at a centre; booking with a signed-in applicant or a verified phone."""
    item = live_items().filter(code=code).select_related("department").first()
    if item is None:
        raise Http404("事项不存在")
    centres = _centres_for(code)
    if not centres:
        return render(request, "hall/book.html", {"item": item, "centres": [], "days": {}})
    form = BookForm(request.POST if request.method == "POST" else None)
    key = request.GET.get("centre") or (form.data.get("centre", "") if form.is_bound else "")
    centre = next((c for c in centres if c.key == key), centres[0])
    applicant = _applicant(request)
    now = timezone.now()
    if form.is_bound:
        done = _book_post(request, form, item, centre, applicant, now)
        if isinstance(done, Booking):
            return redirect("hallpub:booking", code=done.code)
    return render(
        request,
        "hall/book.html",
        {
            "item": item,
            "centres": centres,
            "centre": centre,
            "days": booking_actions.available_slots(centre, item, now=now),
            "applicant": applicant,
            "phone": verified_phone(request),
            "form": form,
        },
    )


def _book_post(
    request: HttpRequest,
    form: BookForm,
    item: Any,
    centre: Centre,
    applicant: Applicant | None,
    now: datetime,
) -> Booking | None:
    """Send a code, or book (checking the phone's code first unless signed in or verified);
    every refusal is shown at its field on the page that comes back."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    phone = applicant.phone if applicant else data["phone"]
    try:
        if data["action"] == "send_code":
            _send_code(request, phone, now)
            messages.success(request, "验证码已发送到您的手机，10分钟内有效")
            return None
        if applicant is None and verified_phone(request) != phone:
            booking_actions.verify_phone_code(phone, data["sms_code"], now=now)
            _remember_phone(request, phone)
        made = booking_actions.book(
            booking_actions.NewBooking(
                centre=centre,
                item=item,
                starts_at=data["starts_at"],
                name=applicant.name if applicant else data["name"],
                phone=phone,
                applicant=applicant,
            ),
            now=now,
        )
    except DomainError as exc:
        refused(form, exc)
        return None
    messages.success(request, f"预约成功，预约码 {made.code}，已短信通知")
    return made


def _get_booking(request: HttpRequest, code: str) -> Booking:
    """The booking, for its applicant or the holder of its verified phone (404 otherwise)."""
    b = (
        Booking.objects.filter(code=code.upper())
        .select_related("centre", "window", "window__zone", "item", "applicant")
        .first()
    )
    applicant = _applicant(request)
    if b is None or not (
        (applicant is not None and b.applicant_id == applicant.pk)
        or (b.phone and verified_phone(request) == b.phone)
    ):
        raise Http404("预约不存在")
    return b


@require_GET
def booking_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "hall/booking.html", {"booking": _get_booking(request, code)})


@require_POST
def booking_cancel(request: HttpRequest, code: str) -> HttpResponse:
    b = _get_booking(request, code)
    run_move(
        request,
        lambda: booking_actions.cancel_booking(b, now=timezone.now()),
        "预约已取消，时段已释放",
    )
    return redirect("hallpub:booking", code=b.code)


def _check_phone(request: HttpRequest, data: dict[str, Any], now: datetime) -> None:
    """Send the phone a code, or check the code and remember the phone in this browser."""
    if data["action"] == "send_code":
        _send_code(request, data["phone"], now)
        messages.success(request, "验证码已发送到您的手机，10分钟内有效")
    else:
        booking_actions.verify_phone_code(data["phone"], data["sms_code"], now=now)
        _remember_phone(request, data["phone"])


@require_http_methods(["GET", "POST"])
def my_bookings(request: HttpRequest) -> HttpResponse:
    """我的预约: a signed-in applicant's, or those of a phone verified here by SMS code."""
    applicant = _applicant(request)
    now = timezone.now()
    if request.method == "POST":
        form = PhoneForm(request.POST)
        form.is_valid()  # every field is optional text: the actions judge it
        phone = form.cleaned_data["phone"]
        run_move(request, lambda: _check_phone(request, form.cleaned_data, now))
        return redirect(f"{reverse('hallpub:my')}?phone={phone}")
    phone = verified_phone(request)
    rows = Booking.objects.none()
    if applicant is not None:
        rows = Booking.objects.filter(applicant=applicant)
    elif phone:
        rows = Booking.objects.filter(phone=phone)
    return render(
        request,
        "hall/my_bookings.html",
        {
            "rows": rows.select_related("item", "centre", "window").order_by("-starts_at")[:50],
            "applicant": applicant,
            "phone": phone,
            "asked_phone": request.GET.get("phone", "")[:11],
        },
    )
