"""Who may do what in the hotline: the centre's operators, the departments that handle a
dispatch, the leaders of the 督办 queue and the supervision officers who follow it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

from onestop.core.errors import NotAllowed
from onestop.hotline.models import Dispatch, Leader
from onestop.org.models import Role
from onestop.org.queries import has_role, staff_roles_of

# Staff of a department who work its tickets (the hotline operator of the centre does not).
HANDLER_ROLES = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)


def is_operator(user: User) -> bool:
    return bool(user.is_superuser) or has_role(user, Role.HOTLINE_OPERATOR)


def is_leader(user: User) -> bool:
    return bool(user.is_superuser) or Leader.objects.filter(user=user).exists()


def is_supervision_officer(user: User) -> bool:
    return bool(user.is_superuser) or has_role(user, Role.SUPERVISOR)


def handler_departments(user: User) -> set[int]:
    """Departments whose tickets the user works (sign, send back, reply)."""
    return {
        r.department_id
        for r in staff_roles_of(user)
        if r.role in HANDLER_ROLES and r.department_id is not None
    }


def signed_in(user: AbstractBaseUser | AnonymousUser) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def sees_all(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The centre's side: operators, leaders and supervisors read every ticket."""
    u = signed_in(user)
    return u is not None and (is_operator(u) or is_leader(u) or has_role(u, Role.SUPERVISOR))


def reads_knowledge(user: User) -> bool:
    """The knowledge base is read by the centre and by the departments that handle tickets."""
    return sees_all(user) or bool(handler_departments(user))


def require_operator(actor: User) -> None:
    if not is_operator(actor):
        raise NotAllowed("只有热线话务员可以执行该操作")


def require_handler(actor: User, dispatch: Dispatch) -> None:
    if dispatch.department_id not in handler_departments(actor):
        raise NotAllowed("该工单不是派给您所在部门的")


def require_leader(actor: User) -> None:
    if not is_leader(actor):
        raise NotAllowed("只有督办领导可以批示")


def may_edit_articles_of(user: User, department_id: int) -> bool:
    """A department keeps its own knowledge-base articles (the superuser any)."""
    return bool(user.is_superuser) or department_id in handler_departments(user)
