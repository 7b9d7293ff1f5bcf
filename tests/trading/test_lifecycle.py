"""A tender through its legal calendar: notice period, clarifications, sealed bids, the
opening by key shares, failure with fewer than three bids, publicity, objections, award."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from onestop.core.errors import NotAllowed, TransitionError
from onestop.trading import actions
from onestop.trading.errors import TradingError
from onestop.trading.models import Bid, CreditRecord, Project

from .conftest import PASSPHRASE, bid, make_project, open_tender

S = Project.Status


def test_the_deadline_must_leave_twenty_days(officers, owner) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    p = make_project(officers[0], owner, now)
    actions.submit_for_review(p, actor=officers[0], now=now)
    with pytest.raises(TradingError, match="不得早于"):
        actions.approve_and_announce(
            p,
            bid_deadline=now + timedelta(days=19),
            officers=officers,
            threshold=3,
            actor=officers[0],
            now=now,
        )
    p = actions.approve_and_announce(
        p,
        bid_deadline=now + timedelta(days=20),
        officers=officers,
        threshold=3,
        actor=officers[0],
        now=now,
    )
    assert p.status == S.TENDERING and p.shares.count() == 3


def test_the_key_is_split_among_at_least_three_officers_with_keys(officers, owner) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    p = make_project(officers[0], owner, now)
    actions.submit_for_review(p, actor=officers[0], now=now)
    with pytest.raises(TradingError, match="3 名"):
        actions.approve_and_announce(
            p,
            bid_deadline=now + timedelta(days=25),
            officers=officers[:2],
            threshold=2,
            actor=officers[0],
            now=now,
        )
    p.refresh_from_db()
    assert p.status == S.REVIEW and p.public_key is None


def test_a_late_clarification_must_move_the_deadline(tender, officers) -> None:  # type: ignore[no-untyped-def]
    late = tender.bid_deadline - timedelta(days=10)
    with pytest.raises(TradingError, match="15 日"):
        actions.clarify(tender, text="工期调整", new_deadline=None, actor=officers[0], now=late)
    actions.clarify(
        tender, text="工期调整", new_deadline=late + timedelta(days=15), actor=officers[0], now=late
    )
    tender.refresh_from_db()
    assert tender.bid_deadline == late + timedelta(days=15)


def test_a_bid_is_sealed_and_gets_a_receipt(tender, bidders) -> None:  # type: ignore[no-untyped-def]
    receipt = bid(tender, bidders[0], "3500000", tender.documents_issued_at + timedelta(days=1))
    stored = Bid.objects.get(pk=receipt.bid.pk)
    raw = bytes(stored.ciphertext)
    assert b"3500000" not in raw and b"%PDF" not in raw
    assert stored.price is None and stored.document is None
    assert len(receipt.document_sha256) == 64 and receipt.receipt.startswith("TB")


def test_a_late_bid_is_refused(tender, bidders) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TradingError, match="逾期"):
        bid(tender, bidders[0], "3500000", tender.bid_deadline)


def test_a_blacklisted_bidder_is_refused(tender, bidders, officers) -> None:  # type: ignore[no-untyped-def]
    now = tender.documents_issued_at + timedelta(days=1)
    actions.record_credit(
        subject=CreditRecord.Subject.BIDDER,
        name=bidders[0].name,
        credit_code=bidders[0].credit_code,
        kind=CreditRecord.Kind.BLACKLIST,
        summary="串通投标",
        actor=officers[0],
        now=now,
        valid_days=365,
    )
    with pytest.raises(NotAllowed, match="黑名单"):
        bid(tender, bidders[0], "3500000", now)


def test_shares_are_refused_before_the_deadline(tender, officers) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TradingError, match="未到开标时间"):
        actions.present_share(
            tender,
            officer=officers[0],
            passphrase=PASSPHRASE,
            now=tender.bid_deadline - timedelta(seconds=1),
        )


def test_a_wrong_passphrase_unlocks_nothing(tender, officers) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TradingError, match="口令"):
        actions.present_share(
            tender, officer=officers[0], passphrase="wrong-pass", now=tender.bid_deadline
        )


def test_fewer_than_three_bids_fail_unopened(tender, officers, bidders) -> None:  # type: ignore[no-untyped-def]
    for b in bidders[:2]:
        bid(tender, b, "3000000", tender.documents_issued_at + timedelta(days=2))
    p = actions.open_bids(tender, participants="监督员", actor=officers[0], now=tender.bid_deadline)
    assert p.status == S.FAILED and "少于 3 个" in p.closed_reason
    assert all(b.price is None for b in p.bids.all())


def test_the_opening_needs_the_threshold_of_shares(tender, officers, bidders) -> None:  # type: ignore[no-untyped-def]
    for b in bidders[:3]:
        bid(tender, b, "3000000", tender.documents_issued_at + timedelta(days=2))
    at = tender.bid_deadline
    for o in officers[:2]:
        actions.present_share(tender, officer=o, passphrase=PASSPHRASE, now=at)
    with pytest.raises(TradingError, match="需要 3 份"):
        actions.open_bids(tender, participants="监督员", actor=officers[0], now=at)


def test_the_opening_decrypts_every_bid_at_once(tender, officers, bidders) -> None:  # type: ignore[no-untyped-def]
    p = open_tender(tender, officers, bidders)
    assert p.status == S.EVALUATING
    prices = sorted(b.price for b in p.bids.filter(status=Bid.Status.OPENED))
    assert prices == [Decimal("3410000"), Decimal("3500000"), Decimal("3620000")]
    assert "开标人员" in p.opening_participants


def test_a_resubmitted_bid_replaces_the_first(tender, bidders) -> None:  # type: ignore[no-untyped-def]
    t = tender.documents_issued_at + timedelta(days=1)
    bid(tender, bidders[0], "3500000", t)
    bid(tender, bidders[0], "3400000", t + timedelta(hours=1))
    assert tender.bids.filter(status=Bid.Status.SEALED).count() == 1


def test_cancel_before_the_deadline_only(tender, officers) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TransitionError):
        actions.cancel_project(tender, reason="x", actor=officers[0], now=tender.bid_deadline)
    p = actions.cancel_project(
        tender, reason="规划调整", actor=officers[0], now=tender.documents_issued_at
    )
    assert p.status == S.CANCELLED


def test_only_trading_officers_run_a_tender(owner, bidders) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed):
        make_project(owner.user, owner, timezone.now())
