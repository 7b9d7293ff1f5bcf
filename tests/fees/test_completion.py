"""The certificate is released only when the fees are paid or exempt: complete_case and
handle_instant (the lead's actions) ask settled(); the whole history stays in the audit chain."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onestop.cases import actions as case_actions
from onestop.cases.audit import verify_cases
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent
from onestop.documents.errors import DocumentError
from onestop.fees import actions
from onestop.fees.queries import settled
from tests.fees.conftest import GRANTED_AT, NOW, make_rule, provide_all

S = Case.Status


def issue_certificate():
    """The documents app's issue_certificate, or None while it does not exist."""
    try:
        from onestop.documents.actions import issue_certificate as issue
    except ImportError:
        return None
    return issue


def certificate(case, actor, now):
    """Issue the certificate where the documents app can (complete_case needs one)."""
    issue = issue_certificate()
    return issue(case, actor=actor, now=now) if issue else None


def test_completion_waits_for_payment(granted_case, clerk, fixed_rule):
    assert granted_case.status == S.GRANTED
    with pytest.raises(CaseError, match="费用尚未缴清"):
        case_actions.complete_case(granted_case, actor=clerk, now=GRANTED_AT)
    if issue_certificate():
        with pytest.raises(DocumentError, match="费用尚未缴清"):
            certificate(granted_case, clerk, GRANTED_AT)
    notice = actions.issue_fee_notice(granted_case, actor=clerk, now=GRANTED_AT)
    with pytest.raises(CaseError, match="费用尚未缴清"):
        case_actions.complete_case(granted_case, actor=clerk, now=GRANTED_AT)
    later = GRANTED_AT + timedelta(hours=1)
    actions.record_payment(notice, actor=clerk, now=later, method="window_card", amount="120.00")
    assert settled(granted_case)
    certificate(granted_case, clerk, later)
    case = case_actions.complete_case(granted_case, actor=clerk, now=later + timedelta(minutes=5))
    assert case.status == S.COMPLETED
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    tail = ["fee_notice_issued", "fee_paid"]
    if issue_certificate():
        tail.append("certificate_issued")
    assert kinds[-len(tail) - 1 :] == [*tail, "completed"]
    assert verify_cases() == []


def test_an_exempted_case_completes(granted_case, clerk, exempt_rule):
    actions.issue_fee_notice(granted_case, actor=clerk, now=GRANTED_AT)
    certificate(granted_case, clerk, GRANTED_AT)
    case = case_actions.complete_case(granted_case, actor=clerk, now=GRANTED_AT)
    assert case.status == S.COMPLETED


def test_a_case_refunded_in_full_before_completion_cannot_complete(
    granted_case, clerk, head, fixed_rule
):
    notice = actions.issue_fee_notice(granted_case, actor=clerk, now=GRANTED_AT)
    payment = actions.record_payment(
        notice, actor=clerk, now=GRANTED_AT, method="window_cash", amount="120.00"
    )
    actions.refund_payment(payment, actor=head, now=GRANTED_AT, amount="120.00", reason="误收")
    with pytest.raises(CaseError, match="费用尚未缴清"):
        case_actions.complete_case(granted_case, actor=clerk, now=GRANTED_AT)


def test_a_refused_case_completes_without_fees(
    accepted_case, clerk, reviewer, co_reviewer, approver, fixed_rule
):
    from onestop.cases.models import Task

    for task in Task.objects.filter(case=accepted_case, kind=Task.Kind.OPINION):
        case_actions.give_opinion(task, actor=co_reviewer, now=NOW, agree=False, opinion="不同意")
    case_actions.submit_review(
        Task.objects.get(case=accepted_case, kind=Task.Kind.REVIEW),
        actor=reviewer,
        now=NOW,
        recommend_grant=False,
        opinion="不符合",
    )
    case_actions.decide_case(
        Task.objects.get(case=accepted_case, kind=Task.Kind.DECIDE),
        actor=approver,
        now=NOW,
        grant=False,
        reasons="场所不符合要求",
    )
    case = case_actions.complete_case(accepted_case, actor=clerk, now=NOW)
    assert case.status == S.COMPLETED


def test_an_instant_item_is_handled_only_once_paid(new_case, instant_item, clerk):
    make_rule(instant_item.code, name="执照工本费", amount="10.00")
    case = new_case(item=instant_item)
    provide_all(case)
    with pytest.raises(CaseError, match="请先缴清费用"):
        case_actions.handle_instant(case, actor=clerk, now=NOW)
    notice = actions.issue_fee_notice(case, actor=clerk, now=NOW)
    assert notice is not None and case.status == S.DRAFT
    actions.record_payment(notice, actor=clerk, now=NOW, method="window_cash", amount="10")
    case = case_actions.handle_instant(case, actor=clerk, now=NOW + timedelta(minutes=1))
    assert case.status == S.COMPLETED
    assert verify_cases() == []
