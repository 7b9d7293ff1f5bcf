"""The decision (Art. 38), and the clock on the side: extension (Art. 42), suspension and
resumption (Art. 45)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import hooks
from onestop.cases.actions.common import (
    already_done,
    close_tasks,
    lock_case,
    new_task,
    open_tasks,
    recompute_due,
    set_status,
    start_move,
)
from onestop.cases.actions.notices import announce
from onestop.cases.actions.tasks import finish_task, lock_task_move
from onestop.cases.audit import mark_changed, record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, ClockStop, Task
from onestop.cases.permissions import check_move
from onestop.cases.rules import CERTIFICATE_DAYS, EXTENSION_DAYS
from onestop.core.errors import TransitionError
from onestop.org.models import Role
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Case.Status


@transaction.atomic
def decide_case(
    task: Task, *, actor: User, now: datetime, grant: bool, reasons: str = "", key: str = ""
) -> Task:
    """The approver grants or refuses, after every co-department has given its opinion."""
    task, case, done = lock_task_move(
        task, kind=Task.Kind.DECIDE, move="decide", actor=actor, key=key
    )
    if done:
        return task
    pending = list(open_tasks(case, Task.Kind.OPINION).select_related("department"))
    if pending:
        names = "、".join(t.department.short_name for t in pending)
        raise TransitionError(f"尚有部门未出具会签意见：{names}")
    if not grant and not reasons.strip():
        raise CaseError("不予许可须说明理由", field="reasons")
    close_tasks(case, now, [Task.Kind.EXTENSION])
    finish_task(task, actor, now, "grant" if grant else "refuse", reasons.strip())
    case.decided_at = now
    if grant:
        cert_due = workdays.due_date(local_date(now), CERTIFICATE_DAYS)
        case.certificate_due_at = cert_due.end_at()
        set_status(case, S.GRANTED, "decided_at", "certificate_due_at")
        new_task(
            case,
            Task.Kind.CERTIFICATE,
            case.department,
            Role.CLERK,
            now=now,
            due_at=case.certificate_due_at,
        )
    else:
        set_status(case, S.REFUSED, "decided_at")
    event = record_event(
        case,
        "granted" if grant else "refused",
        actor=actor,
        now=now,
        key=key,
        data={"reasons": reasons.strip(), "on_time": bool(case.due_at and now <= case.due_at)},
    )
    announce(case, event)
    hooks.case_closed(case=case, outcome="granted" if grant else "refused", now=now)
    return task


# --- the clock on the side: extension and suspension ------------------------------------------


@transaction.atomic
def request_extension(
    case: Case, *, actor: User, now: datetime, reason: str, key: str = ""
) -> Task:
    """Ask the department head for the one extension of 10 working days (Art. 42)."""
    case = lock_case(case)
    if already_done(case, key):
        return open_tasks(case, Task.Kind.EXTENSION).get()
    check_move(case, "request_extension", actor)
    if case.extension_days:
        raise TransitionError("本办件已延期一次，依法不能再次延期")
    if open_tasks(case, Task.Kind.EXTENSION).exists():
        raise TransitionError("延期申请正在审批中")
    if not reason.strip():
        raise CaseError("申请延期须说明理由", field="reason")
    task = new_task(
        case,
        Task.Kind.EXTENSION,
        case.department,
        Role.DEPARTMENT_HEAD,
        now=now,
        due_at=case.due_at,
    )
    task.opinion = reason.strip()
    task.save(update_fields=["opinion"])
    record_event(
        case,
        "extension_requested",
        actor=actor,
        now=now,
        key=key,
        data={"reason": reason.strip(), "task": task.pk},
    )
    return task


@transaction.atomic
def decide_extension(
    task: Task, *, actor: User, now: datetime, approve: bool, key: str = ""
) -> Task:
    task, case, done = lock_task_move(
        task, kind=Task.Kind.EXTENSION, move="decide_extension", actor=actor, key=key
    )
    if done:
        return task
    reason = task.opinion
    finish_task(task, actor, now, "approved" if approve else "refused", reason)
    if approve:
        case.extension_days = EXTENSION_DAYS
        recompute_due(case, local_date(now))
        mark_changed(case, "extension_days", "due_at", "due_provisional")
        open_tasks(case, Task.Kind.DECIDE).update(due_at=case.due_at)
    event = record_event(
        case,
        "extension_approved" if approve else "extension_refused",
        actor=actor,
        now=now,
        key=key,
        data={
            "reason": reason,
            "days": EXTENSION_DAYS if approve else 0,
            "due": case.due_at.isoformat() if case.due_at else None,
        },
    )
    announce(case, event)
    return task


@transaction.atomic
def suspend_case(
    case: Case, *, actor: User, now: datetime, reason: str, note: str, key: str = ""
) -> Case:
    """Stop the clock for one of Art. 45's reasons, recording why; the applicant is told."""
    case, done = start_move(case, "suspend", actor, key)
    if done:
        return case
    if reason not in ClockStop.Reason.values or reason == ClockStop.Reason.SUPPLEMENT:
        raise CaseError(
            "中止计时须为听证、招标、拍卖、检验、检测、检疫、鉴定或专家评审之一", field="reason"
        )
    if not note.strip():
        raise CaseError("请说明中止计时的具体情况", field="note")
    ClockStop.objects.create(
        case=case, reason=reason, note=note.strip(), started_on=local_date(now)
    )
    case.resume_status = case.status
    set_status(case, S.SUSPENDED, "resume_status")
    event = record_event(
        case,
        "suspended",
        actor=actor,
        now=now,
        key=key,
        data={"reason": reason, "note": note.strip()},
    )
    announce(case, event)
    return case


@transaction.atomic
def resume_case(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    case, done = start_move(case, "resume", actor, key)
    if done:
        return case
    today = local_date(now)
    stop = ClockStop.objects.filter(case=case, ended_on__isnull=True).order_by("-pk").first()
    if stop:
        stop.ended_on = today
        stop.save(update_fields=["ended_on"])
    status = case.resume_status or S.UNDER_REVIEW
    case.resume_status = ""
    recompute_due(case, today)
    set_status(case, status, "resume_status", "due_at", "due_provisional")
    open_tasks(case).filter(kind__in=[Task.Kind.DECIDE]).update(due_at=case.due_at)
    event = record_event(
        case,
        "resumed",
        actor=actor,
        now=now,
        key=key,
        data={
            "due": case.due_at.isoformat() if case.due_at else None,
            "stopped_from": stop.started_on.isoformat() if stop else None,
        },
    )
    announce(case, event, extra={"stop": stop.reason if stop else ""})
    return case
