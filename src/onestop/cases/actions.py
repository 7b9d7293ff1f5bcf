"""Every state change of a case (STYLE §3): one transaction that locks the case, checks the
actor's right and the current state, changes it, and appends one hash-chained audit event.

Legal rules (行政许可法) carried here:
- Art. 32: a supplement notice lists every missing material at once, within 5 working days of
  receipt; otherwise the application counts as accepted on the day of receipt.
- Art. 42: decide within the limit; one extension of 10 working days with the department
  head's approval and a reason told to the applicant.
- Art. 45: hearings, tenders, auctions, inspection, testing, quarantine, appraisal and expert
  review do not count toward the limit (the clock stops, with the reason recorded).
- Art. 44: the certificate is issued within 10 working days of a grant.
- Art. 38: a refusal states its reasons and the applicant's rights (reconsideration within 60
  days, litigation within 6 months).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from onestop.cases import workflow
from onestop.cases.audit import mark_changed, record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent, CaseMaterial, CaseSequence, ClockStop, Task
from onestop.cases.signals import case_closed, halved_for
from onestop.catalog.models import ServiceItem
from onestop.core.errors import NotAllowed, TransitionError
from onestop.core.locking import already_done as core_already_done
from onestop.core.locking import hold_keyed_requests_of
from onestop.core.sequences import next_in_sequence
from onestop.org.actions import (
    detach_from_account,
    holds_account,
    same_name,
    walk_in_user,
    window_may_link,
)
from onestop.org.models import Applicant, Centre, Department, Role, StaffRole, Window
from onestop.org.queries import staff_roles_of
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import halve, local_date

S = Case.Status

SUPPLEMENT_NOTICE_DAYS = 5  # Art. 32
EXTENSION_DAYS = 10  # Art. 42
CERTIFICATE_DAYS = 10  # Art. 44
# Share of the limit the lead department's review may use when the item's steps do not say.
DEFAULT_REVIEW_SHARE = 0.6
QUERY_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- helpers ---------------------------------------------------------------------------------


def lock_case(case: Case | int) -> Case:
    """The case row, locked for this transaction (with what every move reads)."""
    pk = case if isinstance(case, int) else case.pk
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "department", "applicant", "region")
        .only(*LOCK_FIELDS)
        .get(pk=pk)
    )


# What the moves read of a locked case and its relations (anything else loads on access):
# fewer columns make the per-move lock query cheaper to build and read.
LOCK_FIELDS = [
    *(f.name for f in Case._meta.concrete_fields if f.name != "form_data"),
    *(
        f"item__{f}"
        for f in ("code", "version", "name", "kind", "status", "promised_limit", "department")
    ),
    *(f"department__{f}" for f in ("key", "name", "short_name", "region")),
    *(f"applicant__{f}" for f in ("user", "name", "kind", "id_number", "credit_code")),
    *(f"region__{f}" for f in ("code", "path")),
]


def already_done(case: Case, key: str) -> bool:
    """A request key already recorded on this case: the repeated request does nothing."""
    return core_already_done(CaseEvent.objects.filter(case=case), key)


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
    if case.status not in spec.sources:
        raise TransitionError(
            f"办件当前状态为“{case.get_status_display()}”，不能执行“{spec.label}”"
        )


def _set_status(case: Case, status: str, *fields: str) -> None:
    """Change the status (and other fields); saved with the move's audit event."""
    case.status = status
    mark_changed(case, "status", *fields)


def _stops(case: Case, today: date) -> list[tuple[date, date]]:
    """The case's clock stops as date ranges; an open one runs to today."""
    return [
        (s.started_on, s.ended_on or today)
        for s in ClockStop.objects.filter(case=case).order_by("started_on")
    ]


def _limit(case: Case) -> int:
    days = case.item.promised_limit
    return halve(days) if case.halved else days


def _recompute_due(case: Case, today: date) -> list[tuple[date, date]]:
    """Decision due: `limit + extension` working days after acceptance, skipping the clock
    stops (an open one runs to `today`); returns the stops."""
    stops = _stops(case, today)
    if case.accepted_at is not None:
        due = workdays.due_date(
            local_date(case.accepted_at), case.limit_days + case.extension_days, stops
        )
        case.due_at, case.due_provisional = due.end_at(), due.provisional
    return stops


def _new_task(
    case: Case,
    kind: str,
    department: Department,
    role: str,
    *,
    now: datetime,
    due_at: datetime | None,
) -> Task:
    return Task.objects.create(
        case=case, kind=kind, department=department, role=role, created_at=now, due_at=due_at
    )


def _review_days(case: Case) -> int:
    """The lead department's review share of the limit: from the item's steps, else 60 %."""
    steps = list(case.item.steps.all())
    total = sum(s.days for s in steps)
    review = sum(s.days for s in steps if s.role in (Role.CLERK, Role.REVIEWER))
    if total and review:
        return max(1, round(case.limit_days * review / total))
    return max(1, round(case.limit_days * DEFAULT_REVIEW_SHARE))


