"""Every state change of the hall's queue (STYLE §3): one transaction, the moved row locked,
a TicketEvent written, a Chinese HallError when the rules refuse.

Calling is the contended move: two clerks pressing 叫号 at once must never get the same
ticket. On PostgreSQL the candidate row is taken with SELECT … FOR UPDATE SKIP LOCKED (the
second clerk skips to the next ticket) and the conditional UPDATE proves the win; on SQLite
the transaction is IMMEDIATE, so calls are serialised by the write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from onestop.cases import actions as case_actions
from onestop.cases.models import Case, CaseEvent
from onestop.catalog.models import ServiceItem
from onestop.core.errors import TransitionError
from onestop.core.locking import already_done
from onestop.core.sequences import next_in_sequence
from onestop.hall import rules
from onestop.hall.errors import HallError
from onestop.hall.models import (
    Booking,
    Category,
    HallPolicy,
    Inquiry,
    InquiryHandover,
    PriorityRule,
    Ticket,
    TicketEvent,
    TicketSequence,
)
from onestop.hall.permissions import (
    require_inquiry_owner,
    require_ticket_at_window,
    require_window,
)
from onestop.hall.permissions import windows_of as windows_of  # read here by pages and tests
from onestop.hall.workflow import BOOKING, INQUIRY, TICKET
from onestop.org.models import Centre, Window, Zone
from onestop.org.queries import staff_roles_of
from onestop.workdays.calendar import local_date

T = Ticket.Status
E = TicketEvent.Kind

# Categories a kiosk user may choose; the others are set by staff at the guidance desk or come
# from a booking (appointment).
KIOSK_CATEGORIES = (Category.NORMAL, Category.CARE)
DESK_CATEGORIES = (Category.NORMAL, Category.CARE, Category.GREEN, Category.ENTERPRISE)


def policy_of(centre: Centre) -> HallPolicy:
    """The centre's hall policy, or the defaults (unsaved) when the administrator set none."""
    return HallPolicy.objects.filter(centre=centre).first() or HallPolicy(centre=centre)


def priority_rules(centre: Centre) -> dict[str, int]:
    return dict(
        PriorityRule.objects.filter(centre=centre).values_list("category", "head_start_minutes")
    )


def _event(
    ticket: Ticket,
    kind: str,
    *,
    now: datetime,
    actor: User | None = None,
    window: Window | None = None,
    note: str = "",
) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        centre_id=ticket.centre_id,
        kind=kind,
        window=window,
        actor=actor,
        at=now,
        note=note[:200],
    )


# --- taking a number -------------------------------------------------------------------------


def serving_windows(zone: Zone, item: ServiceItem | None) -> QuerySet[Window]:
    """Windows of the zone that can serve the item (any window of the zone for no item)."""
    qs = Window.objects.filter(zone=zone)
    if item is not None:
        qs = qs.filter(departments=item.department_id)
    return qs.distinct()


def _next_number(centre: Centre, zone: Zone, now: datetime) -> str:
    letter = rules.zone_letter(zone.kind)
    prefix = f"{centre.pk}-{local_date(now):%Y%m%d}-{letter}"
    return f"{letter}{next_in_sequence(TicketSequence, prefix):03d}"


@dataclass(frozen=True)
class NewTicket:
    centre: Centre
    zone: Zone
    item: ServiceItem | None
    category: str
    source: str


