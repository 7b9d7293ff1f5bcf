"""The fee API (router onestop.fees.api), driven through ninja's test client as a signed-in
user; out-of-scope ids are 404 and domain errors are JSON with a code and a Chinese message."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from onestop.fees import actions
from onestop.fees.api import router
from onestop.fees.models import FeeNotice, Payment
from tests.fees.conftest import NOW

api = TestClient(router)


@pytest.fixture
def notice(accepted_case, clerk, fixed_rule) -> FeeNotice:
    n = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert n is not None
    return n


def test_the_case_fees_and_issuing(clerk, accepted_case, fixed_rule):
    response = api.get(f"/cases/{accepted_case.pk}", user=clerk)
    assert response.status_code == 200
    body = response.json()
    assert body["settled"] is False
    assert body["expected"] == "120.00"
    assert body["notices"] == []
    response = api.post(
        f"/cases/{accepted_case.pk}/notice", user=clerk, headers={"Idempotency-Key": "i-1"}
    )
    assert response.status_code == 200, response.json()
    [notice] = response.json()["notices"]
    assert notice["status"] == "issued" and notice["amount"] == "120.00"
    assert len(notice["code"]) == 20
    again = api.post(f"/cases/{accepted_case.pk}/notice", user=clerk)
    assert len(again.json()["notices"]) == 1


def test_paying_and_refunding(clerk, head, notice):
    wrong = api.post(
        f"/notices/{notice.pk}/payments",
        json={"method": "window_cash", "amount": "12.00"},
        user=clerk,
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "amount"
    assert "少于应缴金额" in wrong.json()["message"]
    paid = api.post(
        f"/notices/{notice.pk}/payments",
        json={"method": "window_card", "amount": "120.00", "reference": "POS-1"},
        user=clerk,
        headers={"Idempotency-Key": "p-1"},
    )
    assert paid.status_code == 201, paid.json()
    assert paid.json()["amount"] == "120.00"
    assert paid.json()["method_label"] == "窗口刷卡/扫码"
    twice = api.post(
        f"/notices/{notice.pk}/payments",
        json={"method": "window_card", "amount": "120.00"},
        user=clerk,
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "conflict"
    payment_id = paid.json()["id"]
    by_clerk = api.post(
        f"/payments/{payment_id}/refunds", json={"amount": "20", "reason": "多收"}, user=clerk
    )
    assert by_clerk.status_code == 403
    refund = api.post(
        f"/payments/{payment_id}/refunds", json={"amount": "20", "reason": "多收"}, user=head
    )
    assert refund.status_code == 201
    assert refund.json()["amount"] == "20.00"
    fees = api.get(f"/cases/{notice.case_id}", user=head).json()
    assert fees["settled"] is True
    assert fees["notices"][0]["payments"][0]["refunds"][0]["reason"] == "多收"


def test_the_api_takes_window_payments_only(clerk, notice):
    response = api.post(
        f"/notices/{notice.pk}/payments",
        json={"method": "gateway:nontax", "amount": "120.00"},
        user=clerk,
    )
    assert response.status_code == 422
    assert not Payment.objects.exists()


def test_cancelling(clerk, notice):
    response = api.post(f"/notices/{notice.pk}/cancel", json={"reason": "误开"}, user=clerk)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_the_reconciliation(clerk, notice, dept_b):
    actions.record_payment(notice, actor=clerk, now=NOW, method="window_cash", amount="120")
    body = api.get("/reconciliation?date=2026-03-10", user=clerk).json()
    assert body["date"] == "2026-03-10"
    [dept] = body["departments"]
    assert dept["paid"] == "120.00" and dept["by_method"] == {"window_cash": "120.00"}
    assert body["total"]["net"] == "120.00"
    assert api.get(f"/reconciliation?department={dept_b.pk}", user=clerk).status_code == 404


def test_an_outsider_gets_404(outsider, applicant, notice, clerk):
    payment = actions.record_payment(
        notice, actor=clerk, now=NOW, method="window_cash", amount="120"
    )
    for user in (outsider, applicant.user):
        assert api.get(f"/cases/{notice.case_id}", user=user).status_code == 404
        assert api.post(f"/cases/{notice.case_id}/notice", user=user).status_code == 404
        pay = api.post(
            f"/notices/{notice.pk}/payments",
            json={"method": "window_cash", "amount": "120"},
            user=user,
        )
        assert pay.status_code == 404
        assert (
            api.post(f"/notices/{notice.pk}/cancel", json={"reason": "x"}, user=user).status_code
            == 404
        )
        refund = api.post(
            f"/payments/{payment.pk}/refunds", json={"amount": "1", "reason": "x"}, user=user
        )
        assert refund.status_code == 404
    assert api.get("/reconciliation", user=applicant.user).status_code == 403
