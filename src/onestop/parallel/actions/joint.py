"""Joint handling of a submission: the joint limit and its one extension, joint meetings,
surveys and acceptances with minutes, and the departments' joint countersign."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import actions as cases
from onestop.core.errors import NotAllowed, TransitionError
from onestop.org.models import Department
from onestop.parallel.actions.history import lock, record
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import (
    JOINT_EXTENSION_DAYS,
    JOINT_LIMIT_DAYS,
    Conclusion,
    JointEvent,
    Signature,
    Submission,
)
from onestop.parallel.permissions import require_admin, require_parallel_clerk, signing_departments
from onestop.parallel.workflow import JOINT_EVENT, SUBMISSION
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date


@transaction.atomic
def extend_joint_limit(sub: Submission, *, actor: User, now: datetime, approval: str) -> Submission:
    """Art. 42: 15 more working days, once, with the district government's approval."""
    require_admin(actor)
    sub = lock(sub)
    if not SUBMISSION.allowed_from("extend_joint_limit", sub.status):
        raise TransitionError("该并联受理已办结，无需延期")
    if sub.joint_extended:
        raise TransitionError("联合办理期限已延长过一次，依法不能再次延长")
    if not approval.strip():
        raise ParallelError("请填写区政府批准文号或说明", field="approval")
    start = local_date(sub.accepted_at)
    sub.joint_due_at = workdays.due_date(start, JOINT_LIMIT_DAYS + JOINT_EXTENSION_DAYS).end_at()
    sub.joint_extended = True
    sub.joint_extension_note = approval.strip()[:200]
    sub.save(update_fields=["joint_due_at", "joint_extended", "joint_extension_note"])
    record(sub, "joint_extended", actor, now, approval=sub.joint_extension_note)
    return sub


# --- joint events ----------------------------------------------------------------------------


@transaction.atomic
def schedule_joint_event(
    sub: Submission,
    *,
    kind: str,
    title: str,
    scheduled_at: datetime,
    place: str,
    departments: Sequence[Department],
    actor: User,
    now: datetime,
) -> JointEvent:
    require_parallel_clerk(actor, sub.centre)
    if kind not in JointEvent.Kind.values:
        raise ParallelError("请选择联合办理方式", field="kind")
    if not SUBMISSION.allowed_from("schedule_joint_event", sub.status):
        raise TransitionError("该并联受理已办结")
    if not title.strip() or not place.strip():
        raise ParallelError("请填写议题和地点", field="title")
    if not departments:
        raise ParallelError("请选择参加部门", field="departments")
    event = JointEvent.objects.create(
        submission=sub,
        kind=kind,
        title=title.strip()[:120],
        scheduled_at=scheduled_at,
        place=place.strip()[:120],
        created_by=actor,
    )
    event.departments.set(departments)
    record(sub, "joint_scheduled", actor, now, event=event.pk, way=kind)
    return event


@transaction.atomic
def record_joint_event(
    event: JointEvent,
    *,
    attendance: Mapping[int, str],
    minutes: str,
    conclusions: Mapping[int, str],
    actor: User,
    now: datetime,
) -> JointEvent:
    """Minutes, who attended for each department, and a conclusion per member case, which is
    written into that case's own trail."""
    event = JointEvent.objects.select_for_update().get(pk=event.pk)
    sub = event.submission
    require_parallel_clerk(actor, sub.centre)
    if event.kind == JointEvent.Kind.COUNTERSIGN:
        raise TransitionError("联合会签由各部门签署，无需记录纪要")
    if not JOINT_EVENT.allowed_from("record", event.status):
        raise TransitionError("该联合办理事件已记录")
    if not minutes.strip():
        raise ParallelError("请填写纪要", field="minutes")
    invited = set(event.departments.values_list("pk", flat=True))
    if not set(attendance) <= invited:
        raise ParallelError("出席部门须为受邀部门", field="attendance")
    cases_here = {m.case_id: m.case for m in sub.members.select_related("case")}
    if not set(conclusions) <= set(cases_here):
        raise ParallelError("结论须针对本次并联受理的办件", field="conclusions")
    event.attendance = [
        {"department": d, "attendees": names.strip()}
        for d, names in sorted(attendance.items())
        if names.strip()
    ]
    event.minutes = minutes.strip()
    event.status = JointEvent.Status.HELD
    event.held_at = now
    event.save(update_fields=["attendance", "minutes", "status", "held_at"])
    for case_id, text in conclusions.items():
        if not text.strip():
            continue
        Conclusion.objects.create(event=event, case_id=case_id, text=text.strip())
        cases.record_note(
            cases_here[case_id],
            "joint_conclusion",
            actor=actor,
            now=now,
            data={"event": event.get_kind_display(), "title": event.title, "text": text.strip()},
        )
    record(sub, "joint_held", actor, now, event=event.pk)
    return event


@transaction.atomic
def sign(event: JointEvent, *, actor: User, now: datetime, opinion: str) -> Signature:
    """One department's signature on a joint countersign; the last one completes it."""
    event = JointEvent.objects.select_for_update().get(pk=event.pk)
    if event.kind != JointEvent.Kind.COUNTERSIGN:
        raise TransitionError("只有联合会签需要各部门签署")
    if not JOINT_EVENT.allowed_from("sign", event.status):
        raise TransitionError("该联合会签已完成")
    invited = set(event.departments.values_list("pk", flat=True))
    signing = signing_departments(actor, invited)
    done = set(event.signatures.values_list("department_id", flat=True))
    left = signing - done
    if not signing:
        raise NotAllowed("只有受邀部门的审核人、审批人或负责人可以会签")
    if not left:
        raise TransitionError("本部门已会签")
    if not opinion.strip():
        raise ParallelError("请填写会签意见", field="opinion")
    signature = Signature.objects.create(
        event=event,
        department_id=min(left),
        signer=actor,
        signed_at=now,
        opinion=opinion.strip()[:300],
    )
    if done | {signature.department_id} >= invited:
        event.status = JointEvent.Status.HELD
        event.held_at = now
        event.save(update_fields=["status", "held_at"])
        record(event.submission, "countersigned", actor, now, event=event.pk)
    return signature
