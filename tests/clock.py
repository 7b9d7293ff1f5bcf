"""Run tests as if today were another day, to find tests that depend on the calendar date.

    .venv/bin/python -m pytest -p tests.clock --today 2027-01-04 tests/hall -n 0
    .venv/bin/python -m pytest -p tests.clock --today 2026-12-31T23:30+08:00 tests/cases -n 0

A date alone means 10:00 in the centre's zone. The clock keeps ticking from there through each
test's fixtures, the test and its teardown (the live server's thread too: time_machine moves
the whole process); a test that travels itself goes on travelling from where it says. Chromium
keeps its own clock, so browser tests are only meaningful with days after the real today (the
session cookie would have expired otherwise). Days worth trying: a weekend, the last working
day before a holiday, 2026-12-31 and 2027-01-04 (chinesecalendar knows no 2027).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

CENTRE_ZONE = ZoneInfo("Asia/Shanghai")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        default="",
        help="run every test as if it were this day (YYYY-MM-DD, or an ISO date and time)",
    )


def moment(text: str) -> datetime:
    """'2027-01-04' → 10:00 that day in the centre's zone; a full ISO time is taken as given."""
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(hour=10, tzinfo=CENTRE_ZONE)
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=CENTRE_ZONE)


def pytest_report_header(config: pytest.Config) -> str | None:
    today = config.getoption("--today")
    return f"clock moved to {moment(today).isoformat()}" if today else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    today = item.config.getoption("--today")
    if not today:
        yield
        return
    with time_machine.travel(moment(today), tick=True):
        yield
