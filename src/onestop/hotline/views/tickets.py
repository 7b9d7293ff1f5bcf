"""The operator's console and the ticket pages: 受理, the live hints, the list, a ticket, its
attachments, and the department inbox."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.lights import LABELS, light
from onestop.hotline import actions, permissions, queries, router
from onestop.hotline.forms import (
    STATUS_FILTER,
    CallbackForm,
    DispatchForm,
    SuggestForm,
    TicketForm,
)
from onestop.hotline.models import Attachment, Escalation, Extension, Ticket
from onestop.hotline.views.common import (
    OPERATOR,
    light_rows,
    only,
    register_from_form,
    suggest_department,
    user_of,
)
from onestop.hotline.workflow import (
    AWAITING_DISPATCH,
    DISPATCH,
    DISPATCH_OPEN,
    TICKET,
    TicketStatus,
)
from onestop.org.models import Region
from onestop.org.web import staff_required
from onestop.workdays.calendar import local_date


def _suggestion_for(ticket: Ticket) -> dict[str, Any] | None:
    """The department to offer on the ticket page: the one suggested at registration, or,
    once a department has sent the ticket back, a fresh suggestion without the departments
    that refused it (改派 must not offer them again)."""
    refused = queries.refused_departments(ticket)
    if ticket.status == TicketStatus.SENT_BACK and refused:
        names = {d.name for d in refused}
        found = suggest_department(
            ticket.content,
            ticket.address,
            ticket.region.name if ticket.region else "",
            exclude=names,
        )
        return {
            "name": found.department if found else "",
            "confidence": round(found.confidence * 100) if found else 0,
            "department": router.department_for_label(found.department) if found else None,
            "reason": found.reason if found else "",
            "refused": refused,
        }
    if not ticket.suggested_department:
        return None
    return {
        "name": ticket.suggested_department,
        "confidence": round((ticket.suggested_confidence or 0) * 100),
        "department": router.department_for_label(ticket.suggested_department),
    }


# --- operator console --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(OPERATOR)
def console(request: HttpRequest) -> HttpResponse:
    """受理: fast keyboard entry of a call; the ticket page then offers dispatch."""
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = register_from_form(request, form, Ticket.Channel.PHONE, user_of(request))
        if ticket is not None:
            messages.success(request, f"已受理，工单号 {ticket.number}")
            return redirect("hotline:ticket", pk=ticket.pk)
    today = timezone.now()
    return render(
        request,
        "hotline/console.html",
        {
            "form": form,
            "key": secrets.token_hex(8),
            "waiting": Ticket.objects.filter(status__in=AWAITING_DISPATCH)
            .select_related("lead_department")
            .order_by("registered_at")[:20],
            "callbacks": queries.callback_queue().count(),
            "extensions": Extension.objects.filter(status=Extension.Status.PENDING).count(),
            "today": local_date(today),
        },
    )


@require_GET
@staff_required(OPERATOR)
def caller(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's earlier tickets by phone number."""
    phone = request.GET.get("caller_phone", "")[:20]
    return render(
        request,
        "hotline/_caller.html",
        {"phone": phone, "history": queries.caller_history(phone)},
    )


