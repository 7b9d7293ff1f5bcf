"""Staff pages for cases: task lists with lights, the case page, the window's acceptance screen.

Views are thin (STYLE §6): parse, fetch through the scoped helper, call one action, and show a
domain error as a Chinese message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases import actions, hooks, identity_reads, workflow
from onestop.cases.forms import (
    CASE_MOVES,
    TASK_MOVES,
    RevealForm,
    WalkInForm,
    WindowTargetForm,
)
from onestop.cases.lights import LABELS, light
from onestop.cases.models import Case, CaseEvent, ClockStop, Task
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
from onestop.lib.identity import check_id_number
from onestop.org.models import Applicant, Centre, Role, StaffRole
from onestop.org.permissions import Act, Obj, may
from onestop.org.queries import clerk_centre, staff_roles_of
from onestop.org.web import form_problems, run_move, staff_required
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date


def _with_lights(rows: list[Any], start: str, now: datetime) -> list[Any]:
    cal = workdays.calendar()
    for row in rows:
        row.light = light(getattr(row, start), row.due_at, now, cal)
        row.light_label = LABELS.get(row.light or "", "")
    return rows


# --- lists -----------------------------------------------------------------------------------


@require_GET
@staff_required()
def task_list(request: HttpRequest) -> HttpResponse:
    """我的任务 and my department's unclaimed tasks, with lights."""
    user = cast(User, request.user)
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


@require_GET
@staff_required()
def case_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    now = timezone.now()
    # A hotline operator learns number, item, status and due date only (org.permissions.TABLE).
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
        if case.status not in workflow.CLOCK_RUNNING:
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
        reason = e.data.get("reason", "")
        if e.kind == "suspended" and reason in ClockStop.Reason.values:
            reason = ClockStop.Reason(reason).label  # the Art. 45 reason's name, not its code
        rows.append({"event": e, "label": e.label, "used": used, "reason": reason})
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


@require_GET
@staff_required()
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
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
        light(case.accepted_at, case.due_at, now) if case.status in workflow.CLOCK_RUNNING else None
    )
    supplement = next((e for e in events if e.kind == "supplement_requested"), None)
    allowed = allowed_moves(case, user)
    return render(
        request,
        "cases/case_detail.html",
        {
            # The higher apps' panels (documents, fees), each rendered by its own app.
            "panels": [p for p in hooks.case_page(request, case, user, allowed) if p],
            "case": case,
            "case_light": case_light,
            "certificate_due_provisional": workdays.calendar().provisional(
                case.decided_at, case.certificate_due_at
            ),
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
            "allowed": allowed,
            "stops": case.clock_stops.all(),
            "stop_reasons": [c for c in ClockStop.Reason.choices if c[0] != "supplement"],
            "supplement": supplement,
            "tolerable": [m for m in materials if m.tolerance and m.state != "provided"],
            "form_fields": identity_reads.form_rows(case),
            "moves": workflow.MOVES,
            "light_labels": LABELS,
        },
    )


@require_POST
@staff_required()
def reveal_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整证件号: the case's full numbers once a reason is picked; the read is recorded."""
    user = cast(User, request.user)
    case = get_case_for_user(user, pk)
    if not identity_reads.may_reveal(user):
        raise Http404("页面不存在")
    form = RevealForm(request.POST)
    form.is_valid()  # free text: always valid; the action judges the reason
    rows = run_move(
        request,
        lambda: identity_reads.reveal_case_identity(
            case, actor=user, now=timezone.now(), reason=form.cleaned_data["reason"]
        ),
    )
    if rows is None:
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/identity_revealed.html", {"case": case, "rows": rows})


# --- moves ---------------------------------------------------------------------------------


