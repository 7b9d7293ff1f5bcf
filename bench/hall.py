"""A busy hall day through the hall's actions: numbers taken, called by several windows in
parallel threads, served and finished; then the day's figures and the dashboard panel.

    .venv/bin/python bench/hall.py --tickets 2000 --windows 8 --db sqlite
    .venv/bin/python bench/hall.py --tickets 2000 --windows 8 --db postgres

Prints take/s, calls/s (all windows together, each call one transaction that locks its ticket)
and the time to compute the figures per zone, window and hour, and checks that no ticket was
called twice. The last line reads `take/s=… calls/s=… figures_ms=… duplicates=0`.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from case_lifecycle import configure, drop  # noqa: E402

START = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # Tuesday 09:00 Beijing time


def setup_world(windows: int):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from onestop.org.models import Centre, Department, Region, Role, StaffRole, Window, Zone

    district = Region.objects.create(code="510403000000", name="西区", level="district")
    centre = Centre.objects.create(
        key="xq", name="西区政务服务中心", region=district, level="district"
    )
    dept = Department.objects.create(
        key="scjgj", name="区市场监管局", short_name="市场监管", kind="district", region=district
    )
    zone = Zone.objects.create(centre=centre, kind="approval", name="A区 行政审批区")
    seats = []
    for n in range(1, windows + 1):
        window = Window.objects.create(
            zone=zone, number=f"A{n:02d}", name="窗口", kind="department"
        )
        window.departments.add(dept)
        user = User.objects.create_user(username=f"clerk{n}")
        StaffRole.objects.create(
            user=user, role=Role.CLERK, department=dept, region=district, window=window
        )
        seats.append((window, user))
    return centre, zone, seats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--windows", type=int, default=6)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    label = configure(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from onestop.hall import actions, figures
    from onestop.hall.models import Ticket, TicketEvent

    try:
        call_command("migrate", verbosity=0)
        centre, zone, seats = setup_world(args.windows)
        categories = ["normal"] * 8 + ["care", "green"]
        began = time.perf_counter()
        for i in range(args.tickets):
            actions.take_ticket(
                actions.NewTicket(
                    centre=centre,
                    zone=zone,
                    item=None,
                    category=categories[i % len(categories)],
                    source="desk",
                ),
                now=START + timedelta(seconds=i * 5),
                actor=None,
            )
        take_s = time.perf_counter() - began
        done_at = START + timedelta(seconds=args.tickets * 5 + 60)
        calls = [0] * len(seats)

        def work(k: int) -> None:
            window, clerk = seats[k]
            try:
                while True:
                    t = actions.call_next(window, actor=clerk, now=done_at)
                    if t is None:
                        return
                    calls[k] += 1
                    actions.start_serving(t, actor=clerk, now=done_at)
            finally:
                connection.close()

        began = time.perf_counter()
        threads = [threading.Thread(target=work, args=(k,)) for k in range(len(seats))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        call_s = time.perf_counter() - began
        called = list(TicketEvent.objects.filter(kind="called").values_list("ticket_id", flat=True))
        duplicates = len(called) - len(set(called))
        began = time.perf_counter()
        fig = figures.hall_figures(None, START.date(), START.date(), now=done_at)
        figures_ms = (time.perf_counter() - began) * 1000
        print(f"{label}: {args.tickets} tickets, {args.windows} windows")
        print(f"calls per window: {calls}")
        print(
            f"waiting left={Ticket.objects.filter(status='waiting').count()} "
            f"avg_wait={fig.total.avg_wait:.1f} min p90={fig.total.p90_wait:.1f} min"
        )
        print(
            f"take/s={args.tickets / take_s:.0f} calls/s={sum(calls) / call_s:.0f} "
            f"figures_ms={figures_ms:.0f} duplicates={duplicates}"
        )
    finally:
        drop(args.db)


if __name__ == "__main__":
    main()
