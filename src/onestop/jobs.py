"""Periodic jobs: one registry, run by Celery beat in production and by an in-process thread in
the embedded run. Every job is idempotent and safe on many nodes at once (each move locks its
case and re-checks its state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from onestop.notify.jobs import deliver_notifications


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[datetime], object]


def _deemed_acceptance(now: datetime) -> int:
    from onestop.cases.actions import sweep_deemed_acceptance

    return sweep_deemed_acceptance(now=now)


def _supervision(now: datetime) -> dict[str, int]:
    from onestop.supervision.sweep import sweep_supervision

    return sweep_supervision(now)


def _statistics(now: datetime) -> int:
    from onestop.supervision.stats import refresh_statistics

    return refresh_statistics(now)


def _hotline(now: datetime) -> int:
    from onestop.hotline.actions import sweep_hotline

    return sweep_hotline(now)


def _hall(now: datetime) -> dict[str, int]:
    from onestop.hall.booking import sweep_hall

    return sweep_hall(now)


def _trading(now: datetime) -> dict[str, int]:
    from onestop.trading.deadlines import sweep_trading

    return sweep_trading(now)


JOBS: list[Job] = [
    # Art. 32: submitted applications with no supplement notice after 5 working days.
    Job("sweep_deemed_acceptance", 300, _deemed_acceptance),
    # Alerts once per light crossing, and violations found in the audit trail.
    Job("sweep_supervision", 300, _supervision),
    Job("deliver_notifications", 60, deliver_notifications),  # the notify outbox
    # The hall: booking reminders and no-shows, yesterday's unserved tickets as abandoned.
    Job("sweep_hall", 120, _hall),
    # Hotline tickets turning yellow/red: one alert per crossing to department and centre.
    Job("sweep_hotline", 300, _hotline),
    # Trading: candidates published by Art. 54's 3rd day; overdue objections, complaints and
    # contracts announced once.
    Job("sweep_trading", 300, _trading),
    # The daily statistics the monthly evaluation and the dashboard sum (rebuilt per touched day).
    Job("refresh_statistics", 300, _statistics),
]


def run_job(name: str, now: datetime) -> object:
    for job in JOBS:
        if job.name == name:
            return job.run(now)
    raise KeyError(name)
