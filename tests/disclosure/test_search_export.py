"""The public page, API and export: search by counterpart, item, department, decision and date;
the workbook has numbers as numbers and dates as dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from onestop.documents.actions import issue_certificate
from onestop.workdays.calendar import local_date
from tests.disclosure.conftest import GRANTED_AT, NOW

pytestmark = pytest.mark.django_db

API = "/api/v1/disclosure/licences"


@pytest.fixture
def decisions(granted_case, decide_on_spot, enterprise):
    """A person's grant (GRANTED_AT) and an enterprise's on-the-spot grant (NOW)."""
    return granted_case, decide_on_spot(enterprise)


def page(client: Client, **params: str) -> str:
    response = client.get(reverse("portal:licences"), params)
    assert response.status_code == 200
    return response.content.decode()


def api(client: Client, **params: str) -> dict:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_page_lists_every_decision_without_login(client, decisions):
    html = page(client)
    assert "成都金沙餐饮管理有限公司" in html
    assert "914403001922038216" in html
    assert "张*" in html
    assert "张敏" not in html
    assert "11010519491231002X" not in html
    assert "13881234567" not in html


@pytest.mark.parametrize(
    ("params", "company", "person"),
    [
        ({"q": "金沙餐饮"}, True, False),
        ({"q": "914403001922038216"}, True, False),
        ({"q": "914403001922038216".lower()}, True, False),
        ({"q": "张"}, False, True),
        ({"q": "张敏"}, False, False),  # a person's full name finds nothing: no oracle
        ({"item": "个体工商户名称变更"}, True, False),
        ({"item": "食品经营"}, False, True),
        ({"department": "scjgj"}, True, True),
        ({"department": "mzj"}, False, False),
        ({"decision": "refused"}, False, False),
        ({"start": local_date(GRANTED_AT).isoformat()}, False, True),
        ({"end": local_date(NOW).isoformat()}, True, False),
    ],
)
def test_search_finds_by_counterpart_item_department_and_date(
    client, decisions, params, company, person
):
    html = page(client, **params)
    assert ("成都金沙餐饮管理有限公司" in html) is company
    assert ("张*" in html) is person
    found = {r["counterpart_name"] for r in api(client, **params)["items"]}
    assert found == {n for n, on in (("成都金沙餐饮管理有限公司", company), ("张*", person)) if on}


def test_a_date_range_the_wrong_way_round_is_told_in_chinese(client, decisions):
    html = page(client, start="2026-12-01", end="2026-11-01")
    assert "截止日期不能早于起始日期" in html
    assert 'value="2026-12-01"' in html  # the form keeps what was typed
    response = client.get(API, {"start": "2026-12-01", "end": "2026-11-01"})
    assert response.status_code == 422
    assert "起始日期不能晚于截止日期" in response.json()["message"]


def test_bad_dates_are_told_not_a_500(client, decisions):
    assert "日期" in page(client, start="not-a-date")
    assert client.get(API, {"start": "not-a-date"}).status_code == 422


def test_the_api_pages_and_counts(client, decisions):
    first = api(client, limit="1")
    assert first["count"] == 2 and len(first["items"]) == 1
    second = api(client, limit="1", offset="1")
    assert first["items"][0]["document_number"] != second["items"][0]["document_number"]
    assert first["items"][0]["decided_on"] >= second["items"][0]["decided_on"]


def test_the_api_names_the_certificate_once_issued(client, granted_case, clerk):
    row = api(client)["items"][0]
    assert row["certificate_number"] == "" and row["valid_until"] is None
    cert = issue_certificate(
        granted_case, actor=clerk, now=GRANTED_AT + timedelta(days=1), valid_until=date(2031, 12, 1)
    )
    row = api(client)["items"][0]
    assert row["certificate_number"] == cert.number
    assert row["valid_until"] == "2031-12-01"
    assert row["valid_from"] == local_date(GRANTED_AT + timedelta(days=1)).isoformat()
    assert cert.number in page(client, q=cert.number)


def test_the_workbook_opens_with_numbers_and_dates_in_cells(client, decisions):
    response = client.get(reverse("portal:licences_xlsx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    assert head[0] == "序号" and "行政相对人名称" in head and "许可决定日期" in head
    body = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert [r["序号"] for r in body] == [1, 2]
    assert all(isinstance(r["序号"], int) for r in body)
    assert all(isinstance(r["许可决定日期"], datetime) for r in body)
    assert {r["许可决定日期"].date() for r in body} == {local_date(GRANTED_AT), local_date(NOW)}
    names = {r["行政相对人名称"] for r in body}
    assert names == {"成都金沙餐饮管理有限公司", "张*"}


def test_the_export_follows_the_search(client, decisions):
    response = client.get(reverse("portal:licences_csv"), {"q": "金沙餐饮"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["行政相对人名称"] for r in rows] == ["成都金沙餐饮管理有限公司"]
    assert rows[0]["统一社会信用代码"] == "914403001922038216"
    assert rows[0]["许可决定日期"] == local_date(NOW).isoformat()
    assert "张敏" not in text
