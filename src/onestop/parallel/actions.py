"""Parallel approval moves: accept once and fan out, fan in when every department has decided,
joint events, the green channel and the big-enterprise express.

Every move is one transaction. The fan-out creates and accepts the member cases through the
cases app's own actions (so each case has its full audit trail and its own limit); the fan-in is a
receiver of `cases.signals.case_closed`, run inside the deciding move's transaction under a lock
on the submission row, so that a stage completes exactly once however many departments decide at
the same moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from onestop.cases import actions as cases
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent
from onestop.catalog.models import ServiceItem
from onestop.core.errors import NotAllowed, TransitionError
from onestop.lib.identity import check_credit_code
from onestop.notify.actions import enqueue
from onestop.org.models import Applicant, Centre, Department, Role, Zone
from onestop.org.queries import staff_roles_of
from onestop.parallel.models import (
    JOINT_EXTENSION_DAYS,
    JOINT_LIMIT_DAYS,
    Conclusion,
    Consultation,
    JointEvent,
    KeyEnterprise,
    Member,
    Project,
    Signature,
    Submission,
    SubmissionEvent,
    Track,
    TrackItem,
)
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import centre_zone, halve, local_date

S = Case.Status
CLOSED = {S.GRANTED, S.REFUSED, S.COMPLETED, S.DELIVERED, S.WITHDRAWN, S.NOT_ACCEPTED}
REFUSING = {S.REFUSED, S.NOT_ACCEPTED}
# 项目代码: year, 6-digit division, 2-digit industry, 2-digit type, 6-digit serial.
PROJECT_CODE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")
SURVEY_DAYS = 2  # green channel: site survey within 2 working days of receipt


# --- who may act ---------------------------------------------------------------------------


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


def _require_parallel_clerk(user: User, centre: Centre) -> None:
    if not is_parallel_clerk(user, centre):
        raise NotAllowed("只有并联审批窗口的受理员可以办理并联受理")


def _require_admin(user: User) -> None:
    if not (user.is_superuser or any(r.role == Role.CENTRE_ADMIN for r in staff_roles_of(user))):
        raise NotAllowed("只有中心管理员（领导小组办公室）可以办理")


def is_key_enterprise(applicant: Applicant) -> bool:
    """A halving rule (cases.signals.halving_rules): big enterprises get halved limits."""
    return applicant.pk is not None and KeyEnterprise.objects.filter(applicant=applicant).exists()


# --- the merged form and the shared materials ------------------------------------------------


@dataclass
class MemberItem:
    link: TrackItem
    item: ServiceItem


@dataclass
class Merged:
    """What one acceptance asks: one form, one set of materials."""

    fields: list[dict[str, Any]]
    materials: list[dict[str, Any]]  # {name, required, items: [item names]}
    sum_of_items: int  # the materials the items would ask for separately

    @property
    def saved(self) -> int:
        return self.sum_of_items - len(self.materials)


def members_of(track: Track) -> list[MemberItem]:
    """The member items with their published versions (one query for all of them)."""
    links = list(track.members.all())
    published = {
        item.code: item
        for item in ServiceItem.objects.filter(
            code__in=[link.item_code for link in links], status=ServiceItem.Status.PUBLISHED
        ).select_related("department")
    }
    return [
        MemberItem(link, published[link.item_code]) for link in links if link.item_code in published
    ]


def merged(track: Track, members: Sequence[MemberItem] | None = None) -> Merged:
    """The union of the member items' forms (a field asked once by name) and materials (a
    material asked once by name, required if any item requires it)."""
    members = members_of(track) if members is None else members
    fields: dict[str, dict[str, Any]] = {}
    for m in members:
        for f in m.item.form_schema or []:
            fields.setdefault(f["name"], {**f, "items": []})["items"].append(m.item.name)
    for f in track.extra_form or []:
        fields.setdefault(f["name"], {**f, "items": []})
    materials: dict[str, dict[str, Any]] = {}
    total = 0
    for m in members:
        for mat in m.item.materials.all():
            total += 1
            row = materials.setdefault(mat.name, {"name": mat.name, "required": False, "items": []})
            row["required"] = row["required"] or mat.required
            row["items"].append(m.item.name)
    return Merged(list(fields.values()), list(materials.values()), total)


def _form_for(item: ServiceItem, form: Mapping[str, Any]) -> dict[str, Any]:
    """The member item's own form, fed from the merged one."""
    return {f["name"]: form.get(f["name"], "") for f in item.form_schema or []}


