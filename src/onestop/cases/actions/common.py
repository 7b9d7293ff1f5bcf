"""What every move of a case does: lock it, skip a repeated request, change its status, keep
its clock and its tasks, and ask the apps above (`cases.hooks`) what only they know."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from onestop.cases import hooks
from onestop.cases.audit import mark_changed, record_event
from onestop.cases.models import Case, CaseEvent, CaseMaterial, ClockStop, Task
from onestop.cases.permissions import check_move
from onestop.core.locking import already_done as core_already_done
from onestop.notify.actions import enqueue
from onestop.notify.links import absolute_url
from onestop.org.models import Department
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import halve, local_date


def lock_case(case: Case | int) -> Case:
    """The case row, locked for this transaction (with what every move reads)."""
    pk = case if isinstance(case, int) else case.pk
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "department", "applicant", "region")
        .only(*LOCK_FIELDS)
        .get(pk=pk)
    )


# What the moves read of a locked case and its relations (anything else loads on access):
# fewer columns make the per-move lock query cheaper to build and read.
LOCK_FIELDS = [
    *(f.name for f in Case._meta.concrete_fields if f.name != "form_data"),
    *(
        f"item__{f}"
        for f in ("code", "version", "name", "kind", "status", "promised_limit", "department")
    ),
    *(f"department__{f}" for f in ("key", "name", "short_name", "region")),
    *(f"applicant__{f}" for f in ("user", "name", "kind", "id_number", "credit_code", "phone")),
    *(f"region__{f}" for f in ("code", "path")),
]


def already_done(case: Case, key: str) -> bool:
    """A request key already recorded on this case: the repeated request does nothing."""
    return core_already_done(CaseEvent.objects.filter(case=case), key)


def start_move(case: Case, move: str, actor: User, key: str) -> tuple[Case, bool]:
    """Lock the case for one of its moves; the flag says the request key was already recorded
    (the repeated request does nothing). Otherwise checks that the actor may make the move and
    that the case's state allows it."""
    case = lock_case(case)
    if already_done(case, key):
        return case, True
    check_move(case, move, actor)
    return case, False


def set_status(case: Case, status: str, *fields: str) -> None:
    """Change the status (and other fields); saved with the move's audit event."""
    case.status = status
    mark_changed(case, "status", *fields)


def _stops(case: Case, today: date) -> list[tuple[date, date]]:
    """The case's clock stops as date ranges; an open one runs to today."""
    return [
        (s.started_on, s.ended_on or today)
        for s in ClockStop.objects.filter(case=case).order_by("started_on")
    ]


def case_limit(case: Case) -> int:
    days = case.item.promised_limit
    return halve(days) if case.halved else days


def recompute_due(case: Case, today: date) -> list[tuple[date, date]]:
    """Decision due: `limit + extension` working days after acceptance, skipping the clock
    stops (an open one runs to `today`); returns the stops."""
    stops = _stops(case, today)
    if case.accepted_at is not None:
        due = workdays.due_date(
            local_date(case.accepted_at), case.limit_days + case.extension_days, stops
        )
        case.due_at, case.due_provisional = due.end_at(), due.provisional
    return stops


def new_task(
    case: Case,
    kind: str,
    department: Department,
    role: str,
    *,
    now: datetime,
    due_at: datetime | None,
) -> Task:
    return Task.objects.create(
        case=case, kind=kind, department=department, role=role, created_at=now, due_at=due_at
    )


def open_tasks(case: Case, kind: str | None = None) -> Any:
    qs = Task.objects.filter(case=case, status__in=Task.OPEN_STATES)
    return qs.filter(kind=kind) if kind else qs


def close_tasks(case: Case, now: datetime, kinds: Sequence[str] | None = None) -> None:
    qs = open_tasks(case)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    qs.update(status=Task.Status.CANCELLED, done_at=now)


def last_seq(case: Case) -> int:
    return CaseEvent.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0


@transaction.atomic
def record_note(
    case: Case, kind: str, *, actor: User | None, now: datetime, data: dict[str, Any]
) -> CaseEvent:
    """An event another app writes into a case's trail (a joint event's conclusion, …)."""
    return record_event(lock_case(case), kind, actor=actor, now=now, data=data)


def missing_materials(case: Case) -> list[CaseMaterial]:
    return [
        m for m in case.materials.all() if m.required and m.state != CaseMaterial.State.PROVIDED
    ]


# --- what the apps above answer (cases.hooks) ----------------------------------------------


def invite_rating(case: Case, now: datetime) -> None:
    """Text the applicant a signed link to rate the service (好差评), through the outbox, in
    the move's transaction: sent only if the case really finished."""
    if not case.applicant.phone:
        return
    path = hooks.rating_link.first(case)
    if path is None:  # no app offers ratings
        return
    link = absolute_url(path)
    enqueue(
        channel="sms",
        address=case.applicant.phone,
        now=now,
        template="rating_invitation",
        context={"case": case.number},
        body=(
            f"【{settings.SMS_SIGNATURE}】您的办件{case.number}（{case.item.name}）已办结，"
            f"欢迎评价：{link}"
        ),
    )


def fees_settled(case: Case) -> bool:
    """Whether the case owes nothing (fees are paid or exempt): the fee app answers."""
    return all(hooks.fees_settled(case))


def certificate_issued(case: Case) -> bool:
    """Whether a valid certificate was issued for the case: the documents app answers."""
    return hooks.certificate_issued.any(case)
