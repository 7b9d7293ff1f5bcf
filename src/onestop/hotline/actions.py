"""Every move of a hotline ticket (STYLE §3): one transaction that locks the ticket, checks the
actor's right and the current state, changes it and appends one event; notices go to the
notify outbox in the same transaction.

受理 register_ticket → 派单 dispatch_ticket → 签收 sign_dispatch | 退单 send_back →
答复 reply_dispatch → 回访 record_callback → 办结 (or reopen_ticket); answer_on_spot closes a
consultation at once; merge_ticket joins a duplicate to an open ticket; escalate_ticket,
instruct_escalation and follow_escalation are 督办.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation

from onestop.cases.errors import CaseError
from onestop.cases.materials import Checked, check_upload, clean_name
from onestop.core.errors import DomainError, NotAllowed, TransitionError
from onestop.core.locking import hold_keyed_requests_of
from onestop.core.sequences import next_in_sequence
from onestop.hotline import rules
from onestop.hotline.models import (
    Article,
    Attachment,
    Callback,
    Dispatch,
    Escalation,
    Extension,
    Kind,
    Leader,
    Ticket,
    TicketEvent,
    TicketSequence,
    Urgency,
)
from onestop.hotline.text import index_words
from onestop.lib.identity import check_mobile
from onestop.notify.actions import enqueue, tell
from onestop.notify.models import Message
from onestop.org.models import Department, Region, Role, StaffRole
from onestop.org.queries import has_role, staff_roles_of, users_with_role
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Ticket.Status
D = Dispatch.Status
QUERY_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Staff of a department who work its tickets (the hotline operator of the centre does not).
HANDLER_ROLES = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)
MAX_EXTENSION_DAYS = 10
_PHONE = re.compile(r"^[0-9+\-]{5,20}$")


# --- who may do what ---------------------------------------------------------------------------


def is_operator(user: User) -> bool:
    return bool(user.is_superuser) or has_role(user, Role.HOTLINE_OPERATOR)


def is_leader(user: User) -> bool:
    return bool(user.is_superuser) or Leader.objects.filter(user=user).exists()


def is_supervision_officer(user: User) -> bool:
    return bool(user.is_superuser) or has_role(user, Role.SUPERVISOR)


def handler_departments(user: User) -> set[int]:
    """Departments whose tickets the user works (sign, send back, reply)."""
    return {
        r.department_id
        for r in staff_roles_of(user)
        if r.role in HANDLER_ROLES and r.department_id is not None
    }


def _require_operator(actor: User) -> None:
    if not is_operator(actor):
        raise NotAllowed("只有热线话务员可以执行该操作")


def _require_handler(actor: User, dispatch: Dispatch) -> None:
    if dispatch.department_id not in handler_departments(actor):
        raise NotAllowed("该工单不是派给您所在部门的")


# --- helpers -----------------------------------------------------------------------------------


def _zh(text: object) -> str:
    """A lazy label as Chinese, whatever language the request runs in (records and SMS)."""
    with translation.override("zh-hans"):
        return str(text)


def _lock(ticket: Ticket | int) -> Ticket:
    pk = ticket if isinstance(ticket, int) else ticket.pk
    return Ticket.objects.select_for_update(of=("self",)).get(pk=pk)


def _lock_dispatch(dispatch: Dispatch) -> tuple[Ticket, Dispatch]:
    """Lock the ticket first, then its dispatch: every move takes the locks in that order."""
    ticket = _lock(dispatch.ticket_id)
    return ticket, Dispatch.objects.select_for_update(of=("self",)).get(pk=dispatch.pk)


def _done(ticket: Ticket, key: str) -> bool:
    return bool(key) and TicketEvent.objects.filter(ticket=ticket, key=key).exists()


def _event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    department: Department | int | None = None,
    note: str = "",
    key: str = "",
) -> TicketEvent:
    dept_id = department.pk if isinstance(department, Department) else department
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        at=now,
        actor=actor,
        department_id=dept_id,
        note=note[:2000],
        key=key[:64],
    )


def _state(ticket: Ticket, allowed: Iterable[str], label: str) -> None:
    if ticket.status not in allowed:
        raise TransitionError(f"工单当前状态为“{ticket.get_status_display()}”，不能{label}")


def _text(value: str, field: str, label: str, *, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise CaseError(f"{label}不能超过 {limit} 个字", field=field)
    return value


def department_handlers(department_id: int) -> list[User]:
    ids = (
        StaffRole.objects.filter(department_id=department_id, role__in=HANDLER_ROLES)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def operators() -> list[User]:
    return users_with_role(Role.HOTLINE_OPERATOR)


def _tell(users: Iterable[User], subject: str, body: str, now: datetime, template: str) -> None:
    tell(users, subject, body, now=now, template=template)


def _sms_caller(ticket: Ticket, body: str, now: datetime, template: str) -> None:
    if ticket.caller_phone and check_mobile(ticket.caller_phone).valid:
        enqueue(
            channel=Message.Channel.SMS,
            address=ticket.caller_phone,
            body=body,
            now=now,
            template=template,
        )


# --- registering -------------------------------------------------------------------------------


@dataclass
class NewTicket:
    kind: str
    content: str
    channel: str = Ticket.Channel.PHONE
    title: str = ""
    urgency: str = Urgency.NORMAL
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False
    address: str = ""
    region: Region | None = None
    lat: float | None = None
    long: float | None = None
    attachments: Sequence[object] = field(default_factory=list)


def _check_new(data: NewTicket) -> None:
    if data.kind not in Kind.values:
        raise CaseError("请选择诉求类型（咨询、求助、投诉、建议、举报、表扬）", field="kind")
    if data.urgency not in Urgency.values:
        raise CaseError("紧急程度应为一般或紧急", field="urgency")
    if data.channel not in Ticket.Channel.values:
        raise CaseError("无效的来源渠道", field="channel")
    _text(data.content, "content", "诉求内容", limit=4000)
    phone = data.caller_phone.strip()
    if phone and not _PHONE.match(phone):
        raise CaseError("联系电话格式不正确", field="caller_phone")
    if not data.anonymous and not phone:
        raise CaseError(
            "实名诉求请留下联系电话，以便答复和回访；也可选择匿名", field="caller_phone"
        )
    if len(data.caller_name) > 50:
        raise CaseError("姓名不能超过 50 个字", field="caller_name")
    if len(data.address) > 200:
        raise CaseError("地址不能超过 200 个字", field="address")
    for value, name, lo, hi in ((data.lat, "lat", -90, 90), (data.long, "long", -180, 180)):
        if value is not None and not lo <= value <= hi:
            raise CaseError("经纬度超出范围", field=name)


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_CHARS) for _ in range(6))


def next_number(now: datetime) -> str:
    prefix = f"RX{local_date(now):%Y%m%d}"
    return f"{prefix}-{next_in_sequence(TicketSequence, prefix):04d}"


def _title(data: NewTicket) -> str:
    if data.title.strip():
        return data.title.strip()[:100]
    first = re.split(r"[。！？!?\n]", data.content.strip(), maxsplit=1)[0]
    return (first[:30] + ("…" if len(first) > 30 else "")) or _zh(Kind(data.kind).label)


MAX_ATTACHMENTS = 5


def _check_attachments(uploads: Sequence[object]) -> list[tuple[UploadedFile, Checked]]:
    """Every file checked by its content before anything is written (cases.materials rules)."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise CaseError(f"附件最多 {MAX_ATTACHMENTS} 个", field="attachments")
    checked = []
    for upload in uploads:
        up = cast(UploadedFile, upload)
        try:
            checked.append((up, check_upload(up)))
        except DomainError as e:
            name = clean_name(up.name or "")
            raise CaseError(f"附件“{name}”：{e.message}", field="attachments") from e
    return checked