def _check_extra(track: Track, form: Mapping[str, Any]) -> None:
    missing = [
        f.get("label", f["name"])
        for f in track.extra_form or []
        if f.get("required") and not str(form.get(f["name"], "")).strip()
    ]
    if missing:
        raise CaseError("申请表填写有误：" + "；".join(f"请填写{m}" for m in missing), field="form")


# --- projects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewProject:
    code: str
    name: str
    owner: Applicant
    kind: str
    location: str
    investment: str | Decimal
    centre: Centre
    account_manager: User | None = None


@transaction.atomic
def register_project(new: NewProject, *, actor: User, now: datetime) -> Project:
    """登记投资建设项目: the code, the owner's credit code and the investment are checked."""
    _require_parallel_clerk(actor, new.centre)
    code = new.code.strip()
    if not PROJECT_CODE.match(code):
        raise CaseError(
            "项目代码格式应为 年份-区划码-行业码-类型码-序号，如 2026-510403-47-01-000123",
            field="code",
        )
    if Project.objects.filter(code=code).exists():
        raise CaseError("该项目代码已登记", field="code")
    if new.owner.kind != Applicant.Kind.ENTERPRISE or not new.owner.credit_code:
        raise CaseError("建设单位须为持有统一社会信用代码的单位", field="owner")
    check = check_credit_code(new.owner.credit_code)
    if not check.valid:
        raise CaseError(f"建设单位统一社会信用代码有误：{check.reason}", field="owner")
    if new.kind not in Project.Kind.values:
        raise CaseError("请选择项目类型", field="kind")
    if not new.name.strip() or not new.location.strip():
        raise CaseError("请填写项目名称和建设地点", field="name")
    try:
        investment = Decimal(str(new.investment))
    except InvalidOperation as exc:
        raise CaseError("总投资须为数字（万元）", field="investment") from exc
    if not (Decimal(0) < investment < Decimal("10000000000")):
        raise CaseError("总投资须大于 0", field="investment")
    return Project.objects.create(
        code=code,
        name=new.name.strip(),
        owner=new.owner,
        kind=new.kind,
        location=new.location.strip(),
        region=new.centre.region,
        investment=investment.quantize(Decimal("0.01")),
        centre=new.centre,
        account_manager=new.account_manager,
        created_at=now,
        created_by=actor,
    )


def stages() -> list[Track]:
    return list(Track.objects.filter(kind=Track.Kind.STAGE, active=True).order_by("order"))


def stage_submission(project: Project, track: Track) -> Submission | None:
    return Submission.objects.filter(project=project, track=track).first()


def previous_done(project: Project, track: Track) -> bool:
    """Whether the stage before `track` has been granted (the first stage has none)."""
    before = (
        Track.objects.filter(kind=Track.Kind.STAGE, active=True, order__lt=track.order)
        .order_by("-order")
        .first()
    )
    if before is None:
        return True
    sub = stage_submission(project, before)
    return sub is not None and sub.status in (
        Submission.Status.GRANTED,
        Submission.Status.DELIVERED,
    )


# --- acceptance and fan-out ------------------------------------------------------------------


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
    _require_parallel_clerk(actor, new.centre)
    if new.project is not None:  # fresh, and locked: one acceptance of a project at a time
        new = replace(new, project=Project.objects.select_for_update().get(pk=new.project.pk))
    track = new.track
    if not track.active:
        raise CaseError("该阶段/套餐已停用", field="track")
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
                form_data=_form_for(m.item, new.form),
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
    _event(sub, "accepted", actor, now, items=[m.item.code for m in chosen], ran_ahead=ran_ahead)
    _tell_departments(sub, chosen, now)
    return sub


