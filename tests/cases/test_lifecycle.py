"""A case from the window to delivery, against the legal clock."""

from datetime import date, timedelta

import pytest

from onestop.cases import actions
from onestop.cases.audit import verify_cases
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent, Task
from onestop.core.errors import NotAllowed, TransitionError
from onestop.documents.actions import issue_certificate
from onestop.workdays.calendar import local_date
from tests.cases.conftest import NOW, provide_all

S = Case.Status


def test_a_window_case_runs_to_delivery(new_case, clerk, reviewer, co_reviewer, approver):
    case = new_case()
    assert case.status == S.DRAFT
    assert case.number.startswith("510403-20260310-")
    provide_all(case)
    case = actions.accept_case(case, actor=clerk, now=NOW)
    assert case.status == S.ACCEPTED
    # Promised limit 10 working days from Tue 2026-03-10: due Tue 2026-03-24 (not counting 10th).
    assert local_date(case.due_at) == date(2026, 3, 24)
    review = Task.objects.get(case=case, kind=Task.Kind.REVIEW)
    opinion = Task.objects.get(case=case, kind=Task.Kind.OPINION)
    assert opinion.department.key == "mzj"

    actions.claim_task(review, actor=reviewer, now=NOW + timedelta(hours=1))
    case.refresh_from_db()
    assert case.status == S.UNDER_REVIEW
    actions.submit_review(
        review,
        actor=reviewer,
        now=NOW + timedelta(days=1),
        recommend_grant=True,
        opinion="材料齐全，符合条件",
    )
    case.refresh_from_db()
    assert case.status == S.UNDER_DECISION
    decide = Task.objects.get(case=case, kind=Task.Kind.DECIDE)
    with pytest.raises(TransitionError, match="区民政局"):
        actions.decide_case(decide, actor=approver, now=NOW + timedelta(days=2), grant=True)
    actions.give_opinion(
        opinion, actor=co_reviewer, now=NOW + timedelta(days=2), agree=True, opinion="同意"
    )
    actions.decide_case(decide, actor=approver, now=NOW + timedelta(days=3), grant=True)
    case.refresh_from_db()
    assert case.status == S.GRANTED
    assert case.certificate_due_at is not None
    with pytest.raises(CaseError, match="证照"):
        actions.complete_case(case, actor=clerk, now=NOW + timedelta(days=4))
    issue_certificate(case, actor=clerk, now=NOW + timedelta(days=4))
    case = actions.complete_case(case, actor=clerk, now=NOW + timedelta(days=4))
    case = actions.deliver_case(case, actor=clerk, now=NOW + timedelta(days=5))
    assert case.status == S.DELIVERED
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [
        "created",
        "accepted",
        "task_claimed",
        "reviewed",
        "opinion_given",
        "granted",
        "certificate_issued",
        "completed",
        "delivered",
    ]
    assert verify_cases() == []


def test_a_refusal_needs_reasons(new_case, clerk, reviewer, co_reviewer, approver):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    for task in Task.objects.filter(case=case, kind=Task.Kind.OPINION):
        actions.give_opinion(task, actor=co_reviewer, now=NOW, agree=False, opinion="不符合")
    review = Task.objects.get(case=case, kind=Task.Kind.REVIEW)
    actions.submit_review(
        review, actor=reviewer, now=NOW, recommend_grant=False, opinion="场所不符合要求"
    )
    decide = Task.objects.get(case=case, kind=Task.Kind.DECIDE)
    with pytest.raises(CaseError, match="理由"):
        actions.decide_case(decide, actor=approver, now=NOW, grant=False, reasons=" ")
    actions.decide_case(
        decide, actor=approver, now=NOW, grant=False, reasons="经营场所与污染源距离不足"
    )
    case.refresh_from_db()
    assert case.status == S.REFUSED


