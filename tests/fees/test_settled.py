"""settled(case): what complete_case and handle_instant ask before releasing a certificate."""

from __future__ import annotations

from decimal import Decimal

from onestop.fees import actions
from onestop.fees.queries import case_fees, settled
from tests.fees.conftest import NOW


def issue(case, clerk):
    return actions.issue_fee_notice(case, actor=clerk, now=NOW)


def test_an_item_without_a_rule_is_settled(accepted_case):
    assert settled(accepted_case)


def test_a_rule_without_a_notice_is_not_settled(accepted_case, fixed_rule):
    assert not settled(accepted_case)
    assert case_fees(accepted_case).needs_notice


def test_an_exempt_rule_is_settled_once_the_exemption_is_recorded(
    accepted_case, clerk, exempt_rule
):
    assert not settled(accepted_case)
    issue(accepted_case, clerk)
    assert settled(accepted_case)


def test_an_unpaid_notice_is_not_settled_and_a_paid_one_is(accepted_case, clerk, fixed_rule):
    notice = issue(accepted_case, clerk)
    assert not settled(accepted_case)
    assert not case_fees(accepted_case).needs_notice
    actions.record_payment(notice, actor=clerk, now=NOW, method="window_card", amount="120.00")
    assert settled(accepted_case)


def test_a_refund_in_full_unsettles_and_a_partial_one_does_not(
    accepted_case, clerk, head, fixed_rule
):
    notice = issue(accepted_case, clerk)
    payment = actions.record_payment(
        notice, actor=clerk, now=NOW, method="window_cash", amount="120.00"
    )
    actions.refund_payment(payment, actor=head, now=NOW, amount="0.01", reason="找零差错")
    assert settled(accepted_case)
    actions.refund_payment(payment, actor=head, now=NOW, amount="119.99", reason="撤回申请")
    assert not settled(accepted_case)


def test_a_cancelled_notice_leaves_the_rule_owing(accepted_case, clerk, fixed_rule):
    notice = issue(accepted_case, clerk)
    actions.cancel_notice(notice, actor=clerk, now=NOW, reason="误开")
    assert not settled(accepted_case)
    fees = case_fees(accepted_case)
    assert fees.needs_notice and fees.notice == notice


def test_a_cancelled_notice_and_no_rule_any_more_is_settled(accepted_case, clerk, fixed_rule):
    notice = issue(accepted_case, clerk)
    actions.cancel_notice(notice, actor=clerk, now=NOW, reason="该事项已停征")
    fixed_rule.delete()
    assert settled(accepted_case)


def test_a_notice_stays_owed_after_its_rule_is_removed(accepted_case, clerk, fixed_rule):
    issue(accepted_case, clerk)
    fixed_rule.delete()
    assert not settled(accepted_case)


def test_a_per_unit_rule_that_comes_to_nothing_is_settled(new_case, per_unit_rule):
    assert settled(new_case(form_data={"applicant_name": "张敏", "area": "0"}))
    assert not settled(new_case(form_data={"applicant_name": "张敏", "area": "1"}))


def test_a_form_the_rule_cannot_price_is_not_settled(new_case, per_unit_rule):
    case = new_case()
    assert not settled(case)
    assert "未填写计费数量" in case_fees(case).error


def test_the_case_summary_shows_the_expected_fee(new_case, per_unit_rule):
    fees = case_fees(new_case(form_data={"applicant_name": "张敏", "area": "10"}))
    assert fees.rule == per_unit_rule
    assert fees.expected is not None and fees.expected.total == Decimal("33.50")
    assert fees.notice is None and fees.notices == []
