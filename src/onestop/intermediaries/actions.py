"""Marketplace moves. Only the owner who posted a need selects for it — by direct choice, a
verifiable draw run by the trading centre, or the lowest quote; no department designates one.
Poor ratings and violations feed the credit records and suspend an intermediary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import NotAllowed, TransitionError
from onestop.draws import actions as draws
from onestop.draws.models import Draw
from onestop.intermediaries.errors import IntermediaryError
from onestop.intermediaries.models import Intermediary, Need, Quote, Service
from onestop.intermediaries.permissions import check_officer, check_owner
from onestop.intermediaries.workflow import INTERMEDIARY, NEED
from onestop.org.models import Applicant
from onestop.trading.actions import blacklisted, record_credit
from onestop.trading.models import CreditRecord
from onestop.workdays.calendar import local_date

POOR = 2  # a score at or below is a poor rating
POOR_LIMIT = 3  # poor ratings within a year that suspend an intermediary


@transaction.atomic
def register(
    *,
    account: Applicant,
    name: str,
    credit_code: str,
    services: Sequence[str],
    qualifications: str,
    service_areas: str,
    prices: str,
    contact: str,
    phone: str,
    now: datetime,
) -> Intermediary:
    if account.kind != Applicant.Kind.ENTERPRISE:
        raise NotAllowed("中介机构应以法人账号入驻")
    services = [s for s in services if s in Service.values]
    if not services:
        raise IntermediaryError("请选择服务类型", field="services")
    if not qualifications.strip():
        raise IntermediaryError("请填写资质", field="qualifications")
    if Intermediary.objects.filter(credit_code=credit_code).exists():
        raise IntermediaryError("该统一社会信用代码已入驻", field="credit_code")
    return Intermediary.objects.create(
        account=account,
        name=name.strip(),
        credit_code=credit_code.strip().upper(),
        services=services,
        qualifications=qualifications.strip(),
        service_areas=service_areas.strip(),
        prices=prices.strip(),
        contact=contact.strip(),
        phone=phone.strip(),
        registered_at=now,
    )


def _lock(intermediary: Intermediary) -> Intermediary:
    return Intermediary.objects.select_for_update().get(pk=intermediary.pk)


@transaction.atomic
def verify(
    intermediary: Intermediary, *, approve: bool, reason: str, actor: User, now: datetime
) -> Intermediary:
    check_officer(actor)
    intermediary = _lock(intermediary)
    INTERMEDIARY.check(intermediary.status, "verify")
    if not approve and not reason.strip():
        raise IntermediaryError("不予通过应说明理由", field="reason")
    intermediary.status = Intermediary.Status.VERIFIED if approve else Intermediary.Status.REJECTED
    intermediary.status_reason = reason.strip()
    intermediary.verified_at = now if approve else None
    intermediary.save(update_fields=["status", "status_reason", "verified_at"])
    return intermediary


@transaction.atomic
def suspend(intermediary: Intermediary, *, reason: str, now: datetime) -> Intermediary:
    intermediary = _lock(intermediary)
    if INTERMEDIARY.allowed_from("suspend", intermediary.status):
        intermediary.status, intermediary.status_reason = Intermediary.Status.SUSPENDED, reason
        intermediary.save(update_fields=["status", "status_reason"])
    return intermediary


def qualified(service: str, now: datetime) -> list[Intermediary]:
    """Verified intermediaries offering the service and not blacklisted."""
    today = local_date(now)
    return [
        i
        for i in Intermediary.objects.filter(status__in=INTERMEDIARY.sets["LISTED"])
        if service in i.services and blacklisted(i.credit_code, today) is None
    ]


@transaction.atomic
def post_need(
    *,
    owner: Applicant,
    service: str,
    title: str,
    description: str,
    budget: Decimal,
    method: str,
    quote_days: int,
    actor: User,
    now: datetime,
    case_id: int | None = None,
    project_id: int | None = None,
) -> Need:
    if owner.user_id != actor.pk:
        raise NotAllowed("需求由项目业主本人发布")
    if service not in Service.values:
        raise IntermediaryError("请选择服务类型", field="service")
    if method not in Need.Method.values:
        raise IntermediaryError("请选择选取方式", field="method")
    if not title.strip():
        raise IntermediaryError("请填写服务事项", field="title")
    if budget <= 0:
        raise IntermediaryError("预算应大于 0", field="budget")
    if method == Need.Method.QUOTE and quote_days < 1:
        raise IntermediaryError("报价期至少 1 天", field="quote_days")
    if not qualified(service, now):
        raise IntermediaryError("该服务类型暂无入驻的中介机构", field="service")
    return Need.objects.create(
        owner=owner,
        service=service,
        title=title.strip(),
        description=description.strip(),
        budget=budget,
        method=method,
        quote_deadline=now + timedelta(days=quote_days) if method == Need.Method.QUOTE else None,
        case_id=case_id,
        project_id=project_id,
        created_at=now,
    )


def _lock_need(need: Need, move: str) -> Need:
    """The need's row, locked, and the move allowed from its current state."""
    need = Need.objects.select_for_update().select_related("owner").get(pk=need.pk)
    NEED.check(need.status, move)
    return need