def _open_tasks(case: Case, kind: str | None = None) -> Any:
    qs = Task.objects.filter(case=case, status__in=Task.OPEN_STATES)
    return qs.filter(kind=kind) if kind else qs


def _close_tasks(case: Case, now: datetime, kinds: Sequence[str] | None = None) -> None:
    qs = _open_tasks(case)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    qs.update(status=Task.Status.CANCELLED, done_at=now)


# --- numbers ---------------------------------------------------------------------------------


def centre_code(centre: Centre) -> str:
    """A centre's code in case numbers: its region code without trailing zero groups."""
    code = centre.region.code
    for tail in ("000000", "000"):
        if code.endswith(tail):
            code = code[: -len(tail)]
    return code


def next_case_number(centre: Centre, day: date) -> str:
    """XQ-style readable number: <centre code>-<YYYYMMDD>-<sequence of the day>."""
    prefix = f"{centre_code(centre)}-{day:%Y%m%d}"
    last = next_in_sequence(CaseSequence, prefix)
    return f"{prefix}-{last:04d}"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_CHARS) for _ in range(8))


# --- creating and submitting -----------------------------------------------------------------


@dataclass(frozen=True)
class NewCase:
    item: ServiceItem
    applicant: Applicant
    channel: str
    centre: Centre
    form_data: dict[str, Any]
    halved: bool = False


@transaction.atomic
def create_case(new: NewCase, *, actor: User | None, now: datetime, key: str = "") -> Case:
    """A draft case for a published item, with the item's materials listed as missing."""
    if key:
        hold_keyed_requests_of(actor)
        earlier = CaseEvent.objects.filter(kind="created", key=key, actor=actor).first()
        if earlier is not None:
            return earlier.case
    if new.item.status != ServiceItem.Status.PUBLISHED:
        raise CaseError("该事项当前不可申请（未发布或已有新版本）", field="item")
    if new.channel == Case.Channel.AGENT and not (
        actor and StaffRole.objects.filter(user=actor, role=Role.COMMUNITY_AGENT).exists()
    ):
        raise NotAllowed("只有代办员可以代办申请")
    if new.channel == Case.Channel.ONLINE and (actor is None or new.applicant.user_id != actor.pk):
        raise NotAllowed("网上申请只能由申请人本人提交")
    level_ok = {
        Centre.Level.DISTRICT: new.item.at_district,
        Centre.Level.STREET: new.item.at_street,
        Centre.Level.COMMUNITY: new.item.at_community,
    }[Centre.Level(new.centre.level)]
    if not level_ok:
        raise CaseError(f"该事项不能在{new.centre.name}办理", field="centre")
    errors = check_form(new.item, new.form_data)
    if errors:
        raise CaseError("申请表填写有误：" + "；".join(errors), field="form_data")
    case = Case.objects.create(
        number=next_case_number(new.centre, local_date(now)),
        query_code=new_query_code(),
        item=new.item,
        department=new.item.department,
        applicant=new.applicant,
        channel=new.channel,
        filed_by=actor if actor and new.applicant.user_id != actor.pk else None,
        centre=new.centre,
        region=new.centre.region,
        status=S.DRAFT,
        form_data=new.form_data,
        created_at=now,
        halved=new.halved or halved_for(new.applicant),
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=case, name=m.name, required=m.required, tolerance=m.tolerance, order=m.order
        )
        for m in new.item.materials.all()
    )
    record_event(
        case,
        "created",
        actor=actor,
        now=now,
        key=key,
        data={"item": new.item.code, "version": new.item.version, "channel": new.channel},
    )
    return case


def check_form(item: ServiceItem, data: dict[str, Any]) -> list[str]:
    """Problems with an application form against the item's form schema (一事一表)."""
    from onestop.lib.identity import check_credit_code, check_id_number, check_mobile

    problems = []
    for field in item.form_schema or []:
        value = str(data.get(field["name"], "") or "").strip()
        label = field.get("label", field["name"])
        if not value:
            if field.get("required"):
                problems.append(f"{label}不能为空")
            continue
        kind = field.get("type")
        checker: Callable[[str], Any] | None = {
            "id_number": check_id_number,
            "credit_code": check_credit_code,
            "phone": check_mobile,
        }.get(kind or "")
        if checker:
            result = checker(value)
            if not result.valid:
                problems.append(f"{label}：{result.reason}")
        elif kind == "number":
            try:
                float(value)
            except ValueError:
                problems.append(f"{label}应为数字")
        elif kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                problems.append(f"{label}应为日期（YYYY-MM-DD）")
        elif kind in ("select", "radio") and value not in field.get("options", []):
            problems.append(f"{label}应为以下之一：{'、'.join(field.get('options', []))}")
    return problems


def _materials_missing(case: Case) -> list[CaseMaterial]:
    return [
        m for m in case.materials.all() if m.required and m.state != CaseMaterial.State.PROVIDED
    ]


