"""The applicant follows the messages of their case on its page, in a real browser: the link
each message carries leads back to that page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from onestop.cases import actions
from onestop.cases.models import Case
from tests.cases.conftest import NOW

pytestmark = pytest.mark.browser


@pytest.fixture
def online_case(transactional_db, new_case, applicant, settings, live_server) -> Case:
    settings.PUBLIC_BASE_URL = live_server.url
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    return actions.submit_case(case, actor=applicant.user, now=NOW)


def test_the_applicant_reads_the_case_messages_and_follows_their_link(
    page, online_case, applicant, clerk, live_server
):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("zhangmin")
    page.get_by_label("密码").fill("Jinsha-river-88")
    page.get_by_role("button", name="登录").click()
    page.goto(f"/my/cases/{online_case.pk}/")
    messages = page.locator("#case-messages")
    expect(messages).to_contain_text("申请已收到")
    expect(messages).to_contain_text("短信")
    expect(messages).to_contain_text("站内消息")

    actions.request_supplement(
        online_case, actor=clerk, now=NOW, missing=["营业执照", "食品安全管理制度"]
    )
    page.reload()
    expect(messages).to_contain_text("补正材料一次性告知")
    expect(messages).to_contain_text("营业执照、食品安全管理制度")

    link = f"{live_server.url}/my/cases/{online_case.pk}/"
    messages.locator(f'a[href="{link}"]').first.click()
    expect(page).to_have_url(link)
    expect(page.locator("#case-messages li")).to_have_count(4)
