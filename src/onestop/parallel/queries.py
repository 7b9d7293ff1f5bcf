"""Scoped reads of projects and submissions, and the stage timeline the pages and API show.

Who sees a project or a submission: the parallel window and centre administrators of its centre,
supervisors whose region holds it, its account manager (and a big enterprise's manager), staff
of a department with a member case in it, and the applicant. Anyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from onestop.cases.lights import light
from onestop.cases.models import Case
from onestop.org.models import Region, Role
from onestop.org.queries import staff_roles_of
from onestop.parallel import actions
from onestop.parallel.models import (
    JointEvent,
    KeyEnterprise,
    Member,
    Project,
    Submission,
    Track,
)
from onestop.parallel.workflow import SUBMISSION
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar, local_date

AnyUser = AbstractBaseUser | AnonymousUser


def _scope(
    user: AnyUser, *, region: str, centre: str, dept_cases: str, own: str, manager: str
) -> Q:
    """The filter of what `user` may see, with the field paths of the model queried."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = Q(**{own: user.pk}) | Q(**{manager: user.pk})
    depts = set()
    for r in staff_roles_of(user):
        if r.role in (Role.SUPERVISOR, Role.CENTRE_ADMIN):
            q |= Q(**{f"{region}__path__startswith": r.region.path})
        elif r.role == Role.CLERK and r.window is not None:
            q |= Q(**{centre: r.window.zone.centre_id})
        if r.department_id:
            depts.add(r.department_id)
    if depts:
        q |= Q(**{f"{dept_cases}__in": depts})
    return q


def projects_for_user(user: AnyUser) -> QuerySet[Project]:
    scope = _scope(
        user,
        region="region",
        centre="centre_id",
        dept_cases="submissions__members__case__department_id",
        own="owner__user_id",
        manager="account_manager_id",
    )
    key_managed = Q(owner__key_enterprise__manager_id=getattr(user, "pk", None))
    return (
        Project.objects.filter(scope | key_managed)
        .distinct()
        .select_related("owner", "account_manager")
    )


def submissions_for_user(user: AnyUser) -> QuerySet[Submission]:
    scope = _scope(
        user,
        region="centre__region",
        centre="centre_id",
        dept_cases="members__case__department_id",
        own="applicant__user_id",
        manager="project__account_manager_id",
    )
    return (
        Submission.objects.filter(scope)
        .distinct()
        .select_related("track", "project", "applicant", "centre")
    )


def get_project_for_user(user: AnyUser, pk: int) -> Project:
    project = projects_for_user(user).filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在")
    return project


def get_submission_for_user(user: AnyUser, pk: int) -> Submission:
    sub = submissions_for_user(user).filter(pk=pk).first()
    if sub is None:
        raise Http404("并联受理不存在")
    return sub


def get_joint_event_for_user(user: AnyUser, pk: int) -> JointEvent:
    """A joint event, if its submission is the user's to see (404 otherwise)."""
    event = JointEvent.objects.select_related("submission").filter(pk=pk).first()
    if event is None:
        raise Http404("联合办理事件不存在")
    get_submission_for_user(user, event.submission_id)
    return event


# --- the timeline ----------------------------------------------------------------------------


@dataclass
class MemberRow:
    member: Member
    case: Case
    light: str | None
    used: int | None  # working days used so far (or until the decision)
    limit: int


@dataclass
class StageView:
    track: Track
    submission: Submission | None
    members: int  # published member items of the stage
    first_item: str  # the code of its first member item (to book the parallel window by)
    rows: list[MemberRow] = field(default_factory=list)
    previous_done: bool = True
    may_run_ahead: list[str] = field(default_factory=list)  # item names
    light: str | None = None

    @property
    def can_start(self) -> bool:
        pending = self.submission is None or (
            self.submission.is_open and len(self.rows) < self.members
        )
        return pending and (self.previous_done or bool(self.may_run_ahead))