def _select(need: Need, intermediary: Intermediary) -> None:
    need.selected, need.status = intermediary, Need.Status.SELECTED
    need.save(update_fields=["selected", "status"])


@transaction.atomic
def choose_direct(need: Need, *, intermediary: Intermediary, actor: User, now: datetime) -> Need:
    need = _lock_need(need, "choose_direct")
    check_owner(need, actor)
    if need.method != Need.Method.DIRECT:
        raise TransitionError("该需求不是直接选取")
    if intermediary.pk not in {i.pk for i in qualified(need.service, now)}:
        raise IntermediaryError("该机构未入驻、已暂停或不提供此项服务", field="intermediary")
    _select(need, intermediary)
    return need


@transaction.atomic
def submit_quote(
    need: Need, *, intermediary: Intermediary, amount: Decimal, now: datetime
) -> Quote:
    need = _lock_need(need, "quote")
    if need.method != Need.Method.QUOTE or need.quote_deadline is None:
        raise TransitionError("该需求不接受报价")
    if now >= need.quote_deadline:
        raise IntermediaryError("报价已截止")
    if intermediary.pk not in {i.pk for i in qualified(need.service, now)}:
        raise NotAllowed("该机构未入驻、已暂停或不提供此项服务")
    if amount <= 0:
        raise IntermediaryError("报价应大于 0", field="amount")
    quote, _ = Quote.objects.update_or_create(
        need=need, intermediary=intermediary, defaults={"amount": amount, "at": now}
    )
    return quote


@transaction.atomic
def choose_lowest(need: Need, *, actor: User, now: datetime) -> Need:
    need = _lock_need(need, "choose_lowest")
    check_owner(need, actor)
    if need.method != Need.Method.QUOTE or need.quote_deadline is None:
        raise TransitionError("该需求不是最低价选取")
    if now < need.quote_deadline:
        raise IntermediaryError("报价尚未截止")
    ok = {i.pk for i in qualified(need.service, now)}
    best = next(
        (q for q in need.quotes.select_related("intermediary") if q.intermediary_id in ok), None
    )
    if best is None:
        raise IntermediaryError("没有有效报价，请改用其他方式重新发布")
    _select(need, best.intermediary)
    return need


@transaction.atomic
def freeze_need_draw(
    need: Need, *, draw_at: datetime, randomness: str, actor: User, now: datetime
) -> Draw:
    """The owner freezes the qualified list for a need to be filled by lot (企业自行抽取).

    The list is every qualified intermediary of the service as the system holds it, so the
    owner names the time and the public randomness but not the candidates."""
    need = _lock_need(need, "freeze_draw")
    check_owner(need, actor)
    if need.method != Need.Method.DRAW:
        raise TransitionError("该需求不是随机抽取")
    if need.draw_id is not None:
        raise TransitionError("已冻结抽取名单")
    draw = draws.freeze_draw(
        kind=Draw.Kind.INTERMEDIARY,
        title=f"{need.title}（{need.get_service_display()}）中介机构抽取",
        subject=f"intermediaries.Need:{need.pk}",
        labels=[i.label for i in qualified(need.service, now)],
        count=1,
        draw_at=draw_at,
        randomness=randomness,
        masked=False,
        actor=actor,
        now=now,
    )
    need.draw = draw
    need.save(update_fields=["draw"])
    return draw