def _check_applicant(new: Acceptance) -> None:
    if new.track.kind == Track.Kind.STAGE:
        if new.project is None:
            raise CaseError("投资项目阶段须先选择项目", field="project")
        if new.project.owner_id != new.applicant.pk:
            raise CaseError("申请人须为项目建设单位", field="applicant")
    elif new.project is not None:
        raise CaseError("企业开办套餐不属于投资项目", field="project")


def _accepted_already(new: Acceptance) -> set[str]:
    if new.project is None:
        return set()
    sub = stage_submission(new.project, new.track)
    if sub is None:
        return set()
    if not sub.is_open:
        raise TransitionError(f"该项目的{new.track.name}已{sub.get_status_display()}")
    return set(sub.members.values_list("item_code", flat=True))


def _chosen_members(new: Acceptance) -> list[MemberItem]:
    members = members_of(new.track)
    if not members:
        raise CaseError("该阶段/套餐没有已发布的成员事项", field="track")
    _check_applicant(new)
    existing = _accepted_already(new)
    wanted = [m for m in members if m.item.code not in existing]
    if new.items:
        if set(new.items) - {m.item.code for m in members}:
            raise CaseError("所选事项不属于该阶段/套餐", field="items")
        wanted = [m for m in wanted if m.item.code in set(new.items)]
    if not wanted:
        raise CaseError("所选事项均已受理", field="items")
    if new.project is not None and not previous_done(new.project, new.track):
        late = [m.item.name for m in wanted if not m.link.may_run_ahead]
        if late:
            raise TransitionError("上一阶段尚未办结，以下事项不能提前办理：" + "、".join(late))
    for m in wanted:
        problems = cases.check_form(m.item, _form_for(m.item, new.form))
        if problems:
            raise CaseError(f"申请表有误（{m.item.name}）：" + "；".join(problems), field="form")
    _check_extra(new.track, new.form)
    return wanted


def _open_submission(new: Acceptance, *, actor: User, now: datetime, key: str) -> Submission:
    project = new.project
    if project is not None:
        sub = stage_submission(project, new.track)
        if sub is not None:
            return Submission.objects.select_for_update().get(pk=sub.pk)
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
    day = workdays.due_date(local_date(now), SURVEY_DAYS).due
    event = JointEvent.objects.create(
        submission=sub,
        kind=JointEvent.Kind.SURVEY,
        title=f"{project.name}现场联合勘察（绿色通道）",
        scheduled_at=datetime.combine(day, time(9, 30), tzinfo=centre_zone()),
        place=project.location,
        created_by=actor,
    )
    event.departments.set({m.item.department_id for m in members_of(sub.track)})


def _event(sub: Submission, kind: str, actor: User | None, now: datetime, **data: Any) -> None:
    SubmissionEvent.objects.create(submission=sub, kind=kind, at=now, actor=actor, data=data)


def _tell_departments(sub: Submission, members: Iterable[MemberItem], now: datetime) -> None:
    """抄告相关: every member department's clerks and the project's account manager."""
    from onestop.org.models import StaffRole

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


def on_case_closed(sender: object, *, case: Case, outcome: str, now: datetime, **_: Any) -> None:
    """A member case was decided or withdrawn: complete the submission once all have."""
    member = Member.objects.filter(case_id=case.pk).only("submission_id").first()
    if member is None:
        return
    sub = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("track", "project", "applicant")
        .get(pk=member.submission_id)
    )
    _event(sub, "member_closed", None, now, case=case.number, outcome=outcome)
    if not sub.is_open:
        return
    rows = list(sub.members.select_related("case__item", "case__department"))
    if {m.item.code for m in members_of(sub.track)} - {m.item_code for m in rows}:
        return  # members still to be accepted (the stage ran ahead)
    statuses = {m.case_id: m.case.status for m in rows}
    statuses[case.pk] = case.status  # this move's own, not yet re-read
    if any(s not in CLOSED for s in statuses.values()):
        return
    refused = [m for m in rows if statuses[m.case_id] in REFUSING]
    if all(s == S.WITHDRAWN for s in statuses.values()):
        sub.status = Submission.Status.WITHDRAWN
    elif refused:
        sub.status = Submission.Status.REFUSED
        sub.reasons = [_reason(m.case) for m in refused]
    else:
        sub.status = Submission.Status.GRANTED
    sub.closed_at = now
    sub.save(update_fields=["status", "reasons", "closed_at"])
    _event(sub, "completed", None, now, status=sub.status)
    _tell_applicant(sub, now)


