"""督办: a major ticket goes to the district leaders' queue (by the rules at registration, after
repeated bad callbacks, or by the operator's hand); a leader instructs and names a supervision
officer, who records the follow-up and finishes it once the ticket is closed."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import NotAllowed, TransitionError
from onestop.hotline.actions.common import department_handlers, lock_ticket, notice, record
from onestop.hotline.errors import HotlineError, required_text
from onestop.hotline.models import Escalation, Leader, Ticket
from onestop.hotline.permissions import require_leader, require_operator
from onestop.hotline.workflow import ESCALATION, TICKET, advance, check
from onestop.org.models import Role
from onestop.org.queries import has_role
from onestop.workdays.calendar import local_date


def raise_escalation(
    ticket: Ticket, *, reason: str, actor: User | None, now: datetime
) -> Escalation:
    esc = Escalation.objects.create(ticket=ticket, reason=reason[:300], raised_at=now)
    record(ticket, "escalated", actor=actor, now=now, note=reason)
    leaders = [x.user for x in Leader.objects.select_related("user")]
    notice(
        leaders,
        f"重大诉求待批示：{ticket.number}",
        f"{ticket.title}（{reason}）",
        now,
        "hotline_escalated",
    )
    return esc


@transaction.atomic
def escalate_ticket(ticket: Ticket, *, actor: User, now: datetime, reason: str) -> Escalation:
    """The operator sends a ticket to the leaders' queue by hand."""
    ticket = lock_ticket(ticket)
    require_operator(actor)
    if Escalation.objects.filter(ticket=ticket).exists():
        raise TransitionError("该工单已在领导督办中")
    check(TICKET, ticket.status, "escalate", "已办结的工单不能提请督办")
    return raise_escalation(
        ticket, reason=required_text(reason, "reason", "督办原因", limit=300), actor=actor, now=now
    )


@transaction.atomic
def instruct_escalation(
    esc: Escalation, *, actor: User, now: datetime, instruction: str, officer: User
) -> Escalation:
    """批示: a leader writes instructions and names the supervision officer who follows it."""
    lock_ticket(esc.ticket_id)
    esc = Escalation.objects.select_for_update().select_related("ticket").get(pk=esc.pk)
    require_leader(actor)
    status = advance(ESCALATION, esc.status, "instruct", "该督办件已批示")
    # The instruction goes to the department that handles the ticket: there must be one.
    check(
        TICKET,
        esc.ticket.status,
        "instruct",
        f"工单当前为“{esc.ticket.get_status_display()}”，派单给承办部门后才能批示",
    )
    if not has_role(officer, Role.SUPERVISOR):
        raise HotlineError("督办人应为效能监察员", field="officer")
    esc.instruction = required_text(instruction, "instruction", "批示内容")
    esc.instructed_by = actor
    esc.instructed_at = now
    esc.officer = officer
    esc.status = status
    esc.save(update_fields=["instruction", "instructed_by", "instructed_at", "officer", "status"])
    ticket = esc.ticket
    record(ticket, "instructed", actor=actor, now=now, note=esc.instruction)
    people = [officer]
    if ticket.lead_department_id:
        people += department_handlers(ticket.lead_department_id)
    notice(people, f"领导批示：{ticket.number}", esc.instruction, now, "hotline_instructed")
    return esc


@transaction.atomic
def follow_escalation(
    esc: Escalation, *, actor: User, now: datetime, note: str, finish: bool = False
) -> Escalation:
    """督办记录 by the named officer; finishing needs the ticket finished."""
    ticket = lock_ticket(esc.ticket_id)
    esc = Escalation.objects.select_for_update().get(pk=esc.pk)
    if esc.officer_id != actor.pk:
        raise NotAllowed("只有指定的督办人可以记录督办情况")
    move = check(
        ESCALATION,
        esc.status,
        "finish" if finish else "follow",
        f"督办件当前为“{esc.get_status_display()}”",
    )
    note = required_text(note, "note", "督办情况", limit=1000)
    if finish:
        check(TICKET, ticket.status, "finish_escalation", "工单办结并回访后才能结束督办")
    stamp = f"{local_date(now):%Y-%m-%d} {note}"
    esc.follow_up = (esc.follow_up + "\n" + stamp).strip()
    fields = ["follow_up"]
    if finish:
        esc.status = move.target or esc.status
        esc.finished_at = now
        fields += ["status", "finished_at"]
    esc.save(update_fields=fields)
    record(ticket, "escalation_finished" if finish else "followed", actor=actor, now=now, note=note)
    return esc
