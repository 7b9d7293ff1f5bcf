"""Schemas of the case and task API — what goes in and what comes out, documented in the
OpenAPI description (field descriptions in Chinese) — and how a case and its tasks are shown in
them, with the moves the caller may make on each."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from onestop.apitokens.shapes import shape
from onestop.cases import identity_reads, queries, workflow
from onestop.cases.lights import light
from onestop.cases.models import Case, CaseEvent, CaseMaterial, Task
from onestop.cases.queries import tasks_for_user
from onestop.lib.identity import mask_credit_code, mask_id_number
from onestop.org.models import Applicant, Role
from onestop.org.queries import staff_roles_of
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar

MAX_PAGE_SIZE = 100


class MoveOut(Schema):
    move: str = Field(description="操作名，与接口路径对应")
    label: str
    url: str = Field(description="执行该操作的接口地址（POST）")


class MaterialOut(Schema):
    name: str
    required: bool
    tolerance: bool = Field(description="可容缺")
    state: str = Field(description="provided / missing / tolerated")
    state_label: str
    note: str
    has_file: bool


class EventOut(Schema):
    seq: int
    kind: str
    actor: str = Field(description="操作人姓名（系统自动操作为空）")
    at: datetime
    status_after: str
    data: dict[str, Any]
    prev_hash: str
    alg: str = Field(description="摘要算法：hmac-sha256（以密钥签记），sha256（升级前的旧式日志）")
    key_id: str = Field(description="签记所用密钥的指纹（不泄露密钥）")
    hash: str


class TaskOut(Schema):
    id: int
    case_id: int
    case_number: str
    item_name: str
    kind: str
    kind_label: str
    department: str = Field(description="部门简称")
    role: str
    status: str
    status_label: str
    assignee_id: int | None
    assignee_name: str
    created_at: datetime
    due_at: datetime | None
    due_provisional: bool = Field(
        description="办件期限跨入尚未载入节假日安排的年份时为真，本任务期限亦仅为暂定"
    )
    claimed_at: datetime | None
    done_at: datetime | None
    outcome: str
    opinion: str
    light: str | None = Field(description="green / yellow / red；已结束的任务为空")
    actions: list[str] = Field(
        description="当前用户可执行的操作：claim、release、reassign、opinion、review、decide、"
        "extension"
    )


class CaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    item_code: str
    item_name: str
    item_version: int
    department: str = Field(description="实施部门简称")
    applicant_name: str
    applicant_identity: str = Field(description="身份证号码或统一社会信用代码（已脱敏）")
    channel: str
    created_at: datetime
    received_at: datetime | None
    accepted_at: datetime | None
    due_at: datetime | None
    due_provisional: bool = Field(description="期限跨入尚未载入节假日安排的年份，仅为暂定")
    light: str | None = Field(description="办理时限的红黄绿灯 green/yellow/red；未计时为空")


class CaseDetailOut(CaseOut):
    query_code: str
    centre: str
    form_data: dict[str, Any] = Field(description="申请表内容（身份证号码等已脱敏）")
    limit_days: int
    extension_days: int
    supplement_due_at: datetime | None
    supplement_due_provisional: bool = Field(
        description="补正告知期限跨入尚未载入节假日安排的年份，仅为暂定"
    )
    decided_at: datetime | None
    completed_at: datetime | None
    delivered_at: datetime | None
    certificate_due_at: datetime | None
    certificate_due_provisional: bool = Field(
        description="发证期限跨入尚未载入节假日安排的年份，仅为暂定"
    )
    moves: list[MoveOut] = Field(description="当前用户在当前状态下可执行的办件操作")
    materials: list[MaterialOut]
    tasks: list[TaskOut] = Field(description="办理环节（仅工作人员可见）")
    events: list[EventOut]


class CasePageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseOut]


class TaskPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[TaskOut]


class BreakOut(Schema):
    case_number: str
    seq: int
    reason: str


class TimelineOut(Schema):
    case_number: str
    intact: bool = Field(description="哈希链是否完整")
    breaks: list[BreakOut]
    events: list[EventOut]


class VerifyOut(Schema):
    checked: int = Field(description="校验的办件数")
    breaks: list[BreakOut]


class ProgressOut(Schema):
    number: str
    status: str
    status_label: str
    item_name: str
    department: str
    received_at: datetime | None
    accepted_at: datetime | None
    due_at: datetime | None
    due_provisional: bool = Field(description="期限跨入尚未载入节假日安排的年份，仅为暂定")
    decided_at: datetime | None
    completed_at: datetime | None
    delivered_at: datetime | None


class CaseFilter(Schema):
    status: Case.Status | None = Field(default=None, description="状态")
    item: str | None = Field(default=None, max_length=80, description="事项实施编码")
    department: str | None = Field(default=None, max_length=60, description="实施部门代码（key）")
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)


class TaskFilter(Schema):
    mine: bool = Field(default=False, description="只看我认领的任务")
    unclaimed: bool = Field(default=False, description="只看本部门待认领的任务")
    status: Task.Status | None = Field(default=None, description="状态；缺省为未完成的任务")
    kind: Task.Kind | None = None
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)


class ProgressQuery(Schema):
    number: str = Field(max_length=32, description="办件编号")
    query_code: str = Field(max_length=12, description="查询码")


class CaseIn(Schema):
    item: str = Field(max_length=80, description="事项实施编码（按当前发布版本受理）")
    applicant: int | None = Field(
        default=None, description="申请人编号；申请人本人申请时省略，窗口或代办员须填写"
    )
    channel: Case.Channel | None = Field(
        default=None, description="缺省：申请人本人为 online，代办员为 agent，其他工作人员为 window"
    )
    centre: str | None = Field(
        default=None,
        max_length=60,
        description="受理网点代码（key）；网上申请可省略（由事项所属部门的区政务服务中心受理）",
    )
    form_data: dict[str, Any] = Field(default_factory=dict, description="申请表内容")


class SupplementIn(Schema):
    missing: list[str] = Field(description="须补正的全部材料名称（一次性告知）")
    note: str = Field(default="", max_length=2000)


class AcceptIn(Schema):
    tolerated: list[str] = Field(default_factory=list, description="容缺受理的材料名称")


class ReasonsIn(Schema):
    reasons: str = Field(max_length=2000, description="理由")


class SuspendIn(Schema):
    reason: str = Field(
        description="中止事由：hearing、tender、auction、inspection、testing、quarantine、"
        "appraisal、expert_review"
    )
    note: str = Field(max_length=300, description="具体情况")


class ExtensionIn(Schema):
    reason: str = Field(max_length=2000, description="申请延期的理由")


class DeliverIn(Schema):
    method: str = Field(default="窗口领取", max_length=100, description="送达方式")


class WithdrawIn(Schema):
    reason: str = Field(default="", max_length=2000)


class ReassignIn(Schema):
    to: int = Field(description="改派给的工作人员（用户编号）")


class OpinionIn(Schema):
    agree: bool
    opinion: str = Field(max_length=4000)


class ReviewIn(Schema):
    recommend_grant: bool
    opinion: str = Field(max_length=4000)


class DecideIn(Schema):
    grant: bool
    reasons: str = Field(default="", max_length=4000, description="不予许可时必填")


class ExtensionDecisionIn(Schema):
    approve: bool


class IdentityReadIn(Schema):
    reason: str = Field(description="查看原因：" + "、".join(identity_reads.REASONS))


class IdentityReadRowOut(Schema):
    label: str
    value: str


class IdentityReadOut(Schema):
    case_number: str
    rows: list[IdentityReadRowOut] = Field(description="申请人及申请表中的完整证件号码")


# --- shapes ----------------------------------------------------------------------------------


def case_light(case: Case, now: datetime, cal: Calendar) -> str | None:
    """The light of the legal clock, while it runs (as on the staff case page)."""
    if case.status not in Case.CLOCK_RUNNING:
        return None
    return light(case.accepted_at, case.due_at, now, cal)


def masked_identity(applicant: Applicant) -> str:
    if applicant.kind == Applicant.Kind.PERSON:
        return mask_id_number(applicant.id_number)
    return mask_credit_code(applicant.credit_code)


def masked_form(case: Case) -> dict[str, Any]:
    secret = {
        f["name"]
        for f in case.item.form_schema or []
        if f.get("type") in ("id_number", "credit_code")
    }
    return {k: mask_id_number(str(v)) if k in secret else v for k, v in case.form_data.items()}


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def case_out(case: Case, now: datetime, cal: Calendar) -> CaseOut:
    return shape(CaseOut, case, **case_given(case, now, cal))


def case_given(case: Case, now: datetime, cal: Calendar) -> dict[str, Any]:
    """What a case is shown with beyond its own fields (in `CaseOut` and `CaseDetailOut`)."""
    return {
        "status_label": case.get_status_display(),
        "item_code": case.item.code,
        "item_name": case.item.name,
        "item_version": case.item.version,
        "department": str(case.department),
        "applicant_name": case.applicant.name,
        "applicant_identity": masked_identity(case.applicant),
        "light": case_light(case, now, cal),
    }


def event_out(event: CaseEvent) -> EventOut:
    return shape(EventOut, event, actor=display_name(event.actor))


def material_out(m: CaseMaterial) -> MaterialOut:
    return shape(MaterialOut, m, state_label=m.get_state_display(), has_file=m.file_id is not None)


def progress_out(case: Case) -> ProgressOut:
    """What anyone holding the number and the query code may read: no personal data."""
    return shape(
        ProgressOut,
        case,
        status_label=case.get_status_display(),
        item_name=case.item.name,
        department=str(case.department),
    )


def is_case_staff(user: User) -> bool:
    """Staff who work on or oversee cases (a community agent only follows the cases they filed)."""
    return user.is_superuser or any(r.role != Role.COMMUNITY_AGENT for r in staff_roles_of(user))


# The action endpoint of each kind of task, and the workflow move it makes.
TASK_ACTIONS = {
    Task.Kind.OPINION: ("opinion", "give_opinion"),
    Task.Kind.REVIEW: ("review", "submit_review"),
    Task.Kind.DECIDE: ("decide", "decide"),
    Task.Kind.EXTENSION: ("extension", "decide_extension"),
}


def _head_of(user: User, case: Case) -> set[int]:
    """Departments whose head the user is, with the case's region in scope."""
    return {
        r.department_id
        for r in staff_roles_of(user)
        if r.role == Role.DEPARTMENT_HEAD
        and r.department_id
        and case.region.path.startswith(r.region.path)
    }