@transaction.atomic
def perform_need_draw(need: Need, *, sources: Sequence[str], actor: User, now: datetime) -> Need:
    """The owner enters the published random values; the draw selects by RFC 3797."""
    need = _lock_need(need, "perform_draw")
    check_owner(need, actor)
    if need.draw is None:
        raise TransitionError("请先冻结抽取名单")
    draw = draws.perform_draw(need.draw, sources=sources, actor=actor, now=now)
    need.draw = draw
    label = draws.label_of(draw, draw.picks.get(seq=0))
    code = label.rsplit("（", 1)[1].rstrip("）")
    _select(need, Intermediary.objects.get(credit_code=code))
    return need


@transaction.atomic
def check_need_draw(need: Need, *, actor: User, now: datetime) -> Draw:
    """The centre checks an owner's draw against the lottery's official results."""
    check_officer(actor)
    if need.draw is None:
        raise TransitionError("该需求尚未抽取")
    return draws.check_sources(need.draw, actor=actor, now=now)


@transaction.atomic
def record_contract(need: Need, *, amount: Decimal, actor: User, now: datetime) -> Need:
    need = _lock_need(need, "contract")
    check_owner(need, actor)
    if amount <= 0:
        raise IntermediaryError("合同金额应大于 0", field="amount")
    need.contract_amount, need.contracted_at, need.status = amount, now, Need.Status.CONTRACTED
    need.save(update_fields=["contract_amount", "contracted_at", "status"])
    return need


@transaction.atomic
def record_delivery(need: Need, *, actor: User, now: datetime) -> Need:
    need = _lock_need(need, "deliver")
    check_owner(need, actor)
    need.delivered_at, need.status = now, Need.Status.DELIVERED
    need.save(update_fields=["delivered_at", "status"])
    return need


@transaction.atomic
def rate(need: Need, *, score: int, comment: str, actor: User, now: datetime) -> Need:
    """The owner rates the delivered service; a poor rating is a credit record, and repeated
    poor ratings within a year suspend the intermediary."""
    need = _lock_need(need, "rate")
    check_owner(need, actor)
    if not 1 <= score <= 5:
        raise IntermediaryError("评价应为 1 到 5 分", field="score")
    if score <= POOR and not comment.strip():
        raise IntermediaryError("差评请写明原因", field="comment")
    assert need.selected is not None  # noqa: S101 - a delivered need has its intermediary
    intermediary = _lock(need.selected)
    need.score, need.comment, need.status = score, comment.strip(), Need.Status.RATED
    need.save(update_fields=["score", "comment", "status"])
    intermediary.rating_sum += score
    intermediary.rating_count += 1
    intermediary.save(update_fields=["rating_sum", "rating_count"])
    if score <= POOR:
        record_credit(
            subject=CreditRecord.Subject.INTERMEDIARY,
            name=intermediary.name,
            credit_code=intermediary.credit_code,
            kind=CreditRecord.Kind.VIOLATION,
            summary=f"服务差评（{score} 分）：{comment.strip()[:200]}",
            valid_days=365,
            actor=actor,
            now=now,
        )
        check_suspension(intermediary, now=now)
    return need


def check_suspension(intermediary: Intermediary, *, now: datetime) -> bool:
    """Suspend after POOR_LIMIT violations in force, or a blacklist record."""
    today = local_date(now)
    records = CreditRecord.objects.filter(credit_code=intermediary.credit_code).exclude(
        kind=CreditRecord.Kind.GOOD
    )
    in_force = [r for r in records if r.in_force(today)]
    if any(r.kind == CreditRecord.Kind.BLACKLIST for r in in_force) or (
        sum(r.kind == CreditRecord.Kind.VIOLATION for r in in_force) >= POOR_LIMIT
    ):
        suspend(intermediary, reason="不良记录达到暂停条件", now=now)
        return True
    return False
