"""Benchmark: import the real 1,135-item Guang'an list into a fresh database.

    .venv/bin/python bench/catalog_import.py            # a temporary SQLite file
    .venv/bin/python bench/catalog_import.py --postgres # a throw-away PostgreSQL database
                                                        # (127.0.0.1:5432, user postgres, trust)

Prints the seconds and items/s of the short-list import, then of exporting the catalog and of
importing that export back (all unchanged) as a full catalog.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "sichuan-guangan-catalog.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--postgres", action="store_true", help="use a throw-away PostgreSQL DB")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="onestop-bench-")
    os.environ["ONESTOP_VAR_DIR"] = tmp.name
    os.environ.setdefault("SECRET_KEY", "bench")
    pg_name = f"onestop_cat_bench_{os.getpid()}"
    if args.postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "onestop.settings"
    try:
        run(Path(args.file))
    finally:
        if args.postgres:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(
                "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
            ) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
        tmp.cleanup()


def run(path: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from onestop.catalog.excel import export_bytes, import_catalog
    from onestop.catalog.models import ServiceItem
    from onestop.org.models import Region

    call_command("migrate", verbosity=0)
    Region.objects.create(code="511602000000", name="广安区", level=Region.Level.DISTRICT)
    print(f"database: {connection.vendor}; file: {path.name}")

    start = time.perf_counter()
    summary = import_catalog(path, actor=None, now=timezone.now())
    report("short list import", start, summary.created)
    print("  " + summary.line())
    assert ServiceItem.objects.count() == summary.created

    start = time.perf_counter()
    summary = import_catalog(path, actor=None, now=timezone.now())
    report("same list again (unchanged)", start, summary.unchanged)

    start = time.perf_counter()
    data = export_bytes()
    report(f"export ({len(data) // 1024} KiB)", start, summary.unchanged)

    start = time.perf_counter()
    summary = import_catalog(data, actor=None, now=timezone.now())
    report("full-catalog import of the export (unchanged)", start, summary.unchanged)


def report(what: str, start: float, count: int) -> None:
    seconds = time.perf_counter() - start
    print(f"{what}: {count} items in {seconds:.2f} s ({count / seconds:,.0f} items/s)")


if __name__ == "__main__":
    main()
