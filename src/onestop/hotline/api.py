"""The hotline JSON API for the console and the department inbox: parse → scoped fetch → one
action from onestop.hotline.actions → JSON.

Mounted at /api/v1/hotline. Out-of-scope ids are 404, domain errors 403/409/422, all as
`{"code", "message", "field"}`; every POST takes an optional `Idempotency-Key` header.
A department never sees an anonymous reporter: name and phone come back empty.

No `from __future__ import annotations` here: ninja resolves the annotations of the wrapped
views at import time.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from onestop.apitokens.auth import API_AUTH, api_user
from onestop.apitokens.errors import ERRORS, domain_errors, idempotency_header
from onestop.cases.lights import light
from onestop.hotline import actions, permissions, queries
from onestop.hotline import router as routing
from onestop.hotline.errors import HotlineError
from onestop.hotline.models import Dispatch, Kind, Ticket, Urgency
from onestop.hotline.rules import NewTicket
from onestop.hotline.workflow import DISPATCH_OPEN, TicketStatus
from onestop.org.models import Department, Region
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar, local_date

router = Router(tags=["hotline"], auth=API_AUTH)

IdempotencyKey = Annotated[
    str | None, idempotency_header("幂等键：同一工单上重复提交相同的键，第二次不做任何改动")
]


class TicketIn(Schema):
    kind: Kind = Field(
        description="consult 咨询 / help 求助 / complaint 投诉 / suggestion 建议 / "
        "report 举报 / praise 表扬"
    )
    content: str = Field(max_length=4000, description="诉求内容")
    urgency: Urgency = Urgency.NORMAL
    caller_name: str = Field("", max_length=50)
    caller_phone: str = Field("", max_length=20, description="实名诉求必填")
    anonymous: bool = Field(False, description="匿名：承办部门看不到来电人")
    address: str = Field("", max_length=200)
    region_code: str = Field("", max_length=12, description="街道或社区的区划代码")


class SuggestionOut(Schema):
    department: str
    department_id: int | None
    confidence: float = Field(description="0–1")
    reason: str = Field("", description="为何建议该部门：关键词规则、属地事项等")


class DispatchOut(Schema):
    id: int
    ticket_id: int
    ticket_number: str
    department: str
    lead: bool
    status: str
    status_label: str
    dispatched_at: dt.datetime
    sign_due_at: dt.datetime
    send_back_due_at: dt.datetime
    due_at: dt.datetime
    due_provisional: bool = Field(description="期限跨入尚未载入节假日安排的年份，仅为暂定")
    signed_at: dt.datetime | None
    sent_back_at: dt.datetime | None
    send_back_reason: str
    replied_at: dt.datetime | None
    reply: str
    light: str | None


class TicketOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    urgency: str
    channel: str
    status: str
    status_label: str
    title: str
    anonymous: bool
    caller_name: str = Field(description="匿名工单对承办部门为空")
    caller_phone: str = Field(description="列表中打码；匿名工单对承办部门为空")
    address: str
    region: str
    registered_at: dt.datetime
    lead_department: str
    due_at: dt.datetime | None
    due_provisional: bool = Field(description="期限跨入尚未载入节假日安排的年份，仅为暂定")
    light: str | None


class TicketDetailOut(TicketOut):
    content: str
    answer: str
    suggestion: SuggestionOut | None
    dispatches: list[DispatchOut]
    similar: list[str] = Field(description="同一地点相似在办工单的编号（可合并）")
    escalated: bool


class TicketPageOut(Schema):
    count: int
    items: list[TicketOut]


class DispatchIn(Schema):
    lead_department_id: int
    co_department_ids: list[int] = []
    note: str = Field("", max_length=500)


class TextIn(Schema):
    text: str = Field(max_length=4000)


class MergeIn(Schema):
    into_id: int


class CallbackIn(Schema):
    resolution: str = Field(description="solved 已解决 / partly 基本解决 / unsolved 未解决")
    satisfaction: str = Field(description="satisfied 满意 / basic 基本满意 / unsatisfied 不满意")
    note: str = Field("", max_length=1000)


class ExtensionIn(Schema):
    days: int = Field(ge=1, le=10)
    reason: str = Field(max_length=500)


class HitOut(Schema):
    kind: str = Field(description="article 知识库 / guide 办事指南")
    title: str
    body: str
    department: str
    url: str
    stale: bool


class TicketFilter(Schema):
    status: str = ""
    q: str = Field("", max_length=40)
    offset: int = Field(0, ge=0)
    limit: int = Field(25, ge=1, le=100)


# --- shapes ------------------------------------------------------------------------------------


def _reporter(ticket: Ticket, user: User, *, masked: bool) -> tuple[str, str]:
    """(name, phone) as the user may see them."""
    if ticket.anonymous and not queries.sees_all(user):
        return "", ""
    phone = ticket.masked_phone if masked else ticket.caller_phone
    return ticket.caller_name, phone


def dispatch_out(d: Dispatch, now: dt.datetime, cal: Calendar | None = None) -> DispatchOut:
    return DispatchOut(
        id=d.pk,
        ticket_id=d.ticket_id,
        ticket_number=d.ticket.number,
        department=d.department.short_name,
        lead=d.lead,
        status=d.status,
        status_label=d.get_status_display(),
        dispatched_at=d.dispatched_at,
        sign_due_at=d.sign_due_at,
        send_back_due_at=d.send_back_due_at,
        due_at=d.due_at,
        due_provisional=(cal or workdays.calendar()).provisional(d.dispatched_at, d.due_at),
        signed_at=d.signed_at,
        sent_back_at=d.sent_back_at,
        send_back_reason=d.send_back_reason,
        replied_at=d.replied_at,
        reply=d.reply,
        light=light(d.dispatched_at, d.due_at, now, cal) if d.is_open else None,
    )


def _fields(
    t: Ticket, user: User, now: dt.datetime, *, masked: bool, cal: Calendar | None = None
) -> dict[str, Any]:
    name, phone = _reporter(t, user, masked=masked)
    return {
        "id": t.pk,
        "number": t.number,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "urgency": t.urgency,
        "channel": t.channel,
        "status": t.status,
        "status_label": t.get_status_display(),
        "title": t.title,
        "anonymous": t.anonymous,
        "caller_name": name,
        "caller_phone": phone,
        "address": t.address,
        "region": t.region.name if t.region else "",
        "registered_at": t.registered_at,
        "lead_department": t.lead_department.short_name if t.lead_department else "",
        "due_at": t.due_at,
        "due_provisional": (cal or workdays.calendar()).provisional(t.registered_at, t.due_at),
        "light": light(t.dispatched_at, t.due_at, now, cal) if t.is_open else None,
    }


def suggestion_out(found: routing.Suggestion) -> SuggestionOut:
    dept = routing.department_for_label(found.department)
    return SuggestionOut(
        department=found.department,
        department_id=dept.pk if dept else None,
        confidence=found.confidence,
        reason=found.reason,
    )


def detail_out(t: Ticket, user: User) -> TicketDetailOut:
    now, cal = timezone.now(), workdays.calendar()
    suggestion = None
    refused = {d.name for d in queries.refused_departments(t)}
    if t.status == TicketStatus.SENT_BACK and refused:
        # 改派: a fresh suggestion that leaves out the departments that sent it back.
        found = routing.suggest_for_ticket(
            t.content, t.address, t.region.name if t.region else "", exclude=refused
        )
        suggestion = suggestion_out(found) if found is not None else None
    elif t.suggested_department:
        dept = routing.department_for_label(t.suggested_department)
        suggestion = SuggestionOut(
            department=t.suggested_department,
            department_id=dept.pk if dept else None,
            confidence=t.suggested_confidence or 0.0,
            reason="",
        )
    centre = queries.sees_all(user)
    similar = (
        queries.similar_open_tickets(t.content, t.address, t.region, exclude=t)
        if centre and t.status == TicketStatus.REGISTERED
        else []
    )
    dispatches = t.dispatches.select_related("department", "ticket").order_by("-lead", "pk")
    return TicketDetailOut(
        **_fields(t, user, now, masked=False, cal=cal),
        content=t.content,
        answer=t.answer,
        suggestion=suggestion,
        dispatches=[dispatch_out(d, now, cal) for d in dispatches],
        similar=[s.number for s in similar],
        escalated=hasattr(t, "escalation"),
    )


def _operator(request: HttpRequest) -> User:
    user = api_user(request)
    permissions.require_operator(user)
    return user


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return queries.get_ticket_for_user(api_user(request), ticket_id)


def _on_ticket(
    request: HttpRequest,
    ticket_id: int,
    move: Callable[..., object],
    key: str | None,
    resolve: Callable[[], dict[str, Any]] | None = None,
    **fields: Any,
) -> TicketDetailOut:
    """The operator's move on a ticket in scope; the ticket as it is afterwards. `resolve`
    reads what the body names (departments) only after the scoped fetch, so that an outsider
    is told the ticket is not theirs, never whether the body's ids exist."""
    user = _operator(request)
    ticket = _ticket(request, ticket_id)
    if resolve is not None:
        fields.update(resolve())
    move(ticket, actor=user, now=timezone.now(), key=key or "", **fields)
    return detail_out(Ticket.objects.get(pk=ticket.pk), user)


