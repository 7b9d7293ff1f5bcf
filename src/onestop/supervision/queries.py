"""Permission-scoped reads of alerts, violations and cards (outside the scope: 404)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.cases.queries import cases_for_user
from onestop.org.models import Role
from onestop.org.queries import staff_roles_of
from onestop.supervision.models import Alert, Card, Violation


def alerts_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Alert]:
    """Alerts on the cases the user may see (a supervisor: their region subtree)."""
    return Alert.objects.filter(case__in=cases_for_user(user).values("pk"))


def violations_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Violation]:
    return Violation.objects.filter(case__in=cases_for_user(user).values("pk"))


def cards_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Card]:
    """Supervisors: cards of their region subtree; department heads: cards of their department."""
    roles = staff_roles_of(user)
    q = Q(pk__in=[])
    if getattr(user, "is_superuser", False):
        q = Q()
    if any(r.role == Role.SUPERVISOR for r in roles):
        supervised = [r for r in roles if r.role == Role.SUPERVISOR]
        for r in supervised:
            q |= r.region.subtree_q("region")
    heads = [r.department_id for r in roles if r.role == Role.DEPARTMENT_HEAD and r.department_id]
    if heads:
        q |= Q(department_id__in=heads)
    return Card.objects.filter(q)


def get_card_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Card:
    card = (
        cards_for_user(user)
        .select_related("department", "window", "region", "issued_by", "case", "rectification")
        .filter(pk=pk)
        .first()
    )
    if card is None:
        raise Http404("亮牌记录不存在")
    return card


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return any(r.role == Role.SUPERVISOR for r in staff_roles_of(user)) or bool(
        getattr(user, "is_superuser", False)
    )
