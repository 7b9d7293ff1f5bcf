"""Callbacks other apps register to recompute deadlines when the calendar changes.

An app appends a function in its `AppConfig.ready()`:

    from onestop.workdays import hooks
    hooks.on_year_loaded.append(recompute_provisional_deadlines)   # f(year: int)
    hooks.on_calendar_changed.append(recompute_deadlines_between)  # f(first: date, last: date)

The actions call them after their transaction commits (never inside it), each one on its own:
an exception in one is logged and does not stop the others. `on_year_loaded` follows
`load_year_schedule`; `on_calendar_changed` follows a hand-set or removed day, or a removed
year schedule, with the first and last date whose status may have changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction

on_year_loaded: list[Callable[[int], object]] = []
on_calendar_changed: list[Callable[[date, date], object]] = []


def year_loaded_on_commit(year: int) -> None:
    for hook in list(on_year_loaded):
        transaction.on_commit(_bound(hook, year), robust=True)


def calendar_changed_on_commit(first: date, last: date) -> None:
    for hook in list(on_calendar_changed):
        transaction.on_commit(_bound(hook, first, last), robust=True)


def _bound(hook: Callable[..., object], *args: Any) -> Callable[[], None]:
    def run() -> None:
        hook(*args)

    # Django names the function when it logs a failure (a functools.partial has no name).
    run.__qualname__ = getattr(hook, "__qualname__", repr(hook))
    return run
