"""The card loop in a real browser on the demo: the sweep raises a card by rule, the department
head answers, the supervisor closes it, and the card shows in the department's score."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from onestop.demo.load import load_demo
from onestop.demo.org import DEMO_PASSWORD
from onestop.supervision.models import Card
from onestop.supervision.sweep import sweep_supervision

pytestmark = pytest.mark.browser
# Wednesday 2 December 2026, 10:00 Beijing: a working day.
WHEN = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="退出").click()


@pytest.mark.django_db(transaction=True)
def test_a_card_raised_by_rule_is_answered_closed_and_scored(page):
    with time_machine.travel(WHEN, tick=True):
        load_demo(now=timezone.now(), history=False)
        counts = sweep_supervision(timezone.now())
        assert counts["cards"] >= 1
        # The overdue 特困人员救助供养 review: its handler at 区民政局 gets a yellow card.
        card = Card.objects.get(rule__trigger="red_light", department__key="mzj")
        assert card.person is not None and card.colour == "yellow"

        sign_in(page, "supervisor")
        page.goto("/staff/supervision/")
        rule_cards = page.locator("#cards tbody tr", has_text="规则：审批环节红灯超期")
        row = rule_cards.filter(has_text="区民政局")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("黄牌")
        expect(row).to_contain_text("待整改")
        sign_out(page)

        sign_in(page, "mzj_department_head")
        page.goto("/staff/supervision/")
        rule_cards.filter(has_text="区民政局").get_by_role("link").click()
        expect(page.locator("#deadline")).to_contain_text("3 个工作日")
        page.get_by_label("整改措施").fill("已约谈经办人，特困供养审核当日办结，建立超期提醒台账。")
        page.get_by_role("button", name="反馈整改").click()
        expect(page.locator("#status")).to_have_text("已反馈")
        sign_out(page)

        sign_in(page, "supervisor")
        page.goto(f"/staff/supervision/cards/{card.pk}/")
        expect(page.locator("#measure")).to_contain_text("建立超期提醒台账")
        page.get_by_label("销号意见").fill("经回访核实，整改到位。")
        page.get_by_role("button", name="整改销号").click()
        expect(page.locator("#status")).to_have_text("已销号")
        expect(page.locator("#history")).to_contain_text("销号")

        page.goto("/staff/dashboard/evaluation/?month=2026-12")
        headers = page.locator("#evaluation thead th").all_inner_texts()
        yellow_at = headers.index("黄牌")
        row = page.locator("#evaluation tbody tr", has_text="区民政局")
        expect(row.locator("td").nth(yellow_at)).to_have_text("1")

        with page.expect_download() as download:
            page.get_by_role("link", name="导出 Excel").click()
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()))["效能评估"]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[2]
        civil = next(r for r in rows[3:] if r[1] == "区民政局")
        assert civil[header.index("黄牌")] == 1
        assert all(isinstance(r[2], int) for r in rows[3:] if r[1])  # 收件: numbers that sort
