"""Case and task endpoints: parse → scoped fetch → one action from onestop.cases.actions → JSON.

Every endpoint that takes an id fetches through a scoped helper, so a case or task outside the
caller's scope is a 404, the same answer as one that does not exist. Domain errors map to
403 (NotAllowed), 409 (TransitionError) and 422 (CaseError), all as `{"code", "message",
"field"}`. Every POST takes an optional `Idempotency-Key` header: a repeated request with the
same key on the same case does nothing the second time and answers 200 with the current state.
"""

from collections.abc import Callable
from typing import Annotated, Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from onestop.apitokens.auth import API_AUTH, api_user
from onestop.apitokens.errors import ERRORS, ErrorOut, domain_errors, idempotency_header
from onestop.cases import actions, channels, identity_reads, queries
from onestop.cases.audit import verify_case, verify_cases
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, Task
from onestop.cases.queries import (
    cases_for_user,
    get_case_for_user,
    tasks_for_user,
)
from onestop.cases.schemas import (
    AcceptIn,
    BreakOut,
    CaseDetailOut,
    CaseFilter,
    CaseIn,
    CasePageOut,
    DecideIn,
    DeliverIn,
    ExtensionDecisionIn,
    ExtensionIn,
    IdentityReadIn,
    IdentityReadOut,
    IdentityReadRowOut,
    OpinionIn,
    ProgressOut,
    ProgressQuery,
    ReasonsIn,
    ReassignIn,
    ReviewIn,
    SupplementIn,
    SuspendIn,
    TaskFilter,
    TaskOut,
    TaskPageOut,
    TimelineOut,
    VerifyOut,
    WithdrawIn,
    case_detail,
    case_out,
    event_out,
    is_case_staff,
    progress_out,
    task_list_out,
)
from onestop.catalog.queries import live_items
from onestop.core.errors import NotAllowed
from onestop.org.models import Applicant, Centre, Role
from onestop.org.queries import get_applicant_for_user, has_role
from onestop.workdays import queries as workdays

router = Router(tags=["cases"], auth=API_AUTH)
tasks_router = Router(tags=["tasks"], auth=API_AUTH)

IdempotencyKey = Annotated[
    str | None,
    idempotency_header("幂等键：同一办件上重复提交相同的键，第二次不做任何改动，返回当前状态"),
]


# --- scoped fetches --------------------------------------------------------------------------


def get_task_in_scope(user: User, pk: int) -> Task:
    """A task of a case the user may see, for staff only; 404 otherwise.

    Wider than `tasks_for_user` (the tasks one may work on) so that a department head can
    reassign a reviewer's task and an approver can read the opinions behind a decision; the
    actions themselves check who may do what."""
    task = None
    if is_case_staff(user):
        task = (
            Task.objects.filter(pk=pk, case__in=cases_for_user(user))
            .select_related("case__item", "case__region", "department", "assignee")
            .first()
        )
    if task is None:
        raise Http404("任务不存在")
    return task


def _fresh(case: Case) -> Case:
    """The case as it is after an action (the action returns its own locked copy)."""
    return Case.objects.select_related(
        "item", "department", "applicant", "centre", "region", "filed_by"
    ).get(pk=case.pk)


def _page(qs: QuerySet[Any], page: int, size: int) -> tuple[int, list[Any]]:
    count = qs.count()
    start = (page - 1) * size
    return count, list(qs[start : start + size])


# --- public progress lookup and the audit check (before the {case_id} routes) -------------