def task_actions(
    task: Task, case: Case, user: User, workable: set[int], heads: set[int]
) -> list[str]:
    """What `user` may do with `task` now (`workable`: ids of tasks the user may work on)."""
    result = []
    open_ = task.status in Task.OPEN_STATES
    if open_ and task.pk in workable:
        if task.status == Task.Status.OPEN:
            result.append("claim")
        action = TASK_ACTIONS.get(Task.Kind(task.kind))
        if (
            action
            and task.assignee_id in (None, user.pk)
            and workflow.allowed_from(action[1], case.status)
        ):
            result.append(action[0])
    if task.status == Task.Status.CLAIMED and task.assignee_id == user.pk:
        result.append("release")
    if open_ and task.department_id in heads:
        result.append("reassign")
    return result


def task_out(
    task: Task, case: Case, user: User, now: datetime, cal: Calendar, workable: set[int]
) -> TaskOut:
    open_ = task.status in Task.OPEN_STATES
    return shape(
        TaskOut,
        task,
        case_number=case.number,
        item_name=case.item.name,
        kind_label=task.get_kind_display(),
        department=str(task.department),
        status_label=task.get_status_display(),
        assignee_name=display_name(task.assignee),
        # A task's deadline is counted from the case's acceptance and ends no later than the
        # case's: it can only be provisional when the case's deadline is.
        due_provisional=task.due_at is not None and case.due_provisional,
        light=light(task.created_at, task.due_at, now, cal) if open_ else None,
        actions=task_actions(task, case, user, workable, _head_of(user, case)),
    )


