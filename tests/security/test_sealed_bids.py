"""Sealed bids (招标投标法第二十二条): before the opening nobody learns who bid or how many.

Each surface is read twice at the same frozen moment, before any bid and after three bidders
have bid (one of them twice, a fourth bid and withdrew): staff pages, the admin, the public
pages, the API and OCDS must come out byte for byte the same, so no count, name, credit code,
receipt or id can show. Only a bidder sees their own receipt. After the opening the record is
public as the law wants it."""
# The trading fixtures are imported by name, so the tests' parameters shadow them:
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from onestop.core.errors import NotAllowed
from onestop.notify.models import Message
from onestop.org.models import Applicant, Role
from onestop.trading import actions, queries
from onestop.trading.deadlines import sweep_trading
from onestop.trading.models import Bid, Conflict, Expert, Project
from onestop.workdays.calendar import local_date
from tests.conftest import make_staff
from tests.trading.conftest import (  # noqa: F401 - fixtures used by name
    PASSPHRASE,
    announce,
    bid,
    bidders,
    experts,
    make_enterprise,
    make_project,
    officers,
    open_tender,
    owner,
    tender,
)
from tests.trading.helpers import draw_committee

CST = ZoneInfo("Asia/Shanghai")
# A Wednesday in term time: nothing here depends on the day the suite runs.
T0 = datetime(2026, 6, 10, 9, 30, tzinfo=CST)
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]+"')


@pytest.fixture
def tender(officers, owner) -> Project:
    return announce(make_project(officers[0], owner, T0), officers, T0)


@pytest.fixture
def admin_user(db: None):  # type: ignore[no-untyped-def]
    return get_user_model().objects.create_superuser("root", "root@xiqu.gov.cn", "x-Passw0rd!")


@pytest.fixture
def supervisor_user(district):  # type: ignore[no-untyped-def]
    return make_staff("jiancha", Role.SUPERVISOR, district, None)


def place_bids(project: Project, bidders: list[Applicant]) -> list[actions.Receipt]:
    """Three bids stay sealed (the first bidder replaced theirs); a fourth was withdrawn."""
    day = T0 + timedelta(days=1)
    receipts = [bid(project, bidders[0], "3600000", day)]
    receipts += [
        bid(project, b, price, day + timedelta(hours=1))
        for b, price in zip(bidders, ["3500000", "3620000", "3410000", "3390000"], strict=True)
    ]
    actions.withdraw_bid(receipts[-1].bid, bidder=bidders[3], now=day + timedelta(hours=2))
    return receipts


def read(client: Client, url: str, user=None) -> str:  # type: ignore[no-untyped-def]
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200, url
    return CSRF.sub(r"\1", r.content.decode())


def surfaces(project: Project, officer, admin, bystander) -> dict[str, tuple[str, object]]:  # type: ignore[no-untyped-def]
    """Every place a bid could show, with who reads it."""
    pk = project.pk
    return {
        "officer's project page": (f"/staff/trading/projects/{pk}/", officer),
        "officer's project list": ("/staff/trading/", officer),
        "administrator's project page": (f"/staff/trading/projects/{pk}/", admin),
        "admin list": ("/admin/trading/project/", admin),
        "admin record": (f"/admin/trading/project/{pk}/change/", admin),
        "public page": (f"/trading/projects/{pk}/", None),
        "public list": ("/trading/", None),
        "page of a firm that did not bid": (f"/trading/projects/{pk}/", bystander),
        "API list": ("/api/v1/trading/projects", None),
        "API project": (f"/api/v1/trading/projects/{pk}", None),
        "OCDS": ("/api/v1/trading/ocds.json", None),
    }


def read_all(client: Client, project: Project, *people) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        name: read(client, url, user) for name, (url, user) in surfaces(project, *people).items()
    }


def secrets_of(receipts: list[actions.Receipt]) -> list[str]:
    """What would give a bid away: names, credit codes, accounts, ids, receipts, hashes."""
    out = []
    for r in receipts:
        b = r.bid.bidder
        out += [b.name, b.credit_code, b.user.username, r.receipt, r.document_sha256]
        out += [f"onestop-applicant-{b.pk}", f"CN-USCC-{b.credit_code}"]
    return out


