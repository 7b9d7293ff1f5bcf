"""Acceptance at the window (受理, 容缺), Art. 32's deemed acceptance, refusal to accept, and
即办件 handled on the spot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import hooks, rules, workflow
from onestop.cases.actions.common import (
    case_limit,
    close_tasks,
    fees_settled,
    invite_rating,
    lock_case,
    missing_materials,
    recompute_due,
    set_status,
    start_move,
)
from onestop.cases.actions.notices import announce
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseMaterial, ClockStop, Task
from onestop.catalog.models import ServiceItem
from onestop.core.errors import TransitionError
from onestop.org.models import Role
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Case.Status


def _start_clock(case: Case, accepted_at: datetime, now: datetime) -> list[tuple[date, date]]:
    """Acceptance: the limit starts (the day of acceptance is not counted); returns the stops."""
    case.accepted_at = accepted_at
    case.limit_days = case_limit(case)
    return recompute_due(case, local_date(now))


def _open_review(case: Case, now: datetime, stops: list[tuple[date, date]]) -> None:
    """The lead review and every co-department's opinion task, opened at once (one INSERT)."""
    accepted_day = local_date(case.accepted_at or now)
    due = workdays.due_date(
        accepted_day, rules.review_days(case.limit_days, case.item.steps.all()), stops
    ).end_at()
    Task.objects.bulk_create(
        [
            Task(
                case=case,
                kind=Task.Kind.REVIEW,
                department=case.department,
                role=Role.REVIEWER,
                created_at=now,
                due_at=due,
            )
        ]
        + [
            Task(
                case=case,
                kind=Task.Kind.OPINION,
                department=dept,
                role=Role.REVIEWER,
                created_at=now,
                due_at=due,
            )
            for dept in case.item.co_departments.all()
        ]
    )


def _check_materials_for_acceptance(case: Case, tolerated: Sequence[str]) -> list[str]:
    tolerated_set = set(tolerated)
    problems = []
    for m in missing_materials(case):
        if m.name in tolerated_set:
            if not m.tolerance:
                problems.append(f"“{m.name}”不属于可容缺材料")
                continue
            m.state = CaseMaterial.State.TOLERATED
            m.note = "容缺受理，承诺后补"
            m.save(update_fields=["state", "note"])
        else:
            problems.append(f"缺少必要材料“{m.name}”")
    return problems


@transaction.atomic
def accept_case(
    case: Case, *, actor: User, now: datetime, tolerated: Sequence[str] = (), key: str = ""
) -> Case:
    """The window accepts: required materials are present (or tolerated, 容缺), the clock starts,
    the lead department's review and every co-department's opinion open at once."""
    case, done = start_move(case, "accept", actor, key)
    if done:
        return case
    if case.item.kind == ServiceItem.Kind.INSTANT:
        raise TransitionError("即办件请直接“即办办结”")
    problems = _check_materials_for_acceptance(case, tolerated)
    if problems:
        raise CaseError("不能受理：" + "；".join(problems), field="materials")
    if case.received_at is None:
        case.received_at = now
    stops = _start_clock(case, now, now)
    set_status(
        case, S.ACCEPTED, "received_at", "accepted_at", "limit_days", "due_at", "due_provisional"
    )
    close_tasks(case, now, [Task.Kind.PRE_REVIEW])
    _open_review(case, now, stops)
    event = record_event(
        case,
        "accepted",
        actor=actor,
        now=now,
        key=key,
        data={
            "limit_days": case.limit_days,
            "due": case.due_at.isoformat() if case.due_at else None,
            "provisional": case.due_provisional,
            "tolerated": list(tolerated),
        },
    )
    announce(case, event)
    return case


@transaction.atomic
def deem_accepted(case: Case, *, now: datetime) -> Case | None:
    """Art. 32: no supplement notice within 5 working days — accepted as of the receipt.

    Run by the periodic sweep; returns None when there is nothing to do (another worker did
    it, or the case moved on)."""
    case = lock_case(case)
    if (
        not workflow.allowed_from("deem_accepted", case.status)
        or case.supplement_due_at is None
        or now <= case.supplement_due_at
        or case.received_at is None
    ):
        return None
    _check_materials_for_acceptance(case, [m.name for m in case.materials.all() if m.tolerance])
    stops = _start_clock(case, case.received_at, now)
    set_status(case, S.ACCEPTED, "accepted_at", "limit_days", "due_at", "due_provisional")
    close_tasks(case, now, [Task.Kind.PRE_REVIEW])
    _open_review(case, now, stops)
    event = record_event(
        case,
        "deemed_accepted",
        actor=None,
        now=now,
        data={
            "received": case.received_at.isoformat(),
            "due": case.due_at.isoformat() if case.due_at else None,
        },
    )
    announce(case, event)
    return case


def sweep_deemed_acceptance(*, now: datetime) -> int:
    """Apply Art. 32 to every submitted case past its notice deadline; idempotent."""
    count = 0
    pending = Case.objects.filter(status=S.SUBMITTED, supplement_due_at__lt=now).values_list(
        "pk", flat=True
    )
    for pk in list(pending):
        if deem_accepted(Case(pk=pk), now=now) is not None:
            count += 1
    return count


@transaction.atomic
def not_accept(case: Case, *, actor: User, now: datetime, reasons: str, key: str = "") -> Case:
    """不予受理: with reasons and the applicant's rights."""
    case, done = start_move(case, "not_accept", actor, key)
    if done:
        return case
    if not reasons.strip():
        raise CaseError("不予受理须说明理由", field="reasons")
    set_status(case, S.NOT_ACCEPTED)
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=local_date(now))
    close_tasks(case, now)
    event = record_event(
        case, "not_accepted", actor=actor, now=now, key=key, data={"reasons": reasons.strip()}
    )
    announce(case, event)
    invite_rating(case, now)
    hooks.case_closed(case=case, outcome="not_accepted", now=now)
    return case


@transaction.atomic
def handle_instant(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """即办件: accepted, granted and completed on the spot by the window."""
    case, done = start_move(case, "handle_instant", actor, key)
    if done:
        return case
    if case.item.kind != ServiceItem.Kind.INSTANT:
        raise TransitionError("承诺件不能即办办结，请先受理")
    problems = _check_materials_for_acceptance(case, ())
    if problems:
        raise CaseError("不能办结：" + "；".join(problems), field="materials")
    if not fees_settled(case):
        raise CaseError("请先缴清费用", field="fees")
    case.received_at = case.received_at or now
    case.accepted_at = case.decided_at = case.completed_at = now
    case.limit_days = 0
    case.due_at = workdays.due_date(local_date(now), 0).end_at()
    set_status(
        case,
        S.COMPLETED,
        "received_at",
        "accepted_at",
        "decided_at",
        "completed_at",
        "limit_days",
        "due_at",
    )
    close_tasks(case, now)
    record_event(case, "accepted", actor=actor, now=now, key=key, data={"instant": True})
    record_event(case, "granted", actor=actor, now=now, data={"instant": True})
    announce(case, record_event(case, "completed", actor=actor, now=now))
    invite_rating(case, now)
    hooks.case_closed(case=case, outcome="granted", now=now)
    return case