def _reason(case: Case) -> dict[str, str]:
    event = (
        CaseEvent.objects.filter(case=case, kind__in=["refused", "not_accepted"])
        .order_by("-seq")
        .first()
    )
    text = str((event.data or {}).get("reasons", "")) if event else ""
    return {"department": case.department.short_name, "item": case.item.name, "reasons": text}


def _tell_applicant(sub: Submission, now: datetime) -> None:
    phone = sub.applicant.phone
    what = f"{sub.project.name}的" if sub.project else ""
    text = {
        Submission.Status.GRANTED: "已全部办结，请按通知领取结果",
        Submission.Status.REFUSED: "已办结，部分事项不予许可，请查看理由",
        Submission.Status.WITHDRAWN: "已撤回",
    }.get(Submission.Status(sub.status), "状态已更新")
    if phone:
        enqueue(channel="sms", address=phone, body=f"您{what}{sub.track.name}{text}。", now=now)
        if sub.track.kind == Track.Kind.BUNDLE and sub.status == Submission.Status.GRANTED:
            # 银行开户: the licence data go to the bank; the company opens its account directly.
            enqueue(
                channel="sms",
                address=phone,
                body=f"{sub.applicant.name}的营业执照信息已推送至开户银行，"
                "可凭营业执照和公章直接办理基本存款账户开户。",
                now=now,
                template="parallel_bank_notice",
            )
    if sub.project and sub.project.account_manager:
        enqueue(
            channel="inapp",
            recipient=sub.project.account_manager,
            subject=f"{sub.track.name}{text}",
            body=f"{sub.project.name}：{sub.track.name}{text}。",
            now=now,
        )


# --- the joint limit -------------------------------------------------------------------------


@transaction.atomic
def extend_joint_limit(sub: Submission, *, actor: User, now: datetime, approval: str) -> Submission:
    """Art. 42: 15 more working days, once, with the district government's approval."""
    _require_admin(actor)
    sub = Submission.objects.select_for_update().get(pk=sub.pk)
    if not sub.is_open:
        raise TransitionError("该并联受理已办结，无需延期")
    if sub.joint_extended:
        raise TransitionError("联合办理期限已延长过一次，依法不能再次延长")
    if not approval.strip():
        raise CaseError("请填写区政府批准文号或说明", field="approval")
    start = local_date(sub.accepted_at)
    sub.joint_due_at = workdays.due_date(start, JOINT_LIMIT_DAYS + JOINT_EXTENSION_DAYS).end_at()
    sub.joint_extended = True
    sub.joint_extension_note = approval.strip()[:200]
    sub.save(update_fields=["joint_due_at", "joint_extended", "joint_extension_note"])
    _event(sub, "joint_extended", actor, now, approval=sub.joint_extension_note)
    return sub


# --- joint events ----------------------------------------------------------------------------


