"""Periodic jobs: one registry, run by Celery beat in production and by an in-process thread in
the embedded run (wsgi.py). Every job is idempotent and safe on many nodes at once (each move
locks its row and re-checks its state).

Each app registers its own jobs in its `AppConfig.ready` (DESIGN "Layers": the kernel does not
know the apps above it); the registry is complete once Django is set up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[datetime], object]


JOBS: list[Job] = []


def register(name: str, every_seconds: int, run: Callable[[datetime], object]) -> Job:
    """Add (or, for a re-run `ready()`, replace) the job called `name`."""
    job = Job(name, every_seconds, run)
    for n, known in enumerate(JOBS):
        if known.name == name:
            JOBS[n] = job
            return job
    JOBS.append(job)
    return job


def run_job(name: str, now: datetime) -> object:
    for job in JOBS:
        if job.name == name:
            return job.run(now)
    raise KeyError(name)