@router.get(
    "/progress",
    auth=None,
    response={200: ProgressOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    url_name="cases_progress",
    summary="办件进度查询（凭办件编号和查询码，无须登录）",
)
def progress(request: HttpRequest, q: Query[ProgressQuery]) -> Any:
    # Too many wrong pairs raise TooManyMisses: 429 with Retry-After (onestop.api.main).
    case = queries.lookup_progress(str(request.META.get("REMOTE_ADDR", "")), q.number, q.query_code)
    if case is None:
        return Status(
            404, ErrorOut(code="not_found", message="未找到该办件，请核对办件编号和查询码")
        )
    return progress_out(case)


AUDIT_ROLES = (Role.SUPERVISOR, Role.CENTRE_ADMIN)


@router.get(
    "/audit/verify",
    response={200: VerifyOut, **ERRORS},
    url_name="cases_audit_verify",
    summary="以密钥校验办件日志链和链头（效能监察员、中心管理员）",
)
@domain_errors
def audit_verify(request: HttpRequest) -> Any:
    user = api_user(request)
    if not (user.is_superuser or has_role(user, *AUDIT_ROLES)):
        raise NotAllowed("只有效能监察员和中心管理员可以校验办件日志")
    scope = cases_for_user(user)
    breaks = verify_cases(scope)
    return VerifyOut(
        checked=scope.count(),
        breaks=[BreakOut(case_number=b.case_number, seq=b.seq, reason=b.reason) for b in breaks],
    )


# --- cases -----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: CasePageOut, **ERRORS},
    url_name="cases_list",
    summary="办件列表（本人可见范围内，分页，证件号码脱敏）",
)
def list_cases(request: HttpRequest, f: Query[CaseFilter]) -> CasePageOut:
    qs = cases_for_user(api_user(request)).select_related("item", "department", "applicant")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.item:
        qs = qs.filter(item__code=f.item)
    if f.department:
        qs = qs.filter(department__key=f.department)
    count, rows = _page(qs.order_by("-created_at", "-pk"), f.page, f.page_size)
    now, cal = timezone.now(), workdays.calendar()
    return CasePageOut(
        count=count,
        page=f.page,
        page_size=f.page_size,
        items=[case_out(c, now, cal) for c in rows],
    )


def _applicant_for(user: User, pk: int | None) -> Applicant:
    own = Applicant.objects.filter(user=user).first()
    if pk is None:
        if own is None:
            raise CaseError("请指定申请人", field="applicant")
        return own
    if own is not None and own.pk == pk:
        return own
    return get_applicant_for_user(user, pk)


def _default_channel(user: User, applicant: Applicant) -> str:
    if applicant.user_id == user.pk:
        return Case.Channel.ONLINE
    if has_role(user, Role.COMMUNITY_AGENT):
        return Case.Channel.AGENT
    return Case.Channel.WINDOW


@router.post(
    "",
    response={200: CaseDetailOut, 201: CaseDetailOut, **ERRORS},
    summary="新建办件（草稿）",
    description="申请人本人网上申请（由事项所属部门的区政务服务中心受理，须事项支持网上申请），"
    "或本中心窗口受理员、本代办点代办员为其范围内的申请人申请。"
    "新建返回 201；相同幂等键重复提交返回 200 和已建的办件；相同幂等键而请求内容不同返回 422。",
)
@domain_errors
def create(request: HttpRequest, body: CaseIn, idempotency_key: IdempotencyKey = None) -> Any:
    user = api_user(request)
    item = live_items().select_related("department__region").filter(code=body.item).first()
    if item is None:
        raise CaseError("事项不存在或尚未发布", field="item")
    centre = None
    if body.centre:
        centre = Centre.objects.select_related("region").filter(key=body.centre).first()
        if centre is None:
            raise CaseError("受理网点不存在", field="centre")
    applicant = _applicant_for(user, body.applicant)
    channel = body.channel or _default_channel(user, applicant)
    # The pages' rules: online at the centre the item allows, window/agent by its own staff.
    centre = channels.filing_centre(item, applicant, channel, centre, user)
    now = timezone.now()
    case = actions.create_case(
        actions.NewCase(
            item=item,
            applicant=applicant,
            channel=channel,
            centre=centre,
            form_data=body.form_data,
        ),
        actor=user,
        now=now,
        key=idempotency_key or "",
    )
    # A replayed key returns the case created the first time.
    return Status(201 if case.created_at == now else 200, case_detail(_fresh(case), user))


@router.get(
    "/{int:case_id}",
    response={200: CaseDetailOut, **ERRORS},
    url_name="cases_detail",
    summary="办件详情（状态、可执行操作、材料、环节、期限、日志）",
)
@domain_errors
def detail(request: HttpRequest, case_id: int) -> Any:
    user = api_user(request)
    return case_detail(get_case_for_user(user, case_id), user)


@router.get(
    "/{int:case_id}/events",
    response={200: TimelineOut, **ERRORS},
    url_name="cases_events",
    summary="办件日志（含哈希链）",
)
@domain_errors
def events(request: HttpRequest, case_id: int) -> Any:
    case = get_case_for_user(api_user(request), case_id)
    rows = list(case.events.select_related("actor").order_by("seq"))
    breaks = verify_case(case, rows)
    return TimelineOut(
        case_number=case.number,
        intact=not breaks,
        breaks=[BreakOut(case_number=b.case_number, seq=b.seq, reason=b.reason) for b in breaks],
        events=[event_out(e) for e in rows],
    )


