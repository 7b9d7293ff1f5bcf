"""Starting a case from a ticket: the window's own acceptance, linked to the ticket in one
transaction, so the case knows its wait and service times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onestop.cases.models import Case
from onestop.hall import actions
from onestop.hall.models import Ticket, TicketEvent
from tests.hall.conftest import NOW

WALK_IN = {
    "name": "李建国",
    "id_number": "11010519491231002X",
    "phone": "13881234567",
    "form_applicant_name": "李建国",
    "provided": ["食品经营许可申请书", "营业执照"],
    "tolerated": ["食品安全管理制度"],
}


@pytest.fixture
def called(take, window_1, clerk_1, item):
    take(0, item=item)
    return actions.call_next(window_1, actor=clerk_1, now=NOW + timedelta(minutes=12))


def test_the_window_screen_starts_a_case_from_the_called_ticket(
    client, called, clerk_1, item, travel
):
    client.force_login(clerk_1)
    page = client.get(f"/staff/hall/window/?window={called.window_id}")
    assert f"/staff/cases/window/?ticket={called.pk}&item={item.code}" in page.text
    form = client.get(f"/staff/cases/window/?ticket={called.pk}&item={item.code}")
    assert "排队号 A001" in form.text
    response = client.post(
        "/staff/cases/window/", {**WALK_IN, "item": item.code, "ticket": called.pk, "key": "t1"}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    called.refresh_from_db()
    assert called.case_id == case.pk
    assert called.status == Ticket.Status.SERVING
    assert called.served_at == travel
    assert case.hall_ticket.wait_minutes == 12
    assert TicketEvent.objects.filter(ticket=called, kind="case_started").count() == 1
    detail = client.get(f"/staff/cases/{case.pk}/")
    assert "A001 · 等候 12 分钟" in detail.text
    # The same form sent twice is one case, still linked.
    client.post(
        "/staff/cases/window/", {**WALK_IN, "item": item.code, "ticket": called.pk, "key": "t1"}
    )
    assert Case.objects.count() == 1


def test_a_refused_acceptance_leaves_the_ticket_unlinked(client, called, clerk_1, item, travel):
    client.force_login(clerk_1)
    bad = {**WALK_IN, "id_number": "110105194912310021", "item": item.code, "ticket": called.pk}
    response = client.post("/staff/cases/window/", bad)
    assert response.status_code == 200
    assert "身份证号码" in response.text
    called.refresh_from_db()
    assert (called.case_id, called.status) == (None, Ticket.Status.CALLED)
    assert Case.objects.count() == 0


def test_a_second_case_from_the_same_ticket_is_refused(client, called, clerk_1, item, travel):
    client.force_login(clerk_1)
    client.post("/staff/cases/window/", {**WALK_IN, "item": item.code, "ticket": called.pk})
    again = client.post(
        "/staff/cases/window/",
        {**WALK_IN, "item": item.code, "ticket": called.pk, "key": "other"},
    )
    assert "已受理办件" in again.text
    assert Case.objects.count() == 1


def test_another_windows_ticket_is_404(client, called, clerk_2, item, travel):
    client.force_login(clerk_2)
    assert client.get(f"/staff/cases/window/?ticket={called.pk}").status_code == 404
    response = client.post(
        "/staff/cases/window/", {**WALK_IN, "item": item.code, "ticket": called.pk}
    )
    assert response.status_code == 404
    assert Case.objects.count() == 0
