"""Staff pages for cases: task lists with lights, the case page, the window's acceptance screen.

Views are thin (STYLE §6): parse, fetch through the scoped helper, call one action, and show a
domain error as a Chinese message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases import actions, identity_reads, workflow
from onestop.cases.errors import CaseError
from onestop.cases.lights import LABELS, light
from onestop.cases.models import Case, CaseEvent, ClockStop, Task
from onestop.cases.permissions import Act, Obj, may
from onestop.cases.queries import (
    allowed_moves,
    case_summaries_for_user,
    cases_for_user,
    file_cases_for_user,
    get_case_for_user,
    get_task_for_user,
    tasks_for_user,
)
from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items, search_items
from onestop.core.errors import DomainError
from onestop.documents.actions import REVOKERS
from onestop.documents.queries import certificate_of
from onestop.documents.render import available_notices
from onestop.lib.identity import check_id_number
from onestop.org.models import Applicant, Centre, Role, StaffRole
from onestop.org.queries import clerk_centre, is_staff_member, staff_roles_of
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date


def _staff(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not is_staff_member(user):
        raise Http404("页面不存在")
    return user


def _with_lights(rows: list[Any], start: str, now: datetime) -> list[Any]:
    cal = workdays.calendar()
    for row in rows:
        row.light = light(getattr(row, start), row.due_at, now, cal)
        row.light_label = LABELS.get(row.light or "", "")
    return rows


# --- lists -----------------------------------------------------------------------------------


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """我的任务 and my department's unclaimed tasks, with lights."""
    user = _staff(request)
    now = timezone.now()
    base = (
        tasks_for_user(user)
        .filter(status__in=Task.OPEN_STATES)
        .select_related("case", "case__item", "case__applicant", "department", "assignee")
        .order_by("due_at", "pk")
    )
    kind = request.GET.get("kind", "")
    if kind in Task.Kind.values:
        base = base.filter(kind=kind)
    mine = _with_lights(list(base.filter(assignee=user)[:200]), "created_at", now)
    unclaimed = _with_lights(list(base.filter(status=Task.Status.OPEN)[:200]), "created_at", now)
    wanted = request.GET.get("light", "")
    if wanted in LABELS:
        mine = [t for t in mine if t.light == wanted]
        unclaimed = [t for t in unclaimed if t.light == wanted]
    return render(
        request,
        "cases/task_list.html",
        {
            "mine": mine,
            "unclaimed": unclaimed,
            "kinds": Task.Kind.choices,
            "kind": kind,
            "light": wanted,
            "lights": LABELS,
        },
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    now = timezone.now()
    # A hotline operator learns number, item, status and due date only (permissions.TABLE).
    summary_only = not may(user, Obj.CASE, Act.READ)
    qs = (
        (case_summaries_for_user(user) if summary_only else cases_for_user(user))
        .select_related("item", "applicant", "department", "centre")
        .order_by("-created_at")
    )
    status = request.GET.get("status", "")
    if status in Case.Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:40]
    if q and summary_only:
        qs = qs.filter(Q(number__icontains=q) | Q(item__name__icontains=q))
    elif q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(applicant__name__icontains=q) | Q(item__name__icontains=q)
        )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    _with_lights(list(page.object_list), "accepted_at", now)
    for case in page.object_list:
        if case.status not in Case.CLOCK_RUNNING:
            case.light = None  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "statuses": Case.Status.choices,
            "status": status,
            "q": q,
            "querystring": params.urlencode(),
            "summary_only": summary_only,
        },
    )


# --- the case page ---------------------------------------------------------------------------


def _timeline(case: Case, events: list[CaseEvent]) -> list[dict[str, Any]]:
    """Events with the working days each took since the previous one."""
    cal = workdays.calendar()
    rows = []
    previous: datetime | None = None
    for e in events:
        used = cal.workdays_between(local_date(previous), local_date(e.at)) if previous else 0
        rows.append({"event": e, "label": EVENT_LABELS.get(e.kind, e.kind), "used": used})
        previous = e.at
    return rows


