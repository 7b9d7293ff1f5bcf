"""Provisional deadlines made final: when the administrator loads the holiday schedule of a
year the calendar did not know (or changes a day), every open deadline that may walk over it
is counted again — the decision due (and its 暂定 mark), the Art. 32 supplement-notice due of
a submitted case, the Art. 44 certificate due of a granted one — and the open tasks follow.

Registered on `workdays.hooks` by `CasesConfig.ready`; runs after the change has committed,
one transaction per case, so a failure leaves the other cases recomputed.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from onestop.cases.actions.common import lock_case, open_tasks, recompute_due
from onestop.cases.audit import mark_changed, record_event
from onestop.cases.models import Case, Task
from onestop.cases.rules import CERTIFICATE_DAYS, SUPPLEMENT_NOTICE_DAYS
from onestop.cases.workflow import CLOCK_RUNNING
from onestop.core.workflow import states
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import end_of_day, local_date

S = Case.Status
# A suspended case's deadline is counted again at resumption; it still shows on its pages.
DECISION_STATES = states(CLOCK_RUNNING, S.SUSPENDED)


def _iso(moment: object) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None


@transaction.atomic
def recompute_case_deadline(case: Case, *, now: datetime) -> bool:
    """Count one case's open deadline again with today's calendar; True if it changed."""
    case = lock_case(case)
    fields: tuple[str, ...]
    before: tuple[object, ...]
    if case.status in DECISION_STATES and case.accepted_at is not None:
        fields, task_kind = ("due_at", "due_provisional"), Task.Kind.DECIDE
        before = (case.due_at, case.due_provisional)
        recompute_due(case, local_date(now))
    elif case.status == S.SUBMITTED and case.received_at is not None:
        fields, task_kind = ("supplement_due_at",), Task.Kind.PRE_REVIEW
        before = (case.supplement_due_at,)
        notice = workdays.due_date(local_date(case.received_at), SUPPLEMENT_NOTICE_DAYS)
        case.supplement_due_at = notice.end_at()
    elif case.status == S.GRANTED and case.decided_at is not None:
        fields, task_kind = ("certificate_due_at",), Task.Kind.CERTIFICATE
        before = (case.certificate_due_at,)
        cert = workdays.due_date(local_date(case.decided_at), CERTIFICATE_DAYS)
        case.certificate_due_at = cert.end_at()
    else:
        return False
    after = tuple(getattr(case, f) for f in fields)
    if after == before:
        return False
    mark_changed(case, *fields)
    open_tasks(case, task_kind).update(due_at=after[0])
    record_event(
        case,
        "deadline_recomputed",
        actor=None,
        now=now,
        data={
            "deadline": fields[0],
            "previous": _iso(before[0]),
            "due": _iso(after[0]),
            "provisional": case.due_provisional,
        },
    )
    return True


def _open_deadlines_between(first: date, last: date) -> Q:
    """Open deadlines whose count may cross a day from `first` to `last`."""
    # A deadline ends at 24:00 of its day; one ending on `first` may have counted it.
    start, end = end_of_day(first), end_of_day(last)
    return (
        Q(status__in=DECISION_STATES, accepted_at__lte=end, due_at__gte=start)
        | Q(status=S.SUBMITTED, received_at__lte=end, supplement_due_at__gte=start)
        | Q(status=S.GRANTED, decided_at__lte=end, certificate_due_at__gte=start)
    )


def _recompute(query: Q, now: datetime | None) -> int:
    moment = now or timezone.now()
    pending = Case.objects.filter(query).values_list("pk", flat=True)
    return sum(recompute_case_deadline(Case(pk=pk), now=moment) for pk in list(pending))


def recompute_provisional_deadlines(year: int, *, now: datetime | None = None) -> int:
    """After `year`'s schedule is loaded: recount every open deadline that reaches the year."""
    return _recompute(_open_deadlines_between(date(year, 1, 1), date(year, 12, 31)), now)


def recompute_deadlines_between(first: date, last: date, *, now: datetime | None = None) -> int:
    """After days from `first` to `last` changed (a closure, a removed schedule)."""
    return _recompute(_open_deadlines_between(first, last), now)
