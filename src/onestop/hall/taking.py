"""Taking a number, at the guidance desk or the self-service kiosk: the zones with the items
their windows serve, and the posted take-a-number form turned into a ticket."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.hall import actions, booking
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
