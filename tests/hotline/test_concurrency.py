"""Moves at the same moment: two operators dispatching one ticket, a sign racing a send-back,
two sweeps raising one alert."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection

from onestop.core.errors import DomainError
from onestop.hotline import actions
from onestop.hotline.models import Dispatch, Ticket, TicketEvent
from onestop.notify.models import Message
from tests.conftest import make_staff
from tests.hotline.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def race(*moves: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(moves))
    results: list[str] = []

    def run(move: Callable[[], object]) -> None:
        try:
            barrier.wait()
            move()
            results.append("ok")
        except DomainError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(m,)) for m in moves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_two_dispatches_at_once_one_wins(register, operator, dept_a, dept_b, district, centre_dept):
    other = make_staff("operator2", "hotline_operator", district, centre_dept)
    t = register()
    results = race(
        lambda: actions.dispatch_ticket(Ticket(pk=t.pk), actor=operator, now=NOW, lead=dept_a),
        lambda: actions.dispatch_ticket(Ticket(pk=t.pk), actor=other, now=NOW, lead=dept_b),
    )
    assert results == ["ok", "refused"]
    assert Dispatch.objects.filter(ticket=t).count() == 1
    assert TicketEvent.objects.filter(ticket=t, kind="dispatched").count() == 1


def test_sign_and_send_back_at_once(dispatched, handler, district, dept_a):
    colleague = make_staff("reviewer_x", "reviewer", district, dept_a)
    t = dispatched()
    d = t.dispatches.get()
    results = race(
        lambda: actions.sign_dispatch(Dispatch(pk=d.pk, ticket_id=t.pk), actor=handler, now=NOW),
        lambda: actions.send_back(
            Dispatch(pk=d.pk, ticket_id=t.pk), actor=colleague, now=NOW, reason="不归本部门"
        ),
    )
    d.refresh_from_db()
    t.refresh_from_db()
    # Both may succeed in either order (signing does not stop a send-back within the window),
    # but the ticket and its dispatch always agree.
    assert "ok" in results
    assert (d.status, t.status) in {("sent_back", "sent_back"), ("signed", "in_progress")}


def test_two_sweeps_raise_one_alert(dispatched, handler, operator):
    dispatched(urgency="urgent")
    later = NOW + timedelta(hours=3)
    counts: list[int] = []

    def sweep() -> None:
        counts.append(actions.sweep_hotline(later))

    race(sweep, sweep)
    assert sum(counts) == 2  # red, and unsigned past its signing time: each raised once
    assert Message.objects.filter(template="hotline_alert", recipient=handler).count() == 1
    assert Message.objects.filter(template="hotline_unsigned", recipient=handler).count() == 1
