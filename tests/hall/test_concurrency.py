"""Races: two clerks pressing 叫号 at the same moment, two applicants booking the last place.

Run on both databases; on PostgreSQL these exercise SELECT … FOR UPDATE (SKIP LOCKED) and the
conditional UPDATEs, on SQLite the IMMEDIATE write lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection

from onestop.hall import actions, booking
from onestop.hall.errors import HallError
from onestop.hall.models import Booking, Slot, Ticket, WindowHours
from tests.hall.conftest import NOW


def race(*fns: Callable[[], object]) -> list[object]:
    """Run the functions in threads released together; their results or exceptions."""
    barrier = threading.Barrier(len(fns))
    results: list[object] = [None] * len(fns)

    def run(i: int, fn: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - returned to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("waiting", [1, 2, 5])
def test_two_clerks_calling_at_once_never_get_the_same_ticket(
    take, window_1, window_2, clerk_1, clerk_2, waiting
):
    for i in range(waiting):
        take(i)
    now = NOW + timedelta(minutes=30)
    results = race(
        lambda: actions.call_next(window_1, actor=clerk_1, now=now),
        lambda: actions.call_next(window_2, actor=clerk_2, now=now),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    called = [r.pk for r in results if isinstance(r, Ticket)]
    assert len(called) == min(waiting, 2)
    assert len(set(called)) == len(called)
    assert Ticket.objects.filter(status=Ticket.Status.CALLED).count() == len(called)
    assert Ticket.objects.filter(status=Ticket.Status.WAITING).count() == waiting - len(called)


@pytest.mark.django_db(transaction=True)
def test_two_bookings_racing_for_the_last_place_one_wins(centre, window_1, item):
    WindowHours.objects.create(window=window_1, capacity=1)
    starts = NOW + timedelta(days=1)  # Wednesday 09:00 Beijing time

    def book(phone: str, name: str) -> Booking:
        return booking.book(
            booking.NewBooking(
                centre=centre,
                item=item,
                starts_at=starts,
                name=name,
                phone=phone,
                applicant=None,
            ),
            now=NOW,
        )

    results = race(lambda: book("13800000001", "张敏"), lambda: book("13800000002", "李强"))
    won = [r for r in results if isinstance(r, Booking)]
    lost = [r for r in results if isinstance(r, HallError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "约满" in lost[0].message
    slot = Slot.objects.get(window=window_1, starts_at=starts)
    assert (slot.booked, slot.capacity) == (1, 1)
    assert Booking.objects.count() == 1