@transaction.atomic
def take_ticket(new: NewTicket, *, now: datetime, actor: User | None) -> Ticket:
    """A queue number for a zone (and an item, when chosen) at the kiosk or the guidance desk."""
    if new.zone.centre_id != new.centre.pk:
        raise HallError("所选功能区不属于本中心", field="zone")
    allowed: tuple[str, ...] = {
        Ticket.Source.KIOSK: KIOSK_CATEGORIES,
        Ticket.Source.BOOKING: (Category.APPOINTMENT,),
    }.get(Ticket.Source(new.source), DESK_CATEGORIES)
    if new.category not in allowed:
        raise HallError("该取号方式不能选择此类别", field="category")
    if not serving_windows(new.zone, new.item).exists():
        raise HallError("该功能区没有办理此事项的窗口，请到咨询导引台咨询", field="item")
    ticket = Ticket.objects.create(
        centre=new.centre,
        zone=new.zone,
        item=new.item,
        department_id=new.item.department_id if new.item else None,
        day=local_date(now),
        number=_next_number(new.centre, new.zone, now),
        category=new.category,
        source=new.source,
        taken_at=now,
        queue_at=rules.queue_at(now, new.category, priority_rules(new.centre)),
    )
    _event(ticket, E.TAKEN, now=now, actor=actor)
    return ticket


def waiting_for(window: Window, now: datetime) -> QuerySet[Ticket]:
    """Waiting tickets the window may call, in queue order: its zone's, for a department it
    houses (or for no item), and those transferred to it whatever their department."""
    departments = list(window.departments.values_list("pk", flat=True))
    for_zone = Q(window__isnull=True) & (
        Q(department__isnull=True) | Q(department_id__in=departments)
    )
    return (
        Ticket.objects.filter(zone_id=window.zone_id, status=T.WAITING, day=local_date(now))
        .filter(for_zone | Q(window=window))
        .order_by("queue_at", "pk")
    )


def people_ahead(ticket: Ticket) -> int:
    """Waiting tickets of the same zone and day that queue ahead of this one."""
    return (
        Ticket.objects.filter(zone_id=ticket.zone_id, day=ticket.day, status=T.WAITING)
        .filter(Q(queue_at__lt=ticket.queue_at) | Q(queue_at=ticket.queue_at, pk__lt=ticket.pk))
        .count()
    )


# --- the window ------------------------------------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)


def current_ticket(window: Window) -> Ticket | None:
    """The ticket called or being served at the window."""
    return (
        Ticket.objects.filter(window=window, status__in=TICKET.sets["AT_WINDOW"])
        .order_by("-called_at", "-pk")
        .first()
    )


def _finish_current(window: Window, actor: User, now: datetime) -> None:
    """Calling the next number ends the service of the one at the window; a number called but
    not yet served must be served, marked no-show or transferred first."""
    for ticket in Ticket.objects.select_for_update(of=("self",)).filter(
        window=window, status__in=TICKET.sets["AT_WINDOW"]
    ):
        if not TICKET.allowed_from("finish", ticket.status):
            raise TransitionError(
                f"{ticket.number} 号已叫未办，请先开始办理、过号或转窗口", field="ticket"
            )
        ticket.status = T.DONE
        ticket.finished_at = now
        ticket.save(update_fields=["status", "finished_at"])
        _event(ticket, E.DONE, now=now, actor=actor, window=window)


@transaction.atomic
def call_next(window: Window, *, actor: User, now: datetime) -> Ticket | None:
    """Call the next waiting ticket this window may serve, in queue order; None if nobody
    waits. Two clerks calling at once get two different tickets."""
    require_window(window, actor)
    _finish_current(window, actor, now)
    candidates = waiting_for(window, now)
    if connection.features.has_select_for_update_skip_locked:
        # Lock one row only: a second clerk skips it and takes the next ticket.
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    for _ in range(5):
        pk = candidates.values_list("pk", flat=True).first()
        if pk is None:
            return None
        # The conditional UPDATE is the proof that this window won the ticket.
        won = Ticket.objects.filter(pk=pk, status__in=TICKET.moves["call"].sources).update(
            # A transferred ticket keeps its first call: its wait ended there.
            status=TICKET.moves["call"].target,
            window=window,
            clerk=actor,
            called_at=Coalesce(F("called_at"), Value(now)),
        )
        if won == 1:
            ticket = Ticket.objects.get(pk=pk)
            _event(ticket, E.CALLED, now=now, actor=actor, window=window)
            return ticket
    return None


