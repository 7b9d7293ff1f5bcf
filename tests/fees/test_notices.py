"""Issuing and cancelling payment notices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from onestop.cases import actions as case_actions
from onestop.cases.audit import verify_cases
from onestop.cases.models import CaseEvent
from onestop.core.errors import NotAllowed, TransitionError
from onestop.fees import actions
from onestop.fees.compute import FeeError, payment_code_valid
from onestop.fees.models import FeeNotice
from tests.conftest import make_staff
from tests.fees.conftest import NOW

N = FeeNotice.Status


def events(case, kind):
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("seq"))


def test_it_issues_a_notice_from_a_fixed_rule(accepted_case, clerk, fixed_rule):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert notice is not None
    assert notice.status == N.ISSUED
    assert notice.amount == Decimal("120.00")
    assert payment_code_valid(notice.code)
    assert notice.code.startswith("51040326")
    assert notice.lines == [
        {
            "name": "食品经营许可证工本费",
            "unit": "证",
            "quantity": "1",
            "unit_price": "120.00",
            "amount": "120.00",
            "basis": fixed_rule.legal_basis,
        }
    ]
    [event] = events(accepted_case, "fee_notice_issued")
    assert event.actor == clerk
    assert event.data["notice"] == notice.code
    assert event.data["amount"] == "120.00"
    assert verify_cases() == []


def test_it_takes_the_quantity_from_the_application_form(new_case, clerk, per_unit_rule):
    case = new_case(form_data={"applicant_name": "张敏", "area": "86.4"})
    notice = actions.issue_fee_notice(case, actor=clerk, now=NOW)
    # 3.35 × 86.4 = 289.44
    assert notice is not None and notice.amount == Decimal("289.44")
    assert notice.lines[0]["quantity"] == "86.4"
    assert notice.lines[0]["unit"] == "平方米"


def test_a_missing_quantity_is_refused_in_chinese(new_case, clerk, per_unit_rule):
    case = new_case()
    with pytest.raises(FeeError, match="未填写计费数量") as exc:
        actions.issue_fee_notice(case, actor=clerk, now=NOW)
    assert exc.value.field == "form_data"
    assert not FeeNotice.objects.exists()


def test_an_exempt_rule_records_the_exemption_with_its_reason(accepted_case, clerk, exempt_rule):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert notice is not None
    assert notice.status == N.EXEMPTED
    assert notice.amount == Decimal("0.00")
    assert "财税〔2017〕20号" in notice.exempt_reason
    [event] = events(accepted_case, "fee_notice_issued")
    assert event.data["status"] == "exempted"
    assert "财税〔2017〕20号" in event.data["exempt_reason"]


def test_an_item_without_a_rule_gets_no_notice(accepted_case, clerk):
    assert actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW) is None
    assert not events(accepted_case, "fee_notice_issued")


def test_an_inactive_rule_charges_nothing(accepted_case, clerk, fixed_rule):
    fixed_rule.active = False
    fixed_rule.save()
    assert actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW) is None


def test_issuing_is_idempotent(accepted_case, clerk, fixed_rule):
    first = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    again = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW + timedelta(minutes=1))
    keyed = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW, key="k-1")
    keyed_again = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW, key="k-1")
    assert first == again == keyed == keyed_again
    assert FeeNotice.objects.count() == 1
    assert len(events(accepted_case, "fee_notice_issued")) == 1


def test_a_notice_keeps_its_lines_when_the_rule_changes(accepted_case, clerk, fixed_rule):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    fixed_rule.amount = Decimal("80.00")
    fixed_rule.save()
    notice.refresh_from_db()
    assert notice.amount == Decimal("120.00")
    assert notice.lines[0]["amount"] == "120.00"


def test_a_rule_survives_a_new_version_of_the_item(accepted_case, clerk, fixed_rule, item):
    # The rule is keyed by the implementation code, which every version of the item shares.
    assert accepted_case.item.code == fixed_rule.item_code == item.code
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    assert notice is not None


def test_only_a_clerk_of_the_department_issues(
    accepted_case, reviewer, outsider, fixed_rule, district, dept_b
):
    with pytest.raises(NotAllowed):
        actions.issue_fee_notice(accepted_case, actor=reviewer, now=NOW)
    other_clerk = make_staff("clerk_b", "clerk", district, dept_b)
    with pytest.raises(NotAllowed):
        actions.issue_fee_notice(accepted_case, actor=other_clerk, now=NOW)
    with pytest.raises(NotAllowed):
        actions.issue_fee_notice(accepted_case, actor=outsider, now=NOW)
    assert not FeeNotice.objects.exists()


def test_a_clerk_of_a_street_cannot_issue_for_a_district_case(
    accepted_case, street, dept_a, fixed_rule
):
    street_clerk = make_staff("clerk_street", "clerk", street, dept_a)
    with pytest.raises(NotAllowed):
        actions.issue_fee_notice(accepted_case, actor=street_clerk, now=NOW)


def test_a_closed_case_gets_no_notice(new_case, clerk, fixed_rule):
    case = new_case()
    case_actions.withdraw_case(case, actor=clerk, now=NOW, reason="申请人撤回")
    with pytest.raises(TransitionError, match="已撤回"):
        actions.issue_fee_notice(case, actor=clerk, now=NOW)


def test_a_cancelled_notice_can_be_replaced(accepted_case, clerk, head, fixed_rule):
    first = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    with pytest.raises(FeeError, match="原因"):
        actions.cancel_notice(first, actor=clerk, now=NOW, reason=" ")
    actions.cancel_notice(first, actor=head, now=NOW, reason="申请表面积填写有误")
    first.refresh_from_db()
    assert first.status == N.CANCELLED
    assert first.cancel_reason == "申请表面积填写有误"
    second = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW + timedelta(hours=1))
    assert second is not None and second.pk != first.pk and second.code != first.code
    with pytest.raises(TransitionError, match="已作废"):
        actions.cancel_notice(first, actor=clerk, now=NOW, reason="再次作废")
    [event] = events(accepted_case, "fee_notice_cancelled")
    assert event.data["reason"] == "申请表面积填写有误"
    assert verify_cases() == []


def test_a_paid_notice_cannot_be_cancelled(accepted_case, clerk, fixed_rule):
    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    actions.record_payment(notice, actor=clerk, now=NOW, method="window_cash", amount="120.00")
    with pytest.raises(TransitionError, match="已缴费"):
        actions.cancel_notice(notice, actor=clerk, now=NOW, reason="误开")


def test_the_database_allows_one_live_notice_per_case(accepted_case, clerk, fixed_rule):
    from django.db import IntegrityError, transaction

    notice = actions.issue_fee_notice(accepted_case, actor=clerk, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeNotice.objects.create(
            case=accepted_case, code="0" * 20, amount=notice.amount, issued_at=NOW
        )
