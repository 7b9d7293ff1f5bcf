"""Hand-set days: a local closure, a local make-up day, removing one; the change hook."""

from datetime import UTC, date, datetime

import pytest

from onestop.workdays import hooks
from onestop.workdays.actions import (
    CalendarError,
    close_day,
    remove_calendar_day,
    set_calendar_day,
)
from onestop.workdays.models import CalendarDay
from onestop.workdays.queries import describe_day, due_date

NOW = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def change_hook():
    calls: list[tuple[date, date]] = []

    def hook(first: date, last: date) -> None:
        calls.append((first, last))

    hooks.on_calendar_changed.register(hook)
    yield calls
    hooks.on_calendar_changed.unregister(hook)


def test_a_local_closure_moves_a_deadline(centre_admin):
    # 3-4 1, 3-5 2, 3-6 3, 3-7 4, 3-10 5, 3-11 6, 3-12 7, 3-13 8, 3-14 9, 3-17 10
    assert due_date(date(2025, 3, 3), 10).due == date(2025, 3, 17)
    row = close_day(date(2025, 3, 12), "停电闭厅", actor=centre_admin, now=NOW)
    assert (row.kind, row.changed_by, row.is_local) == ("holiday", centre_admin, True)
    # 3-12 休 (闭厅): 3-13 7, 3-14 8, 3-17 9, 3-18 10
    result = due_date(date(2025, 3, 3), 10)
    assert result.due == date(2025, 3, 18)
    assert [(d.date, d.name) for d in result.skipped] == [(date(2025, 3, 12), "停电闭厅")]


def test_an_override_beats_the_package(centre_admin):
    # 2025-10-08 is 国庆节 in the package; the centre opens anyway.
    set_calendar_day(date(2025, 10, 8), "workday", "值班开放", actor=centre_admin, now=NOW)
    assert describe_day(date(2025, 10, 8)).workday
    # 10-8 1, 10-9 2
    assert due_date(date(2025, 9, 30), 2).due == date(2025, 10, 9)


def test_removing_an_override_restores_the_package_day(centre_admin):
    row = close_day(date(2025, 3, 12), "停电闭厅", actor=centre_admin, now=NOW)
    remove_calendar_day(row, actor=centre_admin, now=NOW)
    assert not CalendarDay.objects.exists()
    assert due_date(date(2025, 3, 3), 10).due == date(2025, 3, 17)


def test_setting_a_day_again_updates_the_one_row(centre_admin):
    close_day(date(2025, 3, 12), "停电闭厅", actor=centre_admin, now=NOW)
    set_calendar_day(date(2025, 3, 12), "workday", "", actor=centre_admin, now=NOW)
    assert list(CalendarDay.objects.values_list("kind", "name")) == [("workday", "")]


def test_it_refuses_an_unknown_kind(centre_admin):
    with pytest.raises(CalendarError):
        set_calendar_day(date(2025, 3, 12), "maybe", actor=centre_admin, now=NOW)


def test_the_change_hook_runs_after_commit(
    centre_admin, change_hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = close_day(date(2025, 3, 12), "停电闭厅", actor=centre_admin, now=NOW)
        assert change_hook == []
    with django_capture_on_commit_callbacks(execute=True):
        remove_calendar_day(row, actor=centre_admin, now=NOW)
    assert change_hook == [(date(2025, 3, 12), date(2025, 3, 12))] * 2


def test_a_failing_hook_does_not_stop_the_others(
    centre_admin, change_hook, django_capture_on_commit_callbacks
):
    def broken(first: date, last: date) -> None:
        raise RuntimeError("boom")

    hooks.on_calendar_changed.register(first=True, function=broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            close_day(date(2025, 3, 12), "停电闭厅", actor=centre_admin, now=NOW)
    finally:
        hooks.on_calendar_changed.unregister(broken)
    assert change_hook == [(date(2025, 3, 12), date(2025, 3, 12))]
