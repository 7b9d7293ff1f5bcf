"""Reads of ratings: the public statistics and the rectifications a staff member handles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from onestop.evaluation.models import BAD, GOOD, Rating, Rectification
from onestop.org.models import Department, Role
from onestop.org.queries import staff_roles_of
from onestop.workdays.calendar import centre_zone, local_date

HANDLER_ROLES = (Role.DEPARTMENT_HEAD, Role.CLERK)
OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.CENTRE_ADMIN)


@dataclass
class Figures:
    total: int = 0
    good: int = 0
    bad: int = 0
    real_name_bad: int = 0
    followed_up: int = 0
    closed: int = 0

    @property
    def rate(self) -> float | None:
        """满意率: the share of ratings scoring 4 or 5 (first scores), None without ratings."""
        return self.good / self.total if self.total else None

    @property
    def rate_percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass
class DepartmentStats:
    department: Department
    month: Figures = field(default_factory=Figures)
    year: Figures = field(default_factory=Figures)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=centre_zone())


def _figures(qs: QuerySet[Rating], by: str = "department_id") -> dict[Any, Figures]:
    rows = qs.values(by).annotate(
        total=Count("pk"),
        good=Count("pk", filter=Q(score__gte=GOOD)),
        bad=Count("pk", filter=Q(score__lte=BAD)),
        real_name_bad=Count("pk", filter=Q(score__lte=BAD, real_name=True)),
        followed_up=Count(
            "pk",
            filter=Q(
                rectification__status__in=[
                    Rectification.Status.CONTACTED,
                    Rectification.Status.CLOSED,
                ]
            ),
        ),
        closed=Count("pk", filter=Q(rectification__status=Rectification.Status.CLOSED)),
    )
    return {
        r[by]: Figures(
            total=r["total"],
            good=r["good"],
            bad=r["bad"],
            real_name_bad=r["real_name_bad"],
            followed_up=r["followed_up"],
            closed=r["closed"],
        )
        for r in rows
    }


def department_stats(now: datetime) -> list[DepartmentStats]:
    """Per department with ratings this year: the figures of this month and of this year
    (months and years in the centre's time zone)."""
    today = local_date(now)
    year_start = _start(today.replace(month=1, day=1))
    month_start = _start(today.replace(day=1))
    year = _figures(Rating.objects.filter(rated_at__gte=year_start, rated_at__lte=now))
    month = _figures(Rating.objects.filter(rated_at__gte=month_start, rated_at__lte=now))
    departments = Department.objects.filter(pk__in=year.keys()).order_by("name")
    return [
        DepartmentStats(
            department=d, month=month.get(d.pk, Figures()), year=year.get(d.pk, Figures())
        )
        for d in departments
    ]


def satisfaction(start: datetime, end: datetime, by: str = "department_id") -> dict[Any, Figures]:
    """Rating figures of [start, end) grouped by a field path of Rating (e.g. "department_id",
    "case__centre_id", "rated_by_id"): for the monthly efficiency evaluation."""
    return _figures(Rating.objects.filter(rated_at__gte=start, rated_at__lt=end), by)


def rectifications_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Rectification]:
    """The rectifications of the departments where the user is head or clerk; supervisors and
    centre admins read those of their region subtree."""
    q = Q(pk__in=[])
    for role in staff_roles_of(user):
        if role.role in HANDLER_ROLES and role.department_id:
            q |= Q(department_id=role.department_id) & role.region.subtree_q("case__region")
        elif role.role in OVERSIGHT_ROLES:
            q |= role.region.subtree_q("case__region")
    if getattr(user, "is_superuser", False):
        q = Q()
    return Rectification.objects.filter(q)


def get_rectification_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Rectification:
    rect = (
        rectifications_for_user(user)
        .select_related("case", "case__item", "case__applicant", "department", "rating")
        .filter(pk=pk)
        .first()
    )
    if rect is None:
        raise Http404("整改任务不存在")
    return rect


def ratings_for_overseer(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Rating] | None:
    """Ratings of the cases in a supervisor's or centre administrator's region subtree; None
    for anyone else (the export answers them 404)."""
    roles = [r for r in staff_roles_of(user) if r.role in OVERSIGHT_ROLES]
    if getattr(user, "is_superuser", False):
        return Rating.objects.all()
    if not roles:
        return None
    q = roles[0].region.subtree_q("case__region")
    for role in roles[1:]:
        q |= role.region.subtree_q("case__region")
    return Rating.objects.filter(q)
