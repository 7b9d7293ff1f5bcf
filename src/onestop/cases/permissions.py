"""Who may make a move on a case: the case's roles, departments and windows (the table of
who sees what is `onestop.org.permissions`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User

from onestop.cases import workflow
from onestop.cases.models import Case
from onestop.core.errors import NotAllowed
from onestop.org.models import Role, StaffRole, Window
from onestop.org.queries import staff_roles_of

# --- who may make a move on a case ----------------------------------------------------------


def holds_role(actor: User, case: Case, roles: Iterable[str], department_id: int) -> bool:
    """The actor holds one of `roles` in the department, with the case's region in scope; a
    clerk also acts for every department served at their window (综合窗口 / 并联窗口)."""
    wanted = set(roles)
    return any(
        r.role in wanted
        and (
            r.department_id == department_id
            or (r.role == Role.CLERK and department_id in window_departments(r))
        )
        and case.region.path.startswith(r.region.path)
        for r in staff_roles_of(actor)
    )


def window_departments(role: StaffRole) -> set[int]:
    """The departments served at a clerk's window (memoised on the role object)."""
    if role.window_id is None:
        return set()
    cached: set[int] | None = getattr(role, "_window_departments", None)
    if cached is None:
        cached = set(
            Window.departments.through.objects.filter(window_id=role.window_id).values_list(
                "department_id", flat=True
            )
        )
        setattr(role, "_window_departments", cached)  # noqa: B010 - per-request memo
    return cached


def check_move(
    case: Case, move: str, actor: User | None, *, department_id: int | None = None
) -> None:
    """Raise NotAllowed unless `actor` may make `move` on `case`, TransitionError unless the
    case's state allows it (the role check comes first: a clerk of another department is told
    it is not theirs, not that the state is wrong)."""
    spec = workflow.MOVES[move]
    if actor is not None:
        allowed = (
            (workflow.APPLICANT in spec.actors and case.applicant.user_id == actor.pk)
            or (
                workflow.AGENT in spec.actors
                and case.filed_by_id == actor.pk
                and case.channel == Case.Channel.AGENT
            )
            or holds_role(
                actor,
                case,
                [r for r in spec.actors if r in Role.values],
                department_id or case.department_id,
            )
        )
        if not allowed:
            raise NotAllowed(f"您没有权限对该办件执行“{spec.label}”")
    workflow.WORKFLOW.check(case.status, move)
