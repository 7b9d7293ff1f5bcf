"""A tender in real browsers, one session per person: the trading officer announces it, three
bidders submit sealed bids and keep their receipts, three opening officers each unlock their
key share after the deadline and the bids are opened at once, the expert committee is drawn
from public randomness with names hidden, the evaluation is reported, the candidates are
publicised, and the award publishes the winner and the committee, whose draw anyone re-runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from onestop.trading.models import Bid, Project
from tests.conftest import PASSWORD

from .conftest import PASSPHRASE, PDF

pytestmark = pytest.mark.browser
BIDDER_PASSWORD = "x-Passw0rd!"


def login(page, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def visit(page, url: str, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Open a page, signing in again when time travel has expired the session."""
    page.goto(url)
    if "/accounts/login/" in page.url:
        login(page, username, password)
        page.goto(url)


def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def local(moment) -> str:  # type: ignore[no-untyped-def]
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_tender_from_announcement_to_award(  # type: ignore[no-untyped-def]
    transactional_db, browser, live_server, officers, owner, bidders, experts
):
    contexts = []
    try:
        ctx, officer = new_page(browser, live_server)
        contexts.append(ctx)
        login(officer, officers[0].username)
        officer.goto("/staff/")
        officer.locator("a.btn", has_text="公共资源交易").click()
        officer.get_by_role("link", name="登记项目").click()
        officer.locator("input[name=code]").fill("XQGC-2026-099")
        officer.locator("input[name=title]").fill("西区清香坪街道老旧小区改造工程")
        officer.locator("select[name=owner]").select_option(str(owner.pk))
        officer.locator("input[name=budget]").fill("3800000")
        officer.locator("input[name=speciality]").fill("房屋建筑")
        officer.get_by_role("button", name="登记").click()
        expect(officer.locator(".alert-success")).to_contain_text("项目已登记")
        project = Project.objects.get(code="XQGC-2026-099")

        # 复核 and announcement: the deadline must leave 20 days.
        officer.get_by_role("button", name="提交招标文件复核").click()
        too_soon = timezone.now() + timedelta(days=19)
        officer.locator("input[name=bid_deadline]").fill(local(too_soon))
        for o in officers:
            officer.locator(f"input[name=officers][value='{o.pk}']").check()
        officer.get_by_role("button", name="复核通过，发布公告").click()
        expect(officer.locator(".alert-danger")).to_contain_text("不少于 20 日")
        deadline = timezone.now() + timedelta(days=20, hours=1)
        officer.locator("input[name=bid_deadline]").fill(local(deadline))
        for o in officers:
            officer.locator(f"input[name=officers][value='{o.pk}']").check()
        officer.get_by_role("button", name="复核通过，发布公告").click()
        expect(officer.locator("#status")).to_have_text("招标中")

        # Three bidders, each in their own browser, submit sealed bids and get receipts.
        prices = ["3500000", "3410000", "3620000"]
        for bidder, price in zip(bidders, prices, strict=False):
            ctx, page = new_page(browser, live_server)
            contexts.append(ctx)
            login(page, bidder.user.username, BIDDER_PASSWORD)
            page.goto(f"/trading/projects/{project.pk}/")
            page.get_by_role("link", name="递交投标文件").click()
            page.locator("input[name=price]").fill(price)
            page.locator("input[name=document]").set_input_files(
                {
                    "name": "投标文件.pdf",
                    "mimeType": "application/pdf",
                    "buffer": PDF + price.encode(),
                }
            )
            page.get_by_role("button", name="加密并递交").click()
            expect(page.locator("#receipt-number")).to_contain_text("TB")
            expect(page.locator("#document-hash")).to_have_text(
                Bid.objects.get(bidder=bidder, project=project).document_sha256
            )
        officer.reload()
        # The officer learns neither who bid nor how many before the opening.
        expect(officer.locator("#sealed-note")).to_be_visible()
        expect(officer.locator("body")).not_to_contain_text(bidders[0].name)
        expect(officer.locator("body")).not_to_contain_text("3 份")
        # Nothing of a price is stored readable before the opening.
        assert all(b.price is None for b in project.bids.all())

        with time_machine.travel(deadline + timedelta(minutes=5), tick=True) as traveller:
            # A late bid is refused.
            ctx, late = new_page(browser, live_server)
            contexts.append(ctx)
            login(late, bidders[3].user.username, BIDDER_PASSWORD)
            late.goto(f"/trading/projects/{project.pk}/bid/")
            late.locator("input[name=price]").fill("3000000")
            late.locator("input[name=document]").set_input_files(
                {"name": "late.pdf", "mimeType": "application/pdf", "buffer": PDF}
            )
            late.get_by_role("button", name="加密并递交").click()
            expect(late.locator(".alert-danger")).to_contain_text("不予接收")

            # The opening: each officer unlocks their share in their own session.
            for o in officers:
                ctx, page = new_page(browser, live_server)
                contexts.append(ctx)
                login(page, o.username)
                page.goto(f"/staff/trading/projects/{project.pk}/")
                page.locator("input[name=passphrase]").fill(PASSPHRASE)
                page.get_by_role("button", name="提交我的密钥份额").click()
                expect(page.locator(".alert-success")).to_contain_text("密钥份额已提交")
            visit(officer, f"/staff/trading/projects/{project.pk}/", officers[0].username)
            officer.locator("input[name=participants]").fill("三家投标人代表，区发改局监督员")
            officer.get_by_role("button", name="开标").click()
            expect(officer.locator("#status")).to_have_text("已开标，评标中")
            expect(officer.locator("#bids")).to_contain_text("3410000.00")

            # The expert committee: freeze the list, then draw once the lottery is out.
            draw_at = timezone.now() + timedelta(hours=1)
            officer.locator("input[name=draw_at]").fill(local(draw_at))
            officer.locator("input[name=randomness]").fill("福彩3D第2026321期开奖号码")
            officer.get_by_role("button", name="冻结候选名单并公布哈希").click()
            expect(officer.locator(".alert-success")).to_contain_text("已冻结")
            traveller.move_to(draw_at + timedelta(minutes=5))
            visit(officer, f"/staff/trading/projects/{project.pk}/", officers[0].username)
            sources = officer.locator("input[name=source]")
            sources.nth(0).fill("9319")
            sources.nth(1).fill("2 5 12 8 10")
            sources.nth(2).fill("9 18 26 34 41 45")
            officer.get_by_role("button", name="抽取", exact=True).click()
            expect(officer.locator("#picks")).to_contain_text("姓名保密")
            for e in experts:
                expect(officer.locator("body")).not_to_contain_text(e.name)

            # The evaluation report and the publicity.
            for bid in project.bids.filter(status=Bid.Status.OPENED):
                officer.locator(f"input[name=score_{bid.pk}]").fill(
                    {"3410000": "92", "3500000": "88", "3620000": "85"}[str(int(bid.price))]
                )
            officer.get_by_role("button", name="提交评标报告").click()
            expect(officer.locator(".alert-success")).to_contain_text("评标报告已提交")
            officer.get_by_role("button", name="公示中标候选人").click()
            expect(officer.locator("#status")).to_have_text("中标候选人公示中")
            public = officer.context.new_page()
            public.goto(f"/trading/projects/{project.pk}/")
            expect(public.locator("#candidates")).to_contain_text(bidders[1].name)
            for e in experts:
                expect(public.locator("body")).not_to_contain_text(e.name)

            # The award after three days: winner and committee are published.
            traveller.move_to(timezone.now() + timedelta(days=3, hours=1))
            visit(officer, f"/staff/trading/projects/{project.pk}/", officers[0].username)
            officer.get_by_role("button", name="定标并发出中标通知").click()
            expect(officer.locator("#status")).to_have_text("已定标")
            public.goto(f"/trading/projects/{project.pk}/")
            expect(public.locator("#winner")).to_contain_text(bidders[1].name)
            expect(public.locator("#committee li")).to_have_count(5)
            public.get_by_role("link", name="评标专家抽取记录（可重新运行核验）").click()
            public.get_by_role("link", name="重新运行并核验").click()
            expect(public.locator("#verify")).to_contain_text("核验通过")
    finally:
        for c in contexts:
            c.close()