def _attach(
    ticket: Ticket, checked: list[tuple[UploadedFile, Checked]], now: datetime, stored: list[str]
) -> None:
    """Store the files under random names (hotline/YYYY/MM/<random>.<real extension>)."""
    day = local_date(now)
    for upload, info in checked:
        upload.seek(0)
        name = default_storage.save(
            f"hotline/{day:%Y/%m}/{secrets.token_hex(16)}{info.extension}", upload
        )
        stored.append(name)
        Attachment.objects.create(
            ticket=ticket,
            file=name,
            original_name=clean_name(upload.name or ""),
            content_type=info.content_type,
            size=info.size,
            uploaded_at=now,
        )


def register_ticket(
    data: NewTicket,
    *,
    actor: User | None,
    now: datetime,
    key: str = "",
    suggestion: tuple[str, float] | None = None,
) -> Ticket:
    """受理: a call the operator takes, or a message from the portal or Open311 (actor None).

    The files are checked before the transaction and deleted again if it fails, so that a
    refused ticket leaves no file behind."""
    checked = _check_attachments(data.attachments)
    stored: list[str] = []
    try:
        return _register(
            data,
            actor=actor,
            now=now,
            key=key,
            suggestion=suggestion,
            checked=checked,
            stored=stored,
        )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _register(
    data: NewTicket,
    *,
    actor: User | None,
    now: datetime,
    key: str,
    suggestion: tuple[str, float] | None,
    checked: list[tuple[UploadedFile, Checked]],
    stored: list[str],
) -> Ticket:
    if key:
        hold_keyed_requests_of(actor)
        done = TicketEvent.objects.filter(kind="registered", key=key[:64]).first()
        if done is not None:
            return done.ticket
    if actor is not None and data.channel == Ticket.Channel.PHONE:
        _require_operator(actor)
    _check_new(data)
    anonymous = data.anonymous
    ticket = Ticket.objects.create(
        number=next_number(now),
        query_code=new_query_code(),
        channel=data.channel,
        kind=data.kind,
        urgency=data.urgency,
        anonymous=anonymous,
        caller_name="" if anonymous else data.caller_name.strip(),
        caller_phone=data.caller_phone.strip(),
        title=_title(data),
        content=data.content.strip(),
        address=data.address.strip(),
        region=data.region,
        lat=data.lat,
        long=data.long,
        registered_at=now,
        registered_by=actor,
        suggested_department=suggestion[0] if suggestion else "",
        suggested_confidence=round(suggestion[1], 4) if suggestion else None,
    )
    _attach(ticket, checked, now, stored)
    _event(ticket, "registered", actor=actor, now=now, key=key)
    from onestop.hotline.queries import similar_open_tickets

    similar = similar_open_tickets(ticket.content, ticket.address, ticket.region, exclude=ticket)
    reason = rules.major_reason(ticket.kind, ticket.content, len(similar))
    if reason:
        _escalate(ticket, reason=reason, actor=None, now=now)
    _sms_caller(
        ticket,
        f"【{settings.ONESTOP_PLACE_NAME}12345】您的诉求已受理，"
        f"工单号 {ticket.number}，查询码 {ticket.query_code}。",
        now,
        "hotline_registered",
    )
    return ticket


