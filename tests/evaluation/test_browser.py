"""A rating flow in a real browser: the SMS link, a bad rating, the department's follow-up,
and the re-rate."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from onestop.evaluation import actions
from onestop.evaluation.models import Rating, Rectification
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("工作台")


def test_a_bad_rating_is_followed_up_and_rerated(transactional_db, page, finish, head, tmp_path):
    case = finish(timezone.now())
    link = actions.rate_link_path(case)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("办件评价（好差评）")
    page.get_by_label("多次跑腿").check()
    page.get_by_label("评价意见（选填）").fill("同一份材料跑了两次")
    page.screenshot(path=str(tmp_path / "rate.png"), full_page=True)
    page.get_by_role("button", name="不满意", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您的评价")
    expect(page.locator("#my-rating")).to_contain_text("不满意")
    rect = Rectification.objects.get(case=case)

    sign_in(page, head.username)
    page.goto(reverse("evaluation:rectifications"))
    expect(page.locator("#rectifications")).to_contain_text(case.number)
    page.get_by_role("link", name=case.number).click()
    page.get_by_label("核实及回访情况").fill("已电话回访并致歉")
    page.get_by_role("button", name="记录回访").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录核实回访情况")
    page.get_by_label("整改措施").fill("窗口一次性告知材料清单")
    page.get_by_role("button", name="整改办结").click()
    expect(page.locator(".alert-success")).to_contain_text("整改已办结")
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.CLOSED

    # The head's session may not rate; the applicant opens the link on their own phone.
    page.goto(link)
    expect(page.locator("body")).to_contain_text("工作人员不能评价办件")
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("h2")).to_contain_text("欢迎再次评价")
    page.get_by_role("button", name="满意", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您的再评价")
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.rerate_score) == (2, 4)
