"""好差评 moves: once per case, bad ratings open a rectification, follow-up, close, re-rate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings

from onestop.cases import actions as case_actions
from onestop.cases.audit import verify_cases
from onestop.cases.models import Case, CaseEvent, Task
from onestop.core.errors import NotAllowed, TransitionError
from onestop.documents.actions import issue_certificate
from onestop.evaluation import actions
from onestop.evaluation.errors import EvaluationError
from onestop.evaluation.models import Rating, Rectification
from onestop.workdays.calendar import local_date
from tests.case_fixtures import NOW, provide_all
from tests.evaluation.conftest import WHY_ONLINE

P = Rating.Channel.PORTAL
LATER = NOW + timedelta(hours=1)


def test_a_rating_is_recorded_once_per_case(done_case, applicant):
    rating = actions.rate_case(
        done_case,
        actor=applicant.user,
        now=LATER,
        score=5,
        comment="很快",
        tags=["办事效率高", "一次办好"],
        channel=P,
    )
    assert (rating.score, rating.get_score_display(), rating.tags) == (
        5,
        "非常满意",
        ["办事效率高", "一次办好"],
    )
    assert rating.department == done_case.department
    assert rating.rated_by == applicant.user and rating.real_name
    assert not Rectification.objects.exists()
    with pytest.raises(TransitionError, match="该办件已评价，每件只能评价一次"):
        actions.rate_case(
            done_case, actor=applicant.user, now=LATER, score=1, channel=P, **WHY_ONLINE
        )
    assert Rating.objects.count() == 1
    event = CaseEvent.objects.filter(case=done_case).latest("seq")
    assert event.kind == "rated" and event.data["score"] == 5
    assert verify_cases() == []


def test_a_repeated_request_key_does_nothing(done_case, applicant):
    first = actions.rate_case(
        done_case, actor=applicant.user, now=LATER, score=4, channel=P, key="k1"
    )
    again = actions.rate_case(
        done_case, actor=applicant.user, now=LATER, score=4, channel=P, key="k1"
    )
    assert first.pk == again.pk
    assert CaseEvent.objects.filter(case=done_case, kind="rated").count() == 1


def test_only_a_finished_case_can_be_rated(new_case, applicant):
    case = new_case()
    with pytest.raises(TransitionError, match="办结后才能评价"):
        actions.rate_case(case, actor=applicant.user, now=LATER, score=5, channel=P)


def test_a_case_not_accepted_can_be_rated(new_case, applicant, clerk):
    case = new_case()
    case = case_actions.not_accept(case, actor=clerk, now=NOW, reasons="不属于本部门职权范围")
    rating = actions.rate_case(case, actor=applicant.user, now=LATER, score=3, channel=P)
    assert rating.get_score_display() == "基本满意"


def test_only_the_applicant_rates_on_the_portal(done_case, other_applicant, clerk_b):
    with pytest.raises(NotAllowed, match="只有申请人本人"):
        actions.rate_case(done_case, actor=other_applicant.user, now=LATER, score=5, channel=P)
    with pytest.raises(NotAllowed, match="工作人员不能评价"):
        actions.rate_case(done_case, actor=clerk_b, now=LATER, score=5, channel=Rating.Channel.PAD)


def test_bad_scores_and_tags_are_refused_in_chinese(done_case, applicant):
    with pytest.raises(EvaluationError, match="请选择1至5分的评价"):
        actions.rate_case(done_case, actor=applicant.user, now=LATER, score=6, channel=P)
    with pytest.raises(EvaluationError, match="无效的评价标签：很好"):
        actions.rate_case(
            done_case, actor=applicant.user, now=LATER, score=5, tags=["很好"], channel=P
        )


def test_a_delivered_case_is_rated(new_case, applicant, clerk, reviewer, co_reviewer, approver):
    """The full road: accepted, reviewed, granted, certificate, completed, delivered, rated."""
    case = new_case()
    provide_all(case)
    case = case_actions.accept_case(case, actor=clerk, now=NOW)
    review = Task.objects.get(case=case, kind=Task.Kind.REVIEW)
    case_actions.submit_review(
        review, actor=reviewer, now=NOW + timedelta(days=1), recommend_grant=True, opinion="符合"
    )
    opinion = Task.objects.get(case=case, kind=Task.Kind.OPINION)
    case_actions.give_opinion(
        opinion, actor=co_reviewer, now=NOW + timedelta(days=2), agree=True, opinion="同意"
    )
    decide = Task.objects.get(case=case, kind=Task.Kind.DECIDE)
    case_actions.decide_case(decide, actor=approver, now=NOW + timedelta(days=3), grant=True)
    issue_certificate(case, actor=clerk, now=NOW + timedelta(days=4))
    case_actions.complete_case(case, actor=clerk, now=NOW + timedelta(days=4))
    case = case_actions.deliver_case(case, actor=clerk, now=NOW + timedelta(days=5))
    assert case.status == Case.Status.DELIVERED
    actions.rate_case(case, actor=applicant.user, now=NOW + timedelta(days=5), score=4, channel=P)
    assert CaseEvent.objects.filter(case=case).latest("seq").kind == "rated"
    assert verify_cases() == []


def test_a_bad_rating_opens_a_rectification_due_in_five_working_days(done_case, applicant):
    rating = actions.rate_case(
        done_case,
        actor=applicant.user,
        now=LATER,
        score=2,
        tags=["多次跑腿"],
        comment="材料要求说了三次才说清",
        reasons=["guide_accuracy"],
        channel=P,
    )
    rect = Rectification.objects.get(rating=rating)
    assert rect.status == Rectification.Status.OPEN
    assert rect.department == done_case.department
    # Rated Tue 2026-03-10: 5 working days later is Tue 2026-03-17.
    assert local_date(rect.due_at) == date(2026, 3, 17)


@override_settings(RATING_FOLLOWUP_DAYS=2)
def test_the_follow_up_days_come_from_settings(done_case, applicant):
    rating = actions.rate_case(
        done_case, actor=applicant.user, now=LATER, score=1, channel=P, **WHY_ONLINE
    )
    assert local_date(rating.rectification.due_at) == date(2026, 3, 12)


def _bad(done_case, applicant) -> Rectification:
    rating = actions.rate_case(
        done_case, actor=applicant.user, now=LATER, score=1, channel=P, **WHY_ONLINE
    )
    return Rectification.objects.get(rating=rating)


def test_follow_up_close_and_rerate_once(done_case, applicant, head, clerk):
    rect = _bad(done_case, applicant)
    with pytest.raises(TransitionError, match="差评整改办结后才能再评价"):
        actions.rerate(done_case, actor=applicant.user, now=LATER, score=5)
    with pytest.raises(TransitionError, match="请先核实并回访申请人"):
        actions.close_rectification(rect, actor=head, now=LATER, measure="加强培训")
    with pytest.raises(EvaluationError, match="请填写核实及回访情况"):
        actions.record_followup(rect, actor=head, now=LATER, contact_note=" ")
    rect = actions.record_followup(
        rect, actor=head, now=NOW + timedelta(days=1), contact_note="已电话联系申请人并致歉"
    )
    assert rect.status == Rectification.Status.CONTACTED and rect.handler == head
    with pytest.raises(EvaluationError, match="请填写整改措施"):
        actions.close_rectification(rect, actor=clerk, now=NOW + timedelta(days=2))
    rect = actions.close_rectification(
        rect, actor=clerk, now=NOW + timedelta(days=2), measure="一次性告知材料清单"
    )
    assert rect.status == Rectification.Status.CLOSED and rect.closed_at is not None
    with pytest.raises(TransitionError, match="已办结"):
        actions.record_followup(rect, actor=head, now=NOW + timedelta(days=2), contact_note="x")

    rating = actions.rerate(
        done_case, actor=applicant.user, now=NOW + timedelta(days=3), score=4, comment="改进了"
    )
    assert (rating.score, rating.rerate_score, rating.current_score) == (1, 4, 4)
    with pytest.raises(TransitionError, match="已再评价过一次"):
        actions.rerate(done_case, actor=applicant.user, now=NOW + timedelta(days=3), score=5)
    kinds = list(CaseEvent.objects.filter(case=done_case).values_list("kind", flat=True))
    assert kinds[-4:] == ["rated", "rating_followed_up", "rectification_closed", "rerated"]
    assert verify_cases() == []


def test_only_the_department_follows_up(done_case, applicant, outsider, clerk_b):
    rect = _bad(done_case, applicant)
    for who in (outsider, clerk_b):
        with pytest.raises(NotAllowed, match="只有本部门负责人或窗口人员"):
            actions.record_followup(rect, actor=who, now=LATER, contact_note="已联系")


def test_a_good_rating_cannot_be_rerated(done_case, applicant):
    actions.rate_case(done_case, actor=applicant.user, now=LATER, score=5, channel=P)
    with pytest.raises(TransitionError, match="差评整改办结后才能再评价"):
        actions.rerate(done_case, actor=applicant.user, now=LATER, score=4)