def _on_dispatch(
    request: HttpRequest,
    dispatch_id: int,
    move: Callable[..., object],
    key: str | None,
    **fields: Any,
) -> DispatchOut:
    """The department's move on its dispatch; the dispatch as it is afterwards."""
    d = _dispatch(request, dispatch_id)
    move(d, actor=api_user(request), now=timezone.now(), key=key or "", **fields)
    fresh = Dispatch.objects.select_related("ticket", "department").get(pk=d.pk)
    return dispatch_out(fresh, timezone.now())


def _dispatch(request: HttpRequest, dispatch_id: int) -> Dispatch:
    return queries.get_dispatch_for_user(api_user(request), dispatch_id)


def _department(pk: int, field: str) -> Department:
    dept = Department.objects.filter(pk=pk).first()
    if dept is None:
        raise HotlineError("部门不存在", field=field)
    return dept


# --- tickets -----------------------------------------------------------------------------------


@router.get(
    "/tickets",
    response={200: TicketPageOut, **ERRORS},
    url_name="hotline_tickets",
    summary="工单列表（中心看全部，部门看派给本部门的；电话打码）",
)
@domain_errors
def list_tickets(request: HttpRequest, filters: Query[TicketFilter]) -> Any:
    user = api_user(request)
    qs = queries.tickets_for_user(user).order_by("-registered_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q))
    now, cal = timezone.now(), workdays.calendar()  # one calendar for every row's light
    rows = qs[filters.offset : filters.offset + filters.limit]
    return TicketPageOut(
        count=qs.count(),
        items=[TicketOut(**_fields(t, user, now, masked=True, cal=cal)) for t in rows],
    )


@router.post(
    "/tickets",
    response={201: TicketDetailOut, **ERRORS},
    url_name="hotline_register",
    summary="受理来电（返回建议承办部门及置信度、相似在办工单）",
)
@domain_errors
def register(request: HttpRequest, body: TicketIn, idempotency_key: IdempotencyKey = None) -> Any:
    user = _operator(request)
    region = None
    if body.region_code:
        region = Region.objects.filter(code=body.region_code).first()
        if region is None:
            raise HotlineError("区划代码不存在", field="region_code")
    data = NewTicket(
        kind=body.kind,
        content=body.content,
        urgency=body.urgency,
        caller_name=body.caller_name,
        caller_phone=body.caller_phone,
        anonymous=body.anonymous,
        address=body.address,
        region=region,
    )
    found = routing.suggest_for_ticket(data.content, data.address, region.name if region else "")
    ticket = actions.register_ticket(
        data,
        actor=user,
        now=timezone.now(),
        key=idempotency_key or "",
        suggestion=(found.department, found.confidence) if found else None,
    )
    return Status(201, detail_out(ticket, user))


@router.get(
    "/tickets/{int:ticket_id}",
    response={200: TicketDetailOut, **ERRORS},
    url_name="hotline_ticket",
    summary="工单详情",
)
@domain_errors
def ticket_detail(request: HttpRequest, ticket_id: int) -> Any:
    return detail_out(_ticket(request, ticket_id), api_user(request))


@router.post(
    "/tickets/{int:ticket_id}/dispatch",
    response={200: TicketDetailOut, **ERRORS},
    url_name="hotline_dispatch",
    summary="派单或改派（主办部门一个，协办部门可多个）",
)
@domain_errors
def dispatch(
    request: HttpRequest, ticket_id: int, body: DispatchIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _on_ticket(
        request,
        ticket_id,
        actions.dispatch_ticket,
        idempotency_key,
        resolve=lambda: {
            "lead": _department(body.lead_department_id, "lead_department_id"),
            "co": [_department(pk, "co_department_ids") for pk in body.co_department_ids],
        },
        note=body.note,
    )


@router.post(
    "/tickets/{int:ticket_id}/answer",
    response={200: TicketDetailOut, **ERRORS},
    url_name="hotline_answer",
    summary="咨询当场解答并办结",
)
@domain_errors
def answer(
    request: HttpRequest, ticket_id: int, body: TextIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _on_ticket(request, ticket_id, actions.answer_on_spot, idempotency_key, answer=body.text)


@router.post(
    "/tickets/{int:ticket_id}/merge",
    response={200: TicketDetailOut, **ERRORS},
    url_name="hotline_merge",
    summary="合并到同一地点同一问题的在办工单，并短信告知进度",
)
@domain_errors
def merge(
    request: HttpRequest, ticket_id: int, body: MergeIn, idempotency_key: IdempotencyKey = None
) -> Any:
    _operator(request)
    into = _ticket(request, body.into_id)
    return _on_ticket(request, ticket_id, actions.merge_ticket, idempotency_key, into=into)


@router.post(
    "/tickets/{int:ticket_id}/callback",
    response={200: TicketDetailOut, **ERRORS},
    url_name="hotline_callback",
    summary="回访并办结",
)
@domain_errors
def callback(
    request: HttpRequest, ticket_id: int, body: CallbackIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _on_ticket(
        request,
        ticket_id,
        actions.record_callback,
        idempotency_key,
        resolution=body.resolution,
        satisfaction=body.satisfaction,
        note=body.note,
    )


@router.post(
    "/tickets/{int:ticket_id}/reopen",
    response={200: TicketDetailOut, **ERRORS},
    url_name="hotline_reopen",
    summary="回访未解决或不满意的工单重办",
)
@domain_errors
def reopen(
    request: HttpRequest, ticket_id: int, body: TextIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _on_ticket(request, ticket_id, actions.reopen_ticket, idempotency_key, reason=body.text)


@router.get(
    "/callers/{phone}/tickets",
    response={200: list[TicketOut], **ERRORS},
    url_name="hotline_caller",
    summary="来电历史（按电话号码）",
)
@domain_errors
def caller_history(request: HttpRequest, phone: str) -> Any:
    user = _operator(request)
    now, cal = timezone.now(), workdays.calendar()
    return [
        TicketOut(**_fields(t, user, now, masked=True, cal=cal))
        for t in queries.caller_history(phone)
    ]


@router.get(
    "/suggest",
    response={200: SuggestionOut | None, **ERRORS},
    url_name="hotline_suggest",
    summary="按诉求内容和地址建议承办部门",
)
@domain_errors
def suggest(request: HttpRequest, text: str, address: str = "") -> Any:
    _operator(request)
    found = routing.suggest_for_ticket(text[:4000], address[:200])
    return suggestion_out(found) if found is not None else None


@router.get(
    "/kb",
    response={200: list[HitOut], **ERRORS},
    url_name="hotline_kb",
    summary="知识库与办事指南检索（中文分词）",
)
@domain_errors
def kb(request: HttpRequest, q: str) -> Any:
    user = api_user(request)
    if not permissions.reads_knowledge(user):
        raise Http404("不存在")
    hits = queries.search_knowledge(q[:200], local_date(timezone.now()))
    return [
        HitOut(
            kind=h.kind,
            title=h.title,
            body=h.body,
            department=h.department,
            url=h.url,
            stale=h.stale,
        )
        for h in hits
    ]


# --- the department inbox ----------------------------------------------------------------------


@router.get(
    "/inbox",
    response={200: list[DispatchOut], **ERRORS},
    url_name="hotline_inbox",
    summary="本部门派单（在办在前，按期限）",
)
@domain_errors
def inbox(request: HttpRequest, open_only: bool = True) -> Any:
    user = api_user(request)
    rows = queries.inbox_for_user(user)
    if open_only:
        rows = rows.filter(status__in=DISPATCH_OPEN)
    now, cal = timezone.now(), workdays.calendar()
    return [dispatch_out(d, now, cal) for d in rows[:200]]


@router.post(
    "/dispatches/{int:dispatch_id}/sign",
    response={200: DispatchOut, **ERRORS},
    url_name="hotline_sign",
    summary="签收",
)
@domain_errors
def sign(request: HttpRequest, dispatch_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    return _on_dispatch(request, dispatch_id, actions.sign_dispatch, idempotency_key)


@router.post(
    "/dispatches/{int:dispatch_id}/send-back",
    response={200: DispatchOut, **ERRORS},
    url_name="hotline_send_back",
    summary="退单（派单后 2 个工作日内，须说明理由）",
)
@domain_errors
def send_back(
    request: HttpRequest, dispatch_id: int, body: TextIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _on_dispatch(request, dispatch_id, actions.send_back, idempotency_key, reason=body.text)


@router.post(
    "/dispatches/{int:dispatch_id}/reply",
    response={200: DispatchOut, **ERRORS},
    url_name="hotline_reply",
    summary="答复办理结果",
)
@domain_errors
def reply(
    request: HttpRequest, dispatch_id: int, body: TextIn, idempotency_key: IdempotencyKey = None
) -> Any:
    return _on_dispatch(
        request, dispatch_id, actions.reply_dispatch, idempotency_key, reply=body.text
    )


@router.post(
    "/dispatches/{int:dispatch_id}/extension",
    response={201: DispatchOut, **ERRORS},
    url_name="hotline_extension",
    summary="申请延期（须中心批准）",
)
@domain_errors
def extension(
    request: HttpRequest,
    dispatch_id: int,
    body: ExtensionIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    out = _on_dispatch(
        request,
        dispatch_id,
        actions.request_extension,
        idempotency_key,
        days=body.days,
        reason=body.reason,
    )
    return Status(201, out)