@pytest.mark.parametrize("moment", ["before the deadline", "after the deadline, not opened"])
def test_no_surface_changes_when_bids_arrive(  # type: ignore[no-untyped-def]
    client, tender, officers, bidders, admin_user, moment
) -> None:
    assert tender.bid_deadline is not None
    at = T0 + timedelta(days=2) if moment.startswith("before") else tender.bid_deadline
    people = (officers[0], admin_user, make_bystander().user)
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        before = read_all(client, tender, *people)
        receipts = place_bids(tender, bidders)
        after = read_all(client, tender, *people)
    for name in before:
        assert after[name] == before[name], f"{name} changed when bids arrived"
        for secret in secrets_of(receipts):
            assert secret not in after[name], f"{name} shows {secret}"
    assert "收到投标" not in after["officer's project page"]


def make_bystander() -> Applicant:
    return make_enterprise("qita", "攀枝花市钒钛建筑安装有限公司", "91510400000000009A")


def test_the_officer_sees_no_count_of_sealed_bids(client, tender, officers, bidders) -> None:  # type: ignore[no-untyped-def]
    place_bids(tender, bidders)
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        page = read(client, f"/staff/trading/projects/{tender.pk}/", officers[0])
    assert "已密封投标" not in page and not re.search(r"[0-9] 份（", page)
    assert "开标前任何人" in page


def test_supervisors_have_no_way_in(client, tender, bidders, supervisor_user) -> None:  # type: ignore[no-untyped-def]
    place_bids(tender, bidders)
    client.force_login(supervisor_user)
    assert client.get(f"/staff/trading/projects/{tender.pk}/").status_code == 403
    assert client.get("/staff/trading/").status_code == 403


def test_bids_are_not_in_the_admin(client, admin_user, tender, bidders) -> None:  # type: ignore[no-untyped-def]
    receipts = place_bids(tender, bidders)
    client.force_login(admin_user)
    assert client.get("/admin/trading/bid/").status_code == 404
    assert client.get(f"/admin/trading/bid/{receipts[0].bid.pk}/change/").status_code == 404


def test_only_the_bidder_sees_their_receipt(client, tender, officers, bidders, admin_user) -> None:  # type: ignore[no-untyped-def]
    receipts = place_bids(tender, bidders)
    mine, theirs = receipts[1], receipts[2]
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        page = read(client, f"/trading/projects/{tender.pk}/", bidders[0].user)
        assert mine.receipt in page and theirs.receipt not in page
        assert receipts[0].receipt in page  # the bid they replaced is theirs too
        own = read(client, "/trading/bids/", bidders[0].user)
        assert mine.receipt in own and theirs.receipt not in own
        for who in (bidders[0].user, officers[0], admin_user):
            client.force_login(who)
            assert client.get(f"/trading/bids/{theirs.receipt}/").status_code == 404
            r = client.post(f"/trading/bids/{theirs.receipt}/withdraw/")
            assert r.status_code == 404
        client.force_login(bidders[1].user)
        assert client.get(f"/trading/bids/{theirs.receipt}/").status_code == 200
    assert Bid.objects.get(pk=theirs.bid.pk).status == Bid.Status.SEALED


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("anonymous", set()),
        ("officer", set()),
        ("administrator", set()),
        ("supervisor", set()),
        ("bystander", set()),
        ("bidder 0", {0, 1}),
        ("bidder 3", {4}),
    ],
)
def test_the_scoped_query_yields_only_own_bids_before_the_opening(  # type: ignore[no-untyped-def]
    tender,
    officers,
    bidders,
    admin_user,
    supervisor_user,
    viewer,
    sees,
) -> None:
    receipts = place_bids(tender, bidders)
    users = {
        "anonymous": AnonymousUser(),
        "officer": officers[0],
        "administrator": admin_user,
        "supervisor": supervisor_user,
        "bystander": make_bystander().user,
        "bidder 0": bidders[0].user,
        "bidder 3": bidders[3].user,
    }
    visible = set(queries.bids_visible_to(users[viewer]).values_list("pk", flat=True))
    assert visible == {receipts[i].bid.pk for i in sees}
    assert queries.opening_record(tender, users[viewer]) == []


def test_nothing_told_before_the_opening_names_or_counts_a_bidder(  # type: ignore[no-untyped-def]
    tender,
    officers,
    bidders,
    experts,
) -> None:
    """Expert SMS after the committee draw, the trading sweep's messages: no bidder in them."""
    receipts = place_bids(tender, bidders)
    assert tender.bid_deadline is not None
    at = tender.bid_deadline + timedelta(minutes=5)
    draw_committee(tender, officers[0], at)
    sweep_trading(at + timedelta(days=5))
    messages = list(Message.objects.all())
    assert messages, "the drawn experts are told"
    for m in messages:
        text = f"{m.subject} {m.body} {m.context} {m.address}"
        assert m.recipient_id not in {b.user_id for b in bidders}
        for secret in secrets_of(receipts):
            assert secret not in text
        assert not re.search(r"[0-9]+ ?(份|家|个)投标", text)


