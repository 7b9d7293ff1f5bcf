"""Appointments (预约办理): slots from each window's hours and the working-day calendar, booking
under capacity, SMS phone verification, reminders, no-shows and the booking limit, check-in.

Capacity under concurrency: a slot row is created on first booking (the unique constraint
makes two creators agree on one row), then locked with SELECT … FOR UPDATE, and the counter is
raised by a conditional UPDATE (booked < capacity) whose row count proves there was room; a
check constraint forbids booked > capacity outright.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from onestop.catalog.models import ServiceItem
from onestop.core.errors import NotAllowed, TransitionError
from onestop.hall import rules
from onestop.hall.actions import (
    NewTicket,
    abandon_stale_tickets,
    policy_of,
    take_ticket,
)
from onestop.hall.errors import HallError
from onestop.hall.models import Booking, Category, PhoneCode, Slot, Ticket, WindowHours
from onestop.hall.workflow import BOOKING
from onestop.lib.identity import check_mobile
from onestop.notify.actions import enqueue
from onestop.org.models import Applicant, Centre, Window
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import centre_zone, local_date

B = Booking.Status
OPEN = BOOKING.sets["OPEN"]  # booked, not yet checked in, cancelled or missed
CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
PHONE_CODE_MINUTES = 10
PHONE_CODE_RESEND_SECONDS = 60
PHONE_CODE_ATTEMPTS = 5


# --- slots -----------------------------------------------------------------------------------


def bookable_windows(centre: Centre, item: ServiceItem) -> list[Window]:
    """Windows of the centre that house the item's department and are open for booking."""
    return list(
        Window.objects.filter(zone__centre=centre, departments=item.department_id)
        .exclude(hall_hours__bookable=False)
        .select_related("zone", "hall_hours")
        .distinct()
        .order_by("-kind", "number")  # the department's own windows before comprehensive ones
    )


def hours_of(window: Window) -> WindowHours:
    try:
        return window.hall_hours
    except WindowHours.DoesNotExist:
        return WindowHours(window=window)


def window_slots(window: Window, day: date) -> list[tuple[datetime, datetime]]:
    h = hours_of(window)
    return rules.slot_times(
        day,
        morning=(h.morning_start, h.morning_end),
        afternoon=(h.afternoon_start, h.afternoon_end),
        minutes=h.slot_minutes,
    )


@dataclass
class SlotChoice:
    starts_at: datetime
    ends_at: datetime
    capacity: int = 0
    booked: int = 0
    windows: list[str] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


def available_slots(centre: Centre, item: ServiceItem, *, now: datetime) -> dict[date, list]:
    """For each bookable working day, the slots of the item at the centre (summed over its
    windows), later than now."""
    policy = policy_of(centre)
    windows = bookable_windows(centre, item)
    days = rules.bookable_days(
        workdays.calendar(), local_date(now), policy.booking_days, include_today=True
    )
    booked = {
        (s.window_id, s.starts_at): s.booked
        for s in Slot.objects.filter(
            window__in=windows,
            starts_at__gte=now,
            starts_at__lt=datetime.combine(
                (days[-1] if days else local_date(now)) + timedelta(days=1), time(0), centre_zone()
            ),
        )
    }
    out: dict[date, list] = {}
    for day in days:
        by_start: dict[datetime, SlotChoice] = {}
        for w in windows:
            cap = hours_of(w).capacity
            for start, end in window_slots(w, day):
                if start <= now:
                    continue
                choice = by_start.setdefault(start, SlotChoice(start, end))
                choice.capacity += cap
                choice.booked += booked.get((w.pk, start), 0)
                choice.windows.append(w.number)
        if by_start:
            out[day] = [by_start[k] for k in sorted(by_start)]
    return out


def _slot_for(window: Window, starts_at: datetime) -> Slot:
    """The slot row of a window at a time, created on first booking."""
    times = dict(window_slots(window, local_date(starts_at)))
    if starts_at not in times:
        raise HallError("所选时段不在窗口工作时间内", field="starts_at")
    start, end = starts_at, times[starts_at]
    slot = Slot.objects.filter(window=window, starts_at=starts_at).first()
    if slot is None:
        try:
            with transaction.atomic():
                slot = Slot.objects.create(
                    window=window,
                    starts_at=start,
                    ends_at=end,
                    capacity=hours_of(window).capacity,
                )
        except IntegrityError:  # another booking created it first
            slot = Slot.objects.get(window=window, starts_at=starts_at)
    return slot


# --- booking ---------------------------------------------------------------------------------


def blocked_until(*, phone: str, applicant: Applicant | None, now: datetime, centre: Centre):
    """The end of a booking ban after repeated no-shows (None when the booker may book)."""
    policy = policy_of(centre)
    who = Q(phone=phone) | Q(applicant=applicant) if applicant else Q(phone=phone)
    recent = list(
        Booking.objects.filter(
            who, status=B.NO_SHOW, no_show_at__gte=now - timedelta(days=policy.no_show_window_days)
        )
        .order_by("-no_show_at")
        .values_list("no_show_at", flat=True)
    )
    if len(recent) < policy.no_show_limit or not recent[0]:
        return None
    until = recent[0] + timedelta(days=policy.no_show_block_days)
    return until if until > now else None


