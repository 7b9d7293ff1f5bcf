"""Permission-scoped reads of the organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from onestop.org.models import Region, Role, StaffRole


def staff_roles_of(user: AbstractBaseUser | AnonymousUser) -> list[StaffRole]:
    """The user's roles (cached on the user object for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_onestop_roles", None)
    if cached is None:
        cached = list(
            StaffRole.objects.filter(user=user).select_related("department", "region", "window")
        )
        user._onestop_roles = cached  # type: ignore[union-attr]
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    return any(r.role in roles for r in staff_roles_of(user))


def is_staff_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(staff_roles_of(user)) or bool(getattr(user, "is_superuser", False))


def regions_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """Every region in the subtrees the user's roles cover."""
    roles = staff_roles_of(user)
    if getattr(user, "is_superuser", False):
        return Region.objects.all()
    if not roles:
        return Region.objects.none()
    q = roles[0].region.subtree_q()
    for r in roles[1:]:
        q |= r.region.subtree_q()
    return Region.objects.filter(q)