def _check_at_window(ticket: Ticket, actor: User, move: str) -> None:
    require_ticket_at_window(ticket, actor)
    if not TICKET.allowed_from(move, ticket.status):
        state = ticket.get_status_display()
        raise TransitionError(f"{ticket.number} 号当前为“{state}”，不能{TICKET.moves[move].label}")


def _step(ticket: Ticket, move: str, kind: str, *, actor: User, now: datetime) -> Ticket:
    """A move of the ticket at the clerk's window to the move's state, stamped with the time
    (served_at or finished_at), with its event."""
    ticket = _lock(ticket)
    _check_at_window(ticket, actor, move)
    target = TICKET.moves[move].target or ticket.status
    stamp = "served_at" if target == T.SERVING else "finished_at"
    ticket.status = target
    setattr(ticket, stamp, now)
    ticket.save(update_fields=["status", stamp])
    _event(ticket, kind, now=now, actor=actor, window=ticket.window)
    return ticket


@transaction.atomic
def recall(ticket: Ticket, *, actor: User, now: datetime) -> Ticket:
    ticket = _lock(ticket)
    _check_at_window(ticket, actor, "recall")
    ticket.recalls += 1
    ticket.save(update_fields=["recalls"])
    _event(ticket, E.RECALLED, now=now, actor=actor, window=ticket.window)
    return ticket


@transaction.atomic
def start_serving(ticket: Ticket, *, actor: User, now: datetime) -> Ticket:
    return _step(ticket, "start", E.SERVING, actor=actor, now=now)


@transaction.atomic
def finish_ticket(ticket: Ticket, *, actor: User, now: datetime) -> Ticket:
    return _step(ticket, "finish", E.DONE, actor=actor, now=now)


@transaction.atomic
def mark_no_show(ticket: Ticket, *, actor: User, now: datetime) -> Ticket:
    """过号: called and did not come. A booked applicant's no-show counts toward the limit."""
    ticket = _step(ticket, "no_show", E.NO_SHOW, actor=actor, now=now)
    if ticket.booking_id is not None:
        record_booking_no_show(ticket.booking_id, now=now)
    return ticket


def record_booking_no_show(booking_id: int, *, now: datetime) -> None:
    """A booking whose ticket was called and not answered counts as a no-show too."""
    Booking.objects.filter(pk=booking_id, status__in=BOOKING.moves["no_show"].sources).update(
        status=BOOKING.moves["no_show"].target, no_show_at=now
    )


# The moves on the ticket at the window that take nothing but the ticket (pages and API).
WINDOW_MOVES: dict[str, Callable[..., Ticket]] = {
    "recall": recall,
    "serve": start_serving,
    "finish": finish_ticket,
    "no_show": mark_no_show,
}


@transaction.atomic
def transfer_ticket(
    ticket: Ticket, *, to: Window, actor: User, now: datetime, note: str = ""
) -> Ticket:
    """转窗口: back to waiting for another window of the same centre, keeping its place (queue
    time) so it is called there before later tickets."""
    ticket = _lock(ticket)
    _check_at_window(ticket, actor, "transfer")
    to = Window.objects.select_related("zone").get(pk=to.pk)
    if to.zone.centre_id != ticket.centre_id:
        raise HallError("只能转到本中心的窗口", field="to")
    if to.pk == ticket.window_id:
        raise HallError("不能转到本窗口", field="to")
    source = ticket.window
    ticket.status = T.WAITING
    ticket.window = to
    ticket.zone_id = to.zone_id
    ticket.clerk = None
    ticket.served_at = None
    ticket.save(update_fields=["status", "window", "zone", "clerk", "served_at"])
    _event(ticket, E.TRANSFERRED, now=now, actor=actor, window=source, note=f"转至{to}：{note}")
    return ticket


