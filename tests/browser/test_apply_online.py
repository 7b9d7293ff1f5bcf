"""Apply online in a real browser, then look the case up signed out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from onestop.cases.models import Case
from onestop.catalog.models import ServiceItem
from onestop.demo.org import DEMO_PASSWORD
from tests.cases.test_materials import png_bytes

pytestmark = pytest.mark.browser

ITEM = "无犯罪记录证明"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_applicant_applies_online_and_looks_the_case_up_signed_out(page, demo, media):
    item = ServiceItem.objects.get(name=ITEM, status="published")
    sign_in(page, "zhangmin")
    page.goto(f"/apply/{item.code}/")
    expect(page.locator("h1")).to_have_text(ITEM)
    # Filled in from the applicant's record.
    expect(page.get_by_label("申请人姓名")).to_have_value("张敏")
    expect(page.get_by_label("公民身份号码")).to_have_value("510403198503120424")

    # A wrong ID number is caught as soon as the field is left, and again by the server.
    page.get_by_label("公民身份号码").fill("510403198503120425")
    page.get_by_label("证明使用单位").click()
    expect(page.locator('[data-feedback-for="f-id_number"]')).to_contain_text("校验码错误")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#apply-error")).to_contain_text("请按提示修改")
    expect(page.locator('[data-feedback-for="f-purpose"]')).to_have_text("查询用途不能为空")
    assert not Case.objects.filter(item__name=ITEM).exists()

    page.get_by_label("公民身份号码").fill("510403198503120424")
    page.get_by_label("查询用途").select_option("入职")
    page.get_by_label("证明使用单位").fill("攀枝花市第一人民医院")
    page.locator("#file_0").set_input_files(
        files=[{"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="提交", exact=True).click()

    expect(page.locator(".alert-success")).to_contain_text("申请已提交")
    number = page.locator("#case-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    case = Case.objects.get(item__name=ITEM)
    assert (number, code) == (case.number, case.query_code)
    assert case.status == Case.Status.SUBMITTED
    assert case.materials.get(name="申请人居民身份证").file.content_type == "image/png"
    expect(page.locator("#case-status")).to_contain_text("已提交（待预审）")
    expect(page.locator("#timeline")).to_contain_text("提交申请")

    page.get_by_role("button", name="退出").click()
    page.goto("/progress/")
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("查询码").fill("WRONG234")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#progress-error")).to_contain_text("未找到")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#progress-status")).to_have_text("已提交（待预审）")
    expect(page.locator("#progress-result")).to_contain_text(ITEM)


def test_the_apply_and_progress_pages_fit_a_phone(browser, live_server, demo):
    item = ServiceItem.objects.get(name=ITEM, status="published")
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, base_url=live_server.url
    )
    pg = context.new_page()
    sign_in(pg, "zhangmin")
    for path in (f"/apply/{item.code}/", "/my/cases/", "/progress/"):
        pg.goto(path)
        expect(pg.locator("h1").first).to_be_visible()
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    context.close()


def test_the_agent_pages_fit_a_phone(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, base_url=live_server.url
    )
    pg = context.new_page()
    sign_in(pg, "agent")
    pg.goto("/agent/")
    expect(pg.locator("h1")).to_have_text("代办申请")
    pg.get_by_label("身份证号码").fill("510403196208173022")
    pg.get_by_label("姓名").fill("罗秀英")
    pg.get_by_role("button", name="确定").click()
    expect(pg).to_have_url(re.compile(r"/agent/items/$"))
    expect(pg.locator("#agent-items a").first).to_be_visible()
    overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()
