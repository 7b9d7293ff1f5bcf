"""Permission-scoped reads of cases and tasks (STYLE §5): outside the scope is a 404."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.cases.models import Case, Task
from onestop.lib import ratelimit
from onestop.lib.ratelimit import RateLimited
from onestop.org.models import Role
from onestop.org.queries import staff_roles_of

# Roles that work on the cases of their own department.
DEPARTMENT_ROLES = (
    Role.CLERK,
    Role.REVIEWER,
    Role.APPROVER,
    Role.DEPARTMENT_HEAD,
    Role.ACCOUNT_MANAGER,
)
# Roles that read every case of their region subtree.
OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.CENTRE_ADMIN, Role.HOTLINE_OPERATOR)


def case_scope(user: AbstractBaseUser | AnonymousUser) -> Q | None:
    """The filter of cases a user may see, or None for none at all."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    q = Q(applicant__user=user)
    for role in staff_roles_of(user):
        region = role.region.subtree_q("region")
        if role.role in OVERSIGHT_ROLES:
            q |= region
        elif role.role == Role.COMMUNITY_AGENT:
            q |= Q(filed_by=user)
        elif role.role in DEPARTMENT_ROLES and role.department_id:
            # A department sees its own cases and those it gives an opinion on (会签).
            q |= region & (
                Q(department_id=role.department_id) | Q(tasks__department_id=role.department_id)
            )
    return q


def cases_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    scope = case_scope(user)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(pk__in=Case.objects.filter(scope).values("pk"))


def get_case_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Case:
    """The case, or 404 — the same answer for 'not yours' and 'does not exist'."""
    case = (
        cases_for_user(user)
        .select_related("item", "department", "applicant", "centre", "region", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("办件不存在")
    return case


def tasks_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Task]:
    """Tasks the user could work on: their department's, for a role they hold, in their region."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Task.objects.none()
    q = Q(pk__in=[])
    for role in staff_roles_of(user):
        if role.department_id:
            q |= Q(department_id=role.department_id, role=role.role) & role.region.subtree_q(
                "case__region"
            )
    if user.is_superuser:
        q = Q()
    return Task.objects.filter(q)


def get_task_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Task:
    """A task the user works on, or one of their department's if they head it (to reassign)."""
    qs = tasks_for_user(user)
    for role in staff_roles_of(user):
        if role.role == Role.DEPARTMENT_HEAD and role.department_id:
            qs = qs | Task.objects.filter(
                Q(department_id=role.department_id) & role.region.subtree_q("case__region")
            )
    task = qs.select_related("case", "department").filter(pk=pk).first()
    if task is None:
        raise Http404("任务不存在")
    return task


# Public progress lookup: wrong number/code pairs allowed per address in PROGRESS_WINDOW seconds,
# counted once for the portal page and the API together. Right pairs are not counted, so a hall
# whose visitors share one address is not turned away.
PROGRESS_LIMIT = 20
PROGRESS_WINDOW = 600


class TooManyMisses(RateLimited):
    """The address has guessed wrong too often; it may look again when the window ends."""


def lookup_progress(address: str, number: str, query_code: str) -> Case | None:
    """The case for a number + query code, counting wrong pairs per address (no enumeration)."""
    try:
        ratelimit.check("progress-misses", address, limit=PROGRESS_LIMIT, window=PROGRESS_WINDOW)
    except RateLimited as e:
        raise TooManyMisses(e.retry_after, e.message) from e
    case = case_by_query_code(number, query_code)
    if case is None:
        ratelimit.record("progress-misses", address, window=PROGRESS_WINDOW)
    return case


def case_by_query_code(number: str, query_code: str) -> Case | None:
    """Public progress lookup: both the case number and its query code must match."""
    number, query_code = number.strip(), query_code.strip().upper()
    if not number or not query_code:
        return None
    return (
        Case.objects.select_related("item", "department")
        .filter(number=number, query_code=query_code)
        .exclude(status=Case.Status.DRAFT)
        .first()
    )


def allowed_moves(case: Case, user: User, moves: Iterable[str] | None = None) -> list[str]:
    """The moves on the case itself that `user` may make now (task moves are separate)."""
    from onestop.cases import actions, workflow
    from onestop.cases.errors import CaseError
    from onestop.catalog.models import ServiceItem

    instant = case.item.kind == ServiceItem.Kind.INSTANT
    result = []
    for move in moves if moves is not None else workflow.moves_from(case.status):
        if not workflow.allowed_from(move, case.status):
            continue
        if (move == "accept" and instant) or (move == "handle_instant" and not instant):
            continue
        try:
            actions.check_move(case, move, user)
        except CaseError:
            continue
        result.append(move)
    return result
