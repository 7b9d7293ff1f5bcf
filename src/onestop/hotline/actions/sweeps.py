"""The periodic sweep of the hotline: one alert per light crossing of a ticket with a department
(yellow, then red), and one per dispatch left unsigned past its signing time. Safe to run on
many nodes at once: each alert is claimed before it is sent."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from onestop.cases.lights import RED, YELLOW, light
from onestop.hotline.actions.common import department_handlers, notice, operators, record
from onestop.hotline.models import Dispatch, Ticket, TicketEvent
from onestop.hotline.workflow import WITH_DEPARTMENT, DispatchStatus
from onestop.org.models import Role
from onestop.org.queries import users_with_role
from onestop.workdays import queries as workdays


def sweep_hotline(now: datetime) -> int:
    """Raise one alert per light crossing of an open dispatched ticket (yellow, then red).

    The conditional UPDATE claims the crossing: with two sweeps at once only one wins it."""
    cal = workdays.calendar()
    raised = 0
    open_ = Ticket.objects.filter(status__in=WITH_DEPARTMENT, due_at__isnull=False).select_related(
        "lead_department"
    )
    # Read the candidates first: no cursor stays open across the claims below.
    for ticket in list(open_):
        colour = light(ticket.dispatched_at, ticket.due_at, now, cal)
        if colour not in (YELLOW, RED) or ticket.alerted_light == colour:
            continue
        if colour == YELLOW and ticket.alerted_light == RED:
            continue
        with transaction.atomic():
            won = (
                Ticket.objects.filter(pk=ticket.pk, status=ticket.status)
                .filter(~Q(alerted_light=colour))
                .update(alerted_light=colour)
            )
            if won != 1:
                continue  # another worker got there first, or the ticket moved on
            label = "即将超期（黄灯）" if colour == YELLOW else "已超期（红灯）"
            people = department_handlers(ticket.lead_department_id or 0) + operators()
            people += users_with_role(Role.SUPERVISOR)
            notice(
                people,
                f"热线工单{label}：{ticket.number}",
                f"{ticket.title}，承办部门：{ticket.lead_department}",
                now,
                "hotline_alert",
            )
            record(ticket, f"alert_{colour}", actor=None, now=now, note=label)
            raised += 1
    return raised + _unsigned_alerts(now)


def _unsigned_alerts(now: datetime) -> int:
    """Tell a department once about each dispatch it left unsigned past its signing time.

    The event's request key ("unsigned-<dispatch>") is unique per ticket, so with two sweeps
    at once the second insert fails and that sweep sends nothing."""
    raised = 0
    late = Dispatch.objects.filter(
        status=DispatchStatus.PENDING, sign_due_at__lt=now
    ).select_related("ticket", "department")
    for dispatch in list(late):
        key = f"unsigned-{dispatch.pk}"
        if TicketEvent.objects.filter(ticket_id=dispatch.ticket_id, key=key).exists():
            continue
        try:
            with transaction.atomic():
                record(
                    dispatch.ticket,
                    "alert_unsigned",
                    actor=None,
                    now=now,
                    department=dispatch.department_id,
                    note="超过签收期限未签收",
                    key=key,
                )
                notice(
                    department_handlers(dispatch.department_id) + operators(),
                    f"热线工单超时未签收：{dispatch.ticket.number}",
                    f"{dispatch.ticket.title}（{dispatch.department}，签收期限已过）",
                    now,
                    "hotline_unsigned",
                )
        except IntegrityError:
            continue  # another sweep recorded it first
        raised += 1
    return raised
