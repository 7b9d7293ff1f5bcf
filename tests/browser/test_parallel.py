"""One enterprise start-up bundle in the browser: one form at one window, the departments at
once, the combined result and one delivery; the applicant follows it on the portal."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from stdnum.cn import uscc

from onestop.demo.cases import id_number
from onestop.demo.org import DEMO_PASSWORD
from onestop.demo.parallel import decide_member
from onestop.org.actions import register_applicant
from onestop.parallel import actions
from onestop.parallel.models import Submission, Track

BODY = "91510403MA6D2K5L7"


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def answer(field: dict, credit_code: str) -> str:
    kind = field.get("type")
    if field.get("options"):
        return field["options"][0]
    return {
        "id_number": id_number(date(1988, 8, 8), 121, "510403"),
        "phone": "13981230088",
        "credit_code": credit_code,
        "date": "2026-11-30",
        "number": "50",
    }.get(kind, "攀枝花市西区新锐科技有限公司")


def test_a_start_up_bundle_from_one_form_to_one_delivery(browser, live_server, demo):
    code = BODY + uscc.calc_check_digit(BODY)
    founder = register_applicant(
        kind="enterprise",
        name="攀枝花市西区新锐科技有限公司",
        username="xinrui",
        password="Xinrui-2026-pass",
        phone="13981230088",
        credit_code=code,
        legal_representative="陈思远",
    )
    track = Track.objects.get(kind=Track.Kind.BUNDLE)
    merged = actions.merged(track)
    window = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    sign_in(window, "kaiban")
    window.goto("/staff/parallel/")
    window.get_by_role("link", name="企业开办（一窗通办）").click()
    expect(window.locator("#materials-saved")).to_contain_text("少交")
    window.get_by_label("申请人统一社会信用代码或身份证号码").fill(code)
    for field in merged.fields:
        box = window.locator(f"#f-{field['name']}")
        value = answer(field, code)
        if field.get("options"):
            box.select_option(value)
        else:
            box.fill(value)
    for material in merged.materials:
        window.get_by_label(f"已收 {material['name']}").check()
    window.get_by_role("button", name="并联受理").click()
    expect(window.locator(".alert-success")).to_contain_text("个部门同时办理")
    rows = window.locator("#result tbody tr")
    expect(rows).to_have_count(len(actions.members_of(track)))
    expect(window.locator("#sub-status")).to_have_text("并联办理中")

    # Every department does its part at the same time (through its own actions).
    sub = Submission.objects.get(applicant=founder)
    for member in sub.members.select_related("case"):
        decide_member(member.case, sub.accepted_at)
    window.reload()
    expect(window.locator("#sub-status")).to_have_text("已办结（准予）")
    window.get_by_label("统一送达方式").select_option("邮寄送达")
    window.get_by_role("button", name="统一送达全部结果").click()
    expect(window.locator("#delivered")).to_contain_text("邮寄送达")
    expect(window.locator("#result tbody")).not_to_contain_text("已办结")  # all 已送达

    # The company sees the whole bundle on the portal.
    own = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    sign_in(own, "xinrui", "Xinrui-2026-pass")
    own.goto("/my/parallel/")
    expect(own.locator(".my-bundle")).to_contain_text("已统一送达")
    expect(own.locator(".my-bundle tbody tr")).to_have_count(rows.count())
