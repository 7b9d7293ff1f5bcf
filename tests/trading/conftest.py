"""A tender's cast: three opening officers with keys, an owner, four bidders, an expert pool."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from onestop.org.models import Applicant, Region, Role
from onestop.trading import actions
from onestop.trading.models import Expert, Project
from tests.conftest import make_staff

PASSPHRASE = "kaibiao-2026"
PDF = b"%PDF-1.4\n% bid document\n"


@pytest.fixture
def officers(district: Region):  # type: ignore[no-untyped-def]
    users = [make_staff(f"trader{i}", Role.TRADING_OFFICER, district, None) for i in range(3)]
    now = timezone.now()
    for u in users:
        actions.register_opening_key(u, passphrase=PASSPHRASE, now=now)
    return users


def make_enterprise(username: str, name: str, code: str) -> Applicant:
    user = get_user_model().objects.create_user(username=username, password="x-Passw0rd!")
    return Applicant.objects.create(
        user=user, kind=Applicant.Kind.ENTERPRISE, name=name, credit_code=code, phone="13900000000"
    )


@pytest.fixture
def owner(db: None) -> Applicant:
    return make_enterprise("owner", "攀枝花市西区住房和城乡建设局", "11510403MB0000001X")


@pytest.fixture
def bidders(db: None) -> list[Applicant]:
    return [
        make_enterprise(f"bidder{i}", f"四川攀西建设工程有限公司{i}", f"9151040300000000{i}A")
        for i in range(4)
    ]


@pytest.fixture
def experts(db: None) -> list[Expert]:
    return [
        Expert.objects.create(
            code=f"ZJ{i:04d}",
            name=f"专家{i:02d}",
            phone=f"1390000{i:04d}",
            specialities=["房屋建筑"],
            employer=f"攀枝花学院{i}",
            employer_credit_code=f"12510400000000{i:02d}X",
        )
        for i in range(1, 13)
    ]


def make_project(officer, owner: Applicant, now: datetime, code: str = "XQ-GC-2026-001") -> Project:  # type: ignore[no-untyped-def]
    return actions.create_project(
        code=code,
        title="西区清香坪街道老旧小区改造工程",
        kind="construction",
        method="open",
        compulsory=True,
        owner=owner,
        agency="四川攀西招标代理有限公司",
        budget=Decimal("3800000"),
        qualification="建筑工程施工总承包三级及以上",
        description="老旧小区改造",
        lots=[],
        speciality="房屋建筑",
        actor=officer,
        now=now,
    )


def announce(project: Project, officers, now: datetime) -> Project:  # type: ignore[no-untyped-def]
    actions.submit_for_review(project, actor=officers[0], now=now)
    return actions.approve_and_announce(
        project,
        bid_deadline=now + timedelta(days=21),
        officers=officers,
        threshold=3,
        actor=officers[0],
        now=now,
    )


@pytest.fixture
def tender(officers, owner, bidders) -> Project:  # type: ignore[no-untyped-def]
    now = timezone.now() - timedelta(days=30)
    return announce(make_project(officers[0], owner, now), officers, now)


def bid(project: Project, bidder: Applicant, price: str, now: datetime):  # type: ignore[no-untyped-def]
    return actions.submit_bid(
        project,
        bidder=bidder,
        price=price,
        document=PDF + price.encode(),
        document_name="投标文件.pdf",
        lot=None,
        now=now,
    )


def open_tender(project: Project, officers, bidders, prices=("3500000", "3620000", "3410000")):  # type: ignore[no-untyped-def]
    assert project.documents_issued_at is not None and project.bid_deadline is not None
    for b, price in zip(bidders, prices, strict=False):
        bid(project, b, price, project.documents_issued_at + timedelta(days=1))
    at = project.bid_deadline + timedelta(minutes=1)
    for o in officers:
        actions.present_share(project, officer=o, passphrase=PASSPHRASE, now=at)
    return actions.open_bids(
        project, participants="投标人代表三名，监督员一名", actor=officers[0], now=at
    )
