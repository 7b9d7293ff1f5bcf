"""Acceptance and fan-out: one acceptance at the parallel window, a case per member item in
every department at once (through the cases app's own actions, so each case has its full audit
trail and its own limit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from onestop.cases import actions as cases
from onestop.cases.models import Case
from onestop.catalog.models import ServiceItem
from onestop.core.errors import TransitionError
from onestop.notify.actions import enqueue
from onestop.org.models import Applicant, Centre, Role, StaffRole
from onestop.parallel import rules
from onestop.parallel.actions.enterprises import is_key_enterprise
from onestop.parallel.actions.history import lock, record
from onestop.parallel.actions.members import (
    MemberItem,
    members_of,
    merged,
    previous_done,
    stage_submission,
)
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import JOINT_LIMIT_DAYS, JointEvent, Member, Project, Submission, Track
from onestop.parallel.permissions import require_parallel_clerk
from onestop.parallel.workflow import SUBMISSION
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import centre_zone, halve, local_date


@dataclass(frozen=True)
class Acceptance:
    track: Track
    applicant: Applicant
    centre: Centre
    form: Mapping[str, Any]
    handed_in: Sequence[str]  # material names on the desk
    project: Project | None = None
    items: Sequence[str] = ()  # item codes; empty: every member not yet accepted


@transaction.atomic
def accept(new: Acceptance, *, actor: User, now: datetime, key: str = "") -> Submission:
    """One acceptance, a case per member item in every department at once.

    A stage whose previous stage has not been granted takes only the items the administrator
    lets run ahead; the rest join the same submission once the previous stage is done."""
    if key:
        earlier = Submission.objects.filter(key=key).first()
        if earlier is not None:
            return earlier
    require_parallel_clerk(actor, new.centre)
    if new.project is not None:  # fresh, and locked: one acceptance of a project at a time
        new = replace(new, project=Project.objects.select_for_update().get(pk=new.project.pk))
    track = new.track
    if not track.active:
        raise ParallelError("该阶段/套餐已停用", field="track")
    chosen = _chosen_members(new)
    sub = _open_submission(new, actor=actor, now=now, key=key)
    handed = {n.strip() for n in new.handed_in if n.strip()}
    ran_ahead = bool(new.project) and not previous_done(new.project, track)  # type: ignore[arg-type]
    for m in chosen:
        case = cases.create_case(
            cases.NewCase(
                item=m.item,
                applicant=new.applicant,
                channel=Case.Channel.WINDOW,
                centre=new.centre,
                form_data=rules.form_for(m.item.form_schema, new.form),
                halved=sub.halved,
            ),
            actor=actor,
            now=now,
        )
        names = [x.name for x in case.materials.all() if x.name in handed]
        if names:
            cases.record_materials_checked(case, names, actor=actor, now=now)
        if m.item.kind == ServiceItem.Kind.INSTANT:
            cases.submit_case(case, actor=actor, now=now)  # the department does it at once
        else:
            case = cases.accept_case(case, actor=actor, now=now)
            if case.due_at is not None and case.due_at > sub.joint_due_at:
                raise TransitionError(
                    f"{m.item.name}的办理期限超出联合办理法定期限"
                    f"（{local_date(sub.joint_due_at)}），请先报区政府批准延长联合办理期限"
                )
        Member.objects.create(submission=sub, item_code=m.item.code, case=case, ran_ahead=ran_ahead)
    record(sub, "accepted", actor, now, items=[m.item.code for m in chosen], ran_ahead=ran_ahead)
    _tell_departments(sub, chosen, now)
    return sub


def _check_applicant(new: Acceptance) -> None:
    if new.track.kind == Track.Kind.STAGE:
        if new.project is None:
            raise ParallelError("投资项目阶段须先选择项目", field="project")
        if new.project.owner_id != new.applicant.pk:
            raise ParallelError("申请人须为项目建设单位", field="applicant")
    elif new.project is not None:
        raise ParallelError("企业开办套餐不属于投资项目", field="project")


def _accepted_already(new: Acceptance) -> set[str]:
    if new.project is None:
        return set()
    sub = stage_submission(new.project, new.track)
    if sub is None:
        return set()
    if not SUBMISSION.allowed_from("add_members", sub.status):
        raise TransitionError(f"该项目的{new.track.name}已{sub.get_status_display()}")
    return set(sub.members.values_list("item_code", flat=True))


def _chosen_members(new: Acceptance) -> list[MemberItem]:
    members = members_of(new.track)
    if not members:
        raise ParallelError("该阶段/套餐没有已发布的成员事项", field="track")
    _check_applicant(new)
    existing = _accepted_already(new)
    wanted = [m for m in members if m.item.code not in existing]
    if new.items:
        if set(new.items) - {m.item.code for m in members}:
            raise ParallelError("所选事项不属于该阶段/套餐", field="items")
        wanted = [m for m in wanted if m.item.code in set(new.items)]
    if not wanted:
        raise ParallelError("所选事项均已受理", field="items")
    if new.project is not None and not previous_done(new.project, new.track):
        late = [m.item.name for m in wanted if not m.link.may_run_ahead]
        if late:
            raise TransitionError("上一阶段尚未办结，以下事项不能提前办理：" + "、".join(late))
    for m in wanted:
        problems = cases.check_form(m.item, rules.form_for(m.item.form_schema, new.form))
        if problems:
            raise ParallelError(
                f"申请表有误（{m.item.name}）：" + "；".join(problems), field="form"
            )
    rules.check_extra(new.track.extra_form, new.form)
    return wanted


def _open_submission(new: Acceptance, *, actor: User, now: datetime, key: str) -> Submission:
    project = new.project
    if project is not None:
        sub = stage_submission(project, new.track)
        if sub is not None:
            return lock(sub)
    halved = bool(project and project.on_green_channel) or is_key_enterprise(new.applicant)
    today = local_date(now)
    limit = halve(new.track.limit_days) if halved else new.track.limit_days
    try:
        with transaction.atomic():
            sub = Submission.objects.create(
                track=new.track,
                project=project,
                applicant=new.applicant,
                centre=new.centre,
                status=Submission.Status.OPEN,
                form_data=dict(new.form),
                materials=sorted({n.strip() for n in new.handed_in if n.strip()}),
                materials_saved=merged(new.track).saved,
                halved=halved,
                accepted_by=actor,
                accepted_at=now,
                due_at=workdays.due_date(today, limit).end_at(),
                joint_due_at=workdays.due_date(today, JOINT_LIMIT_DAYS).end_at(),
                key=key,
            )
    except IntegrityError as exc:
        raise TransitionError("该项目的本阶段刚刚已受理，请刷新后查看") from exc
    if project is not None and project.on_green_channel:
        _schedule_survey(sub, project, actor, now)
    return sub


def _schedule_survey(sub: Submission, project: Project, actor: User, now: datetime) -> None:
    """Green channel: the joint site survey within 2 working days of receipt."""
    day = workdays.due_date(local_date(now), rules.SURVEY_DAYS).due
    event = JointEvent.objects.create(
        submission=sub,
        kind=JointEvent.Kind.SURVEY,
        title=f"{project.name}现场联合勘察（绿色通道）",
        scheduled_at=datetime.combine(day, time(9, 30), tzinfo=centre_zone()),
        place=project.location,
        created_by=actor,
    )
    event.departments.set({m.item.department_id for m in members_of(sub.track)})


def _tell_departments(sub: Submission, members: Iterable[MemberItem], now: datetime) -> None:
    """抄告相关: every member department's clerks and the project's account manager."""
    depts = {m.item.department_id for m in members}
    users = set(
        StaffRole.objects.filter(department_id__in=depts, role=Role.CLERK).values_list(
            "user_id", flat=True
        )
    )
    if sub.project and sub.project.account_manager_id:
        users.add(sub.project.account_manager_id)
    what = sub.project.name if sub.project else sub.applicant.name
    for user in User.objects.filter(pk__in=users):
        enqueue(
            channel="inapp",
            recipient=user,
            subject=f"并联受理：{sub.track.name}",
            body=f"{what}的{sub.track.name}已在并联窗口受理，请按时限办理本部门事项。",
            now=now,
            template="parallel_accepted",
            context={"submission": sub.pk},
        )


# --- fan-in ----------------------------------------------------------------------------------