def member_rows(sub: Submission, now: datetime) -> list[MemberRow]:
    cal = workdays.calendar()
    rows = []
    for m in sub.members.select_related("case__item", "case__department").order_by("pk"):
        case = m.case
        running = case.status in Case.CLOCK_RUNNING
        rows.append(
            MemberRow(
                member=m,
                case=case,
                light=light(case.accepted_at, case.due_at, now, cal) if running else None,
                used=working_days_used(case, now),
                limit=case.limit_days + case.extension_days,
            )
        )
    return rows


def submission_light(sub: Submission, now: datetime, cal: Calendar | None = None) -> str | None:
    if not sub.is_open:
        return None
    return light(sub.accepted_at, min(sub.due_at, sub.joint_due_at), now, cal)


def stage_plan() -> list[tuple[Track, list[Any]]]:
    """The active stages with their member items (the same for every project)."""
    return [(track, actions.members_of(track)) for track in actions.stages()]


def timeline(
    project: Project,
    now: datetime,
    plan: list[tuple[Track, list[Any]]] | None = None,
    *,
    rows: bool = True,
    cal: Calendar | None = None,
) -> list[StageView]:
    """The project's stages in order; a stage's predecessor is done once it is granted.

    A page showing many projects passes one `stage_plan()` and one calendar for all of them,
    and `rows=False` when it shows no member cases."""
    subs = {s.track_id: s for s in project.submissions.all()}
    views = []
    previous_done = True
    for track, members in plan if plan is not None else stage_plan():
        sub = subs.get(track.pk)
        view = StageView(
            track=track,
            submission=sub,
            members=len(members),
            first_item=members[0].link.item_code if members else "",
            previous_done=previous_done,
            may_run_ahead=[m.item.name for m in members if m.link.may_run_ahead],
        )
        if sub is not None:
            if rows:
                view.rows = member_rows(sub, now)
            view.light = submission_light(sub, now, cal)
        views.append(view)
        previous_done = sub is not None and SUBMISSION.is_in(sub.status, "GRANTED")
    return views


def express_cases(user: AnyUser) -> QuerySet[Case]:
    """大企业直通车 queue: open cases of big enterprises in the user's departments."""
    depts = {r.department_id for r in staff_roles_of(user) if r.department_id}
    managed = Q(applicant__key_enterprise__manager_id=getattr(user, "pk", None))
    return (
        Case.objects.filter(
            Q(applicant__in=KeyEnterprise.objects.values("applicant")),
            Q(department_id__in=depts) | managed,
        )
        .exclude(status__in=[*Case.CLOSED, Case.Status.DRAFT])
        .select_related("item", "applicant", "department")
        .order_by("due_at")
    )


def dashboard_panel(region: Region | None, now: datetime) -> dict[str, object]:
    """For the supervision dashboard: open parallel acceptances by light, and the green-channel
    projects apart with their current stage (supervisors see them separately)."""
    subs = Submission.objects.filter(status=Submission.Status.OPEN).select_related(
        "track", "project", "applicant"
    )
    projects = Project.objects.filter(green=Project.Green.APPROVED)
    if region is not None:
        subs = subs.filter(region.subtree_q("centre__region"))
        projects = projects.filter(region.subtree_q("region"))
    lights = {"green": 0, "yellow": 0, "red": 0}
    for sub in subs:
        lights[submission_light(sub, now) or "green"] += 1
    green = []
    for project in projects.select_related("owner")[:20]:
        current = next(
            (s for s in timeline(project, now) if s.submission and s.submission.is_open), None
        )
        green.append({"project": project, "stage": current})
    return {"lights": lights, "open": sum(lights.values()), "green_projects": green}


def working_days_used(case: Case, now: datetime) -> int | None:
    if case.accepted_at is None:
        return None
    end = case.decided_at or now
    return workdays.calendar().workdays_between(local_date(case.accepted_at), local_date(end))


def days_left(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    if moment < now:
        return -workdays.calendar().workdays_between(local_date(moment), local_date(now))
    return workdays.calendar().workdays_between(local_date(now), local_date(moment))
