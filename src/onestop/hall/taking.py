"""Taking a number, at the guidance desk or the self-service kiosk: the zones with the items
their windows serve, and the posted take-a-number form turned into a ticket."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.hall import actions, booking, queries
from onestop.hall.forms import TakeForm
from onestop.hall.models import Ticket
from onestop.org.models import Centre, Window, Zone
from onestop.org.web import form_problems, run_move


def zone_items(centre: Centre) -> list[tuple[Zone, list[ServiceItem]]]:
    """Each zone with the live items its windows serve (for choosing by item)."""
    out = []
    for zone in centre.zones.order_by("name", "pk"):
        depts = Window.objects.filter(zone=zone).values("departments")
        items = list(live_items().filter(department__in=depts).order_by("name")[:60])
        out.append((zone, items))
    return out


def take_from_post(
    request: HttpRequest, user: User | None, centre: Centre, source: str
) -> Ticket | None:
    """A ticket from the posted take-a-number form (desk: the staff member; kiosk: None)."""
    form = TakeForm(request.POST, centre=centre)
    if not form.is_valid():
        form_problems(request, form)
        return None
    data, now = form.cleaned_data, timezone.now()
    if data["code"]:
        return run_move(
            request, lambda: booking.check_in(data["code"], centre, now=now, actor=user)
        )
    new = actions.NewTicket(
        centre=centre,
        zone=data["zone"],
        item=data["item"],
        category=data["category"],
        source=source,
    )
    return run_move(request, lambda: actions.take_ticket(new, now=now, actor=user))


def ticket_page(
    request: HttpRequest, ticket: Ticket, *, back: str, device: object = None
) -> HttpResponse:
    """The printable ticket (guidance desk and kiosk): number, zone, people ahead and the
    estimated wait while it waits."""
    waiting = ticket.status == Ticket.Status.WAITING
    context = {
        "ticket": ticket,
        "ahead": actions.people_ahead(ticket) if waiting else 0,
        "wait": queries.estimated_wait_minutes(ticket, timezone.now()) if waiting else 0,
        "back": back,
    }
    if device is not None:
        context["device"] = device
    return render(request, "hall/ticket.html", context)
