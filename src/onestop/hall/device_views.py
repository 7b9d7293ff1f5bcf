"""Pages of the hall's devices: the sign-in (pairing) page, the self-service kiosk and the
ticket it prints. The rating pad's page is `evaluation:pad`.

A device session has no Django user; `devices.device_required` hands the view its device."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from onestop.core.errors import DomainError
from onestop.hall import actions, devices, queries
from onestop.hall.devices import HOME, device_required
from onestop.hall.models import Device, Ticket
from onestop.hall.taking import take_from_post, ticket_page, zone_items
from onestop.lib.ratelimit import RateLimited

# Tickets this kiosk session printed, newest last (the kiosk shows only its own).
TICKETS_SESSION = "onestop_kiosk_tickets"


class PairForm(forms.Form):
    code = forms.CharField(
        label="配对码或终端令牌",
        max_length=80,
        error_messages={"required": "请输入中心管理员提供的配对码或终端令牌"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


@require_http_methods(["GET", "POST"])
def device_sign_in(request: HttpRequest) -> HttpResponse:
    """终端配对: a kiosk or a pad signs in with its pairing code or token."""
    form = PairForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = devices.sign_in_device(request, form.cleaned_data["code"])
        except (DomainError, RateLimited) as exc:
            form.add_error("code", exc.message)
        else:
            return redirect(HOME[device.kind])
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "hall/device_sign_in.html",
        {"form": form, "device": devices.device_of(request)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@device_required(Device.Kind.KIOSK)
def kiosk(request: HttpRequest, device: Device) -> HttpResponse:
    """自助取号机: a number by zone or item, or a booking's check-in, at the device's centre."""
    centre = device.centre
    if request.method == "POST":
        ticket = take_from_post(request, None, centre, Ticket.Source.KIOSK)
        if ticket is not None:
            printed = [*request.session.get(TICKETS_SESSION, []), ticket.pk][-20:]
            request.session[TICKETS_SESSION] = printed
            return redirect("hallpub:kiosk_ticket", pk=ticket.pk)
        return redirect("hallpub:kiosk")
    ctx: dict[str, Any] = {
        "centre": centre,
        "device": device,
        "zones": zone_items(centre),
        "categories": [(c.value, c.label) for c in actions.KIOSK_CATEGORIES],
        "waiting": queries.waiting_by_zone(centre, timezone.now()),
    }
    return render(request, "hall/kiosk.html", ctx)


@require_GET
@device_required(Device.Kind.KIOSK)
def kiosk_ticket(request: HttpRequest, device: Device, pk: int) -> HttpResponse:
    """The ticket this kiosk has just printed (only its own, of its centre)."""
    if pk not in request.session.get(TICKETS_SESSION, []):
        raise Http404("排队号不存在")
    t = (
        Ticket.objects.filter(pk=pk, centre=device.centre)
        .select_related("zone", "centre", "item")
        .first()
    )
    if t is None:
        raise Http404("排队号不存在")
    return ticket_page(request, t, back="/hall/kiosk/", device=device)
