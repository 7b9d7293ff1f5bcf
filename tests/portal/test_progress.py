"""Progress lookup without signing in: case number + query code, and nothing to enumerate."""

# ruff: noqa: F811 - pytest fixtures imported from tests.cases are redefined as arguments

from __future__ import annotations

import pytest
from django.core.cache import cache

from onestop.cases import actions, queries
from onestop.cases.models import Case
from onestop.workdays.calendar import local_date
from tests.cases.conftest import NOW, applicant, item, new_case, provide_all  # noqa: F401

NOT_FOUND = "未找到与该办件编号和查询码相符的办件，请核对后重新输入。"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def accepted(new_case, applicant, clerk):
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    actions.submit_case(case, actor=applicant.user, now=NOW)
    provide_all(case)
    return actions.accept_case(case, actor=clerk, now=NOW)


def look_up(client, number: str, code: str):
    return client.post("/progress/", {"number": number, "query_code": code})


def test_the_form_needs_no_sign_in(client):
    page = client.get("/progress/")
    assert page.status_code == 200
    assert "办件编号" in page.content.decode() and "查询码" in page.content.decode()


def test_the_right_pair_shows_status_item_dates_and_department(client, accepted):
    response = look_up(client, accepted.number, accepted.query_code.lower())
    assert response.status_code == 200
    assert response.context["case"] == accepted
    page = response.content.decode()
    assert "已受理" in page
    assert "食品经营许可" in page
    assert "攀枝花市西区市场监督管理局" in page
    assert "2026-03-10" in page  # received and accepted
    assert f"<td>{local_date(accepted.due_at).isoformat()}</td>" in page
    # Public events only: no names, no internal steps, no personal data.
    labels = [e["label"] for e in response.context["events"]]
    assert labels == ["提交申请，等待窗口预审", "已受理"]
    assert "张敏" not in page
    assert "clerk_a" not in page


@pytest.mark.parametrize("which", ["wrong code", "wrong number", "both wrong"])
def test_a_wrong_pair_gets_the_same_answer_as_no_case(client, accepted, which):
    number = accepted.number if which == "wrong code" else "510403-20260310-9999"
    code = accepted.query_code if which == "wrong number" else "ZZZZZZZZ"
    response = look_up(client, number, code)
    assert response.status_code == 404
    assert response.context["case"] is None
    assert response.context["error"] == NOT_FOUND


def test_a_draft_is_not_found(client, new_case, applicant):
    draft = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    response = look_up(client, draft.number, draft.query_code)
    assert response.context["error"] == NOT_FOUND


def test_empty_fields_are_asked_for_in_chinese(client):
    response = look_up(client, "", "")
    page = response.content.decode()
    assert "请填写办件编号" in page and "请填写查询码" in page


def test_too_many_wrong_pairs_are_turned_away_politely(client, accepted, monkeypatch):
    monkeypatch.setattr(queries, "PROGRESS_LIMIT", 3)
    for _ in range(5):  # right pairs do not count
        assert look_up(client, accepted.number, accepted.query_code).context["case"] == accepted
    for _ in range(3):
        assert look_up(client, accepted.number, "WRONG123").status_code == 404
    response = look_up(client, accepted.number, accepted.query_code)
    assert response.context["case"] is None
    assert "查询过于频繁" in response.content.decode()
    # Another address is not affected.
    response = client.post(
        "/progress/",
        {"number": accepted.number, "query_code": accepted.query_code},
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.context["case"] == accepted
