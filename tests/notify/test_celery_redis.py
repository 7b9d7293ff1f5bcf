"""The delivery job through a real Celery worker on a real Redis broker.

The worker is a subprocess (`celery -A onestop worker`) pointed at pytest's test database; the
data is committed (transactional_db) so that it sees it. Skipped when no Redis answers (a laptop
without one); the CI machine has Redis on 127.0.0.1:6379."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from onestop import celery_app
from onestop.notify import actions
from onestop.notify.models import Message
from onestop.tasks import run_periodic_job
from tests.notify.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST = os.environ.get("NOTIFY_TEST_REDIS", "redis://127.0.0.1:6379")

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def broker_url() -> str:
    """The Redis database of these tests (NOTIFY_TEST_REDIS_DB, default 15), or skip when no
    Redis answers. Runs sharing it stay apart by their own queue names."""
    url = f"{REDIS_HOST}/{os.environ.get('NOTIFY_TEST_REDIS_DB', '15')}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        reason = f"Redis is not reachable at {url} ({exc})"
        if os.environ.get("ONESTOP_REQUIRE_REDIS"):  # set by .ci/run: CI must run these
            pytest.fail(reason)
        pytest.skip(reason + "; the CI machine has one")
    return url


def worker_database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def broker() -> Iterator[tuple[str, str]]:
    """(broker URL, a queue of this test's own, so that parallel runs do not share tasks)."""
    url = broker_url()
    queue = f"onestop-test-{uuid.uuid4().hex[:12]}"
    yield url, queue
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)


def start_worker(url: str, queue: str, name: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "DATABASE_URL": worker_database_url(),
        "DJANGO_SETTINGS_MODULE": "onestop.test_settings",
        "INPROCESS_JOBS": "false",
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A", "onestop", "--workdir", str(ROOT / "src"),
        "worker", "--pool", "solo", "-l", "info", "-Q", queue, "-n", f"{name}@%h",
        "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 (our own command line)
        command, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()  # warm shutdown: finishes the task in hand
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def send_job(url: str, queue: str) -> None:
    # run_periodic_job.delay("deliver_notifications"), on this test's broker and queue.
    with celery_app.connection_for_write(url) as conn:
        run_periodic_job.apply_async(("deliver_notifications",), connection=conn, queue=queue)


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
