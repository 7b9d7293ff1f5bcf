"""The intermediary marketplace's public pages show a need's description and the owners'
ratings of the work: free texts, so they go through the redaction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from onestop.intermediaries import actions
from onestop.org.models import Role
from tests.conftest import make_staff
from tests.trading.conftest import make_enterprise


@pytest.fixture
def agency(district):
    officer = make_staff("trader_p", Role.TRADING_OFFICER, district, None)
    account = make_enterprise("agency_p", "攀枝花市金江测绘院", "915104000000001234")
    item = actions.register(
        account=account,
        name=account.name,
        credit_code=account.credit_code,
        services=["survey"],
        qualifications="乙级测绘资质",
        service_areas="攀枝花市",
        prices="按国家标准",
        contact="李工",
        phone="0812-6660000",
        now=timezone.now(),
    )
    return actions.verify(item, approve=True, reason="", actor=officer, now=timezone.now())


def test_need_descriptions_and_ratings_are_published_redacted(client, agency):
    owner = make_enterprise("owner_p", "攀枝花市西区某房地产开发有限公司", "91510403000000200X")
    now = timezone.now()
    need = actions.post_need(
        owner=owner,
        service="survey",
        title="宗地测绘",
        description="宗地位于新宏路88号院内，现场联系人王建华，手机139 1234 5678",
        budget=Decimal("20000"),
        method="direct",
        quote_days=2,
        actor=owner.user,
        now=now,
    )
    actions.choose_direct(need, intermediary=agency, actor=owner.user, now=now)
    actions.record_contract(need, amount=Decimal("19000"), actor=owner.user, now=now)
    actions.record_delivery(need, actor=owner.user, now=now)
    actions.rate(
        need,
        score=2,
        comment="测绘员张志强（身份证510403198807153210）多次迟到",
        actor=owner.user,
        now=now,
    )
    text = (
        client.get(f"/intermediaries/needs/{need.pk}/").content.decode()
        + client.get(f"/intermediaries/{agency.pk}/").content.decode()
    )
    for leak in ("139 1234 5678", "510403198807153210", "88号院"):
        assert leak not in text, leak
    assert "宗地位于新宏路" in text and "多次迟到" in text
