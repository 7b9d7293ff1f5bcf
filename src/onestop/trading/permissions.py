"""Who may act in trading: the trading centre's officers run the tenders, officers and
supervisors handle complaints. Actions call the checks; pages use the decorator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from onestop.core.errors import NotAllowed
from onestop.org.models import Role
from onestop.org.queries import has_role

View = Callable[..., HttpResponse]


def is_officer(user: Any) -> bool:
    return isinstance(user, User) and (has_role(user, Role.TRADING_OFFICER) or user.is_superuser)


def check_officer(actor: User) -> None:
    if not is_officer(actor):
        raise NotAllowed("只有交易中心工作人员可以办理")


def check_supervising(actor: User) -> None:
    if not (has_role(actor, Role.TRADING_OFFICER, Role.SUPERVISOR) or actor.is_superuser):
        raise NotAllowed("只有行政监督人员可以处理投诉")


def officer_required(view: View) -> View:
    """A trading centre page: signed in (else to the login page) and a trading officer.

    Unlike the workbench's `org.web.staff_required` (404), the trading centre's desks answer
    anyone else with 403: their addresses are published in the centre's rules, so there is
    nothing to hide (tests/security/test_sealed_bids.py holds it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_officer(request.user):
            raise PermissionDenied("只有交易中心工作人员可以访问")
        return view(request, *args, **kwargs)

    return cast(View, login_required(wrapper))