@transaction.atomic
def start_case_from_ticket(
    ticket: Ticket, walk_in: case_actions.WalkIn, *, actor: User, now: datetime, key: str = ""
) -> Case:
    """Accept a case at the window for the called ticket, through the window's own acceptance
    (cases.actions.window_accept), and link the two in the same transaction."""
    ticket = _lock(ticket)
    if ticket.case_id is not None:
        created = CaseEvent.objects.filter(case_id=ticket.case_id, kind="created")
        if ticket.case and already_done(created, key):
            return ticket.case  # a replayed request
        raise TransitionError(f"{ticket.number} 号已受理办件", field="ticket")
    _check_at_window(ticket, actor, "start_case")
    case = case_actions.window_accept(walk_in, actor=actor, now=now, key=key)
    ticket.case = case
    fields = ["case"]
    if ticket.status != T.SERVING:
        ticket.status = T.SERVING
        ticket.served_at = now
        fields += ["status", "served_at"]
    ticket.save(update_fields=fields)
    _event(ticket, E.CASE_STARTED, now=now, actor=actor, window=ticket.window, note=case.number)
    return case


@transaction.atomic
def abandon_stale_tickets(*, now: datetime) -> int:
    """Tickets of earlier days still waiting or called count as abandoned (未办理离开)."""
    today = local_date(now)
    stale = list(
        Ticket.objects.filter(day__lt=today, status__in=TICKET.sets["UNSERVED"]).values_list(
            "pk", flat=True
        )[:1000]
    )
    done = 0
    for pk in stale:
        if Ticket.objects.filter(pk=pk, status__in=TICKET.moves["abandon"].sources).update(
            status=T.ABANDONED, finished_at=now
        ):
            ticket = Ticket.objects.get(pk=pk)
            _event(ticket, E.ABANDONED, now=now)
            done += 1
    return done


# --- first-inquiry responsibility (首问负责制) ---------------------------------------------


@transaction.atomic
def record_inquiry(
    centre: Centre, *, question: str, asker_name: str, asker_phone: str, actor: User, now: datetime
) -> Inquiry:
    question = question.strip()
    if not question:
        raise HallError("请填写咨询事项", field="question")
    return Inquiry.objects.create(
        centre=centre,
        question=question[:2000],
        asker_name=asker_name.strip()[:50],
        asker_phone=asker_phone.strip()[:20],
        received_by=actor,
        owner=actor,
        status=Inquiry.Status.OPEN,
        created_at=now,
    )


def _lock_own_inquiry(inquiry: Inquiry, actor: User) -> Inquiry:
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    require_inquiry_owner(inquiry, actor)
    if not INQUIRY.allowed_from("answer", inquiry.status):
        raise TransitionError("该咨询已答复")
    return inquiry


@transaction.atomic
def answer_inquiry(inquiry: Inquiry, *, answer: str, actor: User, now: datetime) -> Inquiry:
    inquiry = _lock_own_inquiry(inquiry, actor)
    if not answer.strip():
        raise HallError("请填写答复内容", field="answer")
    inquiry.answer = answer.strip()[:2000]
    inquiry.status = Inquiry.Status.ANSWERED
    inquiry.answered_at = now
    inquiry.save(update_fields=["answer", "status", "answered_at"])
    return inquiry


@transaction.atomic
def hand_over_inquiry(
    inquiry: Inquiry, *, to: User, note: str, actor: User, now: datetime
) -> Inquiry:
    """The owner hands the question to a colleague with a record of why; the colleague owns
    it from then on."""
    inquiry = _lock_own_inquiry(inquiry, actor)
    if not note.strip():
        raise HallError("移交须填写说明（已答复内容、移交原因）", field="note")
    if to.pk == actor.pk:
        raise HallError("不能移交给自己", field="to")
    if not staff_roles_of(to):
        raise HallError("只能移交给中心工作人员", field="to")
    InquiryHandover.objects.create(
        inquiry=inquiry, from_user=actor, to_user=to, note=note.strip()[:300], at=now
    )
    inquiry.owner = to
    inquiry.save(update_fields=["owner"])
    return inquiry