@transaction.atomic
def schedule_joint_event(
    sub: Submission,
    *,
    kind: str,
    title: str,
    scheduled_at: datetime,
    place: str,
    departments: Sequence[Department],
    actor: User,
    now: datetime,
) -> JointEvent:
    _require_parallel_clerk(actor, sub.centre)
    if kind not in JointEvent.Kind.values:
        raise CaseError("请选择联合办理方式", field="kind")
    if not sub.is_open:
        raise TransitionError("该并联受理已办结")
    if not title.strip() or not place.strip():
        raise CaseError("请填写议题和地点", field="title")
    if not departments:
        raise CaseError("请选择参加部门", field="departments")
    event = JointEvent.objects.create(
        submission=sub,
        kind=kind,
        title=title.strip()[:120],
        scheduled_at=scheduled_at,
        place=place.strip()[:120],
        created_by=actor,
    )
    event.departments.set(departments)
    _event(sub, "joint_scheduled", actor, now, event=event.pk, way=kind)
    return event


@transaction.atomic
def record_joint_event(
    event: JointEvent,
    *,
    attendance: Mapping[int, str],
    minutes: str,
    conclusions: Mapping[int, str],
    actor: User,
    now: datetime,
) -> JointEvent:
    """Minutes, who attended for each department, and a conclusion per member case, which is
    written into that case's own trail."""
    event = JointEvent.objects.select_for_update().get(pk=event.pk)
    sub = event.submission
    _require_parallel_clerk(actor, sub.centre)
    if event.kind == JointEvent.Kind.COUNTERSIGN:
        raise TransitionError("联合会签由各部门签署，无需记录纪要")
    if event.status != JointEvent.Status.SCHEDULED:
        raise TransitionError("该联合办理事件已记录")
    if not minutes.strip():
        raise CaseError("请填写纪要", field="minutes")
    invited = set(event.departments.values_list("pk", flat=True))
    if not set(attendance) <= invited:
        raise CaseError("出席部门须为受邀部门", field="attendance")
    cases_here = {m.case_id: m.case for m in sub.members.select_related("case")}
    if not set(conclusions) <= set(cases_here):
        raise CaseError("结论须针对本次并联受理的办件", field="conclusions")
    event.attendance = [
        {"department": d, "attendees": names.strip()}
        for d, names in sorted(attendance.items())
        if names.strip()
    ]
    event.minutes = minutes.strip()
    event.status = JointEvent.Status.HELD
    event.held_at = now
    event.save(update_fields=["attendance", "minutes", "status", "held_at"])
    for case_id, text in conclusions.items():
        if not text.strip():
            continue
        Conclusion.objects.create(event=event, case_id=case_id, text=text.strip())
        cases.record_note(
            cases_here[case_id],
            "joint_conclusion",
            actor=actor,
            now=now,
            data={"event": event.get_kind_display(), "title": event.title, "text": text.strip()},
        )
    _event(sub, "joint_held", actor, now, event=event.pk)
    return event


@transaction.atomic
def sign(event: JointEvent, *, actor: User, now: datetime, opinion: str) -> Signature:
    """One department's signature on a joint countersign; the last one completes it."""
    event = JointEvent.objects.select_for_update().get(pk=event.pk)
    if event.kind != JointEvent.Kind.COUNTERSIGN:
        raise TransitionError("只有联合会签需要各部门签署")
    if event.status != JointEvent.Status.SCHEDULED:
        raise TransitionError("该联合会签已完成")
    invited = set(event.departments.values_list("pk", flat=True))
    signing = {
        r.department_id
        for r in staff_roles_of(actor)
        if r.department_id in invited
        and r.role in (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)
    }
    done = set(event.signatures.values_list("department_id", flat=True))
    left = signing - done
    if not signing:
        raise NotAllowed("只有受邀部门的审核人、审批人或负责人可以会签")
    if not left:
        raise TransitionError("本部门已会签")
    if not opinion.strip():
        raise CaseError("请填写会签意见", field="opinion")
    signature = Signature.objects.create(
        event=event,
        department_id=min(left),
        signer=actor,
        signed_at=now,
        opinion=opinion.strip()[:300],
    )
    if done | {signature.department_id} >= invited:
        event.status = JointEvent.Status.HELD
        event.held_at = now
        event.save(update_fields=["status", "held_at"])
        _event(event.submission, "countersigned", actor, now, event=event.pk)
    return signature


