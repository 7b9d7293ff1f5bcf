"""The expert committee: size and composition, exclusions, a masked draw whose names no page
or API shows before the result, replacements from the same sequence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from onestop.draws.actions import verify_draw
from onestop.notify.models import Message
from onestop.trading import actions
from onestop.trading.errors import TradingError
from onestop.trading.models import Conflict, CreditRecord, Expert
from onestop.workdays.calendar import local_date

from .conftest import PASSPHRASE, bid, open_tender
from .helpers import RFC, draw_committee, to_publicity


def test_committee_size_rules(tender, officers, bidders, experts) -> None:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    at = p.opened_at
    for size, n in ((4, 4), (6, 6), (3, 3), (7, 4)):
        with pytest.raises(TradingError):
            actions.freeze_committee_draw(
                p,
                size=size,
                experts=n,
                draw_at=at + timedelta(hours=1),
                randomness="r",
                actor=officers[0],
                now=at,
            )
    actions.freeze_committee_draw(
        p,
        size=7,
        experts=5,
        draw_at=at + timedelta(hours=1),
        randomness="r",
        actor=officers[0],
        now=at,
    )


def test_conflicted_and_blacklisted_experts_are_excluded(
    tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    today = local_date(p.opened_at)
    Conflict.objects.create(
        expert=experts[0],
        kind="employer",
        credit_code=bidders[0].credit_code,
        ended_on=today - timedelta(days=365),
    )
    Conflict.objects.create(expert=experts[1], kind="relative", credit_code=bidders[1].credit_code)
    Conflict.objects.create(expert=experts[2], kind="participation", project=p)
    old = Conflict.objects.create(
        expert=experts[3],
        kind="employer",
        credit_code=bidders[2].credit_code,
        ended_on=date(today.year - 4, 1, 1),
    )
    experts[4].employer_credit_code = bidders[2].credit_code
    experts[4].save()
    experts[5].specialities = ["水利工程"]
    experts[5].save()
    CreditRecord.objects.create(
        subject="expert",
        name=experts[6].name,
        expert=experts[6],
        kind="blacklist",
        summary="违规评标",
        recorded_on=today,
    )
    eligible = {e.code for e in actions.eligible_experts(p, today)}
    excluded = {experts[i].code for i in (0, 1, 2, 4, 5, 6)}
    assert not eligible & excluded
    assert old.expert.code in eligible
    assert len(eligible) == 6


def test_names_stay_secret_until_the_result(tender, officers, bidders, experts, client) -> None:  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    members = actions.committee_members(p)
    assert len(members) == 5
    pages = [
        f"/trading/projects/{p.pk}/",
        f"/draws/{p.committee_draw_id}/",
        f"/draws/{p.committee_draw_id}.json",
        "/api/v1/trading/ocds.json",
        f"/api/v1/trading/projects/{p.pk}",
    ]
    client.force_login(officers[0])
    pages.append(f"/staff/trading/projects/{p.pk}/")
    for url in pages:
        body = client.get(url).content.decode()
        for e in experts:
            assert e.name not in body, (url, e.name)
    root = get_user_model().objects.create_superuser("root_c", "r@example.org", "x-Passw0rd!")
    client.force_login(root)
    body = client.get(f"/admin/draws/draw/{p.committee_draw_id}/change/").content.decode()
    assert p.committee_draw.list_sha256 in body
    assert not any(e.name in body for e in experts)
    actions.award(p, actor=officers[0], now=p.publicity_ends_at)
    body = client.get(f"/trading/projects/{p.pk}/").content.decode()
    assert all(m.name in body for m in members)
    assert verify_draw(p.committee_draw).ok


def test_a_replacement_continues_the_sequence(tender, officers, bidders, experts) -> None:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    p = draw_committee(p, officers[0], p.opened_at)
    first = p.committee_draw.picks.get(seq=0)
    before = {m.code for m in actions.committee_members(p)}
    new = actions.replace_expert(
        p, pick=first, reason="临时回避", actor=officers[0], now=p.opened_at
    )
    after = {m.code for m in actions.committee_members(p)}
    assert new.seq == 5 and len(after) == 5 and after != before
    assert verify_draw(p.committee_draw).ok
    assert RFC  # the same public sources
    # The drawn experts (and the replacement) are told by SMS on their own phones.
    phones = set(Message.objects.filter(channel="sms").values_list("address", flat=True))
    drawn = {e.phone for e in actions.committee_members(p)} | {
        e.phone for e in experts if e.code in before
    }
    assert phones == drawn and len(phones) == 6


def test_no_report_without_a_drawn_committee(tender, officers, bidders, experts) -> None:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    with pytest.raises(TradingError, match="评标委员会"):
        actions.report_evaluation(p, scores={}, actor=officers[0], now=p.opened_at)


def test_the_conflict_window_survives_the_29th_of_february(
    tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    """Three years before 2028-02-29 is 2025-02-28 (that year has no 29th)."""
    p = open_tender(tender, officers, bidders)
    leap = date(2028, 2, 29)
    Conflict.objects.create(
        expert=experts[0],
        kind="employer",
        credit_code=bidders[0].credit_code,
        ended_on=date(2025, 2, 28),
    )
    Conflict.objects.create(
        expert=experts[1],
        kind="employer",
        credit_code=bidders[1].credit_code,
        ended_on=date(2025, 2, 27),
    )
    eligible = {e.code for e in actions.eligible_experts(p, leap)}
    assert experts[0].code not in eligible and experts[1].code in eligible


def test_a_drawn_expert_who_works_for_a_bidder_stands_down_at_the_opening(  # type: ignore[no-untyped-def]
    tender, officers, bidders, experts
) -> None:
    """The committee is drawn after the deadline but before the opening, from a list that
    could not leave out the bidders' people; the opening replaces them from the same sequence."""
    for b, price in zip(bidders, ("3500000", "3620000", "3410000"), strict=False):
        bid(tender, b, price, tender.documents_issued_at + timedelta(days=1))
    at = tender.bid_deadline + timedelta(minutes=1)
    p = draw_committee(tender, officers[0], at)
    drawn = actions.committee_members(p)
    conflicted = {drawn[0].code, drawn[3].code}
    Expert.objects.filter(code=drawn[0].code).update(employer_credit_code=bidders[1].credit_code)
    Conflict.objects.create(expert=drawn[3], kind="relative", credit_code=bidders[2].credit_code)
    for o in officers:
        actions.present_share(p, officer=o, passphrase=PASSPHRASE, now=at + timedelta(hours=2))
    p = actions.open_bids(
        p, participants="监督员一名", actor=officers[0], now=at + timedelta(hours=2)
    )
    serving = {m.code for m in actions.committee_members(p)}
    assert len(serving) == 5 and not serving & conflicted
    stood_down = p.committee_draw.picks.filter(declined=True)
    assert stood_down.count() == 2
    assert set(
        p.committee_draw.picks.filter(replaces__in=stood_down).values_list("reason", flat=True)
    ) == {actions.RECUSAL}
    assert p.events.filter(action="expert_replaced", note=actions.RECUSAL).count() == 2
    assert verify_draw(p.committee_draw).ok
