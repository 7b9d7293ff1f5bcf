"""The parallel-approval JSON API: tracks, projects with their stages, acceptances (fan-out),
the combined result, joint events and the one delivery.

Mounted at /api/v1/parallel. Out-of-scope ids are 404, domain errors 403/409/422, all as
`{"code", "message", "field"}`. POST /submissions takes an optional `Idempotency-Key` header.

No `from __future__ import annotations` here: ninja resolves the annotations at import time.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from onestop.apitokens.auth import API_AUTH, api_user
from onestop.apitokens.errors import ERRORS, domain_errors, idempotency_header
from onestop.org.models import Applicant, Centre, Department
from onestop.parallel import actions, queries
from onestop.parallel.errors import ParallelError
from onestop.parallel.models import JointEvent, Project, Submission, Track
from onestop.workdays import queries as workdays

router = Router(tags=["parallel"], auth=API_AUTH)

IdempotencyKey = Annotated[
    str | None, idempotency_header("幂等键：相同的键重复提交只受理一次，返回已受理的结果")
]


class TrackOut(Schema):
    id: int
    kind: str = Field(description="stage（投资项目审批阶段）或 bundle（企业开办套餐）")
    name: str
    order: int
    lead_department: str
    limit_days: int
    items: list[str] = Field(description="成员事项编码")
    may_run_ahead: list[str] = Field(description="可提前办理的事项编码")


class MemberOut(Schema):
    case_id: int
    number: str
    item: str
    department: str
    status: str
    light: str | None
    days_used: int | None
    limit_days: int
    ran_ahead: bool


class SubmissionOut(Schema):
    id: int
    track: str
    project_code: str | None
    applicant: str
    status: str
    accepted_at: dt.datetime
    due_at: dt.datetime
    due_provisional: bool = Field(description="期限跨入尚未载入节假日安排的年份，仅为暂定")
    joint_due_at: dt.datetime
    joint_due_provisional: bool = Field(description="期限跨入尚未载入节假日安排的年份，仅为暂定")
    halved: bool
    materials_handed_in: int
    materials_saved: int
    reasons: list[dict[str, str]]
    delivered_at: dt.datetime | None
    members: list[MemberOut]


class StageOut(Schema):
    order: int
    name: str
    limit_days: int
    previous_done: bool
    submission: SubmissionOut | None


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    owner: str
    kind: str
    location: str
    investment: Decimal
    green_channel: str
    stages: list[StageOut] = []


class ProjectIn(Schema):
    code: str = Field(description="项目代码，如 2026-510403-47-01-000123")
    name: str = Field(max_length=120)
    owner_credit_code: str = Field(max_length=18)
    kind: str = Field(description="government / ratified / filed")
    location: str = Field(max_length=200)
    investment: Decimal = Field(description="总投资（万元）")
    centre: str = Field(description="受理中心的 key")


class AcceptIn(Schema):
    track: int
    centre: str
    project: int | None = None
    applicant: str = Field("", description="企业开办：申请人统一社会信用代码或身份证号码")
    form: dict[str, Any] = {}
    handed_in: list[str] = Field(default=[], description="已收取的材料名称")
    items: list[str] = Field(default=[], description="只受理这些事项（提前办理时）")


class DeliverIn(Schema):
    method: str = Field("窗口领取", max_length=40)


class JointIn(Schema):
    kind: str = Field(description="meeting / survey / countersign / acceptance")
    title: str = Field(max_length=120)
    scheduled_at: dt.datetime
    place: str = Field(max_length=120)
    departments: list[str] = Field(description="参加部门的 key")


class RecordIn(Schema):
    minutes: str
    attendance: dict[str, str] = Field(default={}, description="部门 key → 出席人员")
    conclusions: dict[int, str] = Field(default={}, description="办件 id → 结论")


class SignIn(Schema):
    opinion: str = Field(max_length=300)


class JointOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    scheduled_at: dt.datetime
    place: str
    departments: list[str]
    signed_by: list[str]


def submission_out(sub: Submission) -> SubmissionOut:
    now, cal = timezone.now(), workdays.calendar()
    return SubmissionOut(
        id=sub.pk,
        track=sub.track.name,
        project_code=sub.project.code if sub.project else None,
        applicant=sub.applicant.name,
        status=sub.status,
        accepted_at=sub.accepted_at,
        due_at=sub.due_at,
        due_provisional=cal.provisional(sub.accepted_at, sub.due_at),
        joint_due_at=sub.joint_due_at,
        joint_due_provisional=cal.provisional(sub.accepted_at, sub.joint_due_at),
        halved=sub.halved,
        materials_handed_in=len(sub.materials),
        materials_saved=sub.materials_saved,
        reasons=sub.reasons,
        delivered_at=sub.delivered_at,
        members=[
            MemberOut(
                case_id=r.case.pk,
                number=r.case.number,
                item=r.case.item.name,
                department=r.case.department.short_name,
                status=r.case.status,
                light=r.light,
                days_used=r.used,
                limit_days=r.limit,
                ran_ahead=r.member.ran_ahead,
            )
            for r in queries.member_rows(sub, now)
        ],
    )


def project_out(project: Project, *, stages: bool) -> ProjectOut:
    out = ProjectOut(
        id=project.pk,
        code=project.code,
        name=project.name,
        owner=project.owner.name,
        kind=project.kind,
        location=project.location,
        investment=project.investment,
        green_channel=project.green,
    )
    if stages:
        out.stages = [
            StageOut(
                order=s.track.order,
                name=s.track.name,
                limit_days=s.track.limit_days,
                previous_done=s.previous_done,
                submission=submission_out(s.submission) if s.submission else None,
            )
            for s in queries.timeline(project, timezone.now())
        ]
    return out


def joint_out(event: JointEvent) -> JointOut:
    return JointOut(
        id=event.pk,
        kind=event.kind,
        title=event.title,
        status=event.status,
        scheduled_at=event.scheduled_at,
        place=event.place,
        departments=[d.key for d in event.departments.all()],
        signed_by=[s.department.key for s in event.signatures.select_related("department")],
    )


@router.get("/tracks", response=list[TrackOut], summary="并联审批阶段和企业开办套餐")
def tracks(request: HttpRequest) -> Any:
    return [
        TrackOut(
            id=t.pk,
            kind=t.kind,
            name=t.name,
            order=t.order,
            lead_department=t.lead_department.key,
            limit_days=t.limit_days,
            items=[m.item_code for m in t.members.all()],
            may_run_ahead=[m.item_code for m in t.members.all() if m.may_run_ahead],
        )
        for t in Track.objects.filter(active=True)
        .select_related("lead_department")
        .prefetch_related("members")
    ]


@router.get("/projects", response=list[ProjectOut], summary="我可见的投资建设项目")
def projects(request: HttpRequest) -> Any:
    user = api_user(request)
    return [project_out(p, stages=False) for p in queries.projects_for_user(user)[:200]]


@router.post("/projects", response={201: ProjectOut, **ERRORS}, summary="登记投资建设项目")
@domain_errors
def create_project(request: HttpRequest, body: ProjectIn) -> Any:
    user = api_user(request)
    owner = Applicant.objects.filter(
        credit_code=body.owner_credit_code.strip().upper(), kind=Applicant.Kind.ENTERPRISE
    ).first()
    if owner is None:
        raise ParallelError("未找到该统一社会信用代码的建设单位", field="owner_credit_code")
    centre = _centre(body.centre)
    project = actions.register_project(
        actions.NewProject(
            code=body.code,
            name=body.name,
            owner=owner,
            kind=body.kind,
            location=body.location,
            investment=body.investment,
            centre=centre,
        ),
        actor=user,
        now=timezone.now(),
    )
    return Status(201, project_out(project, stages=True))


@router.get(
    "/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="项目及其四个阶段"
)
@domain_errors
def project(request: HttpRequest, project_id: int) -> Any:
    return project_out(queries.get_project_for_user(api_user(request), project_id), stages=True)


def _centre(key: str) -> Centre:
    centre = Centre.objects.select_related("region").filter(key=key).first()
    if centre is None:
        raise ParallelError("受理中心不存在", field="centre")
    return centre


@router.post(
    "/submissions",
    response={200: SubmissionOut, 201: SubmissionOut, **ERRORS},
    summary="并联受理（一张表单、一套材料，各部门同时办理）",
)
@domain_errors
def accept(request: HttpRequest, body: AcceptIn, idempotency_key: IdempotencyKey = None) -> Any:
    user = api_user(request)
    track = Track.objects.filter(pk=body.track, active=True).first()
    if track is None:
        raise ParallelError("阶段/套餐不存在", field="track")
    project = queries.get_project_for_user(user, body.project) if body.project else None
    if project is not None:
        applicant = project.owner
    else:
        code = body.applicant.strip().upper()
        found = (
            Applicant.objects.filter(credit_code=code).first()
            or Applicant.objects.filter(id_number=code).first()
            if code
            else None
        )
        if found is None:
            raise ParallelError("未找到该申请人", field="applicant")
        applicant = found
    key = idempotency_key or ""
    existed = bool(key) and Submission.objects.filter(key=key).exists()
    sub = actions.accept(
        actions.Acceptance(
            track=track,
            applicant=applicant,
            centre=_centre(body.centre),
            form=body.form,
            handed_in=body.handed_in,
            project=project,
            items=body.items,
        ),
        actor=user,
        now=timezone.now(),
        key=key,
    )
    return Status(200 if existed else 201, submission_out(sub))


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionOut, **ERRORS},
    summary="并联受理的合并结果",
)
@domain_errors
def submission(request: HttpRequest, submission_id: int) -> Any:
    return submission_out(queries.get_submission_for_user(api_user(request), submission_id))


@router.post(
    "/submissions/{submission_id}/deliver",
    response={200: SubmissionOut, **ERRORS},
    summary="统一送达全部结果",
)
@domain_errors
def deliver(request: HttpRequest, submission_id: int, body: DeliverIn) -> Any:
    user = api_user(request)
    sub = queries.get_submission_for_user(user, submission_id)
    return submission_out(actions.deliver(sub, actor=user, now=timezone.now(), method=body.method))


@router.post(
    "/submissions/{submission_id}/joint-events",
    response={201: JointOut, **ERRORS},
    summary="安排联审会议、联合勘察、联合会签或联合验收",
)
@domain_errors
def schedule(request: HttpRequest, submission_id: int, body: JointIn) -> Any:
    user = api_user(request)
    sub = queries.get_submission_for_user(user, submission_id)
    depts = list(Department.objects.filter(key__in=body.departments))
    if len(depts) != len(set(body.departments)):
        raise ParallelError("参加部门不存在", field="departments")
    event = actions.schedule_joint_event(
        sub,
        kind=body.kind,
        title=body.title,
        scheduled_at=body.scheduled_at,
        place=body.place,
        departments=depts,
        actor=user,
        now=timezone.now(),
    )
    return Status(201, joint_out(event))


@router.post(
    "/joint-events/{event_id}/record",
    response={200: JointOut, **ERRORS},
    summary="记录出席、纪要和对各办件的结论",
)
@domain_errors
def record(request: HttpRequest, event_id: int, body: RecordIn) -> Any:
    user = api_user(request)
    event = queries.get_joint_event_for_user(user, event_id)
    keys = dict(Department.objects.filter(key__in=body.attendance).values_list("key", "pk"))
    if len(keys) != len(body.attendance):
        raise ParallelError("出席部门不存在", field="attendance")
    event = actions.record_joint_event(
        event,
        attendance={keys[k]: v for k, v in body.attendance.items()},
        minutes=body.minutes,
        conclusions=body.conclusions,
        actor=user,
        now=timezone.now(),
    )
    return joint_out(event)


@router.post(
    "/joint-events/{event_id}/sign",
    response={200: JointOut, **ERRORS},
    summary="本部门联合会签",
)
@domain_errors
def sign(request: HttpRequest, event_id: int, body: SignIn) -> Any:
    user = api_user(request)
    event = queries.get_joint_event_for_user(user, event_id)
    actions.sign(event, actor=user, now=timezone.now(), opinion=body.opinion)
    return joint_out(get_object_or_404(JointEvent, pk=event.pk))
