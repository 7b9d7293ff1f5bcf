"""派单 and the department's part: the centre dispatches (or re-dispatches) a ticket to a lead
department and co-departments; each signs (签收), may send it back (退单) within its time, and
replies (答复). The lead's moves carry the ticket along; a co-department's reply is its opinion."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import TransitionError
from onestop.hotline import deadlines
from onestop.hotline.actions.common import (
    department_handlers,
    done,
    lock_dispatch,
    lock_ticket,
    notice,
    operators,
    record,
)
from onestop.hotline.errors import HotlineError, required_text
from onestop.hotline.models import Dispatch, Ticket
from onestop.hotline.permissions import require_handler, require_operator
from onestop.hotline.workflow import (
    DISPATCH,
    DISPATCH_OPEN,
    TICKET,
    DispatchStatus,
    TicketStatus,
    advance,
)
from onestop.org.models import Department


@transaction.atomic
def dispatch_ticket(
    ticket: Ticket,
    *,
    actor: User,
    now: datetime,
    lead: Department,
    co: Sequence[Department] = (),
    note: str = "",
    key: str = "",
) -> Ticket:
    """派单 (or 改派 after a send-back, or again after a reopen): one lead department and optional
    co-departments, each with the deadlines of the ticket's type and urgency."""
    ticket = lock_ticket(ticket)
    if done(ticket, key):
        return ticket
    require_operator(actor)
    status = advance(TICKET, ticket.status, "dispatch")
    co_ids = [d.pk for d in co if d.pk != lead.pk]
    if len(set(co_ids)) != len(co_ids):
        raise HotlineError("协办部门重复", field="co")
    # Whatever is still open of an earlier dispatch is withdrawn (a send-back ends the lead's).
    Dispatch.objects.filter(ticket=ticket, status__in=DISPATCH_OPEN).update(
        status=DispatchStatus.WITHDRAWN
    )
    times = deadlines.deadlines(ticket.kind, ticket.urgency, now)
    for dept_id, is_lead in [(lead.pk, True)] + [(pk, False) for pk in co_ids]:
        Dispatch.objects.create(
            ticket=ticket,
            department_id=dept_id,
            lead=is_lead,
            dispatched_at=now,
            dispatched_by=actor,
            note=note.strip()[:500],
            sign_due_at=times.sign_due_at,
            send_back_due_at=times.send_back_due_at,
            due_at=times.due_at,
        )
        notice(
            department_handlers(dept_id),
            f"新热线工单待签收：{ticket.number}",
            f"{'主办' if is_lead else '协办'}：{ticket.title}。请在签收期限内签收，"
            f"办理时限 {times.label}。",
            now,
            "hotline_dispatched",
        )
    redispatch = ticket.status == TicketStatus.SENT_BACK
    ticket.status = status
    ticket.lead_department = lead
    ticket.dispatched_at = now
    ticket.sign_due_at = times.sign_due_at
    ticket.due_at = times.due_at
    ticket.alerted_light = ""
    ticket.save(
        update_fields=[
            "status",
            "lead_department",
            "dispatched_at",
            "sign_due_at",
            "due_at",
            "alerted_light",
        ]
    )
    names = "、".join([lead.short_name] + [d.short_name for d in co if d.pk in co_ids])
    record(
        ticket,
        "redispatched" if redispatch else "dispatched",
        actor=actor,
        now=now,
        department=lead,
        note=f"派至 {names}" + (f"；{note.strip()}" if note.strip() else ""),
        key=key,
    )
    return ticket


@transaction.atomic
def sign_dispatch(dispatch: Dispatch, *, actor: User, now: datetime, key: str = "") -> Dispatch:
    """签收: the department takes the ticket on."""
    ticket, dispatch = lock_dispatch(dispatch)
    if done(ticket, key):
        return dispatch
    require_handler(actor, dispatch)
    dispatch.status = advance(DISPATCH, dispatch.status, "sign")
    dispatch.signed_at = now
    dispatch.signed_by = actor
    dispatch.save(update_fields=["status", "signed_at", "signed_by"])
    if dispatch.lead and TICKET.allowed_from("sign", ticket.status):
        ticket.status = advance(TICKET, ticket.status, "sign")
        ticket.save(update_fields=["status"])
    record(ticket, "signed", actor=actor, now=now, department=dispatch.department_id, key=key)
    return dispatch


@transaction.atomic
def send_back(
    dispatch: Dispatch, *, actor: User, now: datetime, reason: str, key: str = ""
) -> Dispatch:
    """退单: within 2 working days of dispatch, with a reason; the centre re-dispatches."""
    ticket, dispatch = lock_dispatch(dispatch)
    if done(ticket, key):
        return dispatch
    require_handler(actor, dispatch)
    status = advance(DISPATCH, dispatch.status, "send_back")
    reason = required_text(reason, "reason", "退单理由", limit=500)
    if now > dispatch.send_back_due_at:
        raise TransitionError(
            f"已超过退单期限（派单后 {deadlines.SEND_BACK_DAYS} 个工作日内），请办理或申请延期"
        )
    dispatch.status = status
    dispatch.sent_back_at = now
    dispatch.send_back_reason = reason
    dispatch.save(update_fields=["status", "sent_back_at", "send_back_reason"])
    if dispatch.lead:
        ticket.status = advance(TICKET, ticket.status, "send_back")
        ticket.sign_due_at = ticket.due_at = None
        ticket.save(update_fields=["status", "sign_due_at", "due_at"])
        notice(
            operators(),
            f"工单被退回：{ticket.number}",
            f"{dispatch.department}退单，理由：{reason}。请改派。",
            now,
            "hotline_sent_back",
        )
    record(
        ticket,
        "sent_back",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=reason,
        key=key,
    )
    return dispatch


@transaction.atomic
def reply_dispatch(
    dispatch: Dispatch, *, actor: User, now: datetime, reply: str, key: str = ""
) -> Dispatch:
    """答复: what the department did. The lead's reply goes to the citizen; a co-department's is
    its opinion to the lead."""
    ticket, dispatch = lock_dispatch(dispatch)
    if done(ticket, key):
        return dispatch
    require_handler(actor, dispatch)
    waiting = dispatch.status == DispatchStatus.PENDING
    refusal = f"该派单当前为“{dispatch.get_status_display()}”，签收后才能答复" if waiting else ""
    status = advance(DISPATCH, dispatch.status, "reply", refusal)
    dispatch.reply = required_text(reply, "reply", "办理结果")
    dispatch.status = status
    dispatch.replied_at = now
    dispatch.save(update_fields=["reply", "status", "replied_at"])
    if dispatch.lead:
        ticket.status = advance(TICKET, ticket.status, "reply")
        ticket.answer = dispatch.reply
        ticket.replied_at = now
        ticket.save(update_fields=["status", "answer", "replied_at"])
    record(
        ticket,
        "replied" if dispatch.lead else "co_replied",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=dispatch.reply,
        key=key,
    )
    return dispatch
