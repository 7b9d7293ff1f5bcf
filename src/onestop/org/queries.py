"""Permission-scoped reads of the organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.org.models import Applicant, Centre, Region, Role, StaffRole


def staff_roles_of(user: AbstractBaseUser | AnonymousUser) -> list[StaffRole]:
    """The user's roles (cached on the user object for the request)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    cached: list[StaffRole] | None = getattr(user, "_onestop_roles", None)
    if cached is None:
        cached = list(
            StaffRole.objects.filter(user=user).select_related(
                "department", "region", "window__zone"
            )
        )
        setattr(user, "_onestop_roles", cached)  # noqa: B010 - a per-request memo on the user
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    return any(r.role in roles for r in staff_roles_of(user))


def users_with_role(*roles: Role) -> list[User]:
    """Active users holding any of the roles anywhere (the recipients of centre-wide alerts)."""
    ids = StaffRole.objects.filter(role__in=roles).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


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


# Roles that meet applicants in person and may look them up.
FRONT_DESK_ROLES = (
    Role.CLERK,
    Role.REVIEWER,
    Role.APPROVER,
    Role.DEPARTMENT_HEAD,
    Role.COMMUNITY_AGENT,
    Role.ACCOUNT_MANAGER,
    Role.HOTLINE_OPERATOR,
)


def applicants_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Applicant]:
    """Applicants a staff member may look up: those living in the subtrees of their roles.

    Applicants with no region recorded are visible to district-level roles only.
    """
    roles = [r for r in staff_roles_of(user) if r.role in FRONT_DESK_ROLES]
    if getattr(user, "is_superuser", False):
        return Applicant.objects.all()
    if not roles:
        return Applicant.objects.none()
    q = Q(pk__in=[])
    for r in roles:
        q |= r.region.subtree_q("region")
        if r.region.level == Region.Level.DISTRICT:
            q |= Q(region__isnull=True)
    return Applicant.objects.filter(q)


def get_applicant_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Applicant:
    """The applicant, or 404 for one outside the user's scope (same answer as 'no such')."""
    applicant = applicants_for_user(user).filter(pk=pk).first()
    if applicant is None:
        raise Http404("申请人不存在")
    return applicant


def clerk_centre(user: AbstractBaseUser | AnonymousUser) -> Centre | None:
    """The centre a clerk works at: their window's, else the first centre of their region."""
    for role in staff_roles_of(user):
        if role.role == Role.CLERK and role.window is not None:
            return role.window.zone.centre
    for role in staff_roles_of(user):
        if role.role == Role.CLERK:
            return Centre.objects.filter(region=role.region).order_by("level").first()
    return None
