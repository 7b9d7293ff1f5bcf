"""Registering and proving the ID number by SMS in a real browser (实名核验)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestop.notify import backends
from onestop.notify.actions import deliver_due
from onestop.org.models import Applicant

pytestmark = pytest.mark.browser


@pytest.fixture
def sms(settings):
    settings.NOTIFY_BACKENDS = {"sms": "onestop.notify.backends.SmsBackend"}
    settings.NOTIFY_SMS_GATEWAY = "onestop.notify.backends.FakeSmsGateway"
    backends.fake_sms_outbox.clear()
    yield backends.fake_sms_outbox
    backends.fake_sms_outbox.clear()


def test_a_person_registers_then_proves_the_number_with_the_sms_code(page, transactional_db, sms):
    page.goto("/accounts/register/")
    page.get_by_label("姓名/企业名称").fill("王芳")
    page.get_by_label("身份证号码").fill("510403199001011230")
    page.get_by_label("手机号码").fill("13700001111")
    page.get_by_label("用户名").fill("wangfang")
    page.get_by_label("密码", exact=True).fill("Jinsha-river-88")
    page.get_by_label("确认密码").fill("Jinsha-river-88")
    page.get_by_role("button", name="注册").click()
    expect(page).to_have_url(re.compile(r"/accounts/identity/$"))
    expect(page.locator("#identity-pending")).to_contain_text("尚未核验")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.locator(".alert-success")).to_contain_text("验证码已发送")
    deliver_due(timezone.now())
    [(phone, text)] = sms
    assert phone == "13700001111"
    code = re.search(r"验证码为 (\d{6})", text).group(1)  # type: ignore[union-attr]
    page.get_by_label("短信验证码").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="提交核验").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("验证码不正确，还可尝试 4 次")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="提交核验").click()
    expect(page.locator("#identity-held")).to_contain_text("已完成实名核验")
    expect(page.locator("#identity")).to_contain_text("5104**********1230")
    assert Applicant.objects.get(id_number="510403199001011230").user.username == "wangfang"