def _task_rows(case: Case, tasks: list[Task], now: datetime) -> list[dict[str, Any]]:
    """Each task: working days used against its share of the limit (created → due)."""
    cal = workdays.calendar()
    rows = []
    for t in tasks:
        start = local_date(t.created_at)
        share = cal.workdays_between(start, local_date(t.due_at)) if t.due_at else None
        end = t.done_at or now
        rows.append(
            {
                "task": t,
                "used": cal.workdays_between(start, local_date(end)),
                "share": share,
                "light": light(t.created_at, t.due_at, now, cal)
                if t.status in Task.OPEN_STATES
                else None,
            }
        )
    return rows


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    case = get_case_for_user(user, pk)
    now = timezone.now()
    tasks = list(case.tasks.select_related("department", "assignee").order_by("created_at", "pk"))
    my_tasks = set(
        tasks_for_user(user)
        .filter(case=case, status__in=Task.OPEN_STATES)
        .values_list("pk", flat=True)
    )
    events = list(case.events.select_related("actor").order_by("seq"))
    materials = list(case.materials.select_related("file").order_by("order"))
    case_light = (
        light(case.accepted_at, case.due_at, now) if case.status in Case.CLOCK_RUNNING else None
    )
    supplement = next((e for e in events if e.kind == "supplement_requested"), None)
    certificate = certificate_of(case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "case_light": case_light,
            "applicant_id": identity_reads.masked_applicant(case),
            "can_reveal": identity_reads.may_reveal(user),
            "reveal_reasons": identity_reads.REASONS,
            "materials": materials,
            "can_download": file_cases_for_user(user).filter(pk=case.pk).exists(),
            "task_rows": _task_rows(case, tasks, now),
            "my_tasks": my_tasks,
            "reassign": _reassign_choices(case, user, tasks),
            "opinions": [t for t in tasks if t.kind == Task.Kind.OPINION],
            "timeline": _timeline(case, events),
            "allowed": allowed_moves(case, user),
            "stops": case.clock_stops.all(),
            "stop_reasons": [c for c in ClockStop.Reason.choices if c[0] != "supplement"],
            "supplement": supplement,
            "tolerable": [m for m in materials if m.tolerance and m.state != "provided"],
            "form_fields": identity_reads.form_rows(case),
            "moves": workflow.MOVES,
            "notices": available_notices(case),
            "certificate": certificate,
            "can_revoke": certificate is not None
            and certificate.status == "valid"
            and actions.holds_role(user, case, REVOKERS, certificate.department_id),
            "light_labels": LABELS,
        },
    )


EVENT_LABELS = {
    "created": "登记申请",
    "submitted": "提交申请",
    "supplement_requested": "一次性告知补正",
    "supplied": "补正材料",
    "accepted": "受理",
    "deemed_accepted": "逾期未告知补正，视为受理",
    "not_accepted": "不予受理",
    "task_claimed": "认领任务",
    "task_released": "退回任务",
    "task_reassigned": "改派任务",
    "opinion_given": "出具会签意见",
    "reviewed": "提交审核意见",
    "granted": "准予许可",
    "refused": "不予许可",
    "extension_requested": "申请延期",
    "extension_approved": "批准延期",
    "extension_refused": "不批准延期",
    "suspended": "中止计时",
    "resumed": "恢复计时",
    "tolerated_supplied": "补交容缺材料",
    "material_attached": "上传材料",
    "material_removed": "删除材料",
    "materials_checked": "窗口核验材料",
    "certificate_issued": "制发证照",
    "certificate_revoked": "撤销证照",
    "audit_sealed": "旧日志以密钥封存",
    "fee_notice_issued": "开具缴费通知",
    "fee_paid": "缴费",
    "fee_refunded": "退费",
    "completed": "办结",
    "delivered": "送达",
    "withdrawn": "撤回申请",
    "identity_revealed": "查看完整证件号码",
}


