"""Benchmark: the guide search over the demo catalog, with the table of everyday queries.

    .venv/bin/python bench/search.py             # a temporary SQLite file
    .venv/bin/python bench/search.py --postgres  # a throw-away PostgreSQL database
                                                 # (127.0.0.1:5432, user postgres, trust)

Loads the demo catalog (regions, departments, life events, items), runs every query of
tests/catalog/search_queries.csv through catalog.queries.search_items as the guide does, and
prints the top-1 and top-3 hit rates, the queries missed and the time per query.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="use a throw-away PostgreSQL DB")
    parser.add_argument("--rounds", type=int, default=5, help="times each query is timed")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="onestop-bench-")
    os.environ["ONESTOP_VAR_DIR"] = tmp.name
    os.environ.setdefault("SECRET_KEY", "bench")
    pg_name = f"onestop_search_bench_{os.getpid()}"
    if args.postgres:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = f"{PG}/{pg_name}".replace("postgresql:", "postgres:")
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))  # for tests.catalog.search_table
    os.environ["DJANGO_SETTINGS_MODULE"] = "onestop.settings"
    try:
        run(args.rounds)
    finally:
        if args.postgres:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
        tmp.cleanup()


def run(rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from tests.catalog.search_table import hit_rates, queries

    from onestop.catalog.queries import live_items, search_items
    from onestop.demo import org as org_demo

    call_command("migrate", verbosity=0)
    counts = org_demo.Counts()
    regions = org_demo.load_regions(counts)
    org_demo.load_departments(counts, regions)
    org_demo.load_items(counts, now=timezone.now())
    rows = queries()
    live = live_items().count()
    print(f"database: {connection.vendor}; live items: {live}; queries: {len(rows)}")

    def search(query: str) -> list[str]:
        return [i.name for i in search_items(live_items(), query)[:3]]

    search("热身")  # jieba loads its dictionary once, on the first query
    rates = hit_rates(rows, search)
    print(f"top-1 hit rate: {rates.top1}/{rates.total} = {rates.rate(rates.top1):.1%}")
    print(f"top-3 hit rate: {rates.top3}/{rates.total} = {rates.rate(rates.top3):.1%}")
    for query, top in rates.misses:
        print(f"  missed: {query} → {'、'.join(top) or '（无结果）'}")
    for query, top in rates.not_first:
        print(f"  not first: {query} → {'、'.join(top)}")

    start = time.perf_counter()
    for _ in range(rounds):
        for q in rows:
            search(q.text)
    per_query = (time.perf_counter() - start) / (rounds * len(rows))
    print(f"time per query (search and first page of 3): {per_query * 1000:.1f} ms")


if __name__ == "__main__":
    main()
