"""The public pages: a citizen's message from the portal, and following it by number and code."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from onestop.hotline import queries
from onestop.hotline.forms import PublicTicketForm
from onestop.hotline.models import Ticket
from onestop.hotline.views.common import register_from_form
from onestop.lib import ratelimit

# --- public pages ------------------------------------------------------------------------------


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# Requests one address may submit on the portal within PUBLIC_WINDOW seconds (a flood guard;
# a hall whose visitors share an address still has room).
PUBLIC_LIMIT = 20
PUBLIC_WINDOW = 3600


def _too_many(request: HttpRequest) -> int:
    """Seconds until this address may submit again, or 0 if it is within PUBLIC_LIMIT."""
    try:
        ratelimit.hit(
            "hotline-submit",
            _address(request),
            limit=PUBLIC_LIMIT,
            window=PUBLIC_WINDOW,
            what="提交",
        )
    except ratelimit.RateLimited as e:
        return e.retry_after
    return 0


@require_http_methods(["GET", "POST"])
def public_submit(request: HttpRequest) -> HttpResponse:
    """A citizen's message from the portal: registered like a call, followed by number + code."""
    form = PublicTicketForm(request.POST or None)
    retry_after = _too_many(request) if request.method == "POST" else 0
    if retry_after:
        form.add_error(None, "提交过于频繁，请稍后再试，或拨打 12345")
    elif request.method == "POST" and form.is_valid():
        ticket = register_from_form(request, form, Ticket.Channel.WEB, None)
        if ticket is not None:
            return render(request, "hotline/public_done.html", {"ticket": ticket})
    response = render(
        request,
        "hotline/public_submit.html",
        {"form": form, "key": secrets.token_hex(8)},
        status=429 if retry_after else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def public_track(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "")[:24]
    code = request.GET.get("code", "")[:8]
    ticket = None
    error = ""
    retry_after = 0
    if number or code:
        try:
            ticket = queries.lookup_ticket(_address(request), number, code)
        except queries.TooManyMisses as e:
            error, retry_after = e.message, e.retry_after
        else:
            if ticket is None:
                error = "工单号或查询码不正确"
    response = render(
        request,
        "hotline/public_track.html",
        {
            "ticket": ticket,
            "number": number,
            "code": code,
            "error": error,
            "events": ticket.events.exclude(kind__startswith="alert").order_by("at")
            if ticket
            else [],
        },
        status=429 if retry_after else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
