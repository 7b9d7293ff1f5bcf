"""Appointments: slots over the working-day calendar, capacity, cancellation, reminders,
no-shows and the booking limit, check-in, SMS phone verification."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from onestop.core.errors import NotAllowed, TransitionError
from onestop.hall import actions, booking
from onestop.hall.errors import HallError
from onestop.hall.models import Booking, HallPolicy, Slot, Ticket, WindowHours
from onestop.notify.models import Message
from onestop.workdays.calendar import centre_zone
from tests.hall.conftest import NOW

B = Booking.Status
TZ = centre_zone()


def local(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def make_booking(centre, item):
    def _book(starts_at, phone="13800000001", name="张敏", now=NOW, applicant=None) -> Booking:
        return booking.book(
            booking.NewBooking(
                centre=centre,
                item=item,
                starts_at=starts_at,
                name=name,
                phone=phone,
                applicant=applicant,
            ),
            now=now,
        )

    return _book


def test_slots_come_from_the_windows_hours_on_working_days(centre, item, window_1, window_2):
    WindowHours.objects.create(window=window_2, capacity=3, slot_minutes=60)
    days = booking.available_slots(centre, item, now=NOW)  # Tuesday 09:00
    assert list(days) == [date(2026, 3, d) for d in (10, 11, 12, 13, 16)]  # no weekend
    today = days[date(2026, 3, 10)]
    assert today[0].starts_at == local(2026, 3, 10, 9, 30)  # 09:00 has begun
    wednesday = {s.starts_at: s for s in days[date(2026, 3, 11)]}
    # 09:00: window 1's half hour (2 places) and window 2's hour (3 places).
    assert (
        wednesday[local(2026, 3, 11, 9)].capacity,
        wednesday[local(2026, 3, 11, 9)].windows,
    ) == (
        5,
        ["A01", "A02"],
    )
    assert wednesday[local(2026, 3, 11, 9, 30)].capacity == 2
    assert local(2026, 3, 11, 12) not in wednesday  # lunch
    assert max(wednesday) == local(2026, 3, 11, 17, 30)


def test_slots_skip_the_national_day_holiday_and_open_on_the_make_up_saturday(
    centre, item, window_1
):
    days = booking.available_slots(centre, item, now=local(2026, 9, 30, 18))
    assert list(days)[:3] == [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]


def test_capacity_is_enforced_and_cancelling_frees_the_place(centre, item, window_1, make_booking):
    WindowHours.objects.create(window=window_1, capacity=1)
    start = local(2026, 3, 11, 10)
    first = make_booking(start)
    assert (first.window, first.ends_at) == (window_1, local(2026, 3, 11, 10, 30))
    with pytest.raises(HallError, match="约满"):
        make_booking(start, phone="13800000002")
    booking.cancel_booking(first, now=NOW)
    assert Slot.objects.get().booked == 0
    second = make_booking(start, phone="13800000002")
    assert second.status == B.BOOKED
    with pytest.raises(TransitionError):
        booking.cancel_booking(first, now=NOW)


def test_a_booking_outside_the_hours_or_in_the_past_is_refused(window_1, make_booking):
    with pytest.raises(HallError, match="已过"):
        make_booking(local(2026, 3, 10, 8, 30))
    with pytest.raises(HallError, match="约满|工作时间"):
        make_booking(local(2026, 3, 11, 12, 15))
    with pytest.raises(HallError, match="手机号码"):
        make_booking(local(2026, 3, 11, 10), phone="12345")
    make_booking(local(2026, 3, 11, 10))
    with pytest.raises(HallError, match="请勿重复预约"):
        make_booking(local(2026, 3, 11, 15))
    assert Booking.objects.count() == 1


def test_the_booking_is_confirmed_by_sms_and_reminded_once(window_1, make_booking):
    b = make_booking(local(2026, 3, 12, 10))  # two days ahead; reminder 24 hours before
    sms = Message.objects.get(template="hall_booking_confirmed")
    assert sms.address == "13800000001" and b.code in sms.body
    assert booking.send_reminders(now=NOW) == 0
    day_before = local(2026, 3, 11, 10, 30)
    assert booking.send_reminders(now=day_before) == 1
    assert booking.send_reminders(now=day_before) == 0
    reminder = Message.objects.get(template="hall_booking_reminder")
    assert "03月12日 10:00-10:30" in reminder.body
    soon = make_booking(local(2026, 3, 10, 15), phone="13800000009")
    assert soon.reminded_at == NOW  # within the reminder time: the confirmation reminds


def test_repeated_no_shows_stop_booking_for_a_while(centre, window_1, make_booking):
    HallPolicy.objects.create(
        centre=centre, no_show_limit=2, no_show_window_days=30, no_show_block_days=10
    )
    for day in (10, 11):
        make_booking(local(2026, 3, day, 15))
    assert booking.sweep_no_shows(now=local(2026, 3, 11, 15, 40)) == 1  # grace not yet over
    assert booking.sweep_no_shows(now=local(2026, 3, 11, 15, 46)) == 1
    assert Booking.objects.filter(status=B.NO_SHOW).count() == 2
    later = local(2026, 3, 12, 9)
    with pytest.raises(NotAllowed, match="03月21日前暂停网上预约"):
        make_booking(local(2026, 3, 13, 10), now=later)
    # Another phone is not affected; the ban ends after the configured days.
    make_booking(local(2026, 3, 13, 10), phone="13800000002", now=later)
    make_booking(local(2026, 3, 24, 10), now=local(2026, 3, 21, 16))


def test_check_in_gives_an_appointment_ticket_ahead_of_the_queue(
    centre, window_1, clerk_1, make_booking, take
):
    take(0)
    b = make_booking(local(2026, 3, 10, 10))
    with pytest.raises(HallError, match="前30分钟内"):
        booking.check_in(b.code, centre, now=local(2026, 3, 10, 9, 20), actor=None)
    ticket = booking.check_in(b.code.lower(), centre, now=local(2026, 3, 10, 9, 40), actor=None)
    assert (ticket.category, ticket.source, ticket.booking_id) == ("appointment", "booking", b.pk)
    b.refresh_from_db()
    assert b.status == B.CHECKED_IN
    with pytest.raises(TransitionError, match="已取号"):
        booking.check_in(b.code, centre, now=local(2026, 3, 10, 9, 41), actor=None)
    # Taken 40 minutes after the walk-in, the 30-minute head start does not pass it ...
    called = actions.call_next(window_1, actor=clerk_1, now=local(2026, 3, 10, 9, 42))
    assert called.category == "normal"
    actions.start_serving(called, actor=clerk_1, now=local(2026, 3, 10, 9, 43))
    # ... but it passes a walk-in taken just before it, and a no-show counts for the booking.
    take(39)
    called = actions.call_next(window_1, actor=clerk_1, now=local(2026, 3, 10, 9, 44))
    assert called.pk == ticket.pk
    actions.mark_no_show(called, actor=clerk_1, now=local(2026, 3, 10, 9, 50))
    b.refresh_from_db()
    assert b.status == B.NO_SHOW


def test_phone_codes_verify_once_and_resist_guessing(db):
    phone = "13900000001"
    booking.send_phone_code(phone, now=NOW)
    code = re.search(r"验证码为(\d{6})", Message.objects.get(address=phone).body).group(1)
    with pytest.raises(HallError, match="一分钟后"):
        booking.send_phone_code(phone, now=NOW + timedelta(seconds=30))
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(HallError, match="不正确"):
        booking.verify_phone_code(phone, wrong, now=NOW)
    booking.verify_phone_code(phone, code, now=NOW)
    with pytest.raises(HallError, match="过期或未发送"):
        booking.verify_phone_code(phone, code, now=NOW)  # used
    booking.send_phone_code(phone, now=NOW + timedelta(minutes=2))
    for _ in range(5):
        with pytest.raises(HallError):
            booking.verify_phone_code(phone, wrong, now=NOW + timedelta(minutes=3))
    code = re.search(r"验证码为(\d{6})", Message.objects.filter(address=phone).last().body)
    with pytest.raises(HallError, match="次数过多"):
        booking.verify_phone_code(phone, code.group(1), now=NOW + timedelta(minutes=3))
    with pytest.raises(HallError, match="过期"):
        booking.send_phone_code(phone, now=NOW + timedelta(minutes=20))
        booking.verify_phone_code(phone, "123456", now=NOW + timedelta(minutes=40))


def test_tickets_carry_over_as_abandoned_and_the_hall_job_runs(window_1, make_booking, take):
    from onestop.jobs import run_job

    take(0)
    make_booking(local(2026, 3, 10, 15))
    result = run_job("sweep_hall", datetime(2026, 3, 11, 2, 0, tzinfo=UTC))
    assert result == {"abandoned": 1, "no_shows": 1, "reminders": 0}
    assert Ticket.objects.get().status == "abandoned"
