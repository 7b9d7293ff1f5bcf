"""The national rule of a 差评: a bad level (不满意, 非常不满意) names at least one indicator of
its channel and carries a comment; 基本满意 and better need neither. Enforced in the action,
whatever page or client calls it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.evaluation import actions
from onestop.evaluation.errors import EvaluationError
from onestop.evaluation.models import (
    BAD,
    INDICATORS,
    OFFLINE_INDICATORS,
    ONLINE_INDICATORS,
    Rating,
    Rectification,
)
from tests.evaluation.conftest import WHY_HALL, close_bad_rating

P = Rating.Channel.PORTAL


def _expected(score: int, reasons: list[str], comment: str, channel: str) -> str | None:
    """The field the rule refuses, or None when the rating is accepted (the model of the rule)."""
    allowed = OFFLINE_INDICATORS if channel == Rating.Channel.PAD else ONLINE_INDICATORS
    if any(r not in allowed for r in reasons):
        return "reasons"
    if score <= BAD and not reasons:
        return "reasons"
    if score <= BAD and not comment.strip():
        return "comment"
    return None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    score=st.integers(min_value=1, max_value=5),
    reasons=st.lists(st.sampled_from(sorted(INDICATORS)), max_size=4),
    comment=st.sampled_from(["", "   ", "窗口一次性告知了所有材料"]),
    channel=st.sampled_from(list(Rating.Channel)),
)
def test_the_bad_rating_rule(score, reasons, comment, channel, finish, applicant, window_a01):
    now = timezone.now()
    case = finish(now)
    actor = applicant.user if channel == P else None
    window = window_a01 if channel == Rating.Channel.PAD else None
    field = _expected(score, reasons, comment, channel)
    call = {"score": score, "reasons": reasons, "comment": comment, "channel": channel}
    if field is not None:
        with pytest.raises(EvaluationError) as err:
            actions.rate_case(case, actor=actor, now=now, window=window, **call)
        assert err.value.field == field
        assert not Rating.objects.filter(case=case).exists()
        assert not case.events.filter(kind="rated").exists()
        return
    rating = actions.rate_case(case, actor=actor, now=now, window=window, **call)
    rating.refresh_from_db()
    assert rating.reasons == list(dict.fromkeys(reasons))
    assert rating.comment == comment.strip()
    assert Rectification.objects.filter(rating=rating).exists() == (score <= BAD)


def test_the_messages_are_chinese(done_case, applicant):
    with pytest.raises(EvaluationError, match="差评请至少选择一项评价指标"):
        actions.rate_case(done_case, actor=applicant.user, now=timezone.now(), score=2, channel=P)
    with pytest.raises(EvaluationError, match="差评请填写评价意见"):
        actions.rate_case(
            done_case,
            actor=applicant.user,
            now=timezone.now(),
            score=1,
            channel=P,
            reasons=["efficiency"],
        )


def test_a_bad_rerate_needs_an_indicator_and_a_comment_too(done_case, applicant, head):
    close_bad_rating(done_case, applicant, head)
    now = timezone.now()
    with pytest.raises(EvaluationError) as err:
        actions.rerate(done_case, actor=applicant.user, now=now, score=2, comment="还是慢")
    assert err.value.field == "reasons"
    with pytest.raises(EvaluationError) as err:
        actions.rerate(done_case, actor=applicant.user, now=now, score=2, reasons=["efficiency"])
    assert err.value.field == "comment"
    assert Rating.objects.get(case=done_case).rerated_at is None
    rating = actions.rerate(
        done_case,
        actor=applicant.user,
        now=now,
        score=2,
        reasons=["efficiency"],
        comment="整改后仍要等三天",
    )
    assert (rating.rerate_score, rating.rerate_reasons) == (2, ["efficiency"])
    assert done_case.events.get(kind="rerated").data["reasons"] == ["efficiency"]


def test_the_rerate_of_a_pad_rating_names_hall_indicators(finish, applicant, head, window_a01):
    now = timezone.now()
    case = finish(now)
    rating = actions.rate_case(
        case,
        actor=None,
        now=now,
        score=1,
        channel=Rating.Channel.PAD,
        window=window_a01,
        **WHY_HALL,
    )
    rect = actions.record_followup(rating.rectification, actor=head, now=now, contact_note="已回访")
    actions.close_rectification(rect, actor=head, now=now, measure="窗口服务规范培训")
    with pytest.raises(EvaluationError) as err:
        actions.rerate(case, actor=None, now=now, score=4, reasons=["efficiency"])
    assert err.value.field == "reasons"
    rating = actions.rerate(case, actor=None, now=now, score=4, reasons=["service_level"])
    assert rating.rerate_reasons == ["service_level"]
