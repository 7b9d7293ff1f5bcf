"""受理: a call, a portal message or an Open311 request becomes a ticket (with its number, query
code, attachments, suggested department and, for a major matter, a place in the leaders' queue);
a consultation may be answered on the spot, a duplicate merged into the open ticket."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation

from onestop.cases.materials import Checked
from onestop.core.errors import TransitionError
from onestop.core.locking import hold_keyed_requests_of
from onestop.core.sequences import next_in_sequence
from onestop.hotline import rules
from onestop.hotline.actions.attachments import attach, check_attachments
from onestop.hotline.actions.common import done, lock_ticket, record, sms_caller
from onestop.hotline.actions.escalation import raise_escalation
from onestop.hotline.errors import HotlineError, required_text
from onestop.hotline.models import Kind, Ticket, TicketEvent, TicketSequence
from onestop.hotline.permissions import require_operator
from onestop.hotline.queries import similar_open_tickets
from onestop.hotline.rules import NewTicket, check_new_ticket, title_of
from onestop.hotline.workflow import TICKET, advance, check
from onestop.workdays.calendar import local_date

QUERY_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_CHARS) for _ in range(6))


def next_number(now: datetime) -> str:
    prefix = f"RX{local_date(now):%Y%m%d}"
    return f"{prefix}-{next_in_sequence(TicketSequence, prefix):04d}"


def register_ticket(
    data: NewTicket,
    *,
    actor: User | None,
    now: datetime,
    key: str = "",
    suggestion: tuple[str, float] | None = None,
) -> Ticket:
    """受理: a call the operator takes, or a message from the portal or Open311 (actor None).

    The files are checked before the transaction and deleted again if it fails, so that a
    refused ticket leaves no file behind."""
    checked = check_attachments(data.attachments)
    stored: list[str] = []
    try:
        return _register(
            data,
            actor=actor,
            now=now,
            key=key,
            suggestion=suggestion,
            checked=checked,
            stored=stored,
        )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _register(
    data: NewTicket,
    *,
    actor: User | None,
    now: datetime,
    key: str,
    suggestion: tuple[str, float] | None,
    checked: list[tuple[UploadedFile, Checked]],
    stored: list[str],
) -> Ticket:
    if key:
        hold_keyed_requests_of(actor)
        done = TicketEvent.objects.filter(kind="registered", key=key[:64]).first()
        if done is not None:
            return done.ticket
    if actor is not None and data.channel == Ticket.Channel.PHONE:
        require_operator(actor)
    check_new_ticket(data)
    anonymous = data.anonymous
    ticket = Ticket.objects.create(
        number=next_number(now),
        query_code=new_query_code(),
        channel=data.channel,
        kind=data.kind,
        urgency=data.urgency,
        anonymous=anonymous,
        caller_name="" if anonymous else data.caller_name.strip(),
        caller_phone=data.caller_phone.strip(),
        title=title_of(data),
        content=data.content.strip(),
        address=data.address.strip(),
        region=data.region,
        lat=data.lat,
        long=data.long,
        registered_at=now,
        registered_by=actor,
        suggested_department=suggestion[0] if suggestion else "",
        suggested_confidence=round(suggestion[1], 4) if suggestion else None,
    )
    attach(ticket, checked, now, stored)
    record(ticket, "registered", actor=actor, now=now, key=key)
    similar = similar_open_tickets(ticket.content, ticket.address, ticket.region, exclude=ticket)
    reason = rules.major_reason(ticket.kind, ticket.content, len(similar))
    if reason:
        raise_escalation(ticket, reason=reason, actor=None, now=now)
    sms_caller(
        ticket,
        f"【{rules.hotline_sign()}】您的诉求已受理，"
        f"工单号 {ticket.number}，查询码 {ticket.query_code}。",
        now,
        "hotline_registered",
    )
    return ticket


@transaction.atomic
def answer_on_spot(
    ticket: Ticket, *, actor: User, now: datetime, answer: str, key: str = ""
) -> Ticket:
    """直接答复: the operator answers a consultation from the knowledge base and closes it."""
    ticket = lock_ticket(ticket)
    if done(ticket, key):
        return ticket
    require_operator(actor)
    status = advance(TICKET, ticket.status, "answer")
    if ticket.kind != Kind.CONSULT:
        raise TransitionError("只有咨询类诉求可以当场解答办结，其他诉求请派单")
    ticket.answer = required_text(answer, "answer", "答复内容")
    ticket.status = status
    ticket.replied_at = ticket.closed_at = now
    ticket.save(update_fields=["answer", "status", "replied_at", "closed_at"])
    record(ticket, "answered", actor=actor, now=now, note=ticket.answer, key=key)
    return ticket


@transaction.atomic
def merge_ticket(
    ticket: Ticket, *, into: Ticket, actor: User, now: datetime, key: str = ""
) -> Ticket:
    """A duplicate joins an open ticket; the caller is told the open one's progress."""
    first, second = sorted([ticket.pk, into.pk])
    locked = {first: lock_ticket(first), second: lock_ticket(second)}  # fixed order: no deadlock
    ticket, into = locked[ticket.pk], locked[into.pk]
    if done(ticket, key):
        return ticket
    require_operator(actor)
    if ticket.pk == into.pk:
        raise HotlineError("不能合并到工单本身", field="into")
    status = advance(TICKET, ticket.status, "merge")
    check(TICKET, into.status, "merge_into", f"工单 {into.number} 已办结，不能合并进去")
    ticket.status = status
    ticket.merged_into = into
    ticket.closed_at = now
    ticket.save(update_fields=["status", "merged_into", "closed_at"])
    with translation.override("zh-hans"):  # texts to citizens and records are in Chinese
        progress = f"{into.get_status_display()}" + (
            f"，承办部门：{into.lead_department}" if into.lead_department_id else ""
        )
    record(ticket, "merged", actor=actor, now=now, note=into.number, key=key)
    record(into, "merged_in", actor=actor, now=now, note=ticket.number)
    sms_caller(
        ticket,
        f"【{rules.hotline_sign()}】"
        f"您反映的问题已有工单 {into.number} 在办理，目前{progress}，"
        "办理结果将一并告知您。",
        now,
        "hotline_merged",
    )
    return ticket
