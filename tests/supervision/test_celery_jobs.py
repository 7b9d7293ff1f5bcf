"""The supervision sweep and the statistics job on two real Celery workers over a real Redis."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from onestop.supervision.efficiency import evaluate
from onestop.supervision.models import Alert, DailyStat, Violation
from tests.case_fixtures import NOW
from tests.celery_workers import send_job, start_worker, stop, wait_ready

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_for_tasks(expected: int, logs: list[Path], timeout: float = 90) -> None:
    """Until the workers' logs show `expected` finished tasks between them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = "".join(log.read_text(errors="replace") for log in logs if log.exists())
        if text.count("succeeded in") >= expected:
            return
        if "raised unexpected" in text:
            break
        time.sleep(0.3)
    output = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs if log.exists())
    pytest.fail(f"{expected} tasks not finished within {timeout} s; worker output:\n{output}")


def test_two_workers_sweep_once_and_count_once(broker, tmp_path, accepted_case):
    url, queue = broker
    cases = [accepted_case() for _ in range(3)]  # accepted in March 2026: long overdue now
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    workers = [start_worker(url, queue, f"sup{i}", log) for i, log in enumerate(logs)]
    try:
        wait_ready(logs)
        for _ in range(3):
            send_job(url, queue, "sweep_supervision")
            send_job(url, queue, "refresh_statistics")
        wait_for_tasks(6, logs)
    finally:
        stop(workers)
    worked = [log.read_text(errors="replace").count("succeeded in") for log in logs]
    assert all(n > 0 for n in worked), worked  # both workers took jobs
    # Each case: its red alert and those of its review and opinion tasks, each raised once.
    assert Alert.objects.filter(task__isnull=True, kind="red").count() == 3
    assert Alert.objects.count() == 9
    assert Violation.objects.filter(kind="overdue_decision").count() == 3
    # The statistics of March hold the three cases once, however many runs rebuilt them.
    assert sum(DailyStat.objects.values_list("received", flat=True)) == 3
    (row,) = evaluate(None, 2026, 3, "department", now=NOW.replace(month=5))
    assert (row.received, row.overdue) == (3, 3)
    assert {c.department_id for c in cases} == {int(row.key)}
