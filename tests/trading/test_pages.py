"""The pages over HTTP: the officer's forms call the actions, bidders bid with a file and get
a receipt only they can see, outsiders are turned away, bad input is a Chinese message."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from onestop.trading.models import Bid, Project

from .conftest import PASSPHRASE, PDF, announce, make_project


@pytest.fixture
def live(officers, owner, bidders) -> Project:  # type: ignore[no-untyped-def]
    """A tender announced now, open for bids."""
    return announce(make_project(officers[0], owner, timezone.now()), officers, timezone.now())


def _announce_by_form(client, project, officers) -> None:  # type: ignore[no-untyped-def]
    client.post(f"/staff/trading/projects/{project.pk}/submit/")
    deadline = timezone.localtime(timezone.now() + timedelta(days=25)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/staff/trading/projects/{project.pk}/announce/",
        {"bid_deadline": deadline, "officers": [o.pk for o in officers], "threshold": "3"},
    )


def test_the_officer_runs_a_tender_by_forms(client, officers, owner, bidders) -> None:  # type: ignore[no-untyped-def]
    project = make_project(officers[0], owner, timezone.now())
    client.force_login(officers[0])
    _announce_by_form(client, project, officers)
    project.refresh_from_db()
    assert project.status == Project.Status.TENDERING
    for b in bidders[:3]:
        client.force_login(b.user)
        r = client.post(
            f"/trading/projects/{project.pk}/bid/",
            {
                "price": "3,500,000",
                "document": SimpleUploadedFile("bid.pdf", PDF, "application/pdf"),
            },
        )
        assert r.status_code == 302 and "/trading/bids/TB" in r["Location"]
        receipt = client.get(r["Location"]).content.decode()
        assert "SHA-256" in receipt
    assert project.bids.filter(status=Bid.Status.SEALED).count() == 3
    with time_machine.travel(project.bid_deadline + timedelta(minutes=1)):
        for o in officers:
            client.force_login(o)
            client.post(f"/staff/trading/projects/{project.pk}/share/", {"passphrase": PASSPHRASE})
        r = client.post(f"/staff/trading/projects/{project.pk}/open/", {"participants": "监督员"})
        project.refresh_from_db()
        assert project.status == Project.Status.EVALUATING
        page = client.get(f"/trading/projects/{project.pk}/").content.decode()
        assert "3500000.00" in page


def test_a_receipt_is_only_the_bidders(client, live, bidders) -> None:  # type: ignore[no-untyped-def]
    client.force_login(bidders[0].user)
    r = client.post(
        f"/trading/projects/{live.pk}/bid/",
        {"price": "100", "document": SimpleUploadedFile("bid.pdf", PDF, "application/pdf")},
    )
    url = r["Location"]
    client.force_login(bidders[1].user)
    assert client.get(url).status_code == 404


def test_bad_bids_are_messages_not_errors(client, live, bidders) -> None:  # type: ignore[no-untyped-def]
    client.force_login(bidders[0].user)
    r = client.post(
        f"/trading/projects/{live.pk}/bid/",
        {"price": "abc", "document": SimpleUploadedFile("bid.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 200 and "投标报价应为金额" in r.content.decode()
    r = client.post(
        f"/trading/projects/{live.pk}/bid/",
        {"price": "100", "document": SimpleUploadedFile("bid.exe", b"MZ..", "application/pdf")},
    )
    assert "应为 PDF" in r.content.decode()
    assert not live.bids.exists()


def test_staff_pages_are_for_trading_officers(client, tender, bidders, outsider) -> None:  # type: ignore[no-untyped-def]
    for user in (bidders[0].user, outsider):
        client.force_login(user)
        assert client.get("/staff/trading/").status_code == 403
        assert client.get(f"/staff/trading/projects/{tender.pk}/").status_code == 403
        assert (
            client.post(f"/staff/trading/projects/{tender.pk}/cancel/", {"reason": "x"}).status_code
            == 403
        )
    tender.refresh_from_db()
    assert tender.status == Project.Status.TENDERING


def test_bad_officer_input_is_a_message(client, officers, owner) -> None:  # type: ignore[no-untyped-def]
    project = make_project(officers[0], owner, timezone.now())
    client.force_login(officers[0])
    client.post(f"/staff/trading/projects/{project.pk}/submit/")
    r = client.post(
        f"/staff/trading/projects/{project.pk}/announce/",
        {"bid_deadline": "tomorrow", "officers": [], "threshold": "3"},
        follow=True,
    )
    assert "格式应为" in r.content.decode()
    assert client.post(f"/staff/trading/projects/{project.pk}/nonsense/").status_code == 404


def test_drafts_are_not_public(client, officers, owner) -> None:  # type: ignore[no-untyped-def]
    project = make_project(officers[0], owner, timezone.now())
    assert client.get(f"/trading/projects/{project.pk}/").status_code == 404
    assert client.get(f"/api/v1/trading/projects/{project.pk}").status_code == 404
    assert client.get("/api/v1/trading/projects").json() == []


def test_public_lists(client, tender) -> None:  # type: ignore[no-untyped-def]
    assert tender.title in client.get("/trading/").content.decode()
    assert client.get("/trading/?kind=land").status_code == 200
    assert client.get("/trading/credit/?q=公司").status_code == 200
    assert client.get("/trading/complaints/").status_code == 200
    data = client.get(f"/api/v1/trading/projects/{tender.pk}").json()
    assert data["code"] == tender.code and data["winner"] is None


def test_opening_key_page(client, district) -> None:  # type: ignore[no-untyped-def]
    from onestop.org.models import Role
    from tests.conftest import make_staff

    user = make_staff("trader_new", Role.TRADING_OFFICER, district, None)
    client.force_login(user)
    r = client.post(
        "/staff/trading/opening-key/", {"passphrase": "abcd1234", "passphrase2": "x"}, follow=True
    )
    assert "不一致" in r.content.decode()
    r = client.post(
        "/staff/trading/opening-key/",
        {"passphrase": "abcd1234", "passphrase2": "abcd1234"},
        follow=True,
    )
    assert "已于" in r.content.decode()


def test_the_pages_speak_english_too(client, tender, settings) -> None:  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        body = client.get(f"/trading/projects/{tender.pk}/").content.decode()
        assert "Tender notice" in body and "Legal calendar" in body and "Tendering" in body
        assert "Public random draws" in client.get("/draws/").content.decode()
        assert "Intermediary marketplace" in client.get("/intermediaries/").content.decode()
    finally:  # the locale middleware leaves the thread's language active
        translation.activate(settings.LANGUAGE_CODE)


def test_bidders_are_not_named_before_the_opening(client, live, bidders, officers) -> None:  # type: ignore[no-untyped-def]
    client.force_login(bidders[0].user)
    client.post(
        f"/trading/projects/{live.pk}/bid/",
        {"price": "100", "document": SimpleUploadedFile("bid.pdf", PDF, "application/pdf")},
    )
    client.force_login(officers[0])
    staff_page = client.get(f"/staff/trading/projects/{live.pk}/").content.decode()
    public_page = client.get(f"/trading/projects/{live.pk}/").content.decode()
    assert bidders[0].name not in staff_page and bidders[0].name not in public_page
    assert "已密封投标" not in staff_page  # nor how many (tests/security/test_sealed_bids.py)
