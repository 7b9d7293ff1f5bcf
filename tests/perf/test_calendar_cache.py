"""The calendar years kept in a shared cache: read once, and forgotten when the calendar changes."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from onestop.workdays import actions, hooks
from onestop.workdays import queries as workdays
from onestop.workdays.models import CalendarDay

# A Monday in a year the package knows: a working day unless someone closes the centre.
MONDAY = date(2026, 3, 9)


@pytest.fixture
def shared_cache(monkeypatch):  # type: ignore[no-untyped-def]
    """A cache as if shared (only the flag matters here; the backend is an in-process one),
    with the hooks registered as the app does at start when REDIS_URL is set."""
    from django.core.cache import cache

    for hook in (hooks.on_year_loaded, hooks.on_calendar_changed):
        monkeypatch.setattr(hook, "_functions", hook.functions)
    workdays.forget_years_on_changes()
    cache.clear()
    with override_settings(REDIS_URL="redis://shared"):
        yield
    cache.clear()


def test_a_year_is_read_once_across_requests(db, shared_cache) -> None:  # type: ignore[no-untyped-def]
    assert workdays.calendar().is_workday(MONDAY)
    with CaptureQueriesContext(connection) as ctx:
        assert workdays.calendar().is_workday(MONDAY)  # a new calendar, as the next request
    assert len(ctx.captured_queries) == 0


@pytest.mark.django_db(transaction=True)
def test_a_closure_is_seen_as_soon_as_it_commits(shared_cache) -> None:  # type: ignore[no-untyped-def]
    assert workdays.calendar().is_workday(MONDAY)  # cached as a working day
    actions.close_day(MONDAY, "停电闭厅", actor=None, now=timezone.now())
    assert not workdays.calendar().is_workday(MONDAY)
    row = CalendarDay.objects.get(date=MONDAY)
    actions.remove_calendar_day(row, actor=None, now=timezone.now())
    assert workdays.calendar().is_workday(MONDAY)


def test_without_a_shared_cache_every_calendar_reads_the_database(db) -> None:  # type: ignore[no-untyped-def]
    workdays.calendar().is_workday(MONDAY)
    with CaptureQueriesContext(connection) as ctx:
        workdays.calendar().is_workday(MONDAY)
    assert len(ctx.captured_queries) == 1
