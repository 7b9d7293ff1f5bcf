"""Permission-scoped reads of cases and tasks (STYLE §5): outside the scope is a 404."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.cases import workflow
from onestop.cases.models import Case, Task
from onestop.cases.permissions import check_move
from onestop.catalog.models import ServiceItem
from onestop.core.errors import DomainError
from onestop.lib import ratelimit
from onestop.lib.ratelimit import RateLimited
from onestop.org.models import Applicant, Region, Role, StaffRole
from onestop.org.permissions import Act, Obj, Reach, reach
from onestop.org.queries import staff_roles_of

S = Case.Status


def _reach_q(how_far: Reach, role: StaffRole, user: User) -> Q:
    """The cases one role's reach covers (the cell's reach read from the table)."""
    region = role.region.subtree_q("region")
    if how_far == Reach.REGION:
        return region
    if how_far == Reach.FILED:
        return Q(filed_by=user, channel=Case.Channel.AGENT)
    if how_far in (Reach.DEPARTMENT, Reach.WINDOW) and role.department_id:
        # A department sees its own cases and those it gives an opinion on (会签).
        q = region & (
            Q(department_id=role.department_id) | Q(tasks__department_id=role.department_id)
        )
        return q & Q(channel=Case.Channel.WINDOW) if how_far == Reach.WINDOW else q
    return Q(pk__in=[])


def case_scope(
    user: AbstractBaseUser | AnonymousUser, obj: Obj = Obj.CASE, act: Act = Act.READ
) -> Q | None:
    """The filter of cases on which the user may `act` on `obj` (org.permissions.TABLE), or None.

    The applicant reaches their own. A draft also needs the role's draft cell: an applicant's
    unsubmitted draft is theirs and the filing agent's, not the department's."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    q = Q(applicant__user=user)
    for role in staff_roles_of(user):
        how_far = reach(role.role, obj, act)
        if how_far == Reach.NONE:
            continue
        q |= _reach_q(how_far, role, user) & ~Q(status=S.DRAFT)
        draft_reach = reach(role.role, Obj.DRAFT, Act.READ)
        if draft_reach != Reach.NONE:
            q |= _reach_q(draft_reach, role, user) & Q(status=S.DRAFT)
    return q


def cases_for_user(
    user: AbstractBaseUser | AnonymousUser, obj: Obj = Obj.CASE, act: Act = Act.READ
) -> QuerySet[Case]:
    scope = case_scope(user, obj, act)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(pk__in=Case.objects.filter(scope).values("pk"))


def case_summaries_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases of which the user may learn the number, item, status and due date (a hotline
    operator answering a caller), besides those they may read in full."""
    return cases_for_user(user, Obj.CASE, Act.SUMMARY) | cases_for_user(user)


def file_cases_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases whose material files the user may download."""
    return cases_for_user(user, Obj.MATERIAL, Act.DOWNLOAD)


def agent_serves(agent: User, region: Region, applicant: Applicant) -> bool:
    """Whether a community agent of `region` may serve (and file for) the applicant: one
    registered in that community, or one the agent has filed for there; never an applicant
    with no community recorded, whom anyone knowing the ID number could otherwise reach."""
    if applicant.region_id is None or applicant.region is None:
        return False
    if region.contains(applicant.region):
        return True
    return Case.objects.filter(
        region.subtree_q("region"),
        applicant=applicant,
        filed_by=agent,
        channel=Case.Channel.AGENT,
    ).exists()


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
    instant = case.item.kind == ServiceItem.Kind.INSTANT
    result = []
    for move in moves if moves is not None else workflow.moves_from(case.status):
        if not workflow.allowed_from(move, case.status):
            continue
        if (move == "accept" and instant) or (move == "handle_instant" and not instant):
            continue
        try:
            check_move(case, move, user)
        except DomainError:
            continue
        result.append(move)
    return result
