"""Helpers the applicant's and the agent's case pages share."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from onestop.cases.lights import LABELS as LIGHT_LABELS
from onestop.cases.lights import light
from onestop.cases.models import Case
from onestop.org.models import Applicant, Role
from onestop.org.queries import staff_roles_of
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar


def user_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def applicant_of(user: User) -> Applicant | None:
    return Applicant.objects.filter(user=user).first()


def current_time() -> datetime:
    return timezone.now()


def sub_key(key: str, suffix: str) -> str:
    if not key:
        return ""
    return hashlib.sha256(f"{key}:{suffix}".encode()).hexdigest()[:40]


def light_of(case: Case, now: datetime, cal: Calendar | None = None) -> tuple[str, str] | None:
    if case.status not in Case.CLOCK_RUNNING:
        return None
    colour = light(case.accepted_at, case.due_at, now, cal)
    return (colour, LIGHT_LABELS[colour]) if colour else None


def with_lights(cases: list[Case]) -> list[tuple[Case, tuple[str, str] | None]]:
    now, cal = current_time(), workdays.calendar()  # one calendar for every row
    return [(c, light_of(c, now, cal)) for c in cases]


def filed_by_agent(user: User) -> list[tuple[Case, tuple[str, str] | None]]:
    """The latest cases an agent filed for villagers, with their lights."""
    filed = (
        Case.objects.filter(filed_by=user, channel=Case.Channel.AGENT)
        .select_related("item", "applicant")
        .order_by("-created_at")[:50]
    )
    return with_lights(list(filed))


def is_agent(user: User) -> bool:
    return any(r.role == Role.COMMUNITY_AGENT for r in staff_roles_of(user))
