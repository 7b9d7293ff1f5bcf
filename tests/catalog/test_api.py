"""The guide search over the API: public, ranked as the guide ranks, bad input refused."""

from __future__ import annotations

import pytest

from tests.factories import make_item


@pytest.fixture
def items(dept_a, dept_b):
    make_item("A-01", "食品经营许可", "scjgj", keywords=["开饭店"], themes=["enterprise"])
    make_item("A-02", "最低生活保障", "mzj", aliases=["低保"])
    make_item("A-03", "临时救助", "mzj")


def test_it_finds_what_residents_type_without_a_token(client, items):
    response = client.get("/api/v1/catalog/items", {"q": "我想开个饭店要办什么"})
    assert response.status_code == 200
    body = response.json()
    assert [i["name"] for i in body] == ["食品经营许可"]
    assert body[0]["keywords"] == ["开饭店"] and body[0]["kind"] == "承诺件"
    assert client.get("/api/v1/catalog/items", {"q": "低保"}).json()[0]["aliases"] == ["低保"]


def test_without_a_query_it_lists_the_live_items_up_to_the_limit(client, items):
    body = client.get("/api/v1/catalog/items", {"limit": 2}).json()
    assert len(body) == 2


@pytest.mark.parametrize("params", [{"q": "长" * 51}, {"limit": 0}, {"limit": 101}])
def test_bad_input_is_refused_with_a_clear_message(client, items, params):
    response = client.get("/api/v1/catalog/items", params)
    assert response.status_code in (400, 422)
    message = response.json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
