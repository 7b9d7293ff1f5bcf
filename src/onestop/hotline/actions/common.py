"""What every move of a ticket shares: the locks (ticket first, then its dispatch), the request
key, the one event a move appends, and the people and callers it tells."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User

from onestop.core.locking import already_done
from onestop.hotline.models import Dispatch, Ticket, TicketEvent
from onestop.hotline.permissions import HANDLER_ROLES
from onestop.lib.identity import check_mobile
from onestop.notify.actions import enqueue, tell
from onestop.notify.models import Message
from onestop.org.models import Department, Role, StaffRole
from onestop.org.queries import users_with_role


def lock_ticket(ticket: Ticket | int) -> Ticket:
    pk = ticket if isinstance(ticket, int) else ticket.pk
    return Ticket.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_dispatch(dispatch: Dispatch) -> tuple[Ticket, Dispatch]:
    """Lock the ticket first, then its dispatch: every move takes the locks in that order."""
    ticket = lock_ticket(dispatch.ticket_id)
    return ticket, Dispatch.objects.select_for_update(of=("self",)).get(pk=dispatch.pk)


def done(ticket: Ticket, key: str) -> bool:
    """The request key is already among the ticket's events: the repeat does nothing."""
    return already_done(TicketEvent.objects.filter(ticket=ticket), key)


def record(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    department: Department | int | None = None,
    note: str = "",
    key: str = "",
) -> TicketEvent:
    """The one event of a move (append-only history of the ticket)."""
    dept_id = department.pk if isinstance(department, Department) else department
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        at=now,
        actor=actor,
        department_id=dept_id,
        note=note[:2000],
        key=key[:64],
    )


def department_handlers(department_id: int) -> list[User]:
    ids = (
        StaffRole.objects.filter(department_id=department_id, role__in=HANDLER_ROLES)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def operators() -> list[User]:
    return users_with_role(Role.HOTLINE_OPERATOR)


def notice(users: Iterable[User], subject: str, body: str, now: datetime, template: str) -> None:
    tell(users, subject, body, now=now, template=template)


def sms_caller(ticket: Ticket, body: str, now: datetime, template: str) -> None:
    if ticket.caller_phone and check_mobile(ticket.caller_phone).valid:
        enqueue(
            channel=Message.Channel.SMS,
            address=ticket.caller_phone,
            body=body,
            now=now,
            template=template,
        )