@require_POST
@staff_required(OPERATOR)
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the suggested department and similar open tickets while the operator types."""
    form = SuggestForm(request.POST)
    form.is_valid()  # every field is optional; a region that is not a number is no region
    content = form.cleaned_data.get("content", "")
    address = form.cleaned_data.get("address", "")
    region_pk = form.cleaned_data.get("region")
    region = Region.objects.filter(pk=region_pk).first() if region_pk is not None else None
    place = region.name if region else ""
    typed = bool(content.strip())
    found = suggest_department(content, address, place) if typed else None
    return render(
        request,
        "hotline/_suggest.html",
        {
            "found": found,
            "percent": round(found.confidence * 100) if found else 0,
            "alternatives": [(n, round(p * 100)) for n, p in found.alternatives] if found else [],
            "similar": queries.similar_open_tickets(content, address, region) if typed else [],
            "hits": queries.ticket_hints(
                content, local_date(timezone.now()), address=address, region=place, limit=3
            )
            if typed
            else [],
        },
    )


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not queries.sees_all(user):
        return redirect("hotline:inbox")
    qs = queries.tickets_for_user(user).order_by("-registered_at")
    status = request.GET.get("status", "")
    if status in Ticket.Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:40]
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(caller_phone=q)
            | Q(content__icontains=q)
        )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    light_rows(page)
    return render(
        request,
        "hotline/ticket_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": STATUS_FILTER,
            "labels": LABELS,
            "operator": permissions.is_operator(user),
        },
    )


def _operator_context(ticket: Ticket) -> dict[str, Any]:
    suggestion = _suggestion_for(ticket)
    # Still with the operator: it may be merged, answered, and shown with its hints.
    waiting = TICKET.allowed_from("merge", ticket.status)
    initial: dict[str, Any] = {}
    if ticket.lead_department_id and waiting:
        initial["lead"] = ticket.lead_department_id  # reopened: same department by default
    elif suggestion and suggestion["department"] is not None:
        initial["lead"] = suggestion["department"].pk
    similar = (
        queries.similar_open_tickets(ticket.content, ticket.address, ticket.region, exclude=ticket)
        if waiting
        else []
    )
    return {
        "suggestion": suggestion,
        "dispatch_form": DispatchForm(initial=initial),
        "similar": similar,
        "history": queries.caller_history(ticket.caller_phone, exclude=ticket),
        "callback_form": CallbackForm(),
        "script": queries.callback_script(ticket)
        if TICKET.allowed_from("callback", ticket.status)
        else "",
        "can_reopen": actions.can_reopen(ticket),
        "pending_extensions": Extension.objects.filter(
            dispatch__ticket=ticket, status=Extension.Status.PENDING
        ).select_related("dispatch__department"),
        "hits": queries.ticket_hints(
            ticket.content,
            local_date(timezone.now()),
            address=ticket.address,
            region=ticket.region.name if ticket.region else "",
            lead=ticket.lead_department.name if ticket.lead_department else "",
        )
        if waiting
        else [],
    }


@login_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    ticket = queries.get_ticket_for_user(user, pk)
    mine = permissions.handler_departments(user)
    dispatches = list(ticket.dispatches.select_related("department").order_by("-lead", "pk"))
    ctx: dict[str, Any] = {
        "ticket": ticket,
        "centre_side": queries.sees_all(user),
        "operator": permissions.is_operator(user),
        "dispatches": dispatches,
        "my_dispatches": [d for d in dispatches if d.department_id in mine and d.is_open],
        "my_signed_lead": any(
            d.department_id in mine and d.lead and DISPATCH.allowed_from("extend", d.status)
            for d in dispatches
        ),
        "events": ticket.events.select_related("actor", "department"),
        "callbacks": ticket.callbacks.all(),
        "escalation": Escalation.objects.filter(ticket=ticket).first(),
        "light": light(ticket.dispatched_at, ticket.due_at, timezone.now())
        if ticket.is_open
        else None,
        "labels": LABELS,
        "key": secrets.token_hex(8),
        "attachments": ticket.attachments.all(),
    }
    if permissions.is_operator(user):
        ctx.update(_operator_context(ticket))
    return render(request, "hotline/ticket_detail.html", ctx)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a ticket in the user's scope (404 otherwise)."""
    item = get_object_or_404(Attachment, pk=pk)
    queries.get_ticket_for_user(user_of(request), item.ticket_id)
    response = FileResponse(default_storage.open(item.file), content_type=item.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(item.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- department inbox --------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    only(bool(permissions.handler_departments(user)))
    rows = queries.inbox_for_user(user)
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(status__in=DISPATCH_OPEN)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    light_rows(page)
    return render(request, "hotline/inbox.html", {"page": page, "show": show, "labels": LABELS})
