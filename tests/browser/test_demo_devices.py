"""In Chromium, as a newcomer to the demo: pair one browser as the hall's kiosk and another as
window A01's rating pad with the demo pairing codes README lists, take a number, and rate the
case A01's clerk has just finished."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from onestop.cases import actions as case_actions
from onestop.catalog.queries import live_items
from onestop.demo.cases import form_for
from onestop.demo.hall import DEMO_DEVICES
from onestop.evaluation.models import Rating
from onestop.hall.models import Device, Ticket
from onestop.org.models import Applicant, Window

pytestmark = pytest.mark.browser

CODES = {d.kind: d.code for d in DEMO_DEVICES}
INSTANT_ITEM = "个人参保证明查询打印"  # 人社, taken at A01, done on the spot


def pair(browser, live_server, code: str):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/hall/device/")
    page.get_by_label("配对码或终端令牌").fill(code)
    page.get_by_role("button", name="配对").click()
    return context, page


def finish_at_a01() -> str:
    """clerk_zh, seated at A01, completes an instant item for 张敏 at the window."""
    person = Applicant.objects.get(user__username="zhangmin")
    item = live_items().get(name=INSTANT_ITEM)
    window = Window.objects.get(zone__centre__key="xq_zwfwzx", number="A01")
    case = case_actions.window_accept(
        case_actions.WalkIn(
            item=item,
            centre=window.zone.centre,
            id_number=person.id_number,
            name=person.name,
            phone=person.phone,
            applicant=person,
            form_data=form_for(item, person),
            provided=[m.name for m in item.materials.all()],
            tolerated=[],
        ),
        actor=get_user_model().objects.get(username="clerk_zh"),
        now=timezone.now(),
    )
    assert case.status == "completed", case.status
    return case.number


def test_a_newcomer_pairs_the_demo_kiosk_and_pad_and_uses_them(browser, live_server, demo):
    kiosk_context, kiosk = pair(browser, live_server, CODES[Device.Kind.KIOSK])
    expect(kiosk.locator("h1")).to_contain_text("自助取号")
    expect(kiosk.locator("#device-bar")).to_contain_text("一楼大厅自助取号机 1 号")
    kiosk.get_by_role("button", name="取号", exact=True).first.click()
    printed = Ticket.objects.filter(source=Ticket.Source.KIOSK).order_by("-pk").first()
    expect(kiosk.locator("#ticket-number")).to_have_text(printed.number)

    pad_context, pad = pair(browser, live_server, CODES[Device.Kind.RATING_PAD])
    expect(pad.locator("#device-bar")).to_contain_text("A01 窗口评价器")
    expect(pad.locator("#pad-idle")).to_be_visible()
    number = finish_at_a01()
    pad.reload()
    expect(pad.locator(".lead")).to_contain_text(number)
    pad.get_by_label("非常满意", exact=True).check()
    pad.get_by_role("button", name="提交评价").click()
    expect(pad.locator("#pad-idle")).to_be_visible()
    rating = Rating.objects.get(case__number=number)
    assert (rating.score, rating.channel) == (5, Rating.Channel.PAD)
    kiosk_context.close()
    pad_context.close()
