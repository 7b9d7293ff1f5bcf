"""Payments at the window and refunds, with the amount-due rule and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from onestop.cases import actions as case_actions
from onestop.cases.audit import verify_cases
from onestop.cases.models import CaseEvent
from onestop.core.errors import NotAllowed, TransitionError
from onestop.fees import actions
from onestop.fees.compute import FeeError
from onestop.fees.models import FeeNotice, Payment, Refund
from tests.fees.conftest import NOW

N = FeeNotice.Status


@pytest.fixture
def notice(accepted_case, clerk, fixed_rule) -> FeeNotice:
    n = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert n is not None
    return n


def pay(notice, clerk, **kw):
    kw.setdefault("method", "window_cash")
    kw.setdefault("amount", "120.00")
    return actions.record_payment(notice, actor=clerk, now=kw.pop("now", NOW), **kw)


def test_it_records_a_window_payment(notice, clerk):
    paid_at = NOW + timedelta(minutes=5)
    payment = pay(notice, clerk, reference="川财票 0012345", now=paid_at)
    notice.refresh_from_db()
    assert notice.status == N.PAID
    assert notice.paid_at == paid_at
    assert payment.amount == Decimal("120.00")
    assert payment.by == clerk
    assert payment.method_display == "窗口现金"
    event = CaseEvent.objects.get(case=notice.case, kind="fee_paid")
    assert event.data == {
        "notice": notice.code,
        "amount": "120.00",
        "status": "paid",
        "payment": payment.pk,
        "paid": "120.00",
        "method": "window_cash",
        "reference": "川财票 0012345",
    }
    assert verify_cases() == []


@pytest.mark.parametrize(
    ("amount", "word"), [("100.00", "少于"), ("120.01", "多于"), ("200", "多于")]
)
def test_it_refuses_over_and_under_payment(notice, clerk, amount, word):
    with pytest.raises(FeeError, match=word) as exc:
        pay(notice, clerk, amount=amount)
    assert "不能多缴或少缴" in exc.value.message
    assert exc.value.field == "amount"
    notice.refresh_from_db()
    assert notice.status == N.ISSUED
    assert not Payment.objects.exists()


def test_equal_amounts_in_other_spellings_are_accepted(notice, clerk):
    pay(notice, clerk, amount="120")
    assert Payment.objects.get().amount == Decimal("120.00")


def test_a_float_amount_is_refused(notice, clerk):
    with pytest.raises(FeeError, match="浮点数"):
        pay(notice, clerk, amount=120.0)


def test_a_notice_is_paid_once(notice, clerk):
    pay(notice, clerk)
    with pytest.raises(TransitionError, match="已缴费"):
        pay(notice, clerk)
    assert Payment.objects.count() == 1


def test_a_repeated_request_key_pays_once(notice, clerk):
    first = pay(notice, clerk, key="pay-1")
    again = pay(notice, clerk, key="pay-1")
    assert first == again
    assert CaseEvent.objects.filter(case=notice.case, kind="fee_paid").count() == 1


def test_an_exempted_notice_takes_no_payment(accepted_case, clerk, exempt_rule):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    with pytest.raises(TransitionError, match="免收"):
        pay(notice, clerk, amount="0.01")


def test_only_a_clerk_of_the_department_takes_money(notice, reviewer, outsider, head):
    for actor in (reviewer, outsider, head):
        with pytest.raises(NotAllowed):
            pay(notice, actor)
    with pytest.raises(FeeError, match="缴费方式无效"):
        actions.record_payment(notice, actor=None, now=NOW, method="cheque", amount="120.00")
    with pytest.raises(NotAllowed):
        actions.record_payment(notice, actor=None, now=NOW, method="window_cash", amount="120")
    with pytest.raises(FeeError, match="未配置"):
        actions.record_payment(notice, actor=None, now=NOW, method="gateway:x", amount="120")


def test_a_withdrawn_case_takes_no_payment(notice, clerk):
    case_actions.withdraw_case(notice.case, actor=clerk, now=NOW, reason="撤回")
    with pytest.raises(TransitionError, match="已撤回"):
        pay(notice, clerk)


def test_a_receipt_number_is_used_once(accepted_case, new_case, clerk, notice):
    pay(notice, clerk, reference="R-1")
    from tests.cases.conftest import provide_all

    other = new_case()
    provide_all(other)
    other_notice = actions.issue_fee_notice(other, actor=clerk, now=NOW)
    with pytest.raises(FeeError, match="已用于其他缴款通知"):
        pay(other_notice, clerk, reference="R-1")


# --- refunds ---------------------------------------------------------------------------------


def test_the_head_refunds_in_part_then_in_full(notice, clerk, head):
    payment = pay(notice, clerk)
    part = actions.refund_payment(
        payment, actor=head, now=NOW + timedelta(days=1), amount="20.00", reason="多计一证"
    )
    notice.refresh_from_db()
    assert notice.status == N.PAID  # part of the fee stands
    assert actions.refundable(payment) == Decimal("100.00")
    with pytest.raises(FeeError, match="可退金额 100.00 元"):
        actions.refund_payment(payment, actor=head, now=NOW, amount="100.01", reason="退")
    rest = actions.refund_payment(
        payment, actor=head, now=NOW + timedelta(days=2), amount="100", reason="申请人撤回申请"
    )
    notice.refresh_from_db()
    assert notice.status == N.REFUNDED
    assert notice.refunded_at == NOW + timedelta(days=2)
    assert [r.amount for r in Refund.objects.order_by("at")] == [part.amount, rest.amount]
    kinds = list(
        CaseEvent.objects.filter(case=notice.case, kind="fee_refunded").values_list(
            "data", flat=True
        )
    )
    assert [(d["refunded"], d["full"]) for d in kinds] == [("20.00", False), ("100.00", True)]
    with pytest.raises(TransitionError, match="已退款"):
        actions.refund_payment(payment, actor=head, now=NOW, amount="1", reason="再退")
    assert verify_cases() == []


def test_a_refund_needs_the_head_and_a_reason(notice, clerk, head, approver):
    payment = pay(notice, clerk)
    for actor in (clerk, approver):
        with pytest.raises(NotAllowed):
            actions.refund_payment(payment, actor=actor, now=NOW, amount="1", reason="退")
    with pytest.raises(FeeError, match="原因"):
        actions.refund_payment(payment, actor=head, now=NOW, amount="1", reason="")
    with pytest.raises(FeeError, match="大于 0"):
        actions.refund_payment(payment, actor=head, now=NOW, amount="0", reason="退")
    assert not Refund.objects.exists()


def test_a_repeated_refund_key_refunds_once(notice, clerk, head):
    payment = pay(notice, clerk)
    first = actions.refund_payment(payment, actor=head, now=NOW, amount="10", reason="r", key="rf")
    again = actions.refund_payment(payment, actor=head, now=NOW, amount="10", reason="r", key="rf")
    assert first == again
    assert Refund.objects.count() == 1
