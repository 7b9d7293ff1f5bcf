"""The same Idempotency-Key arriving twice at once (a client retrying on another web node while
its first request still runs) creates one case and registers one ticket, not two.

bench/multinode.py found this on PostgreSQL: both requests passed the "done before?" check
before either committed. On SQLite the write lock serialises them anyway.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from onestop.cases.actions import intake as case_intake
from onestop.cases.models import Case
from onestop.hotline import actions as hotline
from onestop.hotline.models import Ticket
from onestop.org.models import Department, Role
from onestop.supervision.invariants import check_idempotency
from tests.case_fixtures import NOW
from tests.conftest import make_staff
from tests.hotline.conftest import new_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(count: int, work: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def slow_inserts(monkeypatch: pytest.MonkeyPatch, model: type[Case] | type[Ticket]) -> None:
    """Each insert waits (up to 2 s) for the other request to reach it: without the wait on the
    user's row, both requests would by then have passed their "done before?" check."""
    gate = threading.Barrier(2, timeout=2)
    real = model.objects.create

    def create(**fields: object) -> object:
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait()
        return real(**fields)

    monkeypatch.setattr(model.objects, "create", create)


def test_one_creating_key_sent_twice_at_once_makes_one_case(new_case, monkeypatch):
    slow_inserts(monkeypatch, Case)
    made = at_once(2, lambda: new_case(key="retry-create-7").pk)
    assert len(set(made)) == 1
    assert Case.objects.count() == 1
    assert check_idempotency().ok


def test_one_registering_key_sent_twice_at_once_makes_one_ticket(district, monkeypatch):
    hall = Department.objects.create(
        key="zwfw", name="区政务服务中心", short_name="政务中心", kind="district", region=district
    )
    operator = make_staff("operator", Role.HOTLINE_OPERATOR, district, hall)

    def register() -> int:
        return hotline.register_ticket(new_ticket(), actor=operator, now=NOW, key="call-7").pk

    slow_inserts(monkeypatch, Ticket)
    made = at_once(2, register)
    assert len(set(made)) == 1
    assert Ticket.objects.count() == 1
    assert check_idempotency().ok


def test_different_keys_at_once_make_a_case_each(new_case):
    keys = iter(["a", "b", "c"])
    lock = threading.Lock()

    def create() -> int:
        with lock:
            key = next(keys)
        return new_case(key=key).pk

    assert len(set(at_once(3, create))) == 3


def test_without_the_wait_the_race_makes_two(new_case, monkeypatch):
    """The tests above can fail: on PostgreSQL, drop the wait and both requests create."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions: there is no race to show")
    monkeypatch.setattr(case_intake, "hold_keyed_requests_of", lambda actor: None)
    slow_inserts(monkeypatch, Case)
    made = at_once(2, lambda: new_case(key="retry-create-8").pk)
    assert len(set(made)) == 2
    assert not check_idempotency().ok
