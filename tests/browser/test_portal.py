"""The public guide, the item page and the staff pages in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from onestop.catalog.models import ServiceItem
from onestop.demo.org import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_search_finds_food_licence_and_shows_its_guide(page, demo):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("一窗受理")
    page.get_by_role("searchbox", name="搜索事项").first.fill("食品")
    page.get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"/guide/\?q="))
    link = page.locator("#results a", has_text="食品经营许可").first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_have_text(re.compile("食品经营许可"))
    item = ServiceItem.objects.get(name="食品经营许可", status="published")
    expect(page.locator("#materials tbody tr")).to_have_count(item.materials.count())
    expect(page.locator("#legal-basis")).to_contain_text("食品安全法")
    expect(page.locator("#where")).to_contain_text("政务服务中心")
    expect(page.locator("#promised-limit")).to_contain_text(str(item.promised_limit))


def test_guide_by_life_event_and_level(page, demo):
    page.goto("/guide/?level=community")
    count = ServiceItem.objects.filter(status="published", at_community=True).count()
    expect(page.locator("#result-count")).to_contain_text(f"共 {count} 项")
    page.goto("/")
    page.get_by_role("link", name=re.compile("企业开办")).first.click()
    expect(page.locator("#results a").first).to_be_visible()


def test_pages_fit_a_phone_screen(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, base_url=live_server.url
    )
    pg = context.new_page()
    code = ServiceItem.objects.filter(status="published").order_by("code").first().code
    for path in ["/", "/guide/?q=许可", f"/guide/item/{code}/", "/departments/", "/centres/"]:
        pg.goto(path)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        expect(pg.locator("h1").first).to_be_visible()
    context.close()


def test_english_is_one_click_away(page, demo):
    page.goto("/guide/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("nav.navbar")).to_contain_text("Service guide")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("nav.navbar")).to_contain_text("办事指南")


def test_staff_sign_in_and_compute_a_deadline(page, demo):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.locator("#my-roles")).to_contain_text("窗口受理员")
    page.get_by_role("link", name="工作日期限计算器").click()
    page.get_by_label("起始日期").fill("2026-09-30")
    page.get_by_label("工作日数").fill("5")
    page.get_by_role("button", name="计算").click()
    # Oct 1–7 2026 National Day; Oct 8, 9, 10 (make-up Saturday), 12, 13 are the five days.
    expect(page.locator("#due-result")).to_contain_text("2026-10-13")


def test_registration_validates_the_id_number_live(page, demo):
    page.goto("/accounts/register/")
    page.get_by_label("身份证号码").fill("510403199001011235")
    page.get_by_label("手机号码").click()
    expect(page.locator('[data-feedback-for="id_number"]')).to_contain_text("校验码")