@require_POST
@staff_required()
def case_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Moves on the case itself (accept, supplement, suspend, complete, deliver, …)."""
    user = cast(User, request.user)
    case = get_case_for_user(user, pk)
    form_class = CASE_MOVES.get(move)
    if form_class is None:
        raise Http404("没有这个操作")
    form = form_class(request.POST)
    if form.is_valid():
        label = workflow.MOVES[move].label if move in workflow.MOVES else "登记材料"
        run_move(request, lambda: form.apply(case, actor=user, now=timezone.now()), f"已{label}")
    else:
        form_problems(request, form)
    return redirect("cases:detail", pk=case.pk)


@require_POST
@staff_required()
def task_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    user = cast(User, request.user)
    task = get_task_for_user(user, pk)
    found = TASK_MOVES.get(move)
    if found is None:
        raise Http404("没有这个操作")
    form_class, label = found
    form = form_class(request.POST)
    if form.is_valid():
        run_move(request, lambda: form.apply(task, actor=user, now=timezone.now()), f"已{label}")
    else:
        form_problems(request, form)
    return redirect("cases:detail", pk=task.case_id)


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


@require_http_methods(["GET", "POST"])
@staff_required()
def window_new(request: HttpRequest) -> HttpResponse:
    """The window's acceptance screen: item, walk-in applicant, materials on the desk."""
    user = cast(User, request.user)
    depts = [
        r.department_id for r in staff_roles_of(user) if r.role == Role.CLERK and r.department_id
    ]
    items = live_items().filter(Q(department_id__in=depts)).select_related("department")
    asked, posted = _target(request.GET), _target(request.POST)
    q = asked["q"].strip()[:40]
    ticket = _hall_ticket(user, asked["ticket"] or posted["ticket"])
    item_code = asked["item"] or posted["item"]
    item = items.filter(code=item_code).prefetch_related("materials").first() if item_code else None
    form = WalkInForm(request.POST, item=item) if request.method == "POST" and item else None
    # Free text and checked boxes: always valid; the rules speak when the walk-in is accepted.
    typed: dict[str, Any] = form.cleaned_data if form is not None and form.is_valid() else {}
    context: dict[str, Any] = {
        "items": (search_items(items, q) if q else items.order_by("name"))[:30],
        "q": q,
        "item": item,
        "ticket": ticket,
        "errors": [],
        # The form re-renders with what was typed.
        "values": typed,
        "provided": typed.get("provided", []),
        "tolerated": typed.get("tolerated", []),
        "form_rows": _form_rows(item, typed) if item is not None else [],
    }
    if form is not None:
        result = _accept_walk_in(request, user, form, clerk_centre(user), ticket)
        if isinstance(result, Case):
            messages.success(
                request, f"已受理，办件编号 {result.number}，查询码 {result.query_code}"
            )
            return redirect("cases:detail", pk=result.pk)
        context["errors"] = result
        context["offer_unlink"] = actions.NAME_DIFFERS in result
    return render(request, "cases/window_new.html", context)


def _form_rows(item: ServiceItem, typed: dict[str, Any]) -> list[dict[str, Any]]:
    """The item's form (一事一表), each field with what was typed into it."""
    return [{**f, "value": typed.get(f"form_{f['name']}", "")} for f in item.form_schema or []]


def _target(data: Any) -> dict[str, str]:
    form = WindowTargetForm(data)
    form.is_valid()  # optional text fields: always valid
    return {name: str(form.cleaned_data.get(name) or "") for name in ("q", "item", "ticket")}


def _hall_ticket(user: User, raw: str) -> Any:
    """The queue ticket called to the clerk's window that this acceptance starts from (the
    hall app answers, and links the case to it); 404 for a ticket not at the clerk's window."""
    if not raw.isdigit():
        return None
    return hooks.window_ticket.first(user, int(raw))


# The record was taken from the account that held the number (actions.window).
UNLINKED = (
    "该身份证号码原关联的网上账号未能证明为申请人本人（姓名或核验手机号码不符），本办件未关联该账号。"
    "申请人可凭本次登记的手机号码在网上完成实名核验后查看办件。"
)


def _accept_walk_in(
    request: HttpRequest, user: User, form: WalkInForm, centre: Centre | None, ticket: Any = None
) -> Case | list[str]:
    if centre is None:
        return ["您的岗位没有对应的受理网点，请联系中心管理员"]
    data = form.cleaned_data
    number = data["id_number"].upper()
    result = check_id_number(number)
    if not result.valid:
        return [f"身份证号码：{result.reason}"]
    applicant = Applicant.objects.filter(id_number=number).first()
    walk_in = actions.WalkIn(
        item=form.item,
        centre=centre,
        id_number=number,
        name=data["name"],
        phone=data["phone"],
        applicant=applicant,
        form_data=form.form_data(),
        provided=data["provided"],
        tolerated=data["tolerated"],
        unlink_account=data["unlink_account"],
    )
    now, key = timezone.now(), data["key"]
    try:
        if ticket is not None:
            case = hooks.accept_from_ticket.first(ticket, walk_in, actor=user, now=now, key=key)
        else:
            case = actions.window_accept(walk_in, actor=user, now=now, key=key)
    except DomainError as exc:
        return [exc.message]
    if applicant is not None and case.applicant.user_id != applicant.user_id:
        messages.info(request, UNLINKED)
    return case
