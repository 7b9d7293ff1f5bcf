"""The hall in Chromium, per the issue's acceptance test: take a number on the kiosk page, see it
on the hall display (with its spoken call), call it from the window, start a case from it, and
see its wait on the supervision dashboard.

The clock is held at 10:00 today (Beijing time) and moved on 12 minutes before the call, in the
live server too, so the wait is a known 12 minutes."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from onestop.cases.models import Case
from onestop.hall.models import Ticket
from onestop.workdays.calendar import centre_zone, local_date
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# speechSynthesis is recorded instead of spoken (headless Chromium has no voices).
RECORD_SPEECH = """
window.__spoken = [];
window.speechSynthesis.speak = u => window.__spoken.push(u.text);
"""


def session(browser, live_server, username: str | None):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if username:
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("button", name="退出")).to_be_visible()
    return page


@pytest.mark.django_db(transaction=True)
def test_kiosk_display_window_case_and_dashboard(
    browser, live_server, centre, item, clerk_1, kiosk, supervisor, tmp_path
):
    ten = datetime.combine(local_date(timezone.now()), time(10, 0), centre_zone())
    _device, _token, code = kiosk
    with time_machine.travel(ten, tick=True) as clock:
        # The kiosk (a device paired with its one-time code): a number for 食品经营许可.
        kiosk = session(browser, live_server, None)
        kiosk.goto("/hall/device/")
        kiosk.get_by_label("配对码或终端令牌").fill(code)
        kiosk.get_by_role("button", name="配对").click()
        kiosk.get_by_label("办理事项（可不选）").select_option(label=item.name)
        kiosk.get_by_role("button", name="取号", exact=True).click()
        expect(kiosk.locator("#ticket-number")).to_have_text("A001")
        expect(kiosk.locator("#ticket-ahead")).to_contain_text("前面还有 0 人等候")
        kiosk.screenshot(path=str(tmp_path / "ticket.png"))

        # The hall display, public, with the spoken call switched on.
        display = session(browser, live_server, None)
        display.goto(f"/hall/display/{centre.key}/")
        expect(display.locator("#board-waiting")).to_contain_text("A区 行政审批区：1 人等候")
        display.get_by_role("button", name="开启语音播报").click()

        # Twelve minutes later the window calls it.
        clock.shift(timedelta(minutes=12))
        clerk = session(browser, live_server, clerk_1.username)
        clerk.goto("/staff/hall/window/")
        clerk.get_by_role("button", name="叫号（下一位）").click()
        expect(clerk.locator(".alert-success")).to_contain_text("请 A001 号到 A01 窗口")
        expect(clerk.locator("#current-number")).to_have_text("A001")

        expect(display.locator("#board-latest")).to_contain_text("A001", timeout=10_000)
        expect(display.locator("#board-latest")).to_contain_text("请到 A01 窗口")
        display.wait_for_function("window.__spoken.length > 0")
        assert display.evaluate("window.__spoken") == ["请A 0 0 1号，到A01号窗口办理"]
        display.screenshot(path=str(tmp_path / "display.png"))

        # Starting a case from the ticket: the window's acceptance form, item preselected.
        clerk.get_by_role("link", name="受理办件").click()
        expect(clerk.locator("#from-ticket")).to_contain_text("排队号 A001")
        clerk.get_by_label("姓名").fill("李建国")
        clerk.get_by_label("身份证号码").fill("11010519491231002X")
        clerk.get_by_label("手机号码").fill("13881234567")
        clerk.locator("#f-applicant_name").fill("李建国")
        for name in ("食品经营许可申请书", "营业执照"):
            clerk.get_by_label(f"已收 {name}").check()
        clerk.get_by_label("容缺 食品安全管理制度").check()
        clerk.get_by_role("button", name="受理", exact=True).click()
        expect(clerk.locator("#case-ticket")).to_contain_text("A001 · 等候 12 分钟")
        case = Case.objects.get()
        assert Ticket.objects.get().case_id == case.pk

        # The supervisor sees the wait on the dashboard.
        overseer = session(browser, live_server, supervisor.username)
        overseer.goto("/staff/dashboard/")
        # 12 minutes and the few seconds the browser took between taking and calling.
        expect(overseer.locator("#hall-avg-wait")).to_have_text(re.compile(r"^12\.\d$"))
        expect(overseer.locator("#hall-queue-light")).to_have_text("绿灯")
        overseer.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        for page in (kiosk, display, clerk, overseer):  # stop the display's polling
            page.context.close()
