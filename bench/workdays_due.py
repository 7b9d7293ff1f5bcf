"""How many deadline computations per second, with and without overrides in the database.

    .venv/bin/python bench/workdays_due.py                       # a throw-away SQLite file
    .venv/bin/python bench/workdays_due.py --database-url postgres://postgres@127.0.0.1/onestop_wd

Everything the benchmark writes is rolled back at the end, so a real database is left as it was.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 2.0


def setup_django(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    scratch = tempfile.mkdtemp(prefix="onestop-bench-")
    os.environ.setdefault("ONESTOP_VAR_DIR", scratch)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def workload(n: int, seed: int = 7) -> list[tuple[date, int]]:
    """Starts in 2025–2026, limits as the catalog has them (即办 … 45 + 15 days)."""
    rng = random.Random(seed)
    first = date(2025, 1, 1)
    limits = [0, 1, 3, 5, 10, 15, 20, 20, 20, 30, 45, 60]
    return [(first + timedelta(days=rng.randrange(700)), rng.choice(limits)) for _ in range(n)]


def rate(label: str, compute: Callable[[date, int], object], jobs: list[tuple[date, int]]) -> None:
    done = 0
    began = time.perf_counter()
    while time.perf_counter() - began < SECONDS:
        for start, days in jobs:
            compute(start, days)
        done += len(jobs)
    elapsed = time.perf_counter() - began
    print(f"{label:<58} {done / elapsed:>10,.0f} /s")


def add_overrides() -> int:
    """A loaded 2027 schedule and a local closure on every 7th weekday of 2025–2026."""
    from onestop.workdays.actions import close_day, load_year_schedule
    from onestop.workdays.models import CalendarDay
    from onestop.workdays.schedule import ScheduleRow

    now = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [ScheduleRow(f"2027-02-{d:02d}", "休", "春节") for d in range(5, 13)]
    rows += [ScheduleRow("2027-01-01", "休", "元旦"), ScheduleRow("2027-02-20", "班", "春节")]
    load_year_schedule(2027, rows, actor=None, now=now)
    weekdays = [date(2025, 1, 1) + timedelta(days=i) for i in range(730)]
    for d in [d for d in weekdays if d.weekday() < 5][::7]:
        close_day(d, "本地闭厅", actor=None, now=now)
    return CalendarDay.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a throw-away SQLite file")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection, transaction

    from onestop.workdays import queries
    from onestop.workdays.calendar import Calendar, static_source

    jobs = workload(500)
    print(f"database: {connection.vendor}; {SECONDS:.0f} s per line; limits 0–60 working days")
    pure = Calendar(static_source())
    pure.due_date(date(2025, 1, 1), 1)  # warm the package's per-year tables
    rate("no database (package data only, one Calendar)", pure.due_date, jobs)
    with transaction.atomic():
        rate("due_date(), empty override table", queries.due_date, jobs)
        n = add_overrides()
        rate(f"due_date(), {n} override rows", queries.due_date, jobs)
        shared = queries.calendar()
        rate(f"one calendar() reused for a batch, {n} override rows", shared.due_date, jobs)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
