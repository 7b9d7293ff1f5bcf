"""The hall's pages through the URL: kiosk (a device session) and desk, the printable ticket,
the window's calling screen, the public display and its board, first-inquiry records, and scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onestop.hall import actions
from onestop.hall.models import Inquiry, Ticket
from tests.hall.conftest import NOW


def test_the_kiosk_prints_a_ticket_with_people_ahead_and_the_wait(
    kiosk, device_client, zone_a, take, travel
):
    take(0)
    take(1)
    client = device_client(kiosk[1])
    page = client.get("/hall/kiosk/")
    assert "自助取号" in page.text and "A区 行政审批区" in page.text
    assert "绿色通道" not in page.text  # the kiosk offers normal and care only
    response = client.post("/hall/kiosk/", {"zone": zone_a.pk, "category": "care"})
    ticket = Ticket.objects.get(number="A003")
    assert response.url == f"/hall/kiosk/tickets/{ticket.pk}/"
    assert (ticket.source, ticket.category) == ("kiosk", "care")
    printed = client.get(response.url).text
    # Care's 20-minute head start does not pass numbers taken 30 minutes earlier.
    assert "A003" in printed and "前面还有 2 人等候" in printed
    assert "预计等候约 16 分钟" in printed  # 2 × the default 8 minutes, one window


def test_the_desk_gives_green_channel_numbers_and_shows_errors(client, clerk_1, zone_a, travel):
    client.force_login(clerk_1)
    assert "绿色通道" in client.get("/staff/hall/desk/").text
    client.post("/staff/hall/desk/", {"zone": zone_a.pk, "category": "green"})
    assert Ticket.objects.get().category == "green"
    response = client.post("/staff/hall/desk/", {"zone": 999999}, follow=True)
    assert "请选择功能区" in response.text
    response = client.post("/staff/hall/desk/", {"code": "NOPE1234"}, follow=True)
    assert "预约码不存在" in response.text
    assert Ticket.objects.count() == 1


def test_the_window_screen_calls_recalls_and_transfers(
    client, clerk_1, window_1, window_2, take, travel
):
    take(0)
    take(1)
    client.force_login(clerk_1)
    base = f"/staff/hall/window/{window_1.pk}/do"
    response = client.post(f"{base}/call/", follow=True)
    assert "请 A001 号到 A01 窗口" in response.text
    first = Ticket.objects.get(number="A001")
    response = client.post(f"{base}/call/", follow=True)
    assert "已叫未办" in response.text
    client.post(f"{base}/recall/", {"ticket": first.pk})
    client.post(f"{base}/transfer/", {"ticket": first.pk, "to": window_2.pk, "note": "另一窗口"})
    first.refresh_from_db()
    assert (first.status, first.window_id, first.recalls) == ("waiting", window_2.pk, 1)
    response = client.post(f"{base}/call/", follow=True)
    assert "A002" in response.text
    second = Ticket.objects.get(number="A002")
    client.post(f"{base}/no_show/", {"ticket": second.pk})
    second.refresh_from_db()
    assert second.status == "no_show"
    response = client.post(f"{base}/call/", follow=True)
    assert "当前没有等候的号" in response.text
    assert client.post(f"{base}/nonsense/").status_code == 404


def test_a_clerk_without_a_window_and_another_windows_ticket_get_404(
    client, clerk, clerk_2, window_1, clerk_1, take, travel
):
    client.force_login(clerk)  # a clerk not seated at a window
    assert client.get("/staff/hall/window/").status_code == 404
    take(0)
    t = actions.call_next(window_1, actor=clerk_1, now=NOW + timedelta(minutes=1))
    client.force_login(clerk_2)
    response = client.post(f"/staff/hall/window/{window_1.pk}/do/call/")
    assert response.status_code == 404
    response = client.post(
        f"/staff/hall/window/{clerk_2.staff_roles.get().window_id}/do/recall/", {"ticket": t.pk}
    )
    assert response.status_code == 404


def test_the_display_is_public_and_its_board_shows_the_latest_call(
    client, centre, window_1, clerk_1, take, travel
):
    take(0)
    page = client.get(f"/hall/display/{centre.key}/")
    assert page.status_code == 200 and "暂无叫号" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    actions.call_next(window_1, actor=clerk_1, now=travel)
    board = client.get(f"/hall/display/{centre.key}/board/")
    assert board["Cache-Control"] == "no-store"
    assert 'data-say="请A 0 0 1号，到A01号窗口办理"' in board.text
    assert "请到 A01 窗口" in board.text
    assert client.get("/hall/display/nowhere/").status_code == 404


def test_outsiders_and_applicants_get_404_on_staff_pages(client, applicant, take, travel):
    t = take(0)
    client.force_login(applicant.user)
    for url in ("/staff/hall/desk/", f"/staff/hall/tickets/{t.pk}/"):
        assert client.get(url).status_code == 404, url


def test_first_inquiry_is_owned_until_answered_or_handed_over(
    client, clerk_1, clerk_2, centre, travel
):
    client.force_login(clerk_1)
    client.post(
        "/staff/hall/inquiries/new/",
        {"centre": centre.key, "question": "食品经营许可需要哪些材料？", "asker_name": "王女士"},
    )
    inquiry = Inquiry.objects.get()
    assert (inquiry.received_by, inquiry.owner) == (clerk_1, clerk_1)
    url = f"/staff/hall/inquiries/{inquiry.pk}/"
    response = client.post(url, {"move": "handover", "to": clerk_2.pk, "note": ""}, follow=True)
    assert "移交须填写说明" in response.text
    client.post(url, {"move": "handover", "to": clerk_2.pk, "note": "涉及二窗口业务"})
    inquiry.refresh_from_db()
    assert inquiry.owner == clerk_2 and inquiry.handovers.count() == 1
    response = client.post(url, {"move": "answer", "answer": "已答复"}, follow=True)
    assert "只有当前负责人" in response.text
    client.force_login(clerk_2)
    assert "食品经营许可需要哪些材料" in client.get("/staff/hall/desk/").text
    client.post(url, {"move": "answer", "answer": "一次性告知材料清单"})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ANSWERED
    assert inquiry.received_by == clerk_1  # the first receiver stays on record


@pytest.mark.parametrize("url", ["/staff/hall/desk/", "/hall/kiosk/"])
def test_staff_pages_need_a_sign_in(client, url):
    """The desk asks a staff member to sign in, the kiosk a device to pair."""
    assert client.get(url).status_code == 302


def test_the_display_speaks_english_when_asked(client, centre, settings, travel):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/hall/display/{centre.key}/").text
    assert "Turn on voice calls" in page and "No calls yet" in page