@transaction.atomic
def answer_on_spot(
    ticket: Ticket, *, actor: User, now: datetime, answer: str, key: str = ""
) -> Ticket:
    """直接答复: the operator answers a consultation from the knowledge base and closes it."""
    ticket = _lock(ticket)
    if _done(ticket, key):
        return ticket
    _require_operator(actor)
    _state(ticket, [S.REGISTERED], "当场解答")
    if ticket.kind != Kind.CONSULT:
        raise TransitionError("只有咨询类诉求可以当场解答办结，其他诉求请派单")
    ticket.answer = _text(answer, "answer", "答复内容")
    ticket.status = S.ANSWERED
    ticket.replied_at = ticket.closed_at = now
    ticket.save(update_fields=["answer", "status", "replied_at", "closed_at"])
    _event(ticket, "answered", actor=actor, now=now, note=ticket.answer, key=key)
    return ticket


@transaction.atomic
def merge_ticket(
    ticket: Ticket, *, into: Ticket, actor: User, now: datetime, key: str = ""
) -> Ticket:
    """A duplicate joins an open ticket; the caller is told the open one's progress."""
    first, second = sorted([ticket.pk, into.pk])
    locked = {first: _lock(first), second: _lock(second)}  # fixed order: no deadlock
    ticket, into = locked[ticket.pk], locked[into.pk]
    if _done(ticket, key):
        return ticket
    _require_operator(actor)
    if ticket.pk == into.pk:
        raise CaseError("不能合并到工单本身", field="into")
    _state(ticket, [S.REGISTERED], "合并")
    if not into.is_open:
        raise TransitionError(f"工单 {into.number} 已办结，不能合并进去")
    ticket.status = S.MERGED
    ticket.merged_into = into
    ticket.closed_at = now
    ticket.save(update_fields=["status", "merged_into", "closed_at"])
    with translation.override("zh-hans"):  # texts to citizens and records are in Chinese
        progress = f"{into.get_status_display()}" + (
            f"，承办部门：{into.lead_department}" if into.lead_department_id else ""
        )
    _event(ticket, "merged", actor=actor, now=now, note=into.number, key=key)
    _event(into, "merged_in", actor=actor, now=now, note=ticket.number)
    _sms_caller(
        ticket,
        f"【{settings.ONESTOP_PLACE_NAME}12345】"
        f"您反映的问题已有工单 {into.number} 在办理，目前{progress}，"
        "办理结果将一并告知您。",
        now,
        "hotline_merged",
    )
    return ticket


