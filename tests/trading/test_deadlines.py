"""The trading sweep keeps the statutory timers: candidates published inside Art. 54's three
days by the system when nobody did, and each overdue objection, complaint or contract announced
once to the officers and supervisors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from onestop.jobs import JOBS, run_job
from onestop.notify.models import Message
from onestop.trading import actions, rules
from onestop.trading.deadlines import sweep_trading
from onestop.trading.errors import TradingError
from onestop.trading.models import Event, KeyShare, Project
from onestop.workdays.calendar import local_date
from tests.threads import at_once

from .conftest import open_tender
from .helpers import draw_committee, evaluate, to_publicity

S = Project.Status


def _reported(tender, officers, bidders) -> Project:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    p = draw_committee(p, officers[0], p.opened_at + timedelta(hours=1))
    return evaluate(p, officers[0], p.opened_at + timedelta(hours=4))


def _inbox(user, template: str = "trading_deadline") -> list[Message]:  # type: ignore[no-untyped-def]
    return list(Message.objects.filter(recipient=user, template=template))


def test_the_sweep_is_a_registered_job() -> None:
    assert "sweep_trading" in {job.name for job in JOBS}


def test_opening_keeps_no_unlocked_share(tender, officers, bidders, experts) -> None:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    assert p.status == S.EVALUATING
    shares = KeyShare.objects.filter(project=p)
    assert shares.count() == 3
    assert not shares.filter(presented_share__isnull=False).exists()
    assert not shares.filter(presented_at__isnull=True).exists()


def test_unpublished_candidates_are_published_by_the_system_inside_three_days(
    tender, officers, bidders, experts, supervisor
) -> None:  # type: ignore[no-untyped-def]
    p = _reported(tender, officers, bidders)
    assert p.publicity_due is not None and p.reported_at is not None
    early = p.publicity_due - rules.AUTO_PUBLISH_AHEAD - timedelta(minutes=5)
    assert sweep_trading(early)["published"] == 0
    p.refresh_from_db()
    assert p.status == S.EVALUATING

    at = p.publicity_due - rules.AUTO_PUBLISH_AHEAD + timedelta(minutes=3)
    assert run_job("sweep_trading", at)["published"] == 1  # type: ignore[index]
    p.refresh_from_db()
    assert p.status == S.PUBLICITY
    assert p.publicity_starts_at == at <= p.publicity_due
    assert p.publicity_ends_at == at + timedelta(days=rules.PUBLICITY_DAYS)
    event = p.events.get(action="publicised")
    assert event.actor is None and "系统依法自动公示" in event.note
    for person in [*officers, supervisor]:
        [message] = _inbox(person)
        assert p.code in message.subject and "自动公示" in message.subject

    # Again, and later: nothing more happens, and the officers' own steps carry on.
    assert sweep_trading(at + timedelta(minutes=5))["published"] == 0
    assert p.events.filter(action="publicised").count() == 1
    p = actions.award(p, actor=officers[0], now=p.publicity_ends_at)
    assert p.status == S.AWARDED


def test_candidates_the_officers_published_are_left_alone(
    tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    starts = p.publicity_starts_at
    assert p.publicity_due is not None
    assert sweep_trading(p.publicity_due + timedelta(days=1))["published"] == 0
    p.refresh_from_db()
    assert p.publicity_starts_at == starts
    assert p.events.get(action="publicised").actor == officers[0]


def test_an_overdue_objection_is_announced_once_and_pauses_the_award(
    tender, officers, bidders, experts, supervisor
) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    o = actions.raise_objection(
        p, bidder=bidders[1], text="第一名业绩不实", now=p.publicity_starts_at
    )
    assert sweep_trading(o.answer_due - timedelta(minutes=1))["objections"] == 0
    after = o.answer_due + timedelta(minutes=1)
    assert sweep_trading(after)["objections"] == 1
    assert sweep_trading(after + timedelta(hours=1))["objections"] == 0
    [event] = p.events.filter(action="objection_overdue")
    assert event.key == f"late-objection-{o.pk}" and "第五十四条" in event.note
    assert len(_inbox(supervisor)) == 1 and len(_inbox(officers[2])) == 1
    with pytest.raises(TradingError, match="暂停"):
        actions.award(p, actor=officers[0], now=max(after, p.publicity_ends_at))
    actions.answer_objection(o, answer="经核查属实", actor=officers[0], now=after)
    assert sweep_trading(after + timedelta(days=1))["objections"] == 0


def test_the_project_record_names_the_overdue_step_in_chinese(
    client, tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    o = actions.raise_objection(p, bidder=bidders[1], text="异议", now=p.publicity_starts_at)
    sweep_trading(o.answer_due + timedelta(minutes=1))
    client.force_login(officers[1])
    page = client.get(f"/staff/trading/projects/{p.pk}/").content.decode()
    assert "异议逾期未答复" in page and "公示中标候选人" in page
    assert "objection_overdue" not in page


def test_overdue_complaint_steps_are_announced_each_once(
    tender, officers, bidders, experts, supervisor
) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    now = p.publicity_starts_at
    o = actions.raise_objection(p, bidder=bidders[1], text="评分有误", now=now)
    actions.answer_objection(o, answer="评分无误", actor=officers[0], now=now)
    c = actions.file_complaint(
        p, complainant=bidders[1], text="评标不公", known_on=local_date(now), objection=o, now=now
    )
    late = c.accept_due + timedelta(minutes=1)
    counts = sweep_trading(late)
    assert counts["complaint_acceptance"] == 1 and counts["complaint_decision"] == 0
    assert sweep_trading(late)["complaint_acceptance"] == 0

    c = actions.accept_complaint(
        c, accept=True, suspend=True, reason="", actor=supervisor, now=late
    )
    assert c.decide_due is not None
    assert sweep_trading(c.decide_due - timedelta(minutes=1))["complaint_decision"] == 0
    counts = sweep_trading(c.decide_due + timedelta(minutes=1))
    assert counts["complaint_decision"] == 1 and counts["complaint_acceptance"] == 0
    actions_ = list(p.events.filter(key__startswith="late-").values_list("action", flat=True))
    assert sorted(actions_) == ["complaint_accept_overdue", "complaint_decide_overdue"]
    assert len(_inbox(supervisor)) == 2


def test_an_unsigned_contract_is_announced_after_thirty_days(
    tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    p = actions.award(p, actor=officers[0], now=p.publicity_ends_at)
    assert p.contract_due is not None
    assert sweep_trading(p.contract_due - timedelta(minutes=1))["contracts"] == 0
    assert sweep_trading(p.contract_due + timedelta(minutes=1))["contracts"] == 1
    assert sweep_trading(p.contract_due + timedelta(days=2))["contracts"] == 0
    actions.record_contract(
        p,
        amount=Decimal("3410000"),
        signed_on=local_date(p.awarded_at),
        actor=officers[0],
        now=p.contract_due + timedelta(days=2),
    )
    assert Event.objects.filter(project=p, key="late-contract").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_nodes_sweeping_at_once_publish_and_announce_once(
    tender, officers, bidders, experts, supervisor
) -> None:  # type: ignore[no-untyped-def]
    p = _reported(tender, officers, bidders)
    other = to_publicity(
        open_tender(announce_copy(tender, officers), officers, bidders, prices=("1", "2", "3")),
        officers[0],
    )
    o = actions.raise_objection(
        other, bidder=bidders[0], text="异议", now=other.publicity_starts_at
    )
    assert p.publicity_due is not None
    at = max(p.publicity_due, o.answer_due) + timedelta(minutes=1)
    results = at_once(lambda: sweep_trading(at))
    assert sum(r["published"] for r in results) == 1
    assert sum(r["objections"] for r in results) == 1
    assert Event.objects.filter(project=p, action="publicised").count() == 1
    assert Event.objects.filter(project=other, action="objection_overdue").count() == 1
    assert len(_inbox(supervisor)) == 2


def announce_copy(tender: Project, officers) -> Project:  # type: ignore[no-untyped-def]
    from .conftest import announce, make_project

    now = tender.created_at
    owner = tender.owner
    return announce(make_project(officers[0], owner, now, code="XQ-GC-2026-002"), officers, now)
