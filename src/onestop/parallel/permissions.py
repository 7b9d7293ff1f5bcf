"""Who may make parallel approval's moves: the parallel window's clerks, the centre's
administrators (the leading group's office), account managers and the invited departments."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import User

from onestop.core.errors import NotAllowed
from onestop.org.models import Centre, Role, Zone
from onestop.org.queries import staff_roles_of

SIGNERS = (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)


def is_parallel_clerk(user: User, centre: Centre | None = None) -> bool:
    """A clerk at a window of a parallel-approval zone (of `centre`), or a centre admin."""
    for r in staff_roles_of(user):
        if r.role == Role.CENTRE_ADMIN:
            return True
        if r.role == Role.CLERK and r.window is not None:
            zone = r.window.zone
            if zone.kind == Zone.Kind.PARALLEL and (centre is None or zone.centre_id == centre.pk):
                return True
    return user.is_superuser


def is_centre_admin(user: User) -> bool:
    return user.is_superuser or any(r.role == Role.CENTRE_ADMIN for r in staff_roles_of(user))


def require_parallel_clerk(user: User, centre: Centre) -> None:
    if not is_parallel_clerk(user, centre):
        raise NotAllowed("只有并联审批窗口的受理员可以办理并联受理")


def require_admin(user: User) -> None:
    if not is_centre_admin(user):
        raise NotAllowed("只有中心管理员（领导小组办公室）可以办理")


def signing_departments(user: User, invited: Collection[int]) -> set[int]:
    """The invited departments the user may sign a joint countersign for."""
    return {
        r.department_id
        for r in staff_roles_of(user)
        if r.department_id is not None and r.department_id in invited and r.role in SIGNERS
    }


def may_record_consultation(
    user: User, manager_id: int | None, account_manager_id: int | None
) -> bool:
    """提前介入 is recorded by the enterprise's manager, the project's account manager or a
    centre administrator."""
    return user.pk in {manager_id, account_manager_id} - {None} or any(
        r.role == Role.CENTRE_ADMIN for r in staff_roles_of(user)
    )