# --- dispatch, sign, send back, reply ----------------------------------------------------------


@transaction.atomic
def dispatch_ticket(
    ticket: Ticket,
    *,
    actor: User,
    now: datetime,
    lead: Department,
    co: Sequence[Department] = (),
    note: str = "",
    key: str = "",
) -> Ticket:
    """派单 (or 改派 after a send-back, or again after a reopen): one lead department and optional
    co-departments, each with the deadlines of the ticket's type and urgency."""
    ticket = _lock(ticket)
    if _done(ticket, key):
        return ticket
    _require_operator(actor)
    _state(ticket, [S.REGISTERED, S.SENT_BACK], "派单")
    co_ids = [d.pk for d in co if d.pk != lead.pk]
    if len(set(co_ids)) != len(co_ids):
        raise CaseError("协办部门重复", field="co")
    # Whatever is still open of an earlier dispatch is withdrawn (a send-back ends the lead's).
    Dispatch.objects.filter(ticket=ticket, status__in=[D.PENDING, D.SIGNED]).update(
        status=D.WITHDRAWN
    )
    times = rules.deadlines(ticket.kind, ticket.urgency, now)
    for dept_id, is_lead in [(lead.pk, True)] + [(pk, False) for pk in co_ids]:
        Dispatch.objects.create(
            ticket=ticket,
            department_id=dept_id,
            lead=is_lead,
            dispatched_at=now,
            dispatched_by=actor,
            note=note.strip()[:500],
            sign_due_at=times.sign_due_at,
            send_back_due_at=times.send_back_due_at,
            due_at=times.due_at,
        )
        _tell(
            department_handlers(dept_id),
            f"新热线工单待签收：{ticket.number}",
            f"{'主办' if is_lead else '协办'}：{ticket.title}。请在签收期限内签收，"
            f"办理时限 {times.label}。",
            now,
            "hotline_dispatched",
        )
    redispatch = ticket.status == S.SENT_BACK
    ticket.status = S.DISPATCHED
    ticket.lead_department = lead
    ticket.dispatched_at = now
    ticket.sign_due_at = times.sign_due_at
    ticket.due_at = times.due_at
    ticket.alerted_light = ""
    ticket.save(
        update_fields=[
            "status",
            "lead_department",
            "dispatched_at",
            "sign_due_at",
            "due_at",
            "alerted_light",
        ]
    )
    names = "、".join([lead.short_name] + [d.short_name for d in co if d.pk in co_ids])
    _event(
        ticket,
        "redispatched" if redispatch else "dispatched",
        actor=actor,
        now=now,
        department=lead,
        note=f"派至 {names}" + (f"；{note.strip()}" if note.strip() else ""),
        key=key,
    )
    return ticket


@transaction.atomic
def sign_dispatch(dispatch: Dispatch, *, actor: User, now: datetime, key: str = "") -> Dispatch:
    """签收: the department takes the ticket on."""
    ticket, dispatch = _lock_dispatch(dispatch)
    if _done(ticket, key):
        return dispatch
    _require_handler(actor, dispatch)
    if dispatch.status != D.PENDING:
        raise TransitionError(f"该派单当前为“{dispatch.get_status_display()}”，不能签收")
    dispatch.status = D.SIGNED
    dispatch.signed_at = now
    dispatch.signed_by = actor
    dispatch.save(update_fields=["status", "signed_at", "signed_by"])
    if dispatch.lead and ticket.status == S.DISPATCHED:
        ticket.status = S.IN_PROGRESS
        ticket.save(update_fields=["status"])
    _event(ticket, "signed", actor=actor, now=now, department=dispatch.department_id, key=key)
    return dispatch