def new_code() -> str:
    return "".join(secrets.choice(CODE_CHARS) for _ in range(8))


@dataclass(frozen=True)
class NewBooking:
    centre: Centre
    item: ServiceItem
    starts_at: datetime
    name: str
    phone: str
    applicant: Applicant | None


def _check_booker(new: NewBooking, now: datetime) -> None:
    if not new.name.strip():
        raise HallError("请填写姓名", field="name")
    mobile = check_mobile(new.phone)
    if not mobile.valid:
        raise HallError(f"手机号码：{mobile.reason}", field="phone")
    if new.starts_at <= now:
        raise HallError("该时段已过，请选择其他时段", field="starts_at")
    if new.item.status != ServiceItem.Status.PUBLISHED:
        raise HallError("该事项当前不可预约", field="item")
    until = blocked_until(phone=new.phone, applicant=new.applicant, now=now, centre=new.centre)
    if until is not None:
        raise NotAllowed(
            f"您近期多次预约未到，{local_date(until):%Y年%m月%d日}前暂停网上预约，可直接到大厅取号"
        )
    day_start = datetime.combine(local_date(new.starts_at), time(0), tzinfo=centre_zone())
    same_day = Booking.objects.filter(
        Q(phone=new.phone) | (Q(applicant=new.applicant) if new.applicant else Q(pk__in=[])),
        item=new.item,
        status__in=OPEN,
        starts_at__gte=day_start,
        starts_at__lt=day_start + timedelta(days=1),
    )
    if same_day.exists():
        raise HallError("您当天已预约该事项，请勿重复预约", field="starts_at")


@transaction.atomic
def book(new: NewBooking, *, now: datetime, actor: User | None = None) -> Booking:
    """Book a place in the slot starting at `starts_at` at the first window with room."""
    _check_booker(new, now)
    windows = bookable_windows(new.centre, new.item)
    if not windows:
        raise HallError("本中心暂无可预约该事项的窗口", field="item")
    for window in windows:
        try:
            slot = _slot_for(window, new.starts_at)
        except HallError:
            continue
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        ):
            continue  # this window's slot is full
        booking = Booking.objects.create(
            code=new_code(),
            centre=new.centre,
            window=window,
            slot=slot,
            item=new.item,
            applicant=new.applicant,
            name=new.name.strip()[:50],
            phone=new.phone,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            created_at=now,
        )
        policy = policy_of(new.centre)
        if booking.starts_at - now <= timedelta(hours=policy.reminder_hours):
            booking.reminded_at = now  # the confirmation is the reminder
            booking.save(update_fields=["reminded_at"])
        _notify(booking, now, reminder=False)
        return booking
    raise HallError("该时段已约满，请选择其他时段", field="starts_at")


def _when(booking: Booking) -> str:
    start = booking.starts_at.astimezone(centre_zone())
    end = booking.ends_at.astimezone(centre_zone())
    return f"{start:%m月%d日 %H:%M}-{end:%H:%M}"


def _notify(booking: Booking, now: datetime, *, reminder: bool) -> None:
    """SMS (and e-mail to a signed-in applicant who has one) through the outbox."""
    head = "预约提醒" if reminder else "预约成功"
    body = (
        f"【{settings.SMS_SIGNATURE}】{head}：{booking.name}，您预约{_when(booking)}在{booking.centre.name}"
        f"{booking.window.number}号窗口办理“{booking.item.name}”，预约码{booking.code}。"
        "请提前到大厅自助取号机输入预约码取号，如不能前往请取消预约。"
    )
    context = {"booking": booking.code}
    template = "hall_booking_reminder" if reminder else "hall_booking_confirmed"
    enqueue(
        channel="sms",
        address=booking.phone,
        now=now,
        template=template,
        context=context,
        body=body,
    )
    user = booking.applicant.user if booking.applicant else None
    if user is not None and user.email:
        enqueue(
            channel="email",
            recipient=user,
            now=now,
            subject=f"{head}：{booking.item.name}",
            template=template,
            context=context,
            body=body,
        )


def _lock(booking: Booking) -> Booking:
    return Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)


@transaction.atomic
def cancel_booking(booking: Booking, *, now: datetime) -> Booking:
    """Cancel before the slot starts; the place goes back to the slot."""
    booking = _lock(booking)
    BOOKING.check(booking.status, "cancel")
    if booking.starts_at <= now:
        raise TransitionError("预约时段已开始，不能取消")
    booking.status = B.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    Slot.objects.select_for_update().filter(pk=booking.slot_id).update(booked=F("booked") - 1)
    return booking