def test_acceptance_needs_the_required_materials(new_case, clerk):
    case = new_case()
    with pytest.raises(CaseError, match="营业执照"):
        actions.accept_case(case, actor=clerk, now=NOW)
    provide_all(case, except_=("食品安全管理制度",))
    with pytest.raises(CaseError, match="食品安全管理制度"):
        actions.accept_case(case, actor=clerk, now=NOW)
    case = actions.accept_case(case, actor=clerk, now=NOW, tolerated=["食品安全管理制度"])
    assert case.status == S.ACCEPTED
    assert case.materials.get(name="食品安全管理制度").state == "tolerated"


def test_a_tolerated_material_blocks_completion(new_case, clerk, reviewer, co_reviewer, approver):
    case = new_case()
    provide_all(case, except_=("食品安全管理制度",))
    actions.accept_case(case, actor=clerk, now=NOW, tolerated=["食品安全管理制度"])
    for t in Task.objects.filter(case=case, kind=Task.Kind.OPINION):
        actions.give_opinion(t, actor=co_reviewer, now=NOW, agree=True, opinion="同意")
    actions.submit_review(
        Task.objects.get(case=case, kind="review"),
        actor=reviewer,
        now=NOW,
        recommend_grant=True,
        opinion="同意",
    )
    actions.decide_case(
        Task.objects.get(case=case, kind="decide"), actor=approver, now=NOW, grant=True
    )
    with pytest.raises(CaseError, match="容缺材料"):
        actions.complete_case(case, actor=clerk, now=NOW)


def test_instant_items_are_done_on_the_spot(new_case, instant_item, clerk):
    case = new_case(item=instant_item)
    provide_all(case)
    case = actions.handle_instant(case, actor=clerk, now=NOW)
    assert case.status == S.COMPLETED
    assert case.completed_at == NOW
    with pytest.raises(TransitionError):
        actions.accept_case(case, actor=clerk, now=NOW)


def test_moves_not_allowed_in_the_state_are_refused(new_case, clerk):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    with pytest.raises(TransitionError, match="已受理"):
        actions.accept_case(case, actor=clerk, now=NOW)
    with pytest.raises(TransitionError):
        actions.deliver_case(case, actor=clerk, now=NOW)


def test_other_departments_cannot_move_the_case(new_case, outsider):
    case = new_case()
    provide_all(case)
    with pytest.raises(NotAllowed):
        actions.accept_case(case, actor=outsider, now=NOW)
    assert Case.objects.get(pk=case.pk).status == S.DRAFT


def test_a_repeated_key_does_nothing_the_second_time(new_case, clerk):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW, key="req-1")
    again = actions.accept_case(case, actor=clerk, now=NOW, key="req-1")
    assert again.status == S.ACCEPTED
    assert CaseEvent.objects.filter(case=case, kind="accepted").count() == 1
    assert Task.objects.filter(case=case, kind=Task.Kind.REVIEW).count() == 1


def test_the_chain_shows_a_tampered_event(new_case, clerk):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    assert verify_cases() == []
    CaseEvent.objects.filter(case=case, kind="accepted").update(data={"limit_days": 99})
    breaks = verify_cases()
    assert [(b.case_number, b.seq) for b in breaks] == [(case.number, 2)]


def test_finishing_a_case_texts_the_applicant_a_rating_link(
    new_case, instant_item, clerk, applicant
):
    from onestop.evaluation.actions import case_from_token
    from onestop.notify.models import Message

    case = new_case(item=instant_item)
    provide_all(case)
    actions.handle_instant(case, actor=clerk, now=NOW)
    (sms,) = Message.objects.filter(template="rating_invitation")
    assert (sms.channel, sms.address) == ("sms", applicant.phone)
    token = sms.body.rsplit("/", 2)[-2]
    assert case_from_token(token) == case


def test_a_refused_move_texts_nobody(new_case, clerk):
    from onestop.notify.models import Message

    case = new_case()
    with pytest.raises(CaseError):
        actions.accept_case(case, actor=clerk, now=NOW)
    assert not Message.objects.exists()