@transaction.atomic
def send_back(
    dispatch: Dispatch, *, actor: User, now: datetime, reason: str, key: str = ""
) -> Dispatch:
    """退单: within 2 working days of dispatch, with a reason; the centre re-dispatches."""
    ticket, dispatch = _lock_dispatch(dispatch)
    if _done(ticket, key):
        return dispatch
    _require_handler(actor, dispatch)
    if dispatch.status not in (D.PENDING, D.SIGNED):
        raise TransitionError(f"该派单当前为“{dispatch.get_status_display()}”，不能退单")
    reason = _text(reason, "reason", "退单理由", limit=500)
    if now > dispatch.send_back_due_at:
        raise TransitionError(
            f"已超过退单期限（派单后 {rules.SEND_BACK_DAYS} 个工作日内），请办理或申请延期"
        )
    dispatch.status = D.SENT_BACK
    dispatch.sent_back_at = now
    dispatch.send_back_reason = reason
    dispatch.save(update_fields=["status", "sent_back_at", "send_back_reason"])
    if dispatch.lead:
        ticket.status = S.SENT_BACK
        ticket.sign_due_at = ticket.due_at = None
        ticket.save(update_fields=["status", "sign_due_at", "due_at"])
        _tell(
            operators(),
            f"工单被退回：{ticket.number}",
            f"{dispatch.department}退单，理由：{reason}。请改派。",
            now,
            "hotline_sent_back",
        )
    _event(
        ticket,
        "sent_back",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=reason,
        key=key,
    )
    return dispatch


@transaction.atomic
def reply_dispatch(
    dispatch: Dispatch, *, actor: User, now: datetime, reply: str, key: str = ""
) -> Dispatch:
    """答复: what the department did. The lead's reply goes to the citizen; a co-department's is
    its opinion to the lead."""
    ticket, dispatch = _lock_dispatch(dispatch)
    if _done(ticket, key):
        return dispatch
    _require_handler(actor, dispatch)
    if dispatch.status != D.SIGNED:
        raise TransitionError(
            f"该派单当前为“{dispatch.get_status_display()}”，签收后才能答复"
            if dispatch.status == D.PENDING
            else f"该派单当前为“{dispatch.get_status_display()}”，不能答复"
        )
    dispatch.reply = _text(reply, "reply", "办理结果")
    dispatch.status = D.REPLIED
    dispatch.replied_at = now
    dispatch.save(update_fields=["reply", "status", "replied_at"])
    if dispatch.lead:
        ticket.status = S.REPLIED
        ticket.answer = dispatch.reply
        ticket.replied_at = now
        ticket.save(update_fields=["status", "answer", "replied_at"])
    _event(
        ticket,
        "replied" if dispatch.lead else "co_replied",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=dispatch.reply,
        key=key,
    )
    return dispatch


@transaction.atomic
def request_extension(
    dispatch: Dispatch, *, actor: User, now: datetime, days: int, reason: str, key: str = ""
) -> Extension:
    """延期: the lead department asks; the centre approves or refuses."""
    ticket, dispatch = _lock_dispatch(dispatch)
    if _done(ticket, key):
        return Extension.objects.filter(dispatch=dispatch).latest("pk")
    _require_handler(actor, dispatch)
    if not dispatch.lead or dispatch.status != D.SIGNED:
        raise TransitionError("只有已签收的主办部门可以申请延期")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise CaseError(f"延期天数应为 1 至 {MAX_EXTENSION_DAYS} 个工作日", field="days")
    reason = _text(reason, "reason", "延期理由", limit=500)
    if Extension.objects.filter(dispatch=dispatch, status=Extension.Status.PENDING).exists():
        raise TransitionError("已有延期申请待审批")
    ext = Extension.objects.create(
        dispatch=dispatch, days=days, reason=reason, requested_at=now, requested_by=actor
    )
    _event(
        ticket,
        "extension_requested",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=f"{days} 个工作日：{reason}",
        key=key,
    )
    _tell(operators(), f"延期申请：{ticket.number}", reason, now, "hotline_extension")
    return ext


