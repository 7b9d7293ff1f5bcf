"""The delivery job through a real Celery worker on a real Redis broker."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from onestop.notify import actions
from onestop.notify.models import Message
from tests.celery_workers import send_job, start_worker, stop
from tests.notify.conftest import NOW

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_until_sent(expected: int, logs: list[Path], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Message.objects.filter(status=Message.Status.SENT).count() == expected:
            return
        time.sleep(0.3)
    output = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs)
    pytest.fail(f"messages not sent within {timeout} s; worker output:\n{output}")


def test_a_celery_worker_delivers_the_outbox(broker, tmp_path):
    url, queue = broker
    message = actions.enqueue(channel="sms", address="13800000000", body="您的办件已受理", now=NOW)
    orphan = actions.enqueue(channel="sms", address="13900000000", body="请补正", now=NOW)
    # Claimed by a worker that died; its lease has run out.
    Message.objects.filter(pk=orphan.pk).update(
        status=Message.Status.SENDING,
        attempts=1,
        claimed_by="dead:1",
        claimed_until=NOW + timedelta(minutes=5),
        next_attempt_at=NOW + timedelta(minutes=5),
    )
    log = tmp_path / "worker.log"
    worker = start_worker(url, queue, "notify1", log)
    try:
        send_job(url, queue)
        wait_until_sent(2, [log])
    finally:
        stop([worker])
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.provider_id == "console"  # the worker's default backend
    orphan.refresh_from_db()
    assert (orphan.status, orphan.attempts) == (Message.Status.SENT, 2)
    assert "Task onestop.run_periodic_job" in log.read_text(errors="replace")


def test_two_celery_workers_send_each_message_once(broker, tmp_path):
    url, queue = broker
    for i in range(300):
        actions.enqueue(channel="sms", address="13800000000", body=f"第{i}条", now=NOW)
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    workers = [start_worker(url, queue, f"notify{i}", log) for i, log in enumerate(logs)]
    try:
        for _ in range(4):
            send_job(url, queue)
        wait_until_sent(300, logs)
    finally:
        stop(workers)
    # A message sent twice would have been claimed twice, and every claim counts an attempt.
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
    assert Message.objects.exclude(status=Message.Status.SENT).count() == 0
