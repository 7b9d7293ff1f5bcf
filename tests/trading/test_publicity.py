"""Candidates' publicity, objections that pause the process, complaints and their deadlines,
award and contract."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from onestop.core.errors import NotAllowed, TransitionError
from onestop.trading import actions
from onestop.trading.errors import TradingError
from onestop.trading.models import Complaint, Project
from onestop.workdays.calendar import local_date

from .conftest import open_tender
from .helpers import draw_committee, evaluate, to_publicity

S = Project.Status


def test_candidates_are_ranked_and_publicised_for_three_days(
    tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    p = draw_committee(p, officers[0], p.opened_at)
    p = evaluate(p, officers[0], p.opened_at + timedelta(hours=3))
    assert p.publicity_due is not None
    ranks = list(p.bids.filter(rank__isnull=False).order_by("rank").values_list("price", flat=True))
    assert ranks == [Decimal("3410000"), Decimal("3500000"), Decimal("3620000")]
    with pytest.raises(TradingError, match="3 日"):
        actions.publish_candidates(p, days=2, actor=officers[0], now=p.reported_at)
    p = actions.publish_candidates(p, days=3, actor=officers[0], now=p.reported_at)
    assert p.status == S.PUBLICITY


def test_award_waits_for_the_publicity_and_answered_objections(
    tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    with pytest.raises(TradingError, match="公示期未满"):
        actions.award(p, actor=officers[0], now=p.publicity_ends_at - timedelta(minutes=1))
    o = actions.raise_objection(
        p, bidder=bidders[1], text="第一名业绩不实", now=p.publicity_starts_at
    )
    assert o.answer_due == o.filed_at + timedelta(days=3)
    with pytest.raises(TradingError, match="暂停"):
        actions.award(p, actor=officers[0], now=p.publicity_ends_at)
    with pytest.raises(NotAllowed):
        actions.raise_objection(p, bidder=bidders[3], text="x", now=p.publicity_starts_at)
    actions.answer_objection(
        o, answer="经核查业绩属实", actor=officers[0], now=p.publicity_starts_at
    )
    p = actions.award(p, actor=officers[0], now=p.publicity_ends_at)
    assert p.status == S.AWARDED and p.winner.price == Decimal("3410000")
    with pytest.raises(TradingError, match="第四十六条"):
        actions.record_contract(
            p,
            amount=Decimal("3300000"),
            signed_on=local_date(p.awarded_at),  # the centre's day, not UTC's
            actor=officers[0],
            now=p.awarded_at,
        )
    p = actions.record_contract(
        p,
        amount=Decimal("3410000"),
        signed_on=local_date(p.awarded_at),  # the centre's day, not UTC's
        actor=officers[0],
        now=p.awarded_at + timedelta(days=1),
    )
    assert p.status == S.CONTRACTED


def test_complaint_deadlines_and_suspension(tender, officers, bidders, experts) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    now = p.publicity_starts_at
    with pytest.raises(TradingError, match="异议"):
        actions.file_complaint(
            p,
            complainant=bidders[1],
            text="评标不公",
            known_on=local_date(now),
            objection=None,
            now=now,
        )
    o = actions.raise_objection(p, bidder=bidders[1], text="评分有误", now=now)
    actions.answer_objection(o, answer="评分无误", actor=officers[0], now=now)
    with pytest.raises(TradingError, match="10 日"):
        actions.file_complaint(
            p,
            complainant=bidders[1],
            text="评标不公",
            known_on=local_date(now) - timedelta(days=11),
            objection=o,
            now=now,
        )
    c = actions.file_complaint(
        p, complainant=bidders[1], text="评标不公", known_on=local_date(now), objection=o, now=now
    )
    assert c.accept_due > now
    c = actions.accept_complaint(
        c, accept=True, suspend=True, reason="", actor=officers[0], now=now
    )
    p.refresh_from_db()
    assert p.status == S.SUSPENDED and c.decide_due > c.accept_due
    with pytest.raises(TransitionError, match="暂停"):
        actions.award(p, actor=officers[0], now=p.publicity_ends_at)
    actions.decide_complaint(
        c, upheld=False, decision="投诉不成立，驳回", actor=officers[0], now=now
    )
    p.refresh_from_db()
    assert p.status == S.PUBLICITY
    assert Complaint.objects.get(pk=c.pk).status == Complaint.Status.DECIDED
