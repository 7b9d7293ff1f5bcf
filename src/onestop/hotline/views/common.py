"""What every hotline page shares: the staff check, the one path of a posted move to its
action and messages, the department suggestion, registration from a form, and the lights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from onestop.cases.lights import light
from onestop.core.errors import DomainError
from onestop.hotline import actions, router
from onestop.hotline.forms import MoveForm, TicketForm
from onestop.hotline.models import Ticket
from onestop.org.models import Role
from onestop.org.web import form_problems, run_move
from onestop.workdays import queries as workdays

OPERATOR = Role.HOTLINE_OPERATOR
F = TypeVar("F", bound=Form)
View = Callable[..., HttpResponse]


def user_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def only(allowed: bool) -> None:
    """A page the user may not see does not exist for them."""
    if not allowed:
        raise Http404("页面不存在")


def post_move(
    request: HttpRequest,
    form: F,
    move: Callable[[F], object],
    done: str | Callable[[F], str],
) -> None:
    """One move from a posted form: its problems, or the action's refusal, become messages."""
    if not form.is_valid():
        form_problems(request, form)
        return
    run_move(request, lambda: move(form), done if isinstance(done, str) else done(form))


def suggest_department(
    content: str, address: str, region: str, *, exclude: set[str] | None = None
) -> router.Suggestion | None:
    return router.suggest_for_ticket(content, address, region, exclude=exclude or ())


def register_from_form(
    request: HttpRequest, form: TicketForm, channel: str, actor: User | None
) -> Ticket | None:
    """受理 from a valid form (the console or the portal): the ticket, or None with the
    refusal shown at its field (or above the form)."""
    data = form.new_ticket(channel)
    key = MoveForm(request.POST)  # the page's request key: a repeated submit registers once
    data.attachments = request.FILES.getlist("attachments")
    found = suggest_department(data.content, data.address, data.region.name if data.region else "")
    try:
        return actions.register_ticket(
            data,
            actor=actor,
            now=timezone.now(),
            key=key.request_key if key.is_valid() else "",
            suggestion=(found.department, found.confidence) if found else None,
        )
    except DomainError as e:
        form.add_error(e.field if e.field in form.fields else None, e.message)
        return None


def light_rows(rows: Any) -> None:
    """Each open ticket or dispatch of a page gets its light (one calendar for all rows)."""
    now, cal = timezone.now(), workdays.calendar()
    for row in rows:
        row.light = light(row.dispatched_at, row.due_at, now, cal) if row.is_open else None
