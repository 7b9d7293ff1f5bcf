"""A fee notice tells the applicant the amount, its legal basis and the payment code."""

from __future__ import annotations

import pytest

from onestop.core.errors import NotAllowed
from onestop.fees import actions
from onestop.notify.models import Message
from tests.fees.conftest import NOW

BASE = "https://zwfw.example.cn"


@pytest.fixture(autouse=True)
def public_base(settings):
    settings.PUBLIC_BASE_URL = BASE


def test_a_fee_notice_tells_the_applicant(accepted_case, clerk, fixed_rule, applicant):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    messages = list(Message.objects.filter(template="fee_notice"))
    assert sorted(m.channel for m in messages) == ["inapp", "sms"]
    assert {m.recipient for m in messages} == {applicant.user}
    for message in messages:
        assert message.topic == f"case:{accepted_case.pk}"
        assert "120.00元" in message.body
        assert notice.code in message.body
        assert "发改价格规〔2018〕988号" in message.body
        assert message.body.endswith(f"{BASE}/my/cases/{accepted_case.pk}/")


def test_issuing_again_tells_nobody_again(accepted_case, clerk, fixed_rule):
    actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert Message.objects.filter(template="fee_notice", channel="sms").count() == 1


def test_an_exempt_fee_sends_no_payment_notice(accepted_case, clerk, exempt_rule):
    actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert not Message.objects.filter(template="fee_notice").exists()


def test_a_refused_notice_tells_nobody(accepted_case, outsider, fixed_rule):
    with pytest.raises(NotAllowed):
        actions.issue_fee_notice(accepted_case, actor=outsider, now=NOW)
    assert not Message.objects.filter(template="fee_notice").exists()
