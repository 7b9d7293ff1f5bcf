"""The outbox survives a Celery worker killed while it holds a message.

tests/notify covers a lease that ran out in one process (test_outbox) and a worker that "died"
by a row written to look claimed (test_celery_redis). Here a real worker claims the message,
hangs in the provider and is killed with SIGKILL; another real worker delivers it once, after
the lease, and a further delivery run sends nothing more.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from onestop.notify import actions
from onestop.notify.models import Message
from tests.celery_workers import send_job, start_worker, stop, wait_ready
from tests.faults.backends import recorded
from tests.faults.harness import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Long enough for the rescuer's first run to fall inside it on a busy machine.
LEASE_SECONDS = 15


def wait_for(check, what: str, logs: list[Path], timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    output = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs if log.exists())
    pytest.fail(f"{what} within {timeout} s; worker output:\n{output}")


def jobs_done(log: Path) -> int:
    text = log.read_text(errors="replace") if log.exists() else ""
    return text.count("succeeded in")


def test_a_message_held_by_a_killed_worker_is_delivered_once_by_another(broker, tmp_path):
    url, queue = broker
    sent_file, hold = tmp_path / "sent.txt", tmp_path / "hold"
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "NOTIFY_RECORD_FILE": str(sent_file),
        "NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    message = actions.enqueue(
        channel="sms", address="13800000000", body="您的办件已受理", now=timezone.now()
    )
    logs = [tmp_path / "holder.log", tmp_path / "rescuer.log"]
    hold.touch()  # the first worker's provider hangs until this file goes away
    holder = start_worker(
        url, f"{queue}-1", "holder", logs[0], {**env, "NOTIFY_HOLD_FILE": str(hold)}
    )
    rescuer = start_worker(url, f"{queue}-2", "rescuer", logs[1], env)
    try:
        wait_ready(logs)
        send_job(url, f"{queue}-1")
        holding = Path(f"{hold}.holding")
        wait_for(holding.exists, "the first worker did not take the message", logs)
        assert holding.read_text() == str(message.pk)
        message.refresh_from_db()
        assert message.status == Message.Status.SENDING
        assert message.claimed_by.endswith(f":{holder.pid}")  # the solo pool runs in the worker
        os.kill(holder.pid, signal.SIGKILL)  # dies holding the message, mid-send
        holder.wait()
        hold.unlink()
        assert recorded(sent_file) == []

        lease_end = message.claimed_until
        assert lease_end is not None
        send_job(url, f"{queue}-2")  # within the lease: the message is not due yet
        wait_for(lambda: jobs_done(logs[1]) == 1, "the first delivery run did not end", logs)
        if timezone.now() < lease_end:  # the run surely ran inside the lease (not on a slow day)
            assert recorded(sent_file) == []
        while timezone.now() <= lease_end + timedelta(milliseconds=200):
            time.sleep(0.1)
        send_job(url, f"{queue}-2")
        send_job(url, f"{queue}-2")  # and once more after it was sent
        wait_for(lambda: jobs_done(logs[1]) == 3, "the delivery runs did not end", logs)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        stop([rescuer])
    assert recorded(sent_file) == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    assert (message.claimed_by, message.claimed_until) == ("", None)
