"""Scoped reads of the hall: the centres a staff member works for, the tickets at their window,
the display board, estimated waits, the day's bookings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.hall.actions import people_ahead, policy_of
from onestop.hall.models import Booking, Inquiry, Ticket, TicketEvent
from onestop.hall.permissions import windows_of
from onestop.hall.workflow import TICKET
from onestop.org.models import Centre, Region, Window
from onestop.org.queries import regions_in_scope, staff_roles_of
from onestop.workdays.calendar import centre_zone, local_date

T = Ticket.Status


def centres_for_staff(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Centre]:
    """Service centres (not agent points) in the staff member's regions."""
    return (
        Centre.objects.filter(region__in=regions_in_scope(user))
        .exclude(level=Centre.Level.COMMUNITY)
        .order_by("level", "region__code")
    )


def hall_centre(user: User, key: str = "") -> Centre:
    """The centre a desk or kiosk page works for: the one asked for, else the centre of the
    user's window, else the first in scope; 404 outside scope or for non-staff."""
    centres = centres_for_staff(user)
    if key:
        centre = centres.filter(key=key).first()
        if centre is None:
            raise Http404("服务中心不存在")
        return centre
    for w in windows_of(user):
        found = centres.filter(pk=w.zone.centre_id).first()
        if found is not None:
            return found
    for role in staff_roles_of(user):
        found = centres.filter(region=role.region).first()
        if found is not None:
            return found
    first = centres.first()
    if first is None:
        raise Http404("您的岗位没有对应的服务中心")
    return first


def get_ticket_for_staff(user: User, pk: int) -> Ticket:
    ticket = (
        Ticket.objects.filter(pk=pk, centre__in=centres_for_staff(user))
        .select_related("zone", "centre", "item", "window", "case")
        .first()
    )
    if ticket is None:
        raise Http404("排队号不存在")
    return ticket


def get_window_ticket(user: User, pk: int) -> Ticket:
    """A ticket called or served at one of the user's windows (404 otherwise)."""
    ticket = (
        Ticket.objects.filter(
            pk=pk, window__in=[w.pk for w in windows_of(user)], status__in=TICKET.sets["AT_WINDOW"]
        )
        .select_related("zone", "item", "window")
        .first()
    )
    if ticket is None:
        raise Http404("排队号不在您的窗口")
    return ticket


def get_my_window(user: User, raw: str) -> Window:
    windows = windows_of(user)
    if not windows:
        raise Http404("您的岗位没有绑定窗口")
    if raw.isdigit():
        for w in windows:
            if w.pk == int(raw):
                return w
        raise Http404("窗口不存在")
    return windows[0]


def estimated_wait_minutes(ticket: Ticket, now: datetime) -> int:
    """People ahead × today's average service time at the zone (policy default without data),
    shared over the zone's windows that are calling today (at least one)."""
    ahead = people_ahead(ticket)
    today = Ticket.objects.filter(zone_id=ticket.zone_id, day=ticket.day)
    spans = [
        (end - start).total_seconds() / 60
        for start, end in today.filter(
            finished_at__isnull=False, served_at__isnull=False
        ).values_list("served_at", "finished_at")
        if start is not None and end is not None
    ]
    per_ticket = sum(spans) / len(spans) if spans else policy_of(ticket.centre).minutes_per_ticket
    windows = max(1, today.exclude(window__isnull=True).values("window").distinct().count())
    return round(ahead * per_ticket / windows)


@dataclass(frozen=True)
class BoardRow:
    event_id: int
    number: str
    window_number: str
    window_name: str
    zone: str
    at: datetime
    recalled: bool


def board(centre: Centre, now: datetime, *, limit: int = 10) -> list[BoardRow]:
    """The latest calls and recalls of today, newest first, one per ticket."""
    start = datetime.combine(local_date(now), time(0), centre_zone())
    events = (
        TicketEvent.objects.filter(
            centre=centre,
            kind__in=(TicketEvent.Kind.CALLED, TicketEvent.Kind.RECALLED),
            at__gte=start,
        )
        .select_related("ticket", "window", "ticket__zone")
        .order_by("-pk")[: limit * 3]
    )
    rows: list[BoardRow] = []
    seen: set[int] = set()
    for e in events:
        if e.ticket_id in seen or e.window is None:
            continue
        seen.add(e.ticket_id)
        rows.append(
            BoardRow(
                event_id=e.pk,
                number=e.ticket.number,
                window_number=e.window.number,
                window_name=e.window.name,
                zone=e.ticket.zone.name,
                at=e.at,
                recalled=e.kind == TicketEvent.Kind.RECALLED,
            )
        )
        if len(rows) >= limit:
            break
    return rows


def waiting_by_zone(centre: Centre, now: datetime) -> list[tuple[str, int]]:
    rows = []
    for zone in centre.zones.order_by("name", "pk"):
        n = Ticket.objects.filter(zone=zone, day=local_date(now), status=T.WAITING).count()
        rows.append((zone.name, n))
    return rows


def bookings_by_window(centres: QuerySet[Centre], day: date) -> list[tuple[Window, list]]:
    """The day's bookings (not cancelled) grouped by window, in time order."""
    start = datetime.combine(day, time(0), centre_zone())
    rows = (
        Booking.objects.filter(
            centre__in=centres, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        )
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("window", "window__zone", "item")
        .order_by("window__zone__name", "window__number", "starts_at", "pk")
    )
    grouped: dict[int, tuple[Window, list]] = {}
    for b in rows:
        grouped.setdefault(b.window_id, (b.window, []))[1].append(b)
    return list(grouped.values())


def my_inquiries(user: User) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(owner=user).select_related("received_by", "centre")


def get_inquiry_for_user(user: User, pk: int) -> Inquiry:
    """An inquiry the user owns or once owned or received (404 otherwise)."""
    inquiry = (
        Inquiry.objects.filter(pk=pk)
        .filter(Q(owner=user) | Q(received_by=user) | Q(handovers__from_user=user))
        .distinct()
        .first()
    )
    if inquiry is None:
        raise Http404("咨询记录不存在")
    return inquiry


def region_of(user: User) -> Region | None:
    roles = staff_roles_of(user)
    return min((r.region for r in roles), key=lambda r: len(r.path)) if roles else None