@transaction.atomic
def check_in(code: str, centre: Centre, *, now: datetime, actor: User | None) -> Ticket:
    """At the kiosk or the desk: the booking code gives an appointment ticket (which the
    priority rules put ahead), from a while before the slot until it ends."""
    code = code.strip().upper()
    booking = Booking.objects.filter(code=code, centre=centre).first()
    if booking is None:
        raise HallError("预约码不存在，请核对", field="code")
    booking = _lock(booking)
    if booking.status == B.CHECKED_IN:
        raise TransitionError("该预约已取号")
    BOOKING.check(booking.status, "check_in")
    policy = policy_of(centre)
    if now < booking.starts_at - timedelta(minutes=policy.checkin_early_minutes):
        raise HallError(
            f"请在预约时段前{policy.checkin_early_minutes}分钟内取号（预约时间{_when(booking)}）"
        )
    if now > booking.ends_at:
        raise HallError("预约时段已过，请按普通号取号")
    window = Window.objects.select_related("zone").get(pk=booking.window_id)
    ticket = take_ticket(
        NewTicket(
            centre=centre,
            zone=window.zone,
            item=booking.item,
            category=Category.APPOINTMENT,
            source=Ticket.Source.BOOKING,
        ),
        now=now,
        actor=actor,
    )
    ticket.booking = booking
    ticket.save(update_fields=["booking"])
    booking.status = B.CHECKED_IN
    booking.checked_in_at = now
    booking.save(update_fields=["status", "checked_in_at"])
    return ticket


# --- periodic: reminders and no-shows --------------------------------------------------------


def send_reminders(*, now: datetime) -> int:
    """Remind bookings that start within their centre's reminder time, once each (the
    conditional update claims the booking, so two workers send one reminder)."""
    horizon = now + timedelta(hours=72)
    sent = 0
    due = Booking.objects.filter(
        status__in=OPEN, reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=horizon
    ).select_related("centre", "window", "item", "applicant__user")
    for booking in due[:500]:
        hours = policy_of(booking.centre).reminder_hours
        if booking.starts_at - now > timedelta(hours=hours):
            continue
        with transaction.atomic():
            if not Booking.objects.filter(
                pk=booking.pk, status__in=OPEN, reminded_at__isnull=True
            ).update(reminded_at=now):
                continue  # another worker reminded it
            _notify(booking, now, reminder=True)
            sent += 1
    return sent


def sweep_no_shows(*, now: datetime) -> int:
    """Bookings not checked in by the end of their slot plus the grace time are no-shows."""
    marked = 0
    late = Booking.objects.filter(status__in=OPEN, ends_at__lt=now).select_related("centre")
    for booking in late[:1000]:
        grace = timedelta(minutes=policy_of(booking.centre).no_show_grace_minutes)
        if booking.ends_at + grace > now:
            continue
        marked += Booking.objects.filter(pk=booking.pk, status__in=OPEN).update(
            status=B.NO_SHOW, no_show_at=now
        )
    return marked


# --- phone verification ----------------------------------------------------------------------


def _hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"hall-phone:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def send_phone_code(phone: str, *, now: datetime) -> PhoneCode:
    """Text a six-digit code to the phone (once a minute at most)."""
    mobile = check_mobile(phone)
    if not mobile.valid:
        raise HallError(f"手机号码：{mobile.reason}", field="phone")
    recent = PhoneCode.objects.filter(
        phone=phone, created_at__gt=now - timedelta(seconds=PHONE_CODE_RESEND_SECONDS)
    )
    if recent.exists():
        raise HallError("验证码已发送，请一分钟后再试", field="phone")
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = PhoneCode.objects.create(
        phone=phone,
        code_hash=_hash(phone, code),
        created_at=now,
        expires_at=now + timedelta(minutes=PHONE_CODE_MINUTES),
    )
    enqueue(
        channel="sms",
        address=phone,
        now=now,
        template="hall_phone_code",
        context={},
        body=f"【{settings.SMS_SIGNATURE}】您的预约验证码为{code}，{PHONE_CODE_MINUTES}分钟内有效，请勿告诉他人。",
    )
    return row


def verify_phone_code(phone: str, code: str, *, now: datetime) -> None:
    """Check the latest unexpired code for the phone; five wrong tries spend it."""
    problem = _check_code(phone, code, now)
    if problem:  # raised outside the transaction, so the counted wrong try stays counted
        raise HallError(problem, field="code")


@transaction.atomic
def _check_code(phone: str, code: str, now: datetime) -> str:
    row = (
        PhoneCode.objects.select_for_update()
        .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if row is None:
        return "验证码已过期或未发送，请重新获取"
    if row.attempts >= PHONE_CODE_ATTEMPTS:
        return "验证码错误次数过多，请重新获取"
    if not hmac.compare_digest(row.code_hash, _hash(phone, code.strip())):
        PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        return "验证码不正确"
    row.used_at = now
    row.save(update_fields=["used_at"])
    return ""


def sweep_hall(now: datetime) -> dict[str, int]:
    """The hall's periodic job: yesterday's leftover tickets, booking no-shows, reminders.
    Each part claims its rows with a conditional update, so two nodes do each thing once."""
    return {
        "abandoned": abandon_stale_tickets(now=now),
        "no_shows": sweep_no_shows(now=now),
        "reminders": send_reminders(now=now),
    }