@router.post(
    "/{int:case_id}/identity",
    response={200: IdentityReadOut, **ERRORS},
    url_name="cases_identity",
    summary="查看完整证件号码（其他接口只返回脱敏值；须说明原因，每次查看都被记录）",
)
@domain_errors
def identity(
    request: HttpRequest, case_id: int, body: IdentityReadIn, idempotency_key: IdempotencyKey = None
) -> Any:
    user = api_user(request)
    case = get_case_for_user(user, case_id)
    rows = identity_reads.reveal_case_identity(
        case, actor=user, now=timezone.now(), reason=body.reason, key=idempotency_key or ""
    )
    return IdentityReadOut(
        case_number=case.number,
        rows=[IdentityReadRowOut(label=r.label, value=r.value) for r in rows],
    )


def _move(path: str, move: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a case move: POST /{case_id}/<path>, answering the case detail."""
    return router.post(
        f"/{{int:case_id}}/{path}",
        response={200: CaseDetailOut, **ERRORS},
        url_name=f"cases_{move}",
        summary=summary,
    )


def _run(
    request: HttpRequest,
    case_id: int,
    action: Callable[..., Any],
    key: str | None,
    **kwargs: Any,
) -> CaseDetailOut:
    """Scoped fetch, one action, the case as it now is."""
    user = api_user(request)
    case = get_case_for_user(user, case_id)
    action(case, actor=user, now=timezone.now(), key=key or "", **kwargs)
    return case_detail(_fresh(case), user)


@_move("submit", "submit", "提交申请（网上申请、代办）")
@domain_errors
def submit(request: HttpRequest, case_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    return _run(request, case_id, actions.submit_case, idempotency_key)


@_move("request-supplement", "request_supplement", "一次性告知补正材料")
@domain_errors
def request_supplement(
    request: HttpRequest, case_id: int, body: SupplementIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run(
        request,
        case_id,
        actions.request_supplement,
        idempotency_key,
        missing=body.missing,
        note=body.note,
    )


@_move("supply", "supply", "补正材料已补齐，提交受理")
@domain_errors
def supply(request: HttpRequest, case_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    return _run(request, case_id, actions.supply_materials, idempotency_key)


@_move("accept", "accept", "受理（可容缺受理）")
@domain_errors
def accept(
    request: HttpRequest,
    case_id: int,
    body: AcceptIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    return _run(
        request,
        case_id,
        actions.accept_case,
        idempotency_key,
        tolerated=(body or AcceptIn()).tolerated,
    )


@_move("not-accept", "not_accept", "不予受理")
@domain_errors
def not_accept(
    request: HttpRequest, case_id: int, body: ReasonsIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run(request, case_id, actions.not_accept, idempotency_key, reasons=body.reasons)


@_move("handle-instant", "handle_instant", "即办件当场办结")
@domain_errors
def handle_instant(
    request: HttpRequest, case_id: int, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run(request, case_id, actions.handle_instant, idempotency_key)


@_move("suspend", "suspend", "中止计时（听证、检验、专家评审等）")
@domain_errors
def suspend(
    request: HttpRequest, case_id: int, body: SuspendIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run(
        request, case_id, actions.suspend_case, idempotency_key, reason=body.reason, note=body.note
    )


@_move("resume", "resume", "恢复计时")
@domain_errors
def resume(request: HttpRequest, case_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    return _run(request, case_id, actions.resume_case, idempotency_key)


@_move("request-extension", "request_extension", "申请延期（报部门负责人审批）")
@domain_errors
def request_extension(
    request: HttpRequest, case_id: int, body: ExtensionIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run(request, case_id, actions.request_extension, idempotency_key, reason=body.reason)


@_move("complete", "complete", "办结")
@domain_errors
def complete(request: HttpRequest, case_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    return _run(request, case_id, actions.complete_case, idempotency_key)


@_move("deliver", "deliver", "送达")
@domain_errors
def deliver(
    request: HttpRequest,
    case_id: int,
    body: DeliverIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    return _run(
        request, case_id, actions.deliver_case, idempotency_key, method=(body or DeliverIn()).method
    )


@_move("withdraw", "withdraw", "撤回申请")
@domain_errors
def withdraw(
    request: HttpRequest,
    case_id: int,
    body: WithdrawIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    return _run(
        request,
        case_id,
        actions.withdraw_case,
        idempotency_key,
        reason=(body or WithdrawIn()).reason,
    )


# --- tasks -----------------------------------------------------------------------------------


@tasks_router.get(
    "",
    response={200: TaskPageOut, **ERRORS},
    url_name="tasks_list",
    summary="我的任务和本部门待认领的任务",
)
def list_tasks(request: HttpRequest, f: Query[TaskFilter]) -> TaskPageOut:
    user = api_user(request)
    qs = tasks_for_user(user).select_related("case__item", "case__region", "department", "assignee")
    qs = qs.filter(status=f.status) if f.status else qs.filter(status__in=Task.OPEN_STATES)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.mine:
        qs = qs.filter(assignee=user)
    elif f.unclaimed:
        qs = qs.filter(status=Task.Status.OPEN)
    else:
        qs = qs.filter(Q(assignee=user) | Q(status=Task.Status.OPEN))
    count, rows = _page(qs.order_by("due_at", "pk"), f.page, f.page_size)
    return TaskPageOut(
        count=count, page=f.page, page_size=f.page_size, items=task_list_out(rows, user)
    )


def _task_response(task: Task, user: User) -> TaskOut:
    fresh = Task.objects.select_related("case__item", "case__region", "department", "assignee").get(
        pk=task.pk
    )
    return task_list_out([fresh], user)[0]


@tasks_router.get(
    "/{int:task_id}",
    response={200: TaskOut, **ERRORS},
    url_name="tasks_detail",
    summary="任务详情",
)
@domain_errors
def task_detail(request: HttpRequest, task_id: int) -> Any:
    user = api_user(request)
    return _task_response(get_task_in_scope(user, task_id), user)


def _task_move(path: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return tasks_router.post(
        f"/{{int:task_id}}/{path}",
        response={200: TaskOut, **ERRORS},
        url_name=f"tasks_{path}",
        summary=summary,
    )


def _run_task(
    request: HttpRequest, task_id: int, action: Callable[..., Any], key: str | None, **kwargs: Any
) -> TaskOut:
    user = api_user(request)
    task = get_task_in_scope(user, task_id)
    action(task, actor=user, now=timezone.now(), key=key or "", **kwargs)
    return _task_response(task, user)


@_task_move("claim", "认领任务")
@domain_errors
def claim(request: HttpRequest, task_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    return _run_task(request, task_id, actions.claim_task, idempotency_key)


@_task_move("release", "退回任务（放回本部门待认领）")
@domain_errors
def release(request: HttpRequest, task_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    return _run_task(request, task_id, actions.release_task, idempotency_key)


@_task_move("reassign", "改派任务（部门负责人）")
@domain_errors
def reassign(
    request: HttpRequest, task_id: int, body: ReassignIn, idempotency_key: IdempotencyKey = None
) -> Any:
    user = api_user(request)
    task = get_task_in_scope(user, task_id)  # scope first: an outsider learns nothing else
    to = User.objects.filter(pk=body.to, is_active=True).first()
    if to is None:
        raise CaseError("改派对象不存在", field="to")
    actions.reassign_task(task, to=to, actor=user, now=timezone.now(), key=idempotency_key or "")
    return _task_response(task, user)


@_task_move("opinion", "出具会签意见")
@domain_errors
def opinion(
    request: HttpRequest, task_id: int, body: OpinionIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run_task(
        request,
        task_id,
        actions.give_opinion,
        idempotency_key,
        agree=body.agree,
        opinion=body.opinion,
    )


@_task_move("review", "提交审核意见")
@domain_errors
def review(
    request: HttpRequest, task_id: int, body: ReviewIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run_task(
        request,
        task_id,
        actions.submit_review,
        idempotency_key,
        recommend_grant=body.recommend_grant,
        opinion=body.opinion,
    )


@_task_move("decide", "作出准予或不予许可的决定")
@domain_errors
def decide(
    request: HttpRequest, task_id: int, body: DecideIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _run_task(
        request,
        task_id,
        actions.decide_case,
        idempotency_key,
        grant=body.grant,
        reasons=body.reasons,
    )


@_task_move("extension", "审批延期申请（部门负责人）")
@domain_errors
def extension(
    request: HttpRequest,
    task_id: int,
    body: ExtensionDecisionIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    return _run_task(
        request, task_id, actions.decide_extension, idempotency_key, approve=body.approve
    )
