"""The hall's JSON API over HTTP: the public board and slots, calling from a window with a
bearer token, ticket moves, figures for overseers, and errors as JSON."""

from __future__ import annotations

from onestop.apitokens.actions import create_token
from tests.api.helpers import login, ok, post
from tests.hall.conftest import NOW


def test_the_board_and_slots_are_public(client, centre, item, window_1, take, travel):
    take(0)
    board = ok(client.get(f"/api/v1/hall/centres/{centre.key}/board"))
    assert board["calls"] == [] and board["waiting"] == [{"zone": "A区 行政审批区", "waiting": 1}]
    days = ok(client.get(f"/api/v1/hall/slots?centre={centre.key}&item={item.code}"))
    assert days[0]["day"] == "2026-03-10" and days[0]["slots"][0]["free"] == 2
    missing = client.get(f"/api/v1/hall/slots?centre={centre.key}&item=NOPE")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    nowhere = client.get("/api/v1/hall/centres/nowhere/board")
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "not_found"


def test_a_windows_caller_calls_with_a_token(client, centre, window_1, clerk_1, take, travel):
    take(0)
    raw = create_token(clerk_1, name="A01 叫号器", now=NOW)[1]
    auth = {"Authorization": f"Bearer {raw}"}
    called = ok(client.post(f"/api/v1/hall/windows/{window_1.pk}/call", headers=auth))
    ticket = called["ticket"]
    assert (ticket["number"], ticket["status"], ticket["window"]) == ("A001", "called", "A01")
    assert ticket["wait_minutes"] == 30
    again = client.post(f"/api/v1/hall/windows/{window_1.pk}/call", headers=auth)
    assert again.status_code == 409 and "已叫未办" in again.json()["message"]
    served = ok(client.post(f"/api/v1/hall/tickets/{ticket['id']}/serve", headers=auth))
    assert served["status"] == "serving"
    none = ok(client.post(f"/api/v1/hall/windows/{window_1.pk}/call", headers=auth))
    assert none["ticket"] is None
    board = ok(client.get(f"/api/v1/hall/centres/{centre.key}/board"))
    assert board["calls"][0]["number"] == "A001" and board["calls"][0]["window"] == "A01"


def test_calling_needs_the_window_and_a_sign_in(client, window_1, clerk_2, take, travel):
    assert client.post(f"/api/v1/hall/windows/{window_1.pk}/call").status_code == 401
    t = take(0)
    other = login(clerk_2)
    assert post(other, f"/api/v1/hall/windows/{window_1.pk}/call").status_code == 404
    assert post(other, f"/api/v1/hall/tickets/{t.pk}/recall").status_code == 404


def test_figures_for_overseers_only(window_1, clerk_1, supervisor, take, travel):
    from onestop.hall import actions

    take(0)
    actions.call_next(window_1, actor=clerk_1, now=travel)
    fig = ok(login(supervisor).get("/api/v1/hall/figures?from=2026-03-10"))
    assert fig["total"]["taken"] == 1 and fig["total"]["avg_wait"] == 30.0
    assert fig["total"]["light"] == "red" and fig["red_minutes"] == 30
    assert login(clerk_1).get("/api/v1/hall/figures").status_code == 404
