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
    page.get_by_label("不满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    # A bad rating without an indicator and a comment: both problems at once, choices kept.
    expect(page.locator("#field-reasons .field-error")).to_have_text("差评请至少选择一项评价指标")
    expect(page.locator("#field-comment .field-error")).to_contain_text("差评请填写评价意见")
    expect(page.get_by_label("不满意", exact=True)).to_be_checked()
    expect(page.get_by_label("多次跑腿")).to_be_checked()
    # 服务态度 is a hall indicator, not an online one.
    expect(page.get_by_label("服务态度", exact=True)).to_have_count(0)
    page.get_by_label("办事指南精确度", exact=True).check()
    page.get_by_label("评价意见（差评必填）").fill("同一份材料跑了两次")
    page.screenshot(path=str(tmp_path / "rate.png"), full_page=True)
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您的评价")
    expect(page.locator("#my-rating")).to_contain_text("不满意")
    expect(page.locator("#my-rating")).to_contain_text("办事指南精确度")
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
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您的再评价")
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.rerate_score) == (2, 4)


def test_a_bad_rating_on_the_pad_reaches_the_department_with_its_indicator(
    transactional_db, page, pad, finish, head, tmp_path
):
    """The applicant at window A01 rates badly on the pad, naming a hall indicator; the
    department head opens the follow-up and sees that indicator and the comment."""
    _device, token, _code = pad
    case = finish(timezone.now())
    page.goto(reverse("hallpub:device"))
    page.get_by_label("配对码或终端令牌").fill(token)
    page.get_by_role("button", name="配对").click()
    page.goto(reverse("evaluation:pad"))
    expect(page.locator(".lead")).to_contain_text(case.number)
    for level in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        expect(page.get_by_label(level, exact=True)).to_be_visible()
    expect(page.get_by_label("办事指南精确度", exact=True)).to_have_count(0)  # online indicator
    page.get_by_label("非常不满意", exact=True).check()
    page.get_by_label("服务态度", exact=True).check()
    page.get_by_label("评价意见（差评必填）").fill("窗口人员说话不耐烦，没有一次性告知")
    page.screenshot(path=str(tmp_path / "pad.png"), full_page=True)
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您的评价")
    expect(page.locator("#pad-idle")).to_be_visible()
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.channel, rating.reasons) == (1, "pad", ["service_attitude"])

    page.context.clear_cookies()
    sign_in(page, head.username)
    page.goto(reverse("evaluation:rectifications"))
    row = page.locator("#rectifications tr", has_text=case.number)
    expect(row.locator(".indicators")).to_have_text("服务态度")
    page.get_by_role("link", name=case.number).click()
    expect(page.locator("#rating-indicators")).to_have_text("服务态度")
    expect(page.locator("body")).to_contain_text("窗口人员说话不耐烦，没有一次性告知")
    expect(page.locator("body")).to_contain_text("窗口评价器")
    page.screenshot(path=str(tmp_path / "followup.png"), full_page=True)
