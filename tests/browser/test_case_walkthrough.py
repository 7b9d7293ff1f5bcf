"""One case walked through in Chromium, every role in its own browser session:
apply online → supplement requested → supplied → accepted → co-department opinion →
review → grant → certificate issued → verified on the public portal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from onestop.cases.models import Case
from onestop.documents.models import Certificate
from tests.cases.test_materials import png_bytes
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

APPLICANT_PASSWORD = "Jinsha-river-88"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def session(browser, live_server, username: str, password: str = PASSWORD):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    return page


def png(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes()}


def open_case(page, case: Case) -> None:
    page.goto(f"/staff/cases/{case.pk}/")
    expect(page.locator("#case-number")).to_have_text(case.number)


@pytest.mark.django_db(transaction=True)
def test_a_case_from_online_application_to_verified_certificate(  # noqa: PLR0915
    browser, live_server, media, item, applicant, centre, clerk, reviewer, co_reviewer, approver
):
    # The applicant applies online from the service guide.
    citizen = session(browser, live_server, applicant.user.username, APPLICANT_PASSWORD)
    citizen.goto(f"/guide/item/{item.code}/")
    citizen.get_by_role("link", name="在线申请").click()
    citizen.get_by_label("申请人").fill("张敏")
    for i in range(3):
        citizen.locator(f"#file_{i}").set_input_files(files=[png(f"材料{i}.png")])
    citizen.get_by_role("button", name="提交", exact=True).click()
    expect(citizen.locator(".alert-success")).to_contain_text("申请已提交")
    case = Case.objects.get()
    assert case.status == Case.Status.SUBMITTED

    # The window asks once for what is wrong: the business licence.
    window = session(browser, live_server, clerk.username)
    window.goto("/staff/cases/tasks/")
    expect(window.locator("#unclaimed")).to_contain_text(case.number)
    open_case(window, case)
    window.locator("#actions").get_by_label("营业执照").check()
    window.get_by_label("补正要求说明").first.fill("营业执照照片模糊，请上传清晰的扫描件")
    window.get_by_role("button", name="发出补正告知").click()
    expect(window.locator("#case-status")).to_have_text("待补正")

    # The applicant sees the request and supplies the licence.
    citizen.goto("/my/cases/")
    citizen.locator("#my-cases tr", has_text=case.number).get_by_role("link").click()
    expect(citizen.locator("body")).to_contain_text("营业执照")
    citizen.get_by_label("上传营业执照").set_input_files(files=[png("营业执照.png")])
    citizen.get_by_label("上传营业执照").locator("xpath=..").locator("button[value=upload]").click()
    citizen.get_by_role("button", name="补正完成，提交").click()
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED

    # The window accepts.
    open_case(window, case)
    window.locator("#actions").get_by_role("button", name="受理", exact=True).click()
    expect(window.locator("#case-status")).to_have_text("已受理")

    # The co-department gives its opinion in parallel.
    co = session(browser, live_server, co_reviewer.username)
    open_case(co, case)
    co.get_by_label("会签意见").fill("经核查，经营场所周边无污染源，同意。")
    co.get_by_role("button", name="同意", exact=True).click()
    expect(co.locator("#opinions")).to_contain_text("同意")

    # The reviewer recommends, the approver grants.
    rev = session(browser, live_server, reviewer.username)
    open_case(rev, case)
    rev.get_by_label("审核意见").fill("材料齐全，符合《食品经营许可和备案管理办法》规定的条件。")
    rev.get_by_role("button", name="建议准予").click()
    expect(rev.locator("#case-status")).to_have_text("待决定")
    boss = session(browser, live_server, approver.username)
    open_case(boss, case)
    expect(boss.locator("#opinions")).to_contain_text("区民政局")
    boss.get_by_role("button", name="准予许可").click()
    expect(boss.locator("#case-status")).to_have_text("准予许可")

    # The window issues the certificate and completes the case.
    open_case(window, case)
    window.get_by_role("button", name="制发电子证照").click()
    window.get_by_role("button", name="办结").click()
    expect(window.locator("#case-status")).to_have_text("已办结")

    # Anyone verifies the certificate on the public page.
    cert = Certificate.objects.get(case=case)
    public = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    public.goto("/documents/verify/")
    public.get_by_label(re.compile("证照编号")).fill(cert.number)
    public.get_by_role("button", name=re.compile("核验|查询")).click()
    expect(public.locator("body")).to_contain_text("有效")
    expect(public.locator("body")).to_contain_text(item.name)