@transaction.atomic
def decide_extension(
    ext: Extension, *, actor: User, now: datetime, approve: bool, note: str = "", key: str = ""
) -> Extension:
    ticket, dispatch = _lock_dispatch(ext.dispatch)
    if _done(ticket, key):
        return Extension.objects.get(pk=ext.pk)
    ext = Extension.objects.select_for_update().get(pk=ext.pk)
    _require_operator(actor)
    if ext.status != Extension.Status.PENDING:
        raise TransitionError("该延期申请已审批")
    if not approve and not note.strip():
        raise CaseError("不予批准须说明理由", field="note")
    ext.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    ext.decided_at = now
    ext.decided_by = actor
    ext.decision_note = note.strip()[:500]
    ext.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    if approve and dispatch.is_open:
        dispatch.due_at = workdays.due_at(dispatch.due_at, ext.days)
        dispatch.save(update_fields=["due_at"])
        ticket.due_at = dispatch.due_at
        ticket.alerted_light = ""
        ticket.save(update_fields=["due_at", "alerted_light"])
    _event(
        ticket,
        "extension_approved" if approve else "extension_refused",
        actor=actor,
        now=now,
        department=dispatch.department_id,
        note=ext.decision_note,
        key=key,
    )
    _tell(
        department_handlers(dispatch.department_id),
        f"延期申请{'已批准' if approve else '不予批准'}：{ticket.number}",
        ext.decision_note or ext.reason,
        now,
        "hotline_extension_decided",
    )
    return ext


# --- callback, reopen --------------------------------------------------------------------------


# A ticket whose callback is bad this many times (reopened again and again) also goes to the
# leaders' queue: the department has not solved it twice, a leader should look.
REOPENS_BEFORE_LEADERS = 2


@transaction.atomic
def record_callback(
    ticket: Ticket,
    *,
    actor: User,
    now: datetime,
    resolution: str,
    satisfaction: str,
    note: str = "",
    key: str = "",
) -> Callback:
    """回访: the citizen's answer on the reply is recorded. A solved and satisfied ticket is
    closed; an unsolved or unsatisfied one is not: it goes back for dispatch (重办), and from its
    second bad callback on also to the leaders' queue (督办)."""
    ticket = _lock(ticket)
    if _done(ticket, key):
        return ticket.callbacks.latest("at")
    _require_operator(actor)
    _state(ticket, [S.REPLIED], "回访")
    if resolution not in Callback.Resolution.values:
        raise CaseError("请选择解决情况", field="resolution")
    if satisfaction not in Callback.Satisfaction.values:
        raise CaseError("请选择满意度", field="satisfaction")
    assert ticket.lead_department_id is not None  # noqa: S101 - a replied ticket has one
    callback = Callback.objects.create(
        ticket=ticket,
        department_id=ticket.lead_department_id,
        resolution=resolution,
        satisfaction=satisfaction,
        note=note.strip()[:1000],
        at=now,
        by=actor,
    )
    with translation.override("zh-hans"):
        summary = f"{callback.get_resolution_display()}，{callback.get_satisfaction_display()}"
    if callback.bad:
        ticket.status = S.REGISTERED
        ticket.reopen_count += 1
        ticket.replied_at = ticket.sign_due_at = ticket.due_at = None
        ticket.save(update_fields=["status", "reopen_count", "replied_at", "sign_due_at", "due_at"])
        summary += f"；转重办（第 {ticket.reopen_count} 次），请重新派单"
    else:
        ticket.status = S.CLOSED
        ticket.closed_at = now
        ticket.save(update_fields=["status", "closed_at"])
    _event(
        ticket,
        "callback",
        actor=actor,
        now=now,
        department=ticket.lead_department_id,
        note=summary + (f"：{callback.note}" if callback.note else ""),
        key=key,
    )
    if (
        callback.bad
        and ticket.reopen_count >= REOPENS_BEFORE_LEADERS
        and not Escalation.objects.filter(ticket=ticket).exists()
    ):
        _escalate(
            ticket,
            reason=f"回访 {ticket.reopen_count} 次未解决或不满意",
            actor=None,
            now=now,
        )
    return callback


def can_reopen(ticket: Ticket) -> bool:
    if ticket.status != S.CLOSED:
        return False
    last = ticket.callbacks.order_by("-at", "-pk").first()
    return last is not None and last.bad


@transaction.atomic
def reopen_ticket(
    ticket: Ticket, *, actor: User, now: datetime, reason: str, key: str = ""
) -> Ticket:
    """重办: an unsolved or unsatisfied ticket goes back for dispatch."""
    ticket = _lock(ticket)
    if _done(ticket, key):
        return ticket
    _require_operator(actor)
    if not can_reopen(ticket):
        raise TransitionError("只有回访为未解决或不满意的已办结工单可以重办")
    reason = _text(reason, "reason", "重办理由", limit=500)
    ticket.status = S.REGISTERED
    ticket.reopen_count += 1
    ticket.closed_at = ticket.replied_at = None
    ticket.sign_due_at = ticket.due_at = None
    ticket.save(
        update_fields=["status", "reopen_count", "closed_at", "replied_at", "sign_due_at", "due_at"]
    )
    _event(ticket, "reopened", actor=actor, now=now, note=reason, key=key)
    return ticket