@transaction.atomic
def submit_case(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """Online or agent application sent to the window: the receipt starts Art. 32's 5 days."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "submit", actor)
    case.received_at = now
    notice = workdays.due_date(local_date(now), SUPPLEMENT_NOTICE_DAYS)
    case.supplement_due_at = notice.end_at()
    _set_status(case, S.SUBMITTED, "received_at", "supplement_due_at")
    _new_task(
        case,
        Task.Kind.PRE_REVIEW,
        case.department,
        Role.CLERK,
        now=now,
        due_at=case.supplement_due_at,
    )
    record_event(
        case,
        "submitted",
        actor=actor,
        now=now,
        key=key,
        data={"supplement_due": notice.due.isoformat()},
    )
    return case


@transaction.atomic
def request_supplement(
    case: Case, *, actor: User, now: datetime, missing: Sequence[str], note: str = "", key: str = ""
) -> Case:
    """One notice listing every missing material (一次性告知), within 5 working days of receipt."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "request_supplement", actor)
    if CaseEvent.objects.filter(case=case, kind="supplement_requested").exists():
        raise TransitionError("补正告知只能一次性发出，本申请已告知过补正，不能再次要求补正")
    if case.supplement_due_at and now > case.supplement_due_at:
        raise TransitionError("已超过收件后 5 个工作日的补正告知期限，依法视为自收件之日起受理")
    names = [n.strip() for n in missing if n.strip()]
    if not names:
        raise CaseError("请列出需要补正的全部材料", field="missing")
    listed = {m.name: m for m in case.materials.all()}
    for name in names:
        if name in listed:
            listed[name].state = CaseMaterial.State.MISSING
            listed[name].note = "待补正"
            listed[name].save(update_fields=["state", "note"])
    ClockStop.objects.create(
        case=case,
        reason=ClockStop.Reason.SUPPLEMENT,
        note="补正材料：" + "、".join(names),
        started_on=local_date(now),
    )
    _set_status(case, S.SUPPLEMENT_REQUESTED)
    _close_tasks(case, now, [Task.Kind.PRE_REVIEW])
    record_event(
        case,
        "supplement_requested",
        actor=actor,
        now=now,
        key=key,
        data={"missing": names, "note": note},
    )
    return case


@transaction.atomic
def supply_materials(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """The applicant has supplied what was asked: back to the window for acceptance."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "supply", actor)
    still = [
        m.name
        for m in case.materials.all()
        if m.note == "待补正" and m.state != CaseMaterial.State.PROVIDED
    ]
    if still:
        raise CaseError("仍缺少补正材料：" + "、".join(still), field="materials")
    today = local_date(now)
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=today)
    _set_status(case, S.SUBMITTED)
    _new_task(
        case,
        Task.Kind.PRE_REVIEW,
        case.department,
        Role.CLERK,
        now=now,
        due_at=workdays.due_date(today, SUPPLEMENT_NOTICE_DAYS).end_at(),
    )
    record_event(case, "supplied", actor=actor, now=now, key=key)
    return case


# --- acceptance ------------------------------------------------------------------------------


def _start_clock(case: Case, accepted_at: datetime, now: datetime) -> list[tuple[date, date]]:
    """Acceptance: the limit starts (the day of acceptance is not counted); returns the stops."""
    case.accepted_at = accepted_at
    case.limit_days = _limit(case)
    return _recompute_due(case, local_date(now))


def _open_review(case: Case, now: datetime, stops: list[tuple[date, date]]) -> None:
    """The lead review and every co-department's opinion task, opened at once (one INSERT)."""
    accepted_day = local_date(case.accepted_at or now)
    due = workdays.due_date(accepted_day, _review_days(case), stops).end_at()
    Task.objects.bulk_create(
        [
            Task(
                case=case,
                kind=Task.Kind.REVIEW,
                department=case.department,
                role=Role.REVIEWER,
                created_at=now,
                due_at=due,
            )
        ]
        + [
            Task(
                case=case,
                kind=Task.Kind.OPINION,
                department=dept,
                role=Role.REVIEWER,
                created_at=now,
                due_at=due,
            )
            for dept in case.item.co_departments.all()
        ]
    )


def _check_materials_for_acceptance(case: Case, tolerated: Sequence[str]) -> list[str]:
    tolerated_set = set(tolerated)
    problems = []
    for m in _materials_missing(case):
        if m.name in tolerated_set:
            if not m.tolerance:
                problems.append(f"“{m.name}”不属于可容缺材料")
                continue
            m.state = CaseMaterial.State.TOLERATED
            m.note = "容缺受理，承诺后补"
            m.save(update_fields=["state", "note"])
        else:
            problems.append(f"缺少必要材料“{m.name}”")
    return problems


@transaction.atomic
def accept_case(
    case: Case, *, actor: User, now: datetime, tolerated: Sequence[str] = (), key: str = ""
) -> Case:
    """The window accepts: required materials are present (or tolerated, 容缺), the clock starts,
    the lead department's review and every co-department's opinion open at once."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "accept", actor)
    if case.item.kind == ServiceItem.Kind.INSTANT:
        raise TransitionError("即办件请直接“即办办结”")
    problems = _check_materials_for_acceptance(case, tolerated)
    if problems:
        raise CaseError("不能受理：" + "；".join(problems), field="materials")
    if case.received_at is None:
        case.received_at = now
    stops = _start_clock(case, now, now)
    _set_status(
        case, S.ACCEPTED, "received_at", "accepted_at", "limit_days", "due_at", "due_provisional"
    )
    _close_tasks(case, now, [Task.Kind.PRE_REVIEW])
    _open_review(case, now, stops)
    record_event(
        case,
        "accepted",
        actor=actor,
        now=now,
        key=key,
        data={
            "limit_days": case.limit_days,
            "due": case.due_at.isoformat() if case.due_at else None,
            "provisional": case.due_provisional,
            "tolerated": list(tolerated),
        },
    )
    return case


@transaction.atomic
def deem_accepted(case: Case, *, now: datetime) -> Case | None:
    """Art. 32: no supplement notice within 5 working days — accepted as of the receipt.

    Run by the periodic sweep; returns None when there is nothing to do (another worker did
    it, or the case moved on)."""
    case = lock_case(case)
    if (
        case.status != S.SUBMITTED
        or case.supplement_due_at is None
        or now <= case.supplement_due_at
        or case.received_at is None
    ):
        return None
    _check_materials_for_acceptance(case, [m.name for m in case.materials.all() if m.tolerance])
    stops = _start_clock(case, case.received_at, now)
    _set_status(case, S.ACCEPTED, "accepted_at", "limit_days", "due_at", "due_provisional")
    _close_tasks(case, now, [Task.Kind.PRE_REVIEW])
    _open_review(case, now, stops)
    record_event(
        case,
        "deemed_accepted",
        actor=None,
        now=now,
        data={
            "received": case.received_at.isoformat(),
            "due": case.due_at.isoformat() if case.due_at else None,
        },
    )
    return case


def sweep_deemed_acceptance(*, now: datetime) -> int:
    """Apply Art. 32 to every submitted case past its notice deadline; idempotent."""
    count = 0
    pending = Case.objects.filter(status=S.SUBMITTED, supplement_due_at__lt=now).values_list(
        "pk", flat=True
    )
    for pk in list(pending):
        if deem_accepted(Case(pk=pk), now=now) is not None:
            count += 1
    return count


@transaction.atomic
def not_accept(case: Case, *, actor: User, now: datetime, reasons: str, key: str = "") -> Case:
    """不予受理: with reasons and the applicant's rights."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "not_accept", actor)
    if not reasons.strip():
        raise CaseError("不予受理须说明理由", field="reasons")
    _set_status(case, S.NOT_ACCEPTED)
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=local_date(now))
    _close_tasks(case, now)
    record_event(
        case, "not_accepted", actor=actor, now=now, key=key, data={"reasons": reasons.strip()}
    )
    _invite_rating(case, now)
    case_closed.send(Case, case=case, outcome="not_accepted", now=now)
    return case


@transaction.atomic
def handle_instant(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """即办件: accepted, granted and completed on the spot by the window."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "handle_instant", actor)
    if case.item.kind != ServiceItem.Kind.INSTANT:
        raise TransitionError("承诺件不能即办办结，请先受理")
    problems = _check_materials_for_acceptance(case, ())
    if problems:
        raise CaseError("不能办结：" + "；".join(problems), field="materials")
    if not fees_settled(case):
        raise CaseError("请先缴清费用", field="fees")
    case.received_at = case.received_at or now
    case.accepted_at = case.decided_at = case.completed_at = now
    case.limit_days = 0
    case.due_at = workdays.due_date(local_date(now), 0).end_at()
    _set_status(
        case,
        S.COMPLETED,
        "received_at",
        "accepted_at",
        "decided_at",
        "completed_at",
        "limit_days",
        "due_at",
    )
    _close_tasks(case, now)
    record_event(case, "accepted", actor=actor, now=now, key=key, data={"instant": True})
    record_event(case, "granted", actor=actor, now=now, data={"instant": True})
    record_event(case, "completed", actor=actor, now=now)
    _invite_rating(case, now)
    case_closed.send(Case, case=case, outcome="granted", now=now)
    return case


# --- tasks -----------------------------------------------------------------------------------


def _lock_task(task: Task) -> tuple[Task, Case]:
    case = lock_case(task.case_id)
    task = Task.objects.select_for_update().select_related("department").get(pk=task.pk)
    return task, case


def _check_task_actor(task: Task, case: Case, actor: User) -> None:
    if not holds_role(actor, case, [task.role], task.department_id):
        raise NotAllowed("您不是该任务所属部门的相应岗位人员")


TASK_KIND_MISMATCH: dict[str, str] = {
    Task.Kind.OPINION: "这不是会签意见任务",
    Task.Kind.REVIEW: "这不是审核任务",
    Task.Kind.DECIDE: "这不是审批决定任务",
    Task.Kind.EXTENSION: "这不是延期审批任务",
}


def _lock_task_move(
    task: Task, *, kind: str, move: str, actor: User, key: str
) -> tuple[Task, Case, bool]:
    """Lock a task and its case for one of the task's own moves; the flag says the request key
    was already recorded (the repeated request does nothing). Checks the task's kind, that the
    actor holds the task's role in its department, and that the case's state allows `move`."""
    task, case = _lock_task(task)
    if already_done(case, key):
        return task, case, True
    if task.kind != kind:
        raise TransitionError(TASK_KIND_MISMATCH[kind])
    _check_task_actor(task, case, actor)
    check_move(case, move, None)
    return task, case, False


def _assign(task: Task, case: Case, user: User, now: datetime) -> None:
    """Give an open or claimed task to `user`; the first claim of the review starts it."""
    task.status, task.assignee, task.claimed_at = Task.Status.CLAIMED, user, now
    task.save(update_fields=["status", "assignee", "claimed_at"])
    if task.kind == Task.Kind.REVIEW and case.status == S.ACCEPTED:
        _set_status(case, S.UNDER_REVIEW)


def _finish(task: Task, actor: User, now: datetime, outcome: str, opinion: str) -> None:
    """Complete a task the actor holds, or an open one (claimed and done in one write)."""
    if task.status == Task.Status.CLAIMED and task.assignee_id != actor.pk:
        holder = task.assignee.get_full_name() if task.assignee else ""
        raise TransitionError(f"该任务已由{holder or '其他人员'}认领")
    if task.status not in Task.OPEN_STATES:
        raise TransitionError(f"该任务已{task.get_status_display()}")
    if task.status == Task.Status.OPEN:
        task.assignee, task.claimed_at = actor, now
    task.status, task.done_at, task.outcome, task.opinion = Task.Status.DONE, now, outcome, opinion
    task.save(update_fields=["status", "done_at", "outcome", "opinion", "assignee", "claimed_at"])


@transaction.atomic
def claim_task(task: Task, *, actor: User, now: datetime, key: str = "") -> Task:
    task, case = _lock_task(task)
    if already_done(case, key):
        return task
    _check_task_actor(task, case, actor)
    if task.status != Task.Status.OPEN:
        raise TransitionError("该任务已被认领或已完成")
    _assign(task, case, actor, now)
    record_event(
        case,
        "task_claimed",
        actor=actor,
        now=now,
        key=key,
        data={"task": task.pk, "kind": task.kind},
    )
    return task


@transaction.atomic
def release_task(task: Task, *, actor: User, now: datetime, key: str = "") -> Task:
    """Hand a claimed task back to the department's queue."""
    task, case = _lock_task(task)
    if already_done(case, key):
        return task
    if task.status != Task.Status.CLAIMED or task.assignee_id != actor.pk:
        raise TransitionError("只能退回本人已认领的任务")
    task.status, task.assignee, task.claimed_at = Task.Status.OPEN, None, None
    task.save(update_fields=["status", "assignee", "claimed_at"])
    record_event(case, "task_released", actor=actor, now=now, key=key, data={"task": task.pk})
    return task


@transaction.atomic
def reassign_task(task: Task, *, to: User, actor: User, now: datetime, key: str = "") -> Task:
    """The department head gives an open or claimed task to a colleague holding the role."""
    task, case = _lock_task(task)
    if already_done(case, key):
        return task
    if not holds_role(actor, case, [Role.DEPARTMENT_HEAD], task.department_id):
        raise NotAllowed("只有部门负责人可以改派任务")
    if task.status not in Task.OPEN_STATES:
        raise TransitionError("该任务已完成，不能改派")
    if not holds_role(to, case, [task.role], task.department_id):
        raise CaseError("改派对象不是本部门相应岗位人员", field="to")
    _assign(task, case, to, now)
    record_event(
        case, "task_reassigned", actor=actor, now=now, key=key, data={"task": task.pk, "to": to.pk}
    )
    return task


@transaction.atomic
def give_opinion(
    task: Task, *, actor: User, now: datetime, agree: bool, opinion: str, key: str = ""
) -> Task:
    """A co-department's opinion (会签), given in parallel with the lead review."""
    task, case, done = _lock_task_move(
        task, kind=Task.Kind.OPINION, move="give_opinion", actor=actor, key=key
    )
    if done:
        return task
    if not opinion.strip():
        raise CaseError("请填写会签意见", field="opinion")
    _finish(task, actor, now, "agree" if agree else "disagree", opinion.strip())
    record_event(
        case,
        "opinion_given",
        actor=actor,
        now=now,
        key=key,
        data={
            "task": task.pk,
            "department": task.department.name,
            "agree": agree,
            "opinion": opinion.strip(),
        },
    )
    return task


@transaction.atomic
def submit_review(
    task: Task, *, actor: User, now: datetime, recommend_grant: bool, opinion: str, key: str = ""
) -> Task:
    """The lead department's review: a recommendation for the approver."""
    task, case, done = _lock_task_move(
        task, kind=Task.Kind.REVIEW, move="submit_review", actor=actor, key=key
    )
    if done:
        return task
    if not opinion.strip():
        raise CaseError("请填写审核意见", field="opinion")
    _finish(task, actor, now, "grant" if recommend_grant else "refuse", opinion.strip())
    _set_status(case, S.UNDER_DECISION)
    _new_task(case, Task.Kind.DECIDE, case.department, Role.APPROVER, now=now, due_at=case.due_at)
    record_event(
        case,
        "reviewed",
        actor=actor,
        now=now,
        key=key,
        data={"recommend": "grant" if recommend_grant else "refuse", "opinion": opinion.strip()},
    )
    return task


@transaction.atomic
def decide_case(
    task: Task, *, actor: User, now: datetime, grant: bool, reasons: str = "", key: str = ""
) -> Task:
    """The approver grants or refuses, after every co-department has given its opinion."""
    task, case, done = _lock_task_move(
        task, kind=Task.Kind.DECIDE, move="decide", actor=actor, key=key
    )
    if done:
        return task
    pending = list(_open_tasks(case, Task.Kind.OPINION).select_related("department"))
    if pending:
        names = "、".join(t.department.short_name for t in pending)
        raise TransitionError(f"尚有部门未出具会签意见：{names}")
    if not grant and not reasons.strip():
        raise CaseError("不予许可须说明理由", field="reasons")
    _close_tasks(case, now, [Task.Kind.EXTENSION])
    _finish(task, actor, now, "grant" if grant else "refuse", reasons.strip())
    case.decided_at = now
    if grant:
        cert_due = workdays.due_date(local_date(now), CERTIFICATE_DAYS)
        case.certificate_due_at = cert_due.end_at()
        _set_status(case, S.GRANTED, "decided_at", "certificate_due_at")
        _new_task(
            case,
            Task.Kind.CERTIFICATE,
            case.department,
            Role.CLERK,
            now=now,
            due_at=case.certificate_due_at,
        )
    else:
        _set_status(case, S.REFUSED, "decided_at")
    record_event(
        case,
        "granted" if grant else "refused",
        actor=actor,
        now=now,
        key=key,
        data={"reasons": reasons.strip(), "on_time": bool(case.due_at and now <= case.due_at)},
    )
    case_closed.send(Case, case=case, outcome="granted" if grant else "refused", now=now)
    return task


# --- the clock on the side: extension and suspension ------------------------------------------


@transaction.atomic
def request_extension(
    case: Case, *, actor: User, now: datetime, reason: str, key: str = ""
) -> Task:
    """Ask the department head for the one extension of 10 working days (Art. 42)."""
    case = lock_case(case)
    if already_done(case, key):
        return _open_tasks(case, Task.Kind.EXTENSION).get()
    check_move(case, "request_extension", actor)
    if case.extension_days:
        raise TransitionError("本办件已延期一次，依法不能再次延期")
    if _open_tasks(case, Task.Kind.EXTENSION).exists():
        raise TransitionError("延期申请正在审批中")
    if not reason.strip():
        raise CaseError("申请延期须说明理由", field="reason")
    task = _new_task(
        case,
        Task.Kind.EXTENSION,
        case.department,
        Role.DEPARTMENT_HEAD,
        now=now,
        due_at=case.due_at,
    )
    task.opinion = reason.strip()
    task.save(update_fields=["opinion"])
    record_event(
        case,
        "extension_requested",
        actor=actor,
        now=now,
        key=key,
        data={"reason": reason.strip(), "task": task.pk},
    )
    return task


@transaction.atomic
def decide_extension(
    task: Task, *, actor: User, now: datetime, approve: bool, key: str = ""
) -> Task:
    task, case, done = _lock_task_move(
        task, kind=Task.Kind.EXTENSION, move="decide_extension", actor=actor, key=key
    )
    if done:
        return task
    reason = task.opinion
    _finish(task, actor, now, "approved" if approve else "refused", reason)
    if approve:
        case.extension_days = EXTENSION_DAYS
        _recompute_due(case, local_date(now))
        mark_changed(case, "extension_days", "due_at", "due_provisional")
        _open_tasks(case, Task.Kind.DECIDE).update(due_at=case.due_at)
    record_event(
        case,
        "extension_approved" if approve else "extension_refused",
        actor=actor,
        now=now,
        key=key,
        data={
            "reason": reason,
            "days": EXTENSION_DAYS if approve else 0,
            "due": case.due_at.isoformat() if case.due_at else None,
        },
    )
    return task


@transaction.atomic
def suspend_case(
    case: Case, *, actor: User, now: datetime, reason: str, note: str, key: str = ""
) -> Case:
    """Stop the clock for one of Art. 45's reasons, recording why; the applicant is told."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "suspend", actor)
    if reason not in ClockStop.Reason.values or reason == ClockStop.Reason.SUPPLEMENT:
        raise CaseError(
            "中止计时须为听证、招标、拍卖、检验、检测、检疫、鉴定或专家评审之一", field="reason"
        )
    if not note.strip():
        raise CaseError("请说明中止计时的具体情况", field="note")
    ClockStop.objects.create(
        case=case, reason=reason, note=note.strip(), started_on=local_date(now)
    )
    case.resume_status = case.status
    _set_status(case, S.SUSPENDED, "resume_status")
    record_event(
        case,
        "suspended",
        actor=actor,
        now=now,
        key=key,
        data={"reason": reason, "note": note.strip()},
    )
    return case


@transaction.atomic
def resume_case(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "resume", actor)
    today = local_date(now)
    stop = ClockStop.objects.filter(case=case, ended_on__isnull=True).order_by("-pk").first()
    if stop:
        stop.ended_on = today
        stop.save(update_fields=["ended_on"])
    status = case.resume_status or S.UNDER_REVIEW
    case.resume_status = ""
    _recompute_due(case, today)
    _set_status(case, status, "resume_status", "due_at", "due_provisional")
    _open_tasks(case).filter(kind__in=[Task.Kind.DECIDE]).update(due_at=case.due_at)
    record_event(
        case,
        "resumed",
        actor=actor,
        now=now,
        key=key,
        data={
            "due": case.due_at.isoformat() if case.due_at else None,
            "stopped_from": stop.started_on.isoformat() if stop else None,
        },
    )
    return case


# --- completion ------------------------------------------------------------------------------


def _invite_rating(case: Case, now: datetime) -> None:
    """Text the applicant a signed link to rate the service (好差评), through the outbox, in
    the move's transaction: sent only if the case really finished."""
    from django.conf import settings

    from onestop.evaluation.actions import rate_link_path
    from onestop.notify.actions import enqueue

    if not case.applicant.phone:
        return
    link = settings.PUBLIC_BASE_URL.rstrip("/") + rate_link_path(case)
    enqueue(
        channel="sms",
        address=case.applicant.phone,
        now=now,
        template="rating_invitation",
        context={"case": case.number},
        body=f"【{settings.SMS_SIGNATURE}】您的办件{case.number}（{case.item.name}）已办结，欢迎评价：{link}",
    )


def fees_settled(case: Case) -> bool:
    """Whether the case owes nothing (fees are paid or exempt). Fee notices hook in here."""
    from onestop.fees.queries import settled

    return settled(case)


def certificate_issued(case: Case) -> bool:
    from onestop.documents.queries import has_certificate

    return has_certificate(case)


@transaction.atomic
def mark_tolerated_supplied(
    case: Case, *, actor: User, now: datetime, name: str, key: str = ""
) -> Case:
    """A 容缺 material promised at acceptance has arrived."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "supply_tolerated", actor)
    material = case.materials.filter(name=name, state=CaseMaterial.State.TOLERATED).first()
    if material is None:
        raise CaseError(f"“{name}”不是待补交的容缺材料", field="name")
    if material.file_id is None:
        raise CaseError("请先上传该材料", field="file")
    material.state, material.note = CaseMaterial.State.PROVIDED, "已补交"
    material.save(update_fields=["state", "note"])
    record_event(case, "tolerated_supplied", actor=actor, now=now, key=key, data={"name": name})
    return case


@transaction.atomic
def complete_case(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """办结: a grant needs its certificate, its fees and every tolerated material."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "complete", actor)
    if case.status == S.GRANTED:
        waiting = [m.name for m in case.materials.all() if m.state == CaseMaterial.State.TOLERATED]
        if waiting:
            raise CaseError("容缺材料尚未补齐，不能办结：" + "、".join(waiting), field="materials")
        if not fees_settled(case):
            raise CaseError("费用尚未缴清，不能办结", field="fees")
        if not certificate_issued(case):
            raise CaseError("尚未制发证照，不能办结", field="certificate")
    case.completed_at = now
    _set_status(case, S.COMPLETED, "completed_at")
    _close_tasks(case, now)
    record_event(case, "completed", actor=actor, now=now, key=key)
    _invite_rating(case, now)
    return case


@transaction.atomic
def deliver_case(
    case: Case, *, actor: User, now: datetime, method: str = "窗口领取", key: str = ""
) -> Case:
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "deliver", actor)
    case.delivered_at = now
    _set_status(case, S.DELIVERED, "delivered_at")
    record_event(case, "delivered", actor=actor, now=now, key=key, data={"method": method})
    return case


@transaction.atomic
def withdraw_case(
    case: Case, *, actor: User, now: datetime, reason: str = "", key: str = ""
) -> Case:
    case = lock_case(case)
    if already_done(case, key):
        return case
    check_move(case, "withdraw", actor)
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=local_date(now))
    _set_status(case, S.WITHDRAWN)
    _close_tasks(case, now)
    record_event(case, "withdrawn", actor=actor, now=now, key=key, data={"reason": reason})
    case_closed.send(Case, case=case, outcome="withdrawn", now=now)
    return case


