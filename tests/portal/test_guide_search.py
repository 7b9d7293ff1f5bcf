"""The guide's search over HTTP: what residents type, and the life events a query names."""

import pytest

from tests.factories import make_item


@pytest.fixture
def catalog(centre, dept_a, dept_b):
    make_item(
        "G-01",
        "食品经营许可",
        "scjgj",
        keywords=["开饭店", "餐馆"],
        themes=["enterprise"],
        life_events=["operation"],
    )
    make_item("G-02", "最低生活保障", "mzj", aliases=["低保"], life_events=["social_security"])
    make_item("G-03", "出生户口登记", "mzj", life_events=["birth"])
    make_item("G-04", "生育登记", "mzj", life_events=["birth"])


def names(client, **params):
    response = client.get("/guide/", params)
    assert response.status_code == 200
    return [i.name for i in response.context["page"].object_list], response.content.decode()


def test_a_sentence_without_spaces_finds_the_item(client, catalog):
    found, body = names(client, q="我想开个饭店要办什么")
    assert found == ["食品经营许可"]
    assert "食品经营许可" in body


def test_an_alias_finds_the_item(client, catalog):
    assert names(client, q="低保")[0] == ["最低生活保障"]


def test_an_event_word_finds_the_events_items_and_offers_the_event(client, catalog):
    found, body = names(client, q="出生")
    assert found[0] == "出生户口登记"  # the name match first
    assert set(found) == {"出生户口登记", "生育登记"}
    assert 'id="named-events"' in body and "?event=birth" in body


def test_only_the_events_a_query_names_are_offered(client, catalog):
    def offered(q):
        return [e.key for e in client.get("/guide/", {"q": q}).context["named_events"]]

    assert offered("低保") == ["social_security"]  # 低保 is one of 社会保障's words
    assert offered("我家宝宝出生了") == ["birth"]
    assert offered("核对授权书") == []
    assert offered("食品经营许可") == ["operation"]  # the event is called 经营许可
    assert client.get("/guide/", {"q": "出生", "event": "birth"}).context["named_events"] == []
