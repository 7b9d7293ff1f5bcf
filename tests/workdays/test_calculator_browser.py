"""The deadline calculator in a real browser: the page's fetch call and what it shows."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from onestop.workdays.actions import load_year_schedule
from onestop.workdays.schedule import ScheduleRow
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("工作台")


def calculate(page, start, days):
    page.goto("/staff/workdays/")
    page.get_by_label("起始日期").fill(start)
    page.get_by_label("工作日数").fill(days)
    page.get_by_role("button", name="计算").click()


def test_it_shows_the_due_date_and_the_holidays(transactional_db, page, clerk):
    sign_in(page, clerk.username)
    calculate(page, "2025-09-26", "20")
    # Counted by hand in test_due_dates.test_it_counts_through_national_day_2025
    expect(page.locator("#due-date")).to_have_text("2025-10-30")
    expect(page.locator("#due-weekday")).to_have_text("星期四")
    expect(page.locator("#due-skipped li")).to_have_count(8)
    expect(page.locator("#due-skipped")).to_contain_text("2025-10-06 星期一 中秋")
    expect(page.locator("#due-makeup li")).to_have_count(2)
    expect(page.locator("#due-makeup")).to_contain_text("2025-09-28 星期日 国庆节")
    expect(page.locator("#due-provisional")).to_be_hidden()


def test_it_warns_of_a_provisional_deadline(transactional_db, page, clerk, centre_admin):
    sign_in(page, clerk.username)
    calculate(page, "2026-12-18", "15")
    expect(page.locator("#due-date")).to_have_text("2027-01-11")  # 元旦 rests even now
    warning = page.locator("#due-provisional")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("2027 年")
    expect(warning).to_contain_text("尚未载入")

    now = datetime(2026, 11, 20, tzinfo=UTC)
    load_year_schedule(2027, [ScheduleRow("2027-01-01", "休", "元旦")], actor=centre_admin, now=now)
    page.get_by_role("button", name="计算").click()
    expect(page.locator("#due-date")).to_have_text("2027-01-11")
    expect(warning).to_be_hidden()


def test_it_shows_the_api_error_in_chinese(transactional_db, page, clerk):
    sign_in(page, clerk.username)
    calculate(page, "2025-03-03", "5000")
    expect(page.locator("#due-error")).to_contain_text("参数 days 无效")
    expect(page.locator("#due-result")).to_be_hidden()
