"""The window's fee pages in a real browser: issue a notice, take the money, see the day."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from onestop.fees.models import FeeNotice
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("工作台")


def test_a_clerk_issues_a_notice_and_takes_the_fee(
    transactional_db, page, clerk, accepted_case, fixed_rule, tmp_path
):
    sign_in(page, clerk.username)
    page.goto(f"/staff/fees/cases/{accepted_case.pk}/")
    expect(page.locator("#fee-settled")).to_have_text("未结清")
    page.get_by_role("button", name="开具缴款通知").click()
    notice = FeeNotice.objects.get(case=accepted_case)
    expect(page.locator(".alert-success")).to_contain_text(notice.code_display)
    page.get_by_role("link", name="窗口收费").click()
    expect(page.locator("#amount-due")).to_have_text("120.00")
    page.get_by_label("窗口刷卡/扫码").check()
    page.get_by_label("实收金额（元）").fill("100")
    page.get_by_role("button", name="确认收费").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("少于应缴金额 120.00 元")
    page.get_by_label("实收金额（元）").fill("120.00")
    page.get_by_label("票据号/交易流水号").fill("POS-20260310-01")
    page.get_by_role("button", name="确认收费").click()
    expect(page.locator("#fee-settled")).to_have_text("已结清")
    page.screenshot(path=str(tmp_path / "case-fees.png"), full_page=True)
    page.goto("/staff/fees/reconciliation/")
    expect(page.locator("#summary tbody tr")).to_have_count(1)
    expect(page.locator("#summary tbody .paid")).to_have_text("120.00")
    expect(page.locator(".lines")).to_contain_text(accepted_case.number)
    page.screenshot(path=str(tmp_path / "reconciliation.png"), full_page=True)
