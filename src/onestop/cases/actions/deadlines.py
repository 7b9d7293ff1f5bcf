"""Provisional deadlines made final: when the administrator loads the holiday schedule of a
year the calendar did not know, every open case whose deadline reached that year is counted
again (the due day may move) and loses its 暂定 mark unless another unknown year remains.

Registered on `workdays.hooks.on_year_loaded` by `CasesConfig.ready`; runs after the load has
committed, one transaction per case, so a failure leaves the other cases recomputed.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from onestop.cases.actions.common import lock_case, open_tasks, recompute_due
from onestop.cases.audit import mark_changed, record_event
from onestop.cases.models import Case, Task
from onestop.cases.workflow import CLOCK_RUNNING
from onestop.core.workflow import states
from onestop.workdays.calendar import end_of_day, local_date

# A suspended case's deadline is counted again at resumption; it still shows on its pages.
RECOMPUTED_STATES = states(CLOCK_RUNNING, Case.Status.SUSPENDED)


@transaction.atomic
def recompute_case_deadline(case: Case, *, now: datetime) -> bool:
    """Count one case's deadline again with today's calendar; True if it changed."""
    case = lock_case(case)
    if case.status not in RECOMPUTED_STATES or case.accepted_at is None:
        return False
    before, was_provisional = case.due_at, case.due_provisional
    recompute_due(case, local_date(now))
    if (case.due_at, case.due_provisional) == (before, was_provisional):
        return False
    mark_changed(case, "due_at", "due_provisional")
    open_tasks(case, Task.Kind.DECIDE).update(due_at=case.due_at)
    record_event(
        case,
        "deadline_recomputed",
        actor=None,
        now=now,
        data={
            "previous": before.isoformat() if before else None,
            "due": case.due_at.isoformat() if case.due_at else None,
            "provisional": case.due_provisional,
        },
    )
    return True


def recompute_provisional_deadlines(year: int, *, now: datetime | None = None) -> int:
    """After `year`'s schedule is loaded: recount every open provisional deadline."""
    moment = now or timezone.now()
    pending = Case.objects.filter(
        status__in=RECOMPUTED_STATES, due_provisional=True, accepted_at__isnull=False
    ).values_list("pk", flat=True)
    return sum(recompute_case_deadline(Case(pk=pk), now=moment) for pk in list(pending))


def recompute_deadlines_between(first: date, last: date, *, now: datetime | None = None) -> int:
    """After days from `first` to `last` changed (a closure, a removed schedule): recount
    every open deadline that may have walked over them."""
    moment = now or timezone.now()
    pending = Case.objects.filter(
        status__in=RECOMPUTED_STATES,
        accepted_at__isnull=False,
        accepted_at__lte=end_of_day(last),
        due_at__gte=end_of_day(first),
    ).values_list("pk", flat=True)
    return sum(recompute_case_deadline(Case(pk=pk), now=moment) for pk in list(pending))
