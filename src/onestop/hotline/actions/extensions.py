"""延期: the lead department asks for more working days (once at a time); the centre approves,
moving the deadlines, or refuses with a reason."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import TransitionError
from onestop.hotline.actions.common import (
    department_handlers,
    done,
    lock_dispatch,
    notice,
    operators,
    record,
)
from onestop.hotline.errors import HotlineError, required_text
from onestop.hotline.models import Dispatch, Extension
from onestop.hotline.permissions import require_handler, require_operator
from onestop.hotline.workflow import DISPATCH, EXTENSION, ExtensionStatus, advance, check
from onestop.workdays import queries as workdays

MAX_EXTENSION_DAYS = 10


@transaction.atomic
def request_extension(
    dispatch: Dispatch, *, actor: User, now: datetime, days: int, reason: str, key: str = ""
) -> Extension:
    """延期: the lead department asks; the centre approves or refuses."""
    ticket, dispatch = lock_dispatch(dispatch)
    if done(ticket, key):
        return Extension.objects.filter(dispatch=dispatch).latest("pk")
    require_handler(actor, dispatch)
    refusal = "只有已签收的主办部门可以申请延期"
    if not dispatch.lead:
        raise TransitionError(refusal)
    check(DISPATCH, dispatch.status, "extend", refusal)
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise HotlineError(f"延期天数应为 1 至 {MAX_EXTENSION_DAYS} 个工作日", field="days")
    reason = required_text(reason, "reason", "延期理由", limit=500)
    if Extension.objects.filter(dispatch=dispatch, status=ExtensionStatus.PENDING).exists():
        raise TransitionError("已有延期申请待审批")
    ext = Extension.objects.create(
        dispatch=dispatch, days=days, reason=reason, requested_at=now, requested_by=actor
    )
    record(
        ticket,
        "extension_requested",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=f"{days} 个工作日：{reason}",
        key=key,
    )
    notice(operators(), f"延期申请：{ticket.number}", reason, now, "hotline_extension")
    return ext


@transaction.atomic
def decide_extension(
    ext: Extension, *, actor: User, now: datetime, approve: bool, note: str = "", key: str = ""
) -> Extension:
    ticket, dispatch = lock_dispatch(ext.dispatch)
    if done(ticket, key):
        return Extension.objects.get(pk=ext.pk)
    ext = Extension.objects.select_for_update().get(pk=ext.pk)
    require_operator(actor)
    status = advance(EXTENSION, ext.status, "approve" if approve else "refuse", "该延期申请已审批")
    if not approve and not note.strip():
        raise HotlineError("不予批准须说明理由", field="note")
    ext.status = status
    ext.decided_at = now
    ext.decided_by = actor
    ext.decision_note = note.strip()[:500]
    ext.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    if approve and dispatch.is_open:
        dispatch.due_at = workdays.due_at(dispatch.due_at, ext.days)
        dispatch.save(update_fields=["due_at"])
        ticket.due_at = dispatch.due_at
        ticket.alerted_light = ""
        ticket.save(update_fields=["due_at", "alerted_light"])
    record(
        ticket,
        "extension_approved" if approve else "extension_refused",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=ext.decision_note,
        key=key,
    )
    notice(
        department_handlers(dispatch.department_id),
        f"延期申请{'已批准' if approve else '不予批准'}：{ticket.number}",
        ext.decision_note or ext.reason,
        now,
        "hotline_extension_decided",
    )
    return ext
