"""The hotline JSON API over HTTP: the console's and the inbox's moves, errors, scope."""

from __future__ import annotations

from onestop.hotline.models import Ticket
from tests.api.helpers import login, ok, post

API = "/api/v1/hotline"


def test_register_dispatch_sign_reply_callback(operator, handler, dept_a, community):
    op = login(operator)
    t = ok(
        post(
            op,
            f"{API}/tickets",
            {
                "kind": "help",
                "content": "楼道灯坏了一个月没人修",
                "caller_phone": "13800009999",
                "caller_name": "赵女士",
                "region_code": community.code,
            },
            key="r1",
        ),
        201,
    )
    first = {
        "kind": "help",
        "content": "楼道灯坏了一个月没人修",
        "caller_phone": "13800009999",
        "caller_name": "赵女士",
        "region_code": community.code,
    }
    again = ok(post(op, f"{API}/tickets", first, key="r1"), 201)
    assert again["id"] == t["id"] and Ticket.objects.count() == 1
    # The same key with another call's content is refused, not answered with the first ticket.
    other = {"kind": "help", "content": "x", "caller_phone": "1"}
    reused = post(op, f"{API}/tickets", other, key="r1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1
    t = ok(post(op, f"{API}/tickets/{t['id']}/dispatch", {"lead_department_id": dept_a.pk}))
    assert t["status"] == "dispatched" and t["lead_department"] == "区市场监管局"
    h = login(handler)
    inbox = ok(h.get(f"{API}/inbox"))
    assert [d["ticket_number"] for d in inbox] == [t["number"]]
    d = inbox[0]["id"]
    assert ok(post(h, f"{API}/dispatches/{d}/sign"))["status"] == "signed"
    assert ok(post(h, f"{API}/dispatches/{d}/reply", {"text": "已更换灯泡"}))["status"] == "replied"
    t = ok(
        post(
            op,
            f"{API}/tickets/{t['id']}/callback",
            {"resolution": "solved", "satisfaction": "satisfied"},
        )
    )
    assert t["status"] == "closed"


def test_errors_are_json(operator, handler, dispatched):
    op = login(operator)
    r = post(op, f"{API}/tickets", {"kind": "help", "content": "无电话"})
    assert r.status_code == 422 and r.json()["field"] == "caller_phone"
    t = dispatched()
    d = t.dispatches.get().pk
    r = post(login(handler), f"{API}/dispatches/{d}/reply", {"text": "x"})
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = post(
        login(handler), f"{API}/tickets", {"kind": "help", "content": "x", "caller_phone": "1"}
    )
    assert r.status_code == 403
    r = post(op, f"{API}/tickets/{t.pk}/dispatch", {"lead_department_id": 99999})
    assert r.status_code == 422 and r.json()["field"] == "lead_department_id"


def test_outsider_gets_404(dispatched, handler_b):
    t = dispatched()
    c = login(handler_b)
    assert c.get(f"{API}/tickets/{t.pk}").status_code == 404
    d = t.dispatches.get().pk
    assert post(c, f"{API}/dispatches/{d}/sign").status_code == 404
    assert ok(c.get(f"{API}/tickets"))["count"] == 0
    # The scope is checked before the body: an outsider is not told whether a department exists.
    r = post(c, f"{API}/tickets/{t.pk}/dispatch", {"lead_department_id": 99999})
    assert r.status_code in (403, 404), r.json()


def test_unauthenticated_is_401(client):
    assert client.get(f"{API}/tickets").status_code == 401


def test_list_masks_phones(operator, register):
    register()
    items = ok(login(operator).get(f"{API}/tickets"))["items"]
    assert items[0]["caller_phone"] == "138****1234"
    history = ok(login(operator).get(f"{API}/callers/13800001234/tickets"))
    assert len(history) == 1
