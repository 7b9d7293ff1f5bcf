"""The hotline pages over HTTP: console, ticket moves, inbox, queues, public pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onestop.hotline import actions, views
from onestop.hotline.models import Dispatch, Escalation, Ticket
from tests.hotline.conftest import NOW


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def op_client(operator) -> Client:
    return login(operator)


def test_console_registers_a_call(op_client, community):
    r = op_client.post(
        reverse("hotline:console"),
        {
            "kind": "help",
            "urgency": "normal",
            "caller_phone": "13800001111",
            "caller_name": "李阿姨",
            "content": "家里老人摔倒了需要社区帮忙联系医院",
            "address": "梨树坪社区",
            "region": community.pk,
            "key": "abc",
        },
    )
    t = Ticket.objects.get()
    assert r.status_code == 302 and r.url == reverse("hotline:ticket", args=[t.pk])
    assert t.region == community and t.kind == "help"


def test_console_shows_errors_in_chinese(op_client):
    r = op_client.post(
        reverse("hotline:console"), {"kind": "help", "urgency": "normal", "content": "x"}
    )
    assert r.status_code == 200
    assert "实名诉求请留下联系电话" in r.content.decode()
    assert not Ticket.objects.exists()


def test_console_is_for_operators_only(handler):
    assert login(handler).get(reverse("hotline:console")).status_code == 404


def test_caller_history_by_phone(op_client, register):
    old = register()
    r = op_client.get(reverse("hotline:caller"), {"caller_phone": "13800001234"})
    assert old.number in r.content.decode()
    r = op_client.get(reverse("hotline:caller"), {"caller_phone": "13999999999"})
    assert "没有历史工单" in r.content.decode()


def test_lists_mask_phones(op_client, register):
    register()
    body = op_client.get(reverse("hotline:tickets")).content.decode()
    assert "138****1234" in body and "13800001234" not in body


def test_dispatch_send_back_redispatch_over_http(
    op_client, register, handler, handler_b, dept_a, dept_b
):
    t = register()
    op_client.post(reverse("hotline:ticket_move", args=[t.pk, "dispatch"]), {"lead": dept_a.pk})
    d = Dispatch.objects.get(ticket=t)
    c = login(handler)
    r = c.post(
        reverse("hotline:dispatch_move", args=[d.pk, "send_back"]), {"reason": "非本部门职责"}
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == "sent_back"
    op_client.post(reverse("hotline:ticket_move", args=[t.pk, "dispatch"]), {"lead": dept_b.pk})
    d2 = Dispatch.objects.get(ticket=t, status="pending")
    # dept_a's handler no longer reaches the new dispatch: 404, same as not existing.
    assert c.post(reverse("hotline:dispatch_move", args=[d2.pk, "sign"])).status_code == 404
    cb = login(handler_b)
    cb.post(reverse("hotline:dispatch_move", args=[d2.pk, "sign"]))
    cb.post(reverse("hotline:dispatch_move", args=[d2.pk, "reply"]), {"reply": "已协调处理"})
    t.refresh_from_db()
    assert t.status == "replied"
    r = op_client.get(reverse("hotline:callbacks"))
    assert t.number in r.content.decode() and "已协调处理" in r.content.decode()
    op_client.post(
        reverse("hotline:ticket_move", args=[t.pk, "callback"]),
        {"resolution": "solved", "satisfaction": "satisfied"},
    )
    t.refresh_from_db()
    assert t.status == "closed"


def test_a_wrong_move_shows_a_message_not_a_500(op_client, register, handler, dept_a):
    t = register()
    op_client.post(reverse("hotline:ticket_move", args=[t.pk, "dispatch"]), {"lead": dept_a.pk})
    d = Dispatch.objects.get(ticket=t)
    r = login(handler).post(
        reverse("hotline:dispatch_move", args=[d.pk, "reply"]), {"reply": "x"}, follow=True
    )
    assert "签收后才能答复" in r.content.decode()


def test_anonymous_reporter_never_reaches_the_department(operator, handler, dept_a):
    t = actions.register_ticket(
        actions.NewTicket(
            kind="report",
            content="举报某饭店使用过期食材",
            caller_name="王五",
            caller_phone="13712345678",
            anonymous=True,
        ),
        actor=operator,
        now=NOW,
    )
    actions.dispatch_ticket(t, actor=operator, now=NOW, lead=dept_a)
    c = login(handler)
    for url in (reverse("hotline:inbox"), reverse("hotline:ticket", args=[t.pk])):
        body = c.get(url).content.decode()
        assert "匿名" in body
        assert "13712345678" not in body and "5678" not in body and "王五" not in body
    api = c.get(f"/api/v1/hotline/tickets/{t.pk}").json()
    assert api["caller_phone"] == "" and api["caller_name"] == "" and api["anonymous"] is True


def test_outsider_gets_404_for_a_ticket(register, handler_b):
    t = register()
    assert login(handler_b).get(reverse("hotline:ticket", args=[t.pk])).status_code == 404


def test_public_submit_and_track(client, community):
    r = client.post(
        reverse("hotline_public:submit"),
        {
            "kind": "suggestion",
            "content": "建议在梨树坪社区增设公交站台",
            "caller_phone": "13811112222",
            "region": community.pk,
        },
    )
    t = Ticket.objects.get()
    assert t.channel == "web" and t.number in r.content.decode()
    r = client.get(reverse("hotline_public:track"), {"number": t.number, "code": t.query_code})
    assert "已受理待派单" in r.content.decode()
    r = client.get(reverse("hotline_public:track"), {"number": t.number, "code": "WRONG1"})
    assert "不正确" in r.content.decode()
    assert "13811112222" not in r.content.decode()


def test_leader_queue_instruction(register, leader, officer, operator, dept_a):
    t = register(kind="report", content="举报违规收费")
    esc = Escalation.objects.get(ticket=t)
    c = login(leader)
    assert t.number in c.get(reverse("hotline:leaders")).content.decode()
    form = {"escalation": esc.pk, "move": "instruct", "instruction": "请尽快查处"}
    r = c.post(reverse("hotline:leaders"), {**form, "officer": officer.pk}, follow=True)
    assert "派单给承办部门后才能批示" in r.content.decode()  # not dispatched yet
    assert Escalation.objects.get(pk=esc.pk).status == "waiting"
    actions.dispatch_ticket(t, actor=operator, now=NOW, lead=dept_a)
    c.post(
        reverse("hotline:leaders"),
        {
            "escalation": esc.pk,
            "move": "instruct",
            "instruction": "请尽快查处",
            "officer": officer.pk,
        },
    )
    esc.refresh_from_db()
    assert esc.status == "instructed" and esc.officer == officer


def test_metrics_page_shows_definitions(op_client, dispatched, handler):
    dispatched()
    body = op_client.get(reverse("hotline:metrics"), {"month": "2026-03"}).content.decode()
    for word in ("按时签收率 =", "按时办结率 =", "退单率 =", "解决率 =", "满意率 ="):
        assert word in body
    assert "区市场监管局" in body


@pytest.fixture
def clean_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_public_form_turns_away_a_flood(db, client, clean_cache):
    data = {"kind": "suggestion", "content": "多种树", "anonymous": "on"}
    for _ in range(views.PUBLIC_LIMIT):
        assert client.post(reverse("hotline_public:submit"), data).status_code == 200
    r = client.post(reverse("hotline_public:submit"), data)
    assert "提交过于频繁" in r.content.decode()
    assert Ticket.objects.count() == views.PUBLIC_LIMIT