# --- one delivery ----------------------------------------------------------------------------


@transaction.atomic
def deliver(sub: Submission, *, actor: User, now: datetime, method: str) -> Submission:
    """统一送达: every member's result handed over at once."""
    sub = Submission.objects.select_for_update().get(pk=sub.pk)
    _require_parallel_clerk(actor, sub.centre)
    if sub.status == Submission.Status.DELIVERED:
        raise TransitionError("结果已统一送达")
    if sub.status != Submission.Status.GRANTED:
        raise TransitionError("全部事项办结（准予）后才能统一送达")
    members = list(sub.members.select_related("case"))
    waiting = [m.case.item.name for m in members if m.case.status not in (S.COMPLETED, S.DELIVERED)]
    if waiting:
        raise TransitionError("以下事项尚未办结出证：" + "、".join(waiting))
    if not method.strip():
        raise CaseError("请选择送达方式", field="method")
    for m in members:
        if m.case.status == S.COMPLETED:
            cases.deliver_case(m.case, actor=actor, now=now, method=method.strip())
    sub.status = Submission.Status.DELIVERED
    sub.delivered_at = now
    sub.delivery_method = method.strip()[:40]
    sub.save(update_fields=["status", "delivered_at", "delivery_method"])
    _event(sub, "delivered", actor, now, method=sub.delivery_method)
    return sub


# --- the green channel -----------------------------------------------------------------------


@transaction.atomic
def request_green_channel(project: Project, *, actor: User, now: datetime, reason: str) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not (is_parallel_clerk(actor) or project.account_manager_id == actor.pk):
        raise NotAllowed("只有并联窗口或项目专员可以申请绿色通道")
    if project.green in (Project.Green.REQUESTED, Project.Green.APPROVED):
        raise TransitionError("该项目已申请或已列入绿色通道")
    if not reason.strip():
        raise CaseError("请填写申请理由", field="reason")
    project.green = Project.Green.REQUESTED
    project.green_reason = reason.strip()[:300]
    project.save(update_fields=["green", "green_reason"])
    return project


@transaction.atomic
def decide_green_channel(
    project: Project, *, actor: User, now: datetime, approve: bool, decision_no: str
) -> Project:
    """The leading group's decision, recorded by its office (a centre administrator)."""
    _require_admin(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.green != Project.Green.REQUESTED:
        raise TransitionError("该项目没有待审批的绿色通道申请")
    if not decision_no.strip():
        raise CaseError("请填写领导小组批复文号", field="decision_no")
    project.green = Project.Green.APPROVED if approve else Project.Green.REJECTED
    project.green_decision_no = decision_no.strip()[:60]
    project.green_decided_at = now
    project.save(update_fields=["green", "green_decision_no", "green_decided_at"])
    return project


# --- early involvement -----------------------------------------------------------------------


@transaction.atomic
def record_consultation(
    applicant: Applicant,
    *,
    topic: str,
    departments: Sequence[Department],
    advice: str,
    actor: User,
    now: datetime,
    project: Project | None = None,
) -> Consultation:
    """提前介入: the account manager records a pre-consultation before the application."""
    key = KeyEnterprise.objects.filter(applicant=applicant).first()
    managed = (key is not None and key.manager_id == actor.pk) or (
        project is not None and project.account_manager_id == actor.pk
    )
    if not (managed or any(r.role == Role.CENTRE_ADMIN for r in staff_roles_of(actor))):
        raise NotAllowed("只有该企业的客户经理或项目专员可以记录提前介入服务")
    if not topic.strip() or not advice.strip():
        raise CaseError("请填写咨询事项和辅导意见", field="topic")
    if not departments:
        raise CaseError("请选择参加部门", field="departments")
    consultation = Consultation.objects.create(
        applicant=applicant,
        project=project,
        topic=topic.strip()[:200],
        advice=advice.strip(),
        held_at=now,
        recorded_by=actor,
    )
    consultation.departments.set(departments)
    return consultation


# --- light helpers for pages ------------------------------------------------------------------


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
