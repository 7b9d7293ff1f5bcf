"""A ticket in real browsers, one session per side: the operator registers and dispatches, the
first department sends it back, the operator re-dispatches, the second department signs and
replies, and the operator calls the citizen back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from onestop.hotline.models import Callback, Ticket
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def session(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("工作台")
    return context, page


def test_registration_dispatch_send_back_redispatch_reply_callback(
    transactional_db,
    browser,
    live_server,
    operator,
    handler,
    handler_b,
    dept_a,
    dept_b,
    community,
    tmp_path,
):
    ctx_op, op = session(browser, live_server, operator.username)
    ctx_a, dep_a = session(browser, live_server, handler.username)
    ctx_b, dep_b = session(browser, live_server, handler_b.username)
    try:
        # 受理: keyboard entry on the console.
        op.get_by_role("link", name="12345 热线").click()
        op.get_by_label("来电号码").fill("13800005555")
        op.get_by_label("来电人", exact=True).fill("陈女士")
        op.get_by_label("诉求类型").select_option("help")
        op.get_by_label("诉求内容").fill(
            "母亲今年七十五岁，独居，想申请居家养老服务补贴，不知道找哪个部门。"
        )
        op.get_by_label("事发地址").fill("梨树坪社区8栋")
        op.get_by_label("所在街道/社区").select_option(str(community.pk))
        op.get_by_label("诉求内容").press("Control+Enter")
        expect(op.locator(".alert-success")).to_contain_text("已受理")
        ticket = Ticket.objects.get()

        # 派单 to the wrong department first.
        op.get_by_label("主办部门").select_option(str(dept_a.pk))
        op.get_by_role("button", name="派单").click()
        expect(op.locator("#ticket-status")).to_have_text("已派单待签收")

        # 退单 by 区市场监管局, from its inbox.
        dep_a.goto("/staff/hotline/inbox/")
        expect(dep_a.locator("#inbox")).to_contain_text(ticket.number)
        expect(dep_a.locator("#inbox")).to_contain_text("陈女士")
        dep_a.get_by_role("link", name=ticket.number).click()
        dep_a.get_by_label("退单理由").fill("养老服务补贴属民政部门职责")
        dep_a.get_by_role("button", name="退单").click()
        expect(dep_a.locator(".alert-success")).to_contain_text("已退单")

        # 改派 to 区民政局.
        op.reload()
        expect(op.locator("#ticket-status")).to_have_text("已退单待改派")
        expect(op.locator("#dispatches")).to_contain_text("养老服务补贴属民政部门职责")
        op.get_by_label("主办部门").select_option(str(dept_b.pk))
        op.get_by_role("button", name="派单").click()
        expect(op.locator("#ticket-status")).to_have_text("已派单待签收")

        # 签收 and 答复 by 区民政局.
        dep_b.goto("/staff/hotline/inbox/")
        dep_b.get_by_role("link", name=ticket.number).click()
        dep_b.get_by_role("button", name="签收").click()
        expect(dep_b.locator(".alert-success")).to_contain_text("已签收")
        dep_b.get_by_label("答复（办理结果，将告知市民）").fill(
            "已联系陈女士，指导其在梨树坪社区提交居家养老服务补贴申请，材料已受理。"
        )
        dep_b.get_by_role("button", name="提交答复").click()
        expect(dep_b.locator(".alert-success")).to_contain_text("已答复")
        # The first department no longer reaches the ticket's open dispatch.
        dep_a.reload()
        expect(dep_a.locator("#my-dispatch")).to_have_count(0)

        # 回访 from the callback queue.
        op.goto("/staff/hotline/callbacks/")
        expect(op.locator("main")).to_contain_text("居家养老服务补贴申请")
        op.get_by_role("link", name=ticket.number).click()
        expect(op.locator("#callback-script")).to_contain_text("区民政局")
        op.get_by_label("已解决").check()
        op.get_by_label("满意", exact=True).check()
        op.get_by_role("button", name="记录回访并办结").click()
        expect(op.locator("#ticket-status")).to_have_text("已办结")
        op.screenshot(path=str(tmp_path / "closed.png"), full_page=True)
    finally:
        for ctx in (ctx_op, ctx_a, ctx_b):
            ctx.close()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.lead_department == dept_b
    assert Callback.objects.get(ticket=ticket).department == dept_b
    assert list(ticket.events.values_list("kind", flat=True)) == [
        "registered",
        "dispatched",
        "sent_back",
        "redispatched",
        "signed",
        "replied",
        "callback",
    ]