# --- escalation (督办) --------------------------------------------------------------------------


def _escalate(ticket: Ticket, *, reason: str, actor: User | None, now: datetime) -> Escalation:
    esc = Escalation.objects.create(ticket=ticket, reason=reason[:300], raised_at=now)
    _event(ticket, "escalated", actor=actor, now=now, note=reason)
    leaders = [x.user for x in Leader.objects.select_related("user")]
    _tell(
        leaders,
        f"重大诉求待批示：{ticket.number}",
        f"{ticket.title}（{reason}）",
        now,
        "hotline_escalated",
    )
    return esc


@transaction.atomic
def escalate_ticket(ticket: Ticket, *, actor: User, now: datetime, reason: str) -> Escalation:
    """The operator sends a ticket to the leaders' queue by hand."""
    ticket = _lock(ticket)
    _require_operator(actor)
    if Escalation.objects.filter(ticket=ticket).exists():
        raise TransitionError("该工单已在领导督办中")
    if not ticket.is_open:
        raise TransitionError("已办结的工单不能提请督办")
    return _escalate(
        ticket, reason=_text(reason, "reason", "督办原因", limit=300), actor=actor, now=now
    )


@transaction.atomic
def instruct_escalation(
    esc: Escalation, *, actor: User, now: datetime, instruction: str, officer: User
) -> Escalation:
    """批示: a leader writes instructions and names the supervision officer who follows it."""
    _lock(esc.ticket_id)
    esc = Escalation.objects.select_for_update().select_related("ticket").get(pk=esc.pk)
    if not is_leader(actor):
        raise NotAllowed("只有督办领导可以批示")
    if esc.status != Escalation.Status.WAITING:
        raise TransitionError("该督办件已批示")
    # The instruction goes to the department that handles the ticket: there must be one.
    if esc.ticket.status not in (S.DISPATCHED, S.IN_PROGRESS):
        raise TransitionError(
            f"工单当前为“{esc.ticket.get_status_display()}”，派单给承办部门后才能批示"
        )
    if not has_role(officer, Role.SUPERVISOR):
        raise CaseError("督办人应为效能监察员", field="officer")
    esc.instruction = _text(instruction, "instruction", "批示内容")
    esc.instructed_by = actor
    esc.instructed_at = now
    esc.officer = officer
    esc.status = Escalation.Status.INSTRUCTED
    esc.save(update_fields=["instruction", "instructed_by", "instructed_at", "officer", "status"])
    ticket = esc.ticket
    _event(ticket, "instructed", actor=actor, now=now, note=esc.instruction)
    people = [officer]
    if ticket.lead_department_id:
        people += department_handlers(ticket.lead_department_id)
    _tell(people, f"领导批示：{ticket.number}", esc.instruction, now, "hotline_instructed")
    return esc


@transaction.atomic
def follow_escalation(
    esc: Escalation, *, actor: User, now: datetime, note: str, finish: bool = False
) -> Escalation:
    """督办记录 by the named officer; finishing needs the ticket finished."""
    ticket = _lock(esc.ticket_id)
    esc = Escalation.objects.select_for_update().get(pk=esc.pk)
    if esc.officer_id != actor.pk:
        raise NotAllowed("只有指定的督办人可以记录督办情况")
    if esc.status != Escalation.Status.INSTRUCTED:
        raise TransitionError(f"督办件当前为“{esc.get_status_display()}”")
    note = _text(note, "note", "督办情况", limit=1000)
    if finish and ticket.is_open:
        raise TransitionError("工单办结并回访后才能结束督办")
    stamp = f"{local_date(now):%Y-%m-%d} {note}"
    esc.follow_up = (esc.follow_up + "\n" + stamp).strip()
    fields = ["follow_up"]
    if finish:
        esc.status = Escalation.Status.FINISHED
        esc.finished_at = now
        fields += ["status", "finished_at"]
    esc.save(update_fields=fields)
    _event(ticket, "escalation_finished" if finish else "followed", actor=actor, now=now, note=note)
    return esc


