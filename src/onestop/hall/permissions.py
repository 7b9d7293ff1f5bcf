"""Who may make the hall's moves: the staff at a window call and serve its tickets; a
first-inquiry record is answered or handed over by its current owner only."""

from __future__ import annotations

from django.contrib.auth.models import User

from onestop.core.errors import NotAllowed
from onestop.hall.models import Inquiry, Ticket
from onestop.org.models import Role, Window
from onestop.org.queries import staff_roles_of

# The roles that sit at a window and call numbers there.
WINDOW_ROLES = (Role.CLERK, Role.ACCOUNT_MANAGER, Role.TRADING_OFFICER)


def windows_of(user: User) -> list[Window]:
    """The windows the user sits at as a clerk (or account manager / trading officer)."""
    seen: dict[int, Window] = {}
    for role in staff_roles_of(user):
        if role.window is not None and role.role in WINDOW_ROLES:
            seen.setdefault(role.window.pk, role.window)
    return list(seen.values())


def require_window(window: Window, actor: User) -> None:
    if window.pk not in {w.pk for w in windows_of(actor)}:
        raise NotAllowed("您不在该窗口工作，不能叫号")


def require_ticket_at_window(ticket: Ticket, actor: User) -> None:
    if ticket.window_id is None or ticket.window_id not in {w.pk for w in windows_of(actor)}:
        raise NotAllowed("该号不在您的窗口")


def require_inquiry_owner(inquiry: Inquiry, actor: User) -> None:
    if inquiry.owner_id != actor.pk:
        raise NotAllowed("只有当前负责人可以答复或移交")
