"""In Chromium: the hall's kiosk, paired with its one-time code, takes a number and cannot reach
the staff workbench, the portal's sign-in or the API — whatever a citizen types or taps."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from onestop.hall.models import Ticket

pytestmark = pytest.mark.browser


def test_the_kiosk_device_cannot_reach_the_workbench(
    transactional_db, page, kiosk, centre, clerk, tmp_path
):
    device, _token, code = kiosk
    page.goto(reverse("hallpub:device"))
    page.get_by_label("配对码或终端令牌").fill(code)
    page.get_by_role("button", name="配对").click()
    expect(page.locator("h1")).to_contain_text("自助取号")
    expect(page.locator("#device-bar")).to_contain_text(device.name)
    # No 工作台, no sign-in: nothing on the screen leads out of the kiosk.
    expect(page.get_by_role("link", name="工作台")).to_have_count(0)
    expect(page.get_by_role("link", name="登录")).to_have_count(0)
    page.get_by_role("button", name="取号", exact=True).click()
    expect(page.locator("#ticket-number")).to_have_text(Ticket.objects.get().number)
    page.screenshot(path=str(tmp_path / "kiosk-ticket.png"))

    # Typing the workbench's address (or any other page) brings the kiosk back.
    for path in ("/staff/", "/staff/cases/tasks/", "/accounts/login/", "/my/cases/", "/admin/"):
        page.goto(path)
        expect(page).to_have_url(page.url.split("/hall/")[0] + reverse("hallpub:kiosk"))
        expect(page.locator("h1")).to_contain_text("自助取号")
    response = page.request.get("/api/v1/cases")
    assert response.status == 403 and response.json()["code"] == "device_session"
    # A staff password typed into the pairing page does not make it a staff session.
    page.goto(reverse("hallpub:device"))
    page.get_by_label("配对码或终端令牌").fill("Xiqu-2026-passwd")
    page.get_by_role("button", name="配对").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("配对码或终端令牌无效")
    page.goto("/staff/")
    expect(page.locator("h1")).not_to_contain_text("工作台")