# Case moves with an endpoint in onestop.cases.api; the task moves are on its tasks router.
CASE_MOVES = (
    "submit",
    "request_supplement",
    "supply",
    "accept",
    "not_accept",
    "handle_instant",
    "suspend",
    "resume",
    "request_extension",
    "complete",
    "deliver",
    "withdraw",
)


def allowed_moves(case: Case, user: User) -> list[str]:
    """The case moves `user` may make in the case's current state."""
    return queries.allowed_moves(case, user, CASE_MOVES)


def case_detail(case: Case, user: User) -> CaseDetailOut:
    now, cal = timezone.now(), workdays.calendar()
    tasks: list[TaskOut] = []
    if is_case_staff(user):
        workable = set(tasks_for_user(user).filter(case=case).values_list("pk", flat=True))
        tasks = [
            task_out(t, case, user, now, cal, workable)
            for t in case.tasks.select_related("department", "assignee").order_by("pk")
        ]
    return shape(
        CaseDetailOut,
        case,
        **case_given(case, now, cal),
        centre=case.centre.name,
        form_data=masked_form(case),
        supplement_due_provisional=cal.provisional(case.received_at, case.supplement_due_at),
        certificate_due_provisional=cal.provisional(case.decided_at, case.certificate_due_at),
        moves=[
            MoveOut(
                move=m,
                label=workflow.MOVES[m].label,
                url=reverse(f"api:cases_{m}", kwargs={"case_id": case.pk}),
            )
            for m in allowed_moves(case, user)
        ],
        materials=[material_out(m) for m in case.materials.all()],
        tasks=tasks,
        events=[event_out(e) for e in case.events.select_related("actor").order_by("seq")],
    )


def task_list_out(tasks: Iterable[Task], user: User) -> list[TaskOut]:
    now, cal = timezone.now(), workdays.calendar()
    rows = list(tasks)
    workable = set(
        tasks_for_user(user).filter(pk__in=[t.pk for t in rows]).values_list("pk", flat=True)
    )
    return [task_out(t, t.case, user, now, cal, workable) for t in rows]
