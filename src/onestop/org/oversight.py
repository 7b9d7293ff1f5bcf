"""Region scope of the people who oversee a subtree (supervisors, centre administrators)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import Http404

from onestop.org.models import Region, Role
from onestop.org.queries import staff_roles_of

OVERSEERS = (Role.SUPERVISOR, Role.CENTRE_ADMIN)


def oversight_region(user: User) -> Region | None:
    """The widest region a supervisor or centre administrator oversees; 404 for others."""
    if user.is_superuser:
        return None
    regions = [r.region for r in staff_roles_of(user) if r.role in OVERSEERS]
    if not regions:
        raise Http404("页面不存在")
    return min(regions, key=lambda r: len(r.path))
