"""Supervision at district scale: the sweep, the dashboard and the monthly ranking.

    .venv/bin/python bench/supervision.py --closed 1000000 --open 100000
    .venv/bin/python bench/supervision.py --steps 100000,1000000   # growth
    .venv/bin/python bench/supervision.py --closed 10000 --open 1000 --rules   # with card rules

Generates closed and open cases with plain SQL (generate_series) in a throw-away PostgreSQL
database, spread over three departments, twelve months and all lights, then times:
the supervision sweep (first run and a run with nothing new), the department dashboard
(hall by light, twelve-month trend, ranking) and the monthly ranking alone. Prints one line per
size and how each figure grows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # a Friday, 10:00 Beijing


def configure() -> str:
    name = f"onestop_supbench_{os.getpid()}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ["ONESTOP_TESTING"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    return name


def generate(closed: int, open_: int, world) -> None:  # type: ignore[no-untyped-def]
    """Closed cases over the last twelve months, open ones accepted over the last 30 days."""
    from django.db import connection

    item, applicant, centre, _people = world
    with connection.cursor() as c:
        c.execute("SELECT id FROM org_department ORDER BY id")
        depts = [row[0] for row in c.fetchall()]
        common = (
            "INSERT INTO cases_case (number, query_code, item_id, department_id, applicant_id,"
            " channel, centre_id, region_id, status, resume_status, form_data, created_at,"
            " received_at, accepted_at, decided_at, completed_at, due_at, limit_days,"
            " extension_days, due_provisional, halved, event_seq, event_hash) "
        )
        c.execute(
            common + "SELECT %s || g, 'ABCDEFGH', %s, (ARRAY[%s,%s,%s])[1 + g %% 3], %s, 'window',"
            " %s, %s, 'completed', '', '{}', t, t, t, t + d, t + d, t + interval '14 days', 10,"
            " 0, false, false, 0, repeat('0', 64) FROM (SELECT g,"
            " %s::timestamptz - (g %% 360) * interval '1 day' AS t,"
            " (g %% 20) * interval '1 day' AS d FROM generate_series(1, %s) g) s",
            [
                f"C{closed}-",
                item.pk,
                *depts,
                applicant.pk,
                centre.pk,
                centre.region_id,
                NOW,
                closed,
            ],
        )
        c.execute(
            common + "SELECT %s || g, 'ABCDEFGH', %s, (ARRAY[%s,%s,%s])[1 + g %% 3], %s, 'window',"
            " %s, %s, (ARRAY['accepted','under_review','under_decision'])[1 + g %% 3], '',"
            " '{}', t, t, t, NULL, NULL, t + interval '14 days', 10, 0, false, false, 0,"
            " repeat('0', 64) FROM (SELECT g, %s::timestamptz - (g %% 30) * interval '1 day'"
            " AS t FROM generate_series(1, %s) g) s",
            [f"O{open_}-", item.pk, *depts, applicant.pk, centre.pk, centre.region_id, NOW, open_],
        )
        c.execute("ANALYZE")


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def measure(closed: int, open_: int, rules: bool = False) -> dict[str, float]:
    from case_lifecycle import setup_world
    from django.core.management import call_command
    from django.db import connection

    from onestop.supervision.efficiency import (
        evaluate,
        hall_today,
        last_months,
        monthly_trend,
        region_tree,
    )
    from onestop.supervision.stats import rebuild_all, refresh_statistics
    from onestop.supervision.sweep import sweep_supervision
    from onestop.workdays.calendar import local_date

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    world = setup_world()
    generate(closed, open_, world)
    if rules:
        from datetime import timedelta

        from onestop.demo.supervision import load_demo_rules

        # The demo's four rules, in force for the last 30 days: cards for the open cases' facts.
        load_demo_rules(now=NOW - timedelta(days=30))
    connection.close()
    figures: dict[str, float] = {}
    figures["sweep_first"], result = timed(lambda: sweep_supervision(NOW))
    # The first sweep filled the alert and violation tables from empty; in production autovacuum
    # re-analyses a table within a minute of such a change, and the planner needs it.
    with connection.cursor() as c:
        c.execute("ANALYZE supervision_alert; ANALYZE supervision_violation")
    figures["sweep_again"], _ = timed(lambda: sweep_supervision(NOW))
    # The daily statistics: a full build (once, after an import) and a periodic refresh.
    figures["stats_build"], _ = timed(lambda: rebuild_all(NOW))
    figures["stats_refresh"], _ = timed(lambda: refresh_statistics(NOW))
    today = local_date(NOW)

    def dashboard() -> None:
        hall_today(None, NOW)
        monthly_trend(None, last_months(today, 12))
        evaluate(None, today.year, today.month, "department", now=NOW)
        region_tree(None, NOW)

    figures["dashboard"], _ = timed(dashboard)
    figures["ranking"], _ = timed(
        lambda: evaluate(None, today.year, today.month, "department", now=NOW)
    )
    print(
        f"closed={closed} open={open_} alerts={result['alerts']} "
        f"violations={result['violations']} cards={result.get('cards', 0)} "
        + " ".join(f"{k}={v:.2f}s" for k, v in figures.items()),
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--steps", default="", help="comma-separated closed-case counts")
    parser.add_argument("--rules", action="store_true", help="with the demo's card rules")
    args = parser.parse_args()
    name = configure()
    import django

    django.setup()
    try:
        steps = [int(x) for x in args.steps.split(",") if x] or [args.closed]
        runs = [
            (n, measure(n, max(1, n * args.open // max(args.closed, 1)), args.rules)) for n in steps
        ]
        if len(runs) > 1:
            (n0, first), (n1, last) = runs[0], runs[-1]
            print(
                f"growth {n0}→{n1} closed cases: "
                + " ".join(f"{k}×{last[k] / first[k]:.1f}" for k in first if first[k] > 0)
            )
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", name], check=False)


if __name__ == "__main__":
    main()
