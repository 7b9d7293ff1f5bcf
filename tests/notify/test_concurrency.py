"""Deliveries running at once send each message exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from onestop.notify import actions
from onestop.notify.models import Message
from tests.notify.conftest import NOW


def run_at_once(count: int) -> list[int]:
    barrier = threading.Barrier(count)
    results: list[int] = []
    errors: list[BaseException] = []

    def run(worker: str) -> None:
        try:
            barrier.wait()
            results.append(actions.deliver_due(NOW, batch=5, worker=worker))
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_send_each_message_once(recording):
    for i in range(40):
        actions.enqueue(channel="sms", address="13800000000", body=f"第{i}条", now=NOW)
    results = run_at_once(2)
    assert sum(results) == 40
    assert Counter(recording) == Counter(Message.objects.values_list("pk", flat=True))
    assert max(Counter(recording).values()) == 1
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
