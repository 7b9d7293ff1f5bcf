"""回访 and 重办: the centre calls the citizen back on the lead department's reply; a solved and
satisfied ticket is closed, any other goes back for dispatch (and, after repeated bad callbacks,
to the leaders' queue). A closed ticket whose last callback was bad may be reopened."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation

from onestop.core.errors import TransitionError
from onestop.hotline.actions.common import done, lock_ticket, record
from onestop.hotline.actions.escalation import raise_escalation
from onestop.hotline.errors import HotlineError, required_text
from onestop.hotline.models import Callback, Escalation, Ticket
from onestop.hotline.permissions import require_operator
from onestop.hotline.workflow import TICKET, TicketStatus, advance, check

# A ticket whose callback is bad this many times (reopened again and again) also goes to the
# leaders' queue: the department has not solved it twice, a leader should look.
REOPENS_BEFORE_LEADERS = 2


@transaction.atomic
def record_callback(
    ticket: Ticket,
    *,
    actor: User,
    now: datetime,
    resolution: str,
    satisfaction: str,
    note: str = "",
    key: str = "",
) -> Callback:
    """回访: the citizen's answer on the reply is recorded. A solved and satisfied ticket is
    closed; an unsolved or unsatisfied one is not: it goes back for dispatch (重办), and from its
    second bad callback on also to the leaders' queue (督办)."""
    ticket = lock_ticket(ticket)
    if done(ticket, key):
        return ticket.callbacks.latest("at")
    require_operator(actor)
    check(TICKET, ticket.status, "callback")
    if resolution not in Callback.Resolution.values:
        raise HotlineError("请选择解决情况", field="resolution")
    if satisfaction not in Callback.Satisfaction.values:
        raise HotlineError("请选择满意度", field="satisfaction")
    assert ticket.lead_department_id is not None  # noqa: S101 - a replied ticket has one
    callback = Callback.objects.create(
        ticket=ticket,
        department_id=ticket.lead_department_id,
        resolution=resolution,
        satisfaction=satisfaction,
        note=note.strip()[:1000],
        at=now,
        by=actor,
    )
    with translation.override("zh-hans"):
        summary = f"{callback.get_resolution_display()}，{callback.get_satisfaction_display()}"
    if callback.bad:
        ticket.status = TicketStatus.REGISTERED  # 重办: back for dispatch
        ticket.reopen_count += 1
        ticket.replied_at = ticket.sign_due_at = ticket.due_at = None
        ticket.save(update_fields=["status", "reopen_count", "replied_at", "sign_due_at", "due_at"])
        summary += f"；转重办（第 {ticket.reopen_count} 次），请重新派单"
    else:
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = now
        ticket.save(update_fields=["status", "closed_at"])
    record(
        ticket,
        "callback",
        actor=actor,
        now=now,
        department=ticket.lead_department_id,
        note=summary + (f"：{callback.note}" if callback.note else ""),
        key=key,
    )
    if (
        callback.bad
        and ticket.reopen_count >= REOPENS_BEFORE_LEADERS
        and not Escalation.objects.filter(ticket=ticket).exists()
    ):
        raise_escalation(
            ticket,
            reason=f"回访 {ticket.reopen_count} 次未解决或不满意",
            actor=None,
            now=now,
        )
    return callback


def can_reopen(ticket: Ticket) -> bool:
    if not TICKET.allowed_from("reopen", ticket.status):
        return False
    last = ticket.callbacks.order_by("-at", "-pk").first()
    return last is not None and last.bad


@transaction.atomic
def reopen_ticket(
    ticket: Ticket, *, actor: User, now: datetime, reason: str, key: str = ""
) -> Ticket:
    """重办: an unsolved or unsatisfied ticket goes back for dispatch."""
    ticket = lock_ticket(ticket)
    if done(ticket, key):
        return ticket
    require_operator(actor)
    if not can_reopen(ticket):
        raise TransitionError("只有回访为未解决或不满意的已办结工单可以重办")
    reason = required_text(reason, "reason", "重办理由", limit=500)
    ticket.status = advance(TICKET, ticket.status, "reopen")
    ticket.reopen_count += 1
    ticket.closed_at = ticket.replied_at = None
    ticket.sign_due_at = ticket.due_at = None
    ticket.save(
        update_fields=["status", "reopen_count", "closed_at", "replied_at", "sign_due_at", "due_at"]
    )
    record(ticket, "reopened", actor=actor, now=now, note=reason, key=key)
    return ticket
