"""Booking on the portal: a phone verified by SMS code or a signed-in applicant; the booking
page only for its holder; cancellation; the staff's day of bookings by window."""

from __future__ import annotations

import re

from onestop.hall.models import Booking
from onestop.notify.models import Message


def sms_code(phone: str) -> str:
    body = Message.objects.filter(address=phone, template="hall_phone_code").last().body
    return re.search(r"验证码为(\d{6})", body).group(1)


def slot_value(page: str) -> str:
    return re.search(r'name="starts_at" id="slot-20260311-1000" value="([^"]+)"', page).group(1)


def test_booking_with_a_phone_verified_by_sms(client, item, window_1, travel):
    url = f"/hall/book/{item.code}/"
    page = client.get(url)
    assert "食品经营许可" in page.text and "获取验证码" in page.text
    starts = slot_value(page.text)
    form = {"name": "王芳", "phone": "13900000001", "starts_at": starts}
    response = client.post(url, {**form, "action": "book", "sms_code": "000000"}, follow=True)
    assert "验证码已过期或未发送" in response.text
    client.post(url, {**form, "action": "send_code"})
    response = client.post(url, {**form, "action": "book", "sms_code": sms_code("13900000001")})
    b = Booking.objects.get()
    assert response.url == f"/hall/bookings/{b.code}/"
    detail = client.get(response.url)
    assert b.code in detail.text and "2026年3月11日 10:00-10:30" in detail.text
    # Another browser without the verified phone sees nothing.
    assert client.__class__().get(response.url).status_code == 404
    client.post(f"/hall/bookings/{b.code}/cancel/")
    b.refresh_from_db()
    assert b.status == Booking.Status.CANCELLED
    assert "余 2" in client.get(url).text.split("slot-20260311-1000")[2][:300]


def test_a_signed_in_applicant_books_without_a_code(client, item, window_1, applicant, travel):
    client.force_login(applicant.user)
    url = f"/hall/book/{item.code}/"
    page = client.get(url)
    assert "获取验证码" not in page.text
    client.post(url, {"action": "book", "starts_at": slot_value(page.text)})
    b = Booking.objects.get()
    assert (b.applicant, b.name, b.phone) == (applicant, "张敏", applicant.phone)
    assert b.code in client.get("/hall/bookings/").text


def test_a_bad_slot_shows_a_message(client, item, window_1, applicant, travel):
    client.force_login(applicant.user)
    response = client.post(
        f"/hall/book/{item.code}/", {"action": "book", "starts_at": "soon"}, follow=True
    )
    assert "请选择预约时段" in response.text
    assert Booking.objects.count() == 0


def test_the_staff_see_the_days_bookings_by_window(client, item, window_1, clerk_1, travel):
    from datetime import datetime

    from onestop.hall import booking
    from onestop.workdays.calendar import centre_zone

    b = booking.book(
        booking.NewBooking(
            centre=window_1.zone.centre,
            item=item,
            starts_at=datetime(2026, 3, 11, 10, tzinfo=centre_zone()),
            name="王芳",
            phone="13900000001",
            applicant=None,
        ),
        now=travel,
    )
    client.force_login(clerk_1)
    assert "当天没有预约" in client.get("/staff/hall/bookings/").text
    page = client.get("/staff/hall/bookings/?day=2026-03-11&mine=1")
    assert "A01 市场监管窗口" in page.text and b.code in page.text
    assert "139****0001" in page.text and "13900000001" not in page.text


def test_my_bookings_by_phone(client, item, window_1, travel):
    client.post("/hall/bookings/", {"phone": "13900000002", "action": "send_code"})
    client.post("/hall/bookings/", {"phone": "13900000002", "sms_code": sms_code("13900000002")})
    page = client.get("/hall/bookings/")
    assert "没有预约" in page.text and "获取验证码" not in page.text


def test_one_browser_cannot_flood_phones_with_codes(db, client, travel):
    for n in range(5):
        client.post("/hall/bookings/", {"phone": f"1390000001{n}", "action": "send_code"})
    response = client.post(
        "/hall/bookings/", {"phone": "13900000019", "action": "send_code"}, follow=True
    )
    assert "过于频繁" in response.text
    assert Message.objects.filter(template="hall_phone_code").count() == 5
