"""Callbacks other apps register to recompute deadlines when the calendar changes.

They are kernel hooks (`onestop.core.hooks.Hook`); an app registers in its `AppConfig.ready()`:

    from onestop.workdays import hooks
    hooks.on_year_loaded.register(recompute_provisional_deadlines)   # f(year: int)
    hooks.on_calendar_changed.register(recompute_deadlines_between)  # f(first: date, last: date)

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

from onestop.core.hooks import Hook

on_year_loaded = Hook("on_year_loaded", "f(year: int), after a year's schedule is loaded")
on_calendar_changed = Hook(
    "on_calendar_changed", "f(first: date, last: date), after days between them changed"
)


def year_loaded_on_commit(year: int) -> None:
    for hook in on_year_loaded.functions:
        transaction.on_commit(_bound(hook, year), robust=True)


def calendar_changed_on_commit(first: date, last: date) -> None:
    for hook in on_calendar_changed.functions:
        transaction.on_commit(_bound(hook, first, last), robust=True)


def _bound(hook: Callable[..., object], *args: Any) -> Callable[[], None]:
    def run() -> None:
        hook(*args)

    # Django names the function when it logs a failure (a functools.partial has no name).
    run.__qualname__ = getattr(hook, "__qualname__", repr(hook))
    return run
