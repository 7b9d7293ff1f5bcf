"""The marketplace: verification, the three ways to select, never by a department, quotes,
the draw, ratings that feed credit and suspend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from onestop.core.errors import NotAllowed, TransitionError
from onestop.draws.actions import verify_draw
from onestop.intermediaries import actions
from onestop.intermediaries.errors import IntermediaryError
from onestop.intermediaries.models import Intermediary, Need
from onestop.org.models import Region, Role
from onestop.trading.models import CreditRecord
from tests.conftest import make_staff
from tests.trading.conftest import make_enterprise


@pytest.fixture
def officer(district: Region):  # type: ignore[no-untyped-def]
    return make_staff("trader_m", Role.TRADING_OFFICER, district, None)


@pytest.fixture
def agencies(officer) -> list[Intermediary]:  # type: ignore[no-untyped-def]
    now = timezone.now()
    out = []
    for i in range(5):
        account = make_enterprise(f"agency{i}", f"攀枝花市测绘院{i}", f"9151040000000010{i}X")
        item = actions.register(
            account=account,
            name=account.name,
            credit_code=account.credit_code,
            services=["survey", "appraisal"] if i else ["survey"],
            qualifications="乙级测绘资质",
            service_areas="攀枝花市",
            prices="按国家标准",
            contact="李工",
            phone="0812-0000000",
            now=now,
        )
        out.append(actions.verify(item, approve=True, reason="", actor=officer, now=now))
    return out


@pytest.fixture
def owner(db: None):  # type: ignore[no-untyped-def]
    return make_enterprise("owner_m", "攀枝花市西区某房地产开发有限公司", "91510403000000200X")


def post(owner, method: str, now=None):  # type: ignore[no-untyped-def]
    return actions.post_need(
        owner=owner,
        service="survey",
        title="宗地测绘",
        description="",
        budget=Decimal("20000"),
        method=method,
        quote_days=2,
        actor=owner.user,
        now=now or timezone.now(),
    )


def test_unverified_agencies_are_not_qualified(officer, owner) -> None:  # type: ignore[no-untyped-def]
    account = make_enterprise("agency_x", "某测绘公司", "91510400000000999X")
    actions.register(
        account=account,
        name=account.name,
        credit_code=account.credit_code,
        services=["survey"],
        qualifications="丙级",
        service_areas="西区",
        prices="",
        contact="王",
        phone="1",
        now=timezone.now(),
    )
    assert actions.qualified("survey", timezone.now()) == []
    with pytest.raises(IntermediaryError, match="暂无"):
        post(owner, "direct")


def test_only_the_owner_chooses_never_a_department(agencies, owner, officer) -> None:  # type: ignore[no-untyped-def]
    need = post(owner, "direct")
    with pytest.raises(NotAllowed, match="不得指定"):
        actions.choose_direct(need, intermediary=agencies[0], actor=officer, now=timezone.now())
    need = actions.choose_direct(
        need, intermediary=agencies[0], actor=owner.user, now=timezone.now()
    )
    assert need.selected == agencies[0]


def test_lowest_quote_after_the_deadline(agencies, owner) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    need = post(owner, "quote", now)
    for a, amount in zip(agencies, ("18000", "15000", "16000"), strict=False):
        actions.submit_quote(need, intermediary=a, amount=Decimal(amount), now=now)
    with pytest.raises(IntermediaryError, match="尚未截止"):
        actions.choose_lowest(need, actor=owner.user, now=now)
    with pytest.raises(IntermediaryError, match="截止"):
        actions.submit_quote(
            need, intermediary=agencies[3], amount=Decimal(1), now=now + timedelta(days=3)
        )
    need = actions.choose_lowest(need, actor=owner.user, now=now + timedelta(days=3))
    assert need.selected == agencies[1]


def test_the_owner_draws_among_the_qualified_and_the_centre_checks(
    agencies, owner, officer
) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    need = post(owner, "draw", now)
    with pytest.raises(NotAllowed, match="项目业主"):
        actions.freeze_need_draw(
            need, draw_at=now + timedelta(hours=1), randomness="双色球", actor=officer, now=now
        )
    draw = actions.freeze_need_draw(
        need, draw_at=now + timedelta(hours=1), randomness="双色球", actor=owner.user, now=now
    )
    assert len(draw.entries) == 5
    with pytest.raises(NotAllowed, match="项目业主"):
        actions.perform_need_draw(
            need, sources=["3 8 15 22 27 31", "9"], actor=officer, now=now + timedelta(hours=1)
        )
    with pytest.raises(TransitionError, match="尚未抽取"):
        actions.check_need_draw(need, actor=officer, now=now + timedelta(hours=1))
    need = actions.perform_need_draw(
        need, sources=["3 8 15 22 27 31", "9"], actor=owner.user, now=now + timedelta(hours=1)
    )
    assert need.selected in agencies
    assert verify_draw(need.draw).ok
    with pytest.raises(NotAllowed):
        actions.check_need_draw(need, actor=owner.user, now=now + timedelta(hours=2))
    checked = actions.check_need_draw(need, actor=officer, now=now + timedelta(hours=2))
    assert checked.sources_checked_by == officer


def test_the_owner_draw_form_keeps_what_was_typed(agencies, owner, client) -> None:  # type: ignore[no-untyped-def]
    need = post(owner, "draw")
    client.force_login(owner.user)
    url = f"/intermediaries/needs/{need.pk}/"
    answer = client.post(
        f"{url}freeze/", {"draw_at": "2020-01-01T10:00", "randomness": "双色球第2026140期"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "抽取时间必须晚于现在" in page and "双色球第2026140期" in page
    need.refresh_from_db()
    assert need.draw is None
    later = timezone.localtime() + timedelta(days=1)
    answer = client.post(
        f"{url}freeze/",
        {"draw_at": later.strftime("%Y-%m-%dT%H:%M"), "randomness": "双色球第2026140期"},
    )
    assert answer.status_code == 302
    need.refresh_from_db()
    assert need.draw is not None and need.draw.frozen_by == owner.user
    answer = client.post(f"{url}draw/", {"source_1": "", "source_2": "09"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "请至少填写一个随机源的开奖号码" in page and 'value="09"' in page
    answer = client.post(f"{url}draw/", {"source_1": "03 08 15 22 27 31", "source_2": "09"})
    assert answer.status_code == 400 and "未到公布的抽取时间" in answer.content.decode()


def test_poor_ratings_feed_credit_and_suspend(agencies, owner) -> None:  # type: ignore[no-untyped-def]
    target = agencies[0]
    for n in range(3):
        need = post(owner, "direct")
        now = timezone.now()
        actions.choose_direct(need, intermediary=target, actor=owner.user, now=now)
        actions.record_contract(need, amount=Decimal("19000"), actor=owner.user, now=now)
        actions.record_delivery(need, actor=owner.user, now=now)
        if n == 0:
            with pytest.raises(IntermediaryError, match="差评"):
                actions.rate(need, score=1, comment="", actor=owner.user, now=now)
        actions.rate(need, score=1, comment="成果错误，延误两周", actor=owner.user, now=now)
    target.refresh_from_db()
    assert target.status == Intermediary.Status.SUSPENDED
    assert (
        CreditRecord.objects.filter(credit_code=target.credit_code, kind="violation").count() == 3
    )
    assert target not in actions.qualified("survey", timezone.now())
    assert target.rating == 1.0


def test_a_blacklisted_agency_is_not_qualified(agencies, officer) -> None:  # type: ignore[no-untyped-def]
    CreditRecord.objects.create(
        subject="intermediary",
        name=agencies[2].name,
        credit_code=agencies[2].credit_code,
        kind="blacklist",
        summary="出具虚假报告",
        recorded_on=timezone.now().date(),
    )
    assert agencies[2] not in actions.qualified("survey", timezone.now())


def test_public_pages(agencies, client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/intermediaries/").content.decode()
    assert agencies[0].name in body
    assert client.get("/intermediaries/?kiosk=1&service=appraisal").status_code == 200
    assert client.get(f"/intermediaries/{agencies[0].pk}/").status_code == 200
    assert client.get("/intermediaries/needs/").status_code == 200


def test_the_desk_is_for_trading_officers(officer, owner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner.user)
    assert client.get("/intermediaries/desk/").status_code == 403
    client.force_login(officer)
    assert client.get("/intermediaries/desk/").status_code == 200


def test_owner_pages_walk_a_need(agencies, owner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner.user)
    r = client.post(
        "/intermediaries/needs/new/",
        {
            "title": "房屋面积测绘",
            "service": "survey",
            "budget": "8000",
            "method": "direct",
            "quote_days": "0",
        },
    )
    need = Need.objects.get(title="房屋面积测绘")
    assert r.status_code == 302
    client.post(f"/intermediaries/needs/{need.pk}/direct/", {"intermediary": agencies[1].pk})
    client.post(f"/intermediaries/needs/{need.pk}/contract/", {"amount": "7800"})
    client.post(f"/intermediaries/needs/{need.pk}/deliver/")
    client.post(f"/intermediaries/needs/{need.pk}/rate/", {"score": "5", "comment": ""})
    need.refresh_from_db()
    assert need.status == Need.Status.RATED and need.contract_amount == Decimal("7800")
    r = client.post(
        "/intermediaries/needs/new/",
        {"title": "x", "service": "survey", "budget": "abc", "method": "direct"},
    )
    assert r.status_code == 200 and "金额应为数字" in r.content.decode()


def test_a_need_links_only_the_owners_own_case_or_project(agencies, owner, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner.user)
    data = {"title": "测绘", "service": "survey", "budget": "8000", "method": "direct"}
    r = client.post("/intermediaries/needs/new/", {**data, "case_number": "XQ2026000001"})
    assert "不是您的办件" in r.content.decode()
    r = client.post("/intermediaries/needs/new/", {**data, "project_code": "NOPE"})
    assert "不是您的项目" in r.content.decode()
    assert not Need.objects.exists()
