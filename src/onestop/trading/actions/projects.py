"""Preparing a tender: the officers' opening keys, the project and its lots, the review and
the announcement (which makes the project key and splits it among the opening officers), the
clarifications, and ending a tender before its deadline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import TransitionError
from onestop.org.models import Applicant, Role
from onestop.org.queries import has_role
from onestop.trading import rules, sealing
from onestop.trading.actions.common import key_context, lock, record_event
from onestop.trading.errors import TradingError
from onestop.trading.models import Clarification, KeyShare, Lot, OpeningKey, Project
from onestop.trading.permissions import check_officer
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Project.Status


def earliest_deadline(notice: rules.Notice, issued_at: datetime) -> datetime:
    """The earliest bid deadline (or close of listing) the notice period allows."""
    if notice.workdays:
        return workdays.due_at(issued_at, notice.days)
    return issued_at + timedelta(days=notice.days)


# Opening keys ---------------------------------------------------------------------------


@transaction.atomic
def register_opening_key(actor: User, *, passphrase: str, now: datetime) -> OpeningKey:
    check_officer(actor)
    if len(passphrase) < 8:
        raise TradingError("开标密钥口令至少 8 位", field="passphrase")
    if OpeningKey.objects.filter(user=actor).exists():
        raise TradingError("您已设置开标密钥；已分发的份额只能用原口令解开")
    key = sealing.make_officer_key(passphrase)
    return OpeningKey.objects.create(
        user=actor,
        public_key=key.public_key,
        salt=key.salt,
        sealed_private_key=key.sealed_private_key,
        created_at=now,
    )


# Preparation ----------------------------------------------------------------------------


@dataclass
class LotInput:
    name: str
    budget: Decimal


@transaction.atomic
def create_project(
    *,
    code: str,
    title: str,
    kind: str,
    method: str,
    compulsory: bool,
    owner: Applicant,
    agency: str,
    budget: Decimal,
    qualification: str,
    description: str,
    lots: Sequence[LotInput],
    speciality: str,
    actor: User,
    now: datetime,
) -> Project:
    check_officer(actor)
    if Project.objects.filter(code=code).exists():
        raise TradingError("项目编号已存在", field="code")
    if owner.kind != Applicant.Kind.ENTERPRISE:
        raise TradingError("招标人应为法人单位", field="owner")
    if budget <= 0:
        raise TradingError("预算应大于 0", field="budget")
    if lots and sum(lot.budget for lot in lots) > budget:
        raise TradingError("各标段预算之和超过项目预算", field="lots")
    project = Project.objects.create(
        code=code,
        title=title,
        kind=kind,
        method=method,
        compulsory=compulsory,
        owner=owner,
        agency=agency,
        budget=budget,
        qualification=qualification,
        description=description,
        speciality=speciality,
        created_by=actor,
        created_at=now,
    )
    for i, lot in enumerate(lots, start=1):
        Lot.objects.create(project=project, number=i, name=lot.name, budget=lot.budget)
    record_event(project, "created", actor=actor, now=now)
    return project


@transaction.atomic
def submit_for_review(project: Project, *, actor: User, now: datetime) -> Project:
    check_officer(actor)
    project = lock(project, "submit")
    project.status = S.REVIEW
    project.save(update_fields=["status"])
    record_event(project, "submitted", actor=actor, now=now, note="招标文件提交交易中心复核")
    return project


@transaction.atomic
def approve_and_announce(
    project: Project,
    *,
    bid_deadline: datetime,
    officers: Sequence[User],
    threshold: int,
    actor: User,
    now: datetime,
) -> Project:
    """复核通过，发布公告并发出招标文件; the deadline honours the notice period, and the
    project key is made and split among the opening officers."""
    check_officer(actor)
    project = lock(project, "announce")
    notice = rules.notice_for(project.kind, project.compulsory)
    earliest = earliest_deadline(notice, now)
    if bid_deadline < earliest:
        raise TradingError(
            f"投标截止时间不得早于 {local_date(earliest):%Y-%m-%d}：自招标文件发出之日起"
            + notice.describe(),
            field="bid_deadline",
        )
    officers = list({o.pk: o for o in officers}.values())
    if len(officers) < 3:
        raise TradingError("开标密钥至少分给 3 名开标人员", field="officers")
    if not 2 <= threshold <= len(officers):
        raise TradingError("开标所需份数应在 2 与开标人员数之间", field="threshold")
    keys = {k.user_id: k for k in OpeningKey.objects.filter(user__in=officers)}
    missing = [o.get_full_name() or o.username for o in officers if o.pk not in keys]
    if missing:
        raise TradingError(f"以下人员尚未设置开标密钥：{'、'.join(missing)}", field="officers")
    for o in officers:
        if not has_role(o, Role.TRADING_OFFICER):
            raise TradingError("开标人员应为交易中心工作人员", field="officers")
    made = sealing.make_project_key(
        [bytes(keys[o.pk].public_key) for o in officers], threshold, key_context(project)
    )
    for officer, (index, sealed) in zip(officers, made.sealed_shares, strict=True):
        KeyShare.objects.create(project=project, officer=officer, index=index, sealed_share=sealed)
    project.public_key = made.public_key
    project.wrapped_private_key = made.wrapped_private_key
    project.threshold = threshold
    project.status = S.TENDERING
    project.documents_issued_at = now
    project.bid_deadline = bid_deadline
    project.save()
    record_event(
        project,
        "announced",
        actor=actor,
        now=now,
        note=f"复核通过，发布招标公告；投标截止 {local_date(bid_deadline):%Y-%m-%d}",
    )
    return project


@transaction.atomic
def clarify(
    project: Project, *, text: str, new_deadline: datetime | None, actor: User, now: datetime
) -> Clarification:
    """A clarification at least 15 days before the deadline, or the deadline moves."""
    check_officer(actor)
    project = lock(project, "clarify")
    if not text.strip():
        raise TradingError("请填写澄清内容", field="text")
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now >= project.bid_deadline:
        raise TradingError("投标已截止，不能再澄清或修改招标文件")
    deadline = new_deadline or project.bid_deadline
    if deadline < project.bid_deadline:
        raise TradingError("澄清不能提前投标截止时间", field="new_deadline")
    if deadline - now < timedelta(days=rules.CLARIFY_DAYS):
        raise TradingError(
            "澄清或修改距投标截止不足 15 日，应顺延投标截止时间（招标投标法第二十三条）",
            field="new_deadline",
        )
    c = Clarification.objects.create(
        project=project,
        text=text.strip(),
        issued_at=now,
        new_deadline=new_deadline if new_deadline != project.bid_deadline else None,
    )
    if deadline != project.bid_deadline:
        project.bid_deadline = deadline
        project.save(update_fields=["bid_deadline"])
    record_event(project, "clarified", actor=actor, now=now, note=text.strip()[:200])
    return c


@transaction.atomic
def cancel_project(project: Project, *, reason: str, actor: User, now: datetime) -> Project:
    check_officer(actor)
    project = lock(project, "cancel")
    if project.bid_deadline and now >= project.bid_deadline and project.status == S.TENDERING:
        raise TransitionError("投标已截止，应开标或按流标处理，不能终止")
    if not reason.strip():
        raise TradingError("请写明终止原因", field="reason")
    project.status, project.closed_reason = S.CANCELLED, reason.strip()
    project.save(update_fields=["status", "closed_reason"])
    record_event(project, "cancelled", actor=actor, now=now, note=reason.strip())
    return project