@login_required
@require_POST
def reveal_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整证件号: the case's full numbers once a reason is picked; the read is recorded."""
    user = _staff(request)
    case = get_case_for_user(user, pk)
    if not identity_reads.may_reveal(user):
        raise Http404("页面不存在")
    try:
        rows = identity_reads.reveal_case_identity(
            case, actor=user, now=timezone.now(), reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/identity_revealed.html", {"case": case, "rows": rows})


# --- moves -----------------------------------------------------------------------------------


def _run(request: HttpRequest, case_pk: int, fn: Callable[[], object], done: str) -> HttpResponse:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("cases:detail", pk=case_pk)


@login_required
@require_POST
def case_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Moves on the case itself (accept, supplement, suspend, complete, deliver, …)."""
    user = _staff(request)
    case = get_case_for_user(user, pk)
    now = timezone.now()
    key = request.POST.get("key", "")
    post = request.POST
    handlers: dict[str, Callable[[], object]] = {
        "accept": lambda: actions.accept_case(
            case, actor=user, now=now, tolerated=post.getlist("tolerated"), key=key
        ),
        "handle_instant": lambda: actions.handle_instant(case, actor=user, now=now, key=key),
        "request_supplement": lambda: actions.request_supplement(
            case,
            actor=user,
            now=now,
            missing=post.getlist("missing"),
            note=post.get("note", ""),
            key=key,
        ),
        "not_accept": lambda: actions.not_accept(
            case, actor=user, now=now, reasons=post.get("reasons", ""), key=key
        ),
        "request_extension": lambda: actions.request_extension(
            case, actor=user, now=now, reason=post.get("reason", ""), key=key
        ),
        "suspend": lambda: actions.suspend_case(
            case,
            actor=user,
            now=now,
            reason=post.get("reason", ""),
            note=post.get("note", ""),
            key=key,
        ),
        "resume": lambda: actions.resume_case(case, actor=user, now=now, key=key),
        "complete": lambda: actions.complete_case(case, actor=user, now=now, key=key),
        "deliver": lambda: actions.deliver_case(
            case, actor=user, now=now, method=post.get("method", "窗口领取"), key=key
        ),
        "withdraw": lambda: actions.withdraw_case(
            case, actor=user, now=now, reason=post.get("reason", ""), key=key
        ),
        "mark_provided": lambda: actions.record_materials_checked(
            case, post.getlist("provided"), actor=user, now=now
        ),
    }
    handler = handlers.get(move)
    if handler is None:
        raise Http404("没有这个操作")
    label = workflow.MOVES[move].label if move in workflow.MOVES else "登记材料"
    return _run(request, case.pk, handler, f"已{label}")


@login_required
@require_POST
def task_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    user = _staff(request)
    task = get_task_for_user(user, pk)
    now = timezone.now()
    post = request.POST
    key = post.get("key", "")
    handlers: dict[str, Callable[[], object]] = {
        "claim": lambda: actions.claim_task(task, actor=user, now=now, key=key),
        "release": lambda: actions.release_task(task, actor=user, now=now, key=key),
        "opinion": lambda: actions.give_opinion(
            task,
            actor=user,
            now=now,
            agree=post.get("agree") == "yes",
            opinion=post.get("opinion", ""),
            key=key,
        ),
        "review": lambda: actions.submit_review(
            task,
            actor=user,
            now=now,
            recommend_grant=post.get("recommend") == "grant",
            opinion=post.get("opinion", ""),
            key=key,
        ),
        "decide": lambda: actions.decide_case(
            task,
            actor=user,
            now=now,
            grant=post.get("decision") == "grant",
            reasons=post.get("reasons", ""),
            key=key,
        ),
        "extension": lambda: actions.decide_extension(
            task, actor=user, now=now, approve=post.get("approve") == "yes", key=key
        ),
        "reassign": lambda: actions.reassign_task(
            task, to=_colleague(post.get("to", "")), actor=user, now=now, key=key
        ),
    }
    handler = handlers.get(move)
    if handler is None:
        raise Http404("没有这个操作")
    labels = {
        "reassign": "改派",
        "claim": "认领",
        "release": "退回",
        "opinion": "提交会签意见",
        "review": "提交审核意见",
        "decide": "作出决定",
        "extension": "审批延期",
    }
    return _run(request, task.case_id, handler, f"已{labels[move]}")


def _colleague(raw: str) -> User:
    """The user a task is reassigned to; reassign_task checks that they hold the role."""
    user = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if user is None:
        raise CaseError("请选择改派对象", field="to")
    return user


def _reassign_choices(case: Case, user: User, tasks: list[Task]) -> dict[int, list[User]]:
    """For a department head: open tasks of their department and who could take each."""
    heads = {r.department_id for r in staff_roles_of(user) if r.role == Role.DEPARTMENT_HEAD}
    choices: dict[int, list[User]] = {}
    for t in tasks:
        if t.department_id in heads and t.status in Task.OPEN_STATES:
            choices[t.pk] = [
                r.user
                for r in StaffRole.objects.filter(
                    department_id=t.department_id, role=t.role
                ).select_related("user", "region")
                if case.region.path.startswith(r.region.path) and r.user_id != t.assignee_id
            ]
    return choices


# --- the window: acceptance screen -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def window_new(request: HttpRequest) -> HttpResponse:
    """The window's acceptance screen: item, walk-in applicant, materials on the desk."""
    user = _staff(request)
    depts = [
        r.department_id for r in staff_roles_of(user) if r.role == Role.CLERK and r.department_id
    ]
    items = live_items().filter(Q(department_id__in=depts)).select_related("department")
    q = request.GET.get("q", "").strip()[:40]
    ticket = _hall_ticket(user, request.GET.get("ticket") or request.POST.get("ticket", ""))
    item_code = request.GET.get("item") or request.POST.get("item", "")
    item = items.filter(code=item_code).prefetch_related("materials").first() if item_code else None
    context: dict[str, Any] = {
        "items": (search_items(items, q) if q else items.order_by("name"))[:30],
        "q": q,
        "item": item,
        "ticket": ticket,
        "errors": [],
        "values": request.POST,
    }
    if request.method == "POST" and item is not None:
        centre = clerk_centre(user)
        result = _accept_walk_in(request, user, item, centre, ticket)
        if isinstance(result, Case):
            messages.success(
                request, f"已受理，办件编号 {result.number}，查询码 {result.query_code}"
            )
            return redirect("cases:detail", pk=result.pk)
        context["errors"] = result
        context["offer_unlink"] = actions.NAME_DIFFERS in result
    return render(request, "cases/window_new.html", context)


def _hall_ticket(user: User, raw: str) -> Any:
    """The queue ticket called to the clerk's window that this acceptance starts from (the
    hall app links the case to it); 404 for a ticket that is not at the clerk's window."""
    if not raw:
        return None
    from onestop.hall.queries import get_window_ticket

    return get_window_ticket(user, int(raw)) if raw.isdigit() else None


# The record was taken from the account that held the number (actions._walk_in_applicant).
UNLINKED = (
    "该身份证号码原关联的网上账号未能证明为申请人本人（姓名或核验手机号码不符），本办件未关联该账号。"
    "申请人可凭本次登记的手机号码在网上完成实名核验后查看办件。"
)


def _accept_walk_in(
    request: HttpRequest, user: User, item: ServiceItem, centre: Centre | None, ticket: Any = None
) -> Case | list[str]:
    post = request.POST
    if centre is None:
        return ["您的岗位没有对应的受理网点，请联系中心管理员"]
    number = post.get("id_number", "").strip().upper()
    result = check_id_number(number)
    if not result.valid:
        return [f"身份证号码：{result.reason}"]
    applicant = Applicant.objects.filter(id_number=number).first()
    name, phone = post.get("name", "").strip(), post.get("phone", "").strip()
    form_data = {
        f["name"]: post.get(f"form_{f['name']}", "").strip() for f in (item.form_schema or [])
    }
    provided = post.getlist("provided")
    tolerated = post.getlist("tolerated")
    walk_in = actions.WalkIn(
        item=item,
        centre=centre,
        id_number=number,
        name=name,
        phone=phone,
        applicant=applicant,
        form_data=form_data,
        provided=provided,
        tolerated=tolerated,
        unlink_account=post.get("unlink_account") == "on",
    )
    try:
        if ticket is not None:
            from onestop.hall.actions import start_case_from_ticket

            case = start_case_from_ticket(
                ticket, walk_in, actor=user, now=timezone.now(), key=post.get("key", "")
            )
        else:
            case = actions.window_accept(
                walk_in, actor=user, now=timezone.now(), key=post.get("key", "")
            )
    except DomainError as exc:
        return [exc.message]
    if applicant is not None and case.applicant.user_id != applicant.user_id:
        messages.info(request, UNLINKED)
    return case