def test_after_the_opening_the_record_is_public(client, tender, officers, bidders) -> None:  # type: ignore[no-untyped-def]
    receipts = place_bids(tender, bidders)
    assert tender.bid_deadline is not None
    at = tender.bid_deadline + timedelta(minutes=1)
    for o in officers:
        actions.present_share(tender, officer=o, passphrase=PASSPHRASE, now=at)
    actions.open_bids(tender, participants="投标人代表三名，监督员一名", actor=officers[0], now=at)
    opened = bidders[:3]
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        staff = read(client, f"/staff/trading/projects/{tender.pk}/", officers[0])
        public = read(client, f"/trading/projects/{tender.pk}/")
        ocds = client.get("/api/v1/trading/ocds.json").json()
    for b in opened:
        assert b.name in staff and b.name in public
    assert bidders[3].name not in public  # the withdrawn bid is not read out
    assert "收到投标" in staff and receipts[1].receipt in staff
    (release,) = ocds["releases"]
    assert release["tender"]["numberOfTenderers"] == 3
    assert {t["name"] for t in release["tender"]["tenderers"]} == {b.name for b in opened}
    assert "3500000.00" in public


def test_a_failed_tender_gives_its_number_at_the_opening_and_no_names(  # type: ignore[no-untyped-def]
    client,
    tender,
    officers,
    bidders,
) -> None:
    """Fewer than three bids: the tender fails unopened; the count is read out at the opening
    (it is the reason), who bid never is."""
    day = T0 + timedelta(days=1)
    receipts = [bid(tender, b, "3500000", day) for b in bidders[:2]]
    assert tender.bid_deadline is not None
    at = tender.bid_deadline + timedelta(minutes=1)
    actions.open_bids(tender, participants="监督员一名", actor=officers[0], now=at)
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        staff = read(client, f"/staff/trading/projects/{tender.pk}/", officers[0])
        public = read(client, f"/trading/projects/{tender.pk}/")
        ocds = client.get("/api/v1/trading/ocds.json").content.decode()
    for page in (staff, public, ocds):
        assert "（2 个）" in page
        for secret in secrets_of(receipts):
            assert secret not in page
    assert [b.price for b in tender.bids.all()] == [None, None], "never decrypted"


def test_the_frozen_expert_list_does_not_tell_who_bid(
    client, tender, officers, bidders, experts
) -> None:  # type: ignore[no-untyped-def]
    """The committee's candidate list is public with its length before the opening: it must not
    lack the experts who work for, or are related to, a bidder (they stand down at the opening)."""
    Expert.objects.filter(pk=experts[0].pk).update(employer_credit_code=bidders[0].credit_code)
    Conflict.objects.create(expert=experts[1], kind="relative", credit_code=bidders[1].credit_code)
    place_bids(tender, bidders)
    assert tender.bid_deadline is not None
    p = draw_committee(tender, officers[0], tender.bid_deadline + timedelta(minutes=1))
    assert p.opened_at is None and p.committee_draw is not None
    page = read(client, f"/draws/{p.committee_draw.pk}/")
    assert "冻结的候选名单（12 项" in page  # every expert of the speciality
    assert p.events.get(action="experts_frozen").note == "候选专家 12 人"


def test_a_complaint_before_the_opening_does_not_tell_that_its_complainant_bid(  # type: ignore[no-untyped-def]
    tender, officers, bidders
) -> None:
    """Any enterprise may complain before the opening, so a complainant named on the staff
    page may or may not have bid; after the opening only bidders may."""
    now = tender.documents_issued_at + timedelta(days=1)
    outsider = bidders[3]  # an enterprise that has not bid
    bid(tender, bidders[0], "3500000", now)
    for who in (bidders[0], outsider):
        complaint = actions.file_complaint(
            tender,
            complainant=who,
            text="招标文件资格条件排斥潜在投标人",
            known_on=local_date(now),
            objection=None,
            now=now,
        )
        assert complaint.pk
    opened = open_tender(tender, officers, bidders[1:3])
    with pytest.raises(NotAllowed, match="开标后"):
        actions.file_complaint(
            opened,
            complainant=outsider,
            text="开标程序违法",
            known_on=local_date(opened.opened_at),
            objection=None,
            now=opened.opened_at,
        )
