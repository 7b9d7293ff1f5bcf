"""The fee pages over HTTP: a case's fees, the window's payment form, refunds, the notice;
and every page that takes an id answers 404 outside the user's scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from onestop.fees import actions
from onestop.fees.models import FeeNotice, Payment, Refund
from tests.fees.conftest import NOW

N = FeeNotice.Status


@pytest.fixture
def notice(accepted_case, clerk, fixed_rule) -> FeeNotice:
    n = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert n is not None
    return n


@pytest.fixture
def payment(notice, clerk) -> Payment:
    return actions.record_payment(
        notice, actor=clerk, now=NOW, method="window_cash", amount="120.00"
    )


def test_the_case_page_offers_the_clerk_a_notice(client, clerk, accepted_case, fixed_rule):
    client.force_login(clerk)
    url = reverse("fees:case", args=[accepted_case.pk])
    html = client.get(url).content.decode()
    assert "食品经营许可证工本费" in html
    assert "未结清" in html
    assert reverse("fees:issue", args=[accepted_case.pk]) in html
    response = client.post(reverse("fees:issue", args=[accepted_case.pk]), {"key": "abc"})
    assert response.status_code == 302
    notice = FeeNotice.objects.get(case=accepted_case)
    html = client.get(url).content.decode()
    assert notice.code_display in html
    assert reverse("fees:pay", args=[notice.pk]) in html
    # A double submit of the same form issues nothing more.
    client.post(reverse("fees:issue", args=[accepted_case.pk]), {"key": "abc"})
    assert FeeNotice.objects.count() == 1


def test_the_case_page_says_an_item_is_free(client, clerk, accepted_case):
    client.force_login(clerk)
    html = client.get(reverse("fees:case", args=[accepted_case.pk])).content.decode()
    assert "该事项不收费" in html
    assert "已结清" in html


def test_the_window_records_a_payment(client, clerk, notice):
    client.force_login(clerk)
    url = reverse("fees:pay", args=[notice.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "窗口收费" in html and "120.00" in html and notice.code_display in html
    response = client.post(
        url, {"method": "window_card", "amount": "120.00", "reference": "POS-778", "key": "k1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("fees:case", args=[notice.case_id])
    notice.refresh_from_db()
    assert notice.status == N.PAID
    payment = Payment.objects.get()
    assert (payment.method, payment.reference, payment.by) == ("window_card", "POS-778", clerk)
    # The same form sent again: recorded once.
    client.post(
        url, {"method": "window_card", "amount": "120.00", "reference": "POS-778", "key": "k1"}
    )
    assert Payment.objects.count() == 1


def test_the_window_refuses_the_wrong_amount_in_chinese(client, clerk, notice):
    client.force_login(clerk)
    response = client.post(
        reverse("fees:pay", args=[notice.pk]),
        {"method": "window_cash", "amount": "100", "key": "k2"},
    )
    assert response.status_code == 422
    assert "少于应缴金额 120.00 元" in response.content.decode()
    assert not Payment.objects.exists()


def test_only_a_clerk_of_the_department_sees_the_payment_form(client, reviewer, notice):
    client.force_login(reviewer)
    assert client.get(reverse("fees:pay", args=[notice.pk])).status_code == 403


def test_the_head_refunds_on_the_refund_page(client, head, clerk, payment):
    client.force_login(clerk)
    assert client.get(reverse("fees:refund", args=[payment.pk])).status_code == 403
    client.force_login(head)
    url = reverse("fees:refund", args=[payment.pk])
    assert "可退" in client.get(url).content.decode()
    response = client.post(url, {"amount": "200", "reason": "多收", "key": "r1"})
    assert response.status_code == 422
    assert "可退金额 120.00 元" in response.content.decode()
    response = client.post(url, {"amount": "120.00", "reason": "申请人撤回申请", "key": "r2"})
    assert response.status_code == 302
    assert Refund.objects.get().amount == Decimal("120.00")
    payment.notice.refresh_from_db()
    assert payment.notice.status == N.REFUNDED


def test_a_notice_is_cancelled_from_the_case_page(client, clerk, notice):
    client.force_login(clerk)
    client.post(reverse("fees:cancel", args=[notice.pk]), {"reason": "金额有误"})
    notice.refresh_from_db()
    assert notice.status == N.CANCELLED


def test_the_printable_notice_shows_the_code_and_where_to_pay(client, clerk, notice):
    client.force_login(clerk)
    html = client.get(reverse("fees:notice", args=[notice.pk])).content.decode()
    assert "行政事业性收费缴款通知书" in html
    assert notice.code_display in html
    assert "区市场监管局窗口缴费" in html
    assert "《行政事业性收费标准管理办法》" in html


@pytest.mark.parametrize("name", ["fees:notice", "fees:pay"])
def test_an_outsider_gets_404_for_a_notice(client, outsider, notice, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[notice.pk])).status_code == 404


def test_an_outsider_gets_404_for_everything_else(client, outsider, applicant, notice, payment):
    """The co-department (which sees the case for its opinion), an applicant and a stranger."""
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user(username="stranger", password="x-Passw0rd")
    case_pk = notice.case_id
    for user in (outsider, applicant.user, stranger):
        client.force_login(user)
        assert client.get(reverse("fees:case", args=[case_pk])).status_code == 404
        assert client.post(reverse("fees:issue", args=[case_pk])).status_code == 404
        cancel = client.post(reverse("fees:cancel", args=[notice.pk]), {"reason": "x"})
        assert cancel.status_code == 404
        assert client.get(reverse("fees:refund", args=[payment.pk])).status_code == 404
        assert client.get(reverse("fees:notice", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.status == N.PAID


def test_a_supervisor_reads_but_cannot_take_money(client, supervisor, notice):
    client.force_login(supervisor)
    assert client.get(reverse("fees:case", args=[notice.case_id])).status_code == 200
    assert client.get(reverse("fees:notice", args=[notice.pk])).status_code == 200
    assert client.get(reverse("fees:pay", args=[notice.pk])).status_code == 403


def test_an_anonymous_user_is_sent_to_login(client, notice):
    response = client.get(reverse("fees:pay", args=[notice.pk]))
    assert response.status_code == 302
    assert reverse("org:login") in response["Location"]


def test_an_exemption_prints_its_legal_reason(client, clerk, accepted_case, exempt_rule):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    client.force_login(clerk)
    html = client.get(reverse("fees:notice", args=[notice.pk])).content.decode()
    assert "依法免收。免收依据：" in html
    assert "财税〔2017〕20号" in html
    assert "窗口缴费" not in html  # nothing to pay, so no way to pay is offered