def last_seq(case: Case) -> int:
    return CaseEvent.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0


# --- the window ------------------------------------------------------------------------------


@transaction.atomic
def record_materials_checked(
    case: Case, names: Sequence[str], *, actor: User, now: datetime, key: str = ""
) -> Case:
    """The window checked the paper materials on the desk: those named are handed in."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    if not holds_role(actor, case, [Role.CLERK], case.department_id):
        raise NotAllowed("只有本部门窗口受理员可以核验材料")
    if case.status not in (S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_REQUESTED):
        raise TransitionError(f"办件当前状态为“{case.get_status_display()}”，不能核验材料")
    pending = case.materials.filter(name__in=set(names)).exclude(state=CaseMaterial.State.PROVIDED)
    checked = sorted(pending.values_list("name", flat=True))
    pending.update(state=CaseMaterial.State.PROVIDED, note="窗口核验纸质材料")
    record_event(case, "materials_checked", actor=actor, now=now, key=key, data={"names": checked})
    return case


@dataclass(frozen=True)
class WalkIn:
    item: ServiceItem
    centre: Centre
    id_number: str
    name: str
    phone: str
    applicant: Applicant | None
    form_data: dict[str, Any]
    provided: Sequence[str]
    tolerated: Sequence[str]
    # The clerk, card in hand, accepts for the person although the account holding the number
    # bears another name: the record is taken from that account (org.actions.detach_from_account).
    unlink_account: bool = False


# The window links a walk-in to the account holding the number only when the names match.
NAME_DIFFERS = (
    "该身份证号码已关联一个网上账号，但账号登记的姓名与您填写的申请人姓名不一致，未予关联。"
    "请核对身份证原件；确认无误的，勾选“不关联该账号，为到场申请人受理”后再次提交。"
)


def _walk_in_applicant(walk_in: WalkIn, *, actor: User, now: datetime) -> Applicant:
    """The record the walk-in's case is filed under: the one on record for the number (left
    with its account only if the names match and the account's proof covers the phone given
    at the window: org.actions.window_may_link), else a new walk-in record."""
    applicant = walk_in.applicant
    if applicant is None:
        return register_walk_in(id_number=walk_in.id_number, name=walk_in.name, phone=walk_in.phone)
    if not holds_account(applicant):
        return applicant
    if not same_name(applicant.name, walk_in.name):
        if not walk_in.unlink_account:
            raise CaseError(NAME_DIFFERS, field="name")
        reason = "name_differs_at_window"
    elif window_may_link(applicant, phone=walk_in.phone):
        return applicant
    else:
        # Accepted for the person at the desk, not for the account: the record goes back to a
        # walk-in with this phone, to which the person may then prove the number by SMS.
        reason = "phone_not_proven_at_window"
    problems = register_walk_in_problems(walk_in.id_number, walk_in.name, walk_in.phone)
    if problems:
        raise CaseError("；".join(problems), field="applicant")
    return detach_from_account(
        applicant,
        name=walk_in.name,
        phone=walk_in.phone,
        actor=actor,
        centre=walk_in.centre,
        now=now,
        reason=reason,
    )


@transaction.atomic
def window_accept(walk_in: WalkIn, *, actor: User, now: datetime, key: str = "") -> Case:
    """A walk-in applicant at the window: register the case, check the paper, accept (or, for
    an instant item, grant and complete on the spot) — all or nothing."""
    applicant = _walk_in_applicant(walk_in, actor=actor, now=now)
    case = create_case(
        NewCase(
            item=walk_in.item,
            applicant=applicant,
            channel=Case.Channel.WINDOW,
            centre=walk_in.centre,
            form_data=walk_in.form_data,
        ),
        actor=actor,
        now=now,
        key=key,
    )
    if case.status != S.DRAFT:  # a replayed request: it was done the first time
        return case
    record_materials_checked(case, list(walk_in.provided) + [], actor=actor, now=now)
    if walk_in.item.kind == ServiceItem.Kind.INSTANT:
        return handle_instant(case, actor=actor, now=now)
    return accept_case(case, actor=actor, now=now, tolerated=walk_in.tolerated)


def register_walk_in_problems(id_number: str, name: str, phone: str) -> list[str]:
    from onestop.lib.identity import check_id_number, check_mobile

    problems = []
    if not name.strip():
        problems.append("请填写申请人姓名")
    if not check_id_number(id_number).valid:
        problems.append("身份证号码：" + check_id_number(id_number).reason)
    if not check_mobile(phone).valid:
        problems.append("手机号码：" + check_mobile(phone).reason)
    return problems


def register_walk_in(*, id_number: str, name: str, phone: str) -> Applicant:
    """An applicant who came to the window without an account (no password to sign in with)."""
    problems = register_walk_in_problems(id_number, name, phone)
    if problems:
        raise CaseError("；".join(problems), field="applicant")
    return Applicant.objects.create(
        user=walk_in_user(name),
        kind=Applicant.Kind.PERSON,
        name=name.strip(),
        id_number=id_number,
        phone=phone,
    )


@transaction.atomic
def record_note(
    case: Case, kind: str, *, actor: User | None, now: datetime, data: dict[str, Any]
) -> CaseEvent:
    """An event another app writes into a case's trail (a joint event's conclusion, …)."""
    return record_event(lock_case(case), kind, actor=actor, now=now, data=data)
