"""Real Celery workers on a real Redis broker, for tests (a pytest plugin, see tests/conftest.py).

A worker is a subprocess (`celery -A onestop worker`) pointed at pytest's test database; tests
using it commit their data (transactional_db) so that the worker sees it. Skipped when no Redis
answers (a laptop without one); .ci/run sets ONESTOP_REQUIRE_REDIS so that CI fails instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from onestop import celery_app
from onestop.tasks import run_periodic_job

ROOT = Path(__file__).resolve().parents[1]
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


def start_worker(
    url: str, queue: str, name: str, log: Path, extra_env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """A worker on `queue`; `extra_env` adds to (or overrides) its environment."""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "DATABASE_URL": worker_database_url(),
        "DJANGO_SETTINGS_MODULE": "onestop.test_settings",
        "INPROCESS_JOBS": "false",
        **(extra_env or {}),
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


def send_job(url: str, queue: str, name: str = "deliver_notifications") -> None:
    """run_periodic_job.delay(name), on this test's broker and queue."""
    with celery_app.connection_for_write(url) as conn:
        run_periodic_job.apply_async((name,), connection=conn, queue=queue)


def wait_ready(logs: list[Path], timeout: float = 60) -> None:
    """Until every worker has logged that it is ready to take tasks."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(log.exists() and " ready." in log.read_text(errors="replace") for log in logs):
            return
        time.sleep(0.2)
    output = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs if log.exists())
    pytest.fail(f"workers not ready within {timeout} s:\n{output}")