# --- knowledge base ----------------------------------------------------------------------------


@dataclass
class ArticleData:
    title: str
    body: str
    keywords: str = ""
    review_days: int = 180
    expires_on: object = None


def save_article(
    article: Article | None,
    *,
    department: Department,
    data: ArticleData,
    actor: User | None,
    now: datetime,
) -> Article:
    """Create or update a department's article; its search words are rebuilt."""
    if actor is not None and not (
        actor.is_superuser or department.pk in handler_departments(actor)
    ):
        raise NotAllowed("只能维护本部门的知识库")
    title = _text(data.title, "title", "标题", limit=120)
    body = _text(data.body, "body", "答复口径", limit=8000)
    with transaction.atomic():
        if article is None:
            article = Article(department=department)
        else:
            article = Article.objects.select_for_update().get(pk=article.pk)
        article.title = title
        article.body = body
        article.keywords = data.keywords.strip()[:200]
        article.review_on = local_date(now) + timedelta(days=data.review_days)
        article.expires_on = data.expires_on  # type: ignore[assignment]
        article.updated_at = now
        article.search_words = index_words(title, article.keywords, body)
        article.save()
    return article


def refresh_search_words(article: Article) -> None:
    """Rebuild one article's search words (the admin's save calls it)."""
    Article.objects.filter(pk=article.pk).update(
        search_words=index_words(article.title, article.keywords, article.body)
    )


# --- alerts ------------------------------------------------------------------------------------


def sweep_hotline(now: datetime) -> int:
    """Raise one alert per light crossing of an open dispatched ticket (yellow, then red).

    The conditional UPDATE claims the crossing: with two sweeps at once only one wins it."""
    from onestop.cases.lights import RED, YELLOW, light

    cal = workdays.calendar()
    raised = 0
    open_ = Ticket.objects.filter(
        status__in=[S.DISPATCHED, S.IN_PROGRESS], due_at__isnull=False
    ).select_related("lead_department")
    # Read the candidates first: no cursor stays open across the claims below.
    for ticket in list(open_):
        colour = light(ticket.dispatched_at, ticket.due_at, now, cal)
        if colour not in (YELLOW, RED) or ticket.alerted_light == colour:
            continue
        if colour == YELLOW and ticket.alerted_light == RED:
            continue
        with transaction.atomic():
            won = (
                Ticket.objects.filter(pk=ticket.pk, status=ticket.status)
                .filter(~Q(alerted_light=colour))
                .update(alerted_light=colour)
            )
            if won != 1:
                continue  # another worker got there first, or the ticket moved on
            label = "即将超期（黄灯）" if colour == YELLOW else "已超期（红灯）"
            people = department_handlers(ticket.lead_department_id or 0) + operators()
            people += users_with_role(Role.SUPERVISOR)
            _tell(
                people,
                f"热线工单{label}：{ticket.number}",
                f"{ticket.title}，承办部门：{ticket.lead_department}",
                now,
                "hotline_alert",
            )
            _event(ticket, f"alert_{colour}", actor=None, now=now, note=label)
            raised += 1
    return raised + _unsigned_alerts(now)


def _unsigned_alerts(now: datetime) -> int:
    """Tell a department once about each dispatch it left unsigned past its signing time.

    The event's request key ("unsigned-<dispatch>") is unique per ticket, so with two sweeps
    at once the second insert fails and that sweep sends nothing."""
    raised = 0
    late = Dispatch.objects.filter(status=D.PENDING, sign_due_at__lt=now).select_related(
        "ticket", "department"
    )
    for dispatch in list(late):
        key = f"unsigned-{dispatch.pk}"
        if TicketEvent.objects.filter(ticket_id=dispatch.ticket_id, key=key).exists():
            continue
        try:
            with transaction.atomic():
                _event(
                    dispatch.ticket,
                    "alert_unsigned",
                    actor=None,
                    now=now,
                    department=dispatch.department_id,
                    note="超过签收期限未签收",
                    key=key,
                )
                _tell(
                    department_handlers(dispatch.department_id) + operators(),
                    f"热线工单超时未签收：{dispatch.ticket.number}",
                    f"{dispatch.ticket.title}（{dispatch.department}，签收期限已过）",
                    now,
                    "hotline_unsigned",
                )
        except IntegrityError:
            continue  # another sweep recorded it first
        raised += 1
    return raised
