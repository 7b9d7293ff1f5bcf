"""Every move of a trading project: one transaction, the project row locked, the legal
calendar checked, an event recorded. Time comes in as `now`."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from onestop.core.errors import NotAllowed, TransitionError
from onestop.draws import actions as draws
from onestop.draws.errors import DrawError
from onestop.draws.models import Draw, DrawPick
from onestop.lib.uploads import UnsafeUpload, check_pdf, clean_name
from onestop.notify import actions as notify
from onestop.notify.models import Message
from onestop.org.models import Applicant, Role
from onestop.org.queries import has_role
from onestop.trading import rules, sealing
from onestop.trading.errors import TradingError
from onestop.trading.models import (
    Bid,
    Clarification,
    Complaint,
    CreditRecord,
    Event,
    Expert,
    KeyShare,
    Lot,
    Objection,
    OpeningKey,
    Project,
)
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import end_of_day, local_date

S = Project.Status
MAX_DOCUMENT = 10 * 1024 * 1024


def _officer(actor: User) -> None:
    if not (has_role(actor, Role.TRADING_OFFICER) or actor.is_superuser):
        raise NotAllowed("只有交易中心工作人员可以办理")


def _lock(project: Project, *allowed: str) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if allowed and project.status not in allowed:
        raise TransitionError(f"项目当前为“{project.get_status_display()}”，不能办理此事项")
    return project


def _event(
    project: Project, action: str, *, actor: User | None, now: datetime, note: str = ""
) -> None:
    Event.objects.create(project=project, at=now, actor=actor, action=action, note=note)


def _context(project: Project) -> bytes:
    return f"onestop-trading|{project.pk}|{project.code}".encode()


# Opening keys ---------------------------------------------------------------------------


@transaction.atomic
def register_opening_key(actor: User, *, passphrase: str, now: datetime) -> OpeningKey:
    _officer(actor)
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
    _officer(actor)
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
    _event(project, "created", actor=actor, now=now)
    return project


@transaction.atomic
def submit_for_review(project: Project, *, actor: User, now: datetime) -> Project:
    _officer(actor)
    project = _lock(project, S.DRAFT)
    project.status = S.REVIEW
    project.save(update_fields=["status"])
    _event(project, "submitted", actor=actor, now=now, note="招标文件提交交易中心复核")
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
    _officer(actor)
    project = _lock(project, S.REVIEW)
    notice = rules.notice_for(project.kind, project.compulsory)
    earliest = notice.earliest_deadline(now)
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
        [bytes(keys[o.pk].public_key) for o in officers], threshold, _context(project)
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
    _event(
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
    _officer(actor)
    project = _lock(project, S.TENDERING)
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
    _event(project, "clarified", actor=actor, now=now, note=text.strip()[:200])
    return c


@transaction.atomic
def cancel_project(project: Project, *, reason: str, actor: User, now: datetime) -> Project:
    _officer(actor)
    project = _lock(project, S.DRAFT, S.REVIEW, S.TENDERING)
    if project.bid_deadline and now >= project.bid_deadline and project.status == S.TENDERING:
        raise TransitionError("投标已截止，应开标或按流标处理，不能终止")
    if not reason.strip():
        raise TradingError("请写明终止原因", field="reason")
    project.status, project.closed_reason = S.CANCELLED, reason.strip()
    project.save(update_fields=["status", "closed_reason"])
    _event(project, "cancelled", actor=actor, now=now, note=reason.strip())
    return project


# Bids -----------------------------------------------------------------------------------


def blacklisted(credit_code: str, today: date) -> CreditRecord | None:
    if not credit_code:
        return None
    return (
        CreditRecord.objects.filter(credit_code=credit_code, kind=CreditRecord.Kind.BLACKLIST)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .first()
    )


def _check_bidder(project: Project, bidder: Applicant, now: datetime) -> None:
    if bidder.kind != Applicant.Kind.ENTERPRISE:
        raise NotAllowed("投标人应为法人或其他组织")
    if bidder.pk == project.owner_id:
        raise NotAllowed("招标人不能投标")
    record = blacklisted(bidder.credit_code, local_date(now))
    if record is not None:
        raise NotAllowed(f"投标人列入黑名单（{record.summary}），不得参加投标")


def _check_document(document: bytes) -> None:
    if len(document) > MAX_DOCUMENT:
        raise TradingError("投标文件不能超过 10 MB", field="document")
    if not document.startswith(b"%PDF-"):
        raise TradingError("投标文件应为 PDF（按文件内容识别，改扩展名无效）", field="document")
    try:
        check_pdf(document)
    except UnsafeUpload as e:
        raise TradingError(e.message, field="document") from e


@dataclass
class Receipt:
    bid: Bid
    receipt: str
    document_sha256: str
    submitted_at: datetime


@transaction.atomic
def submit_bid(
    project: Project,
    *,
    bidder: Applicant,
    price: Decimal | str,
    document: bytes,
    document_name: str,
    lot: Lot | None,
    now: datetime,
) -> Receipt:
    """Seal a bid to the project's key; a bid after the deadline is refused; a second bid of
    the same bidder before the deadline replaces the first."""
    project = _lock(project)
    if project.status != S.TENDERING:
        raise TransitionError("该项目不在投标期内")
    if not (project.bid_deadline is not None and project.public_key is not None):
        raise TradingError("项目数据不完整")
    if now >= project.bid_deadline:
        raise TradingError("投标截止时间已过，逾期送达的投标文件不予接收（招标投标法第二十八条）")
    _check_bidder(project, bidder, now)
    if lot is not None and lot.project_id != project.pk:
        raise TradingError("标段不属于本项目", field="lot")
    if lot is None and project.lots.exists():
        raise TradingError("请选择标段", field="lot")
    try:
        amount = Decimal(str(price)).quantize(Decimal("0.01"))
    except InvalidOperation as e:
        raise TradingError("投标报价应为金额", field="price") from e
    if amount <= 0:
        raise TradingError("投标报价应大于 0", field="price")
    _check_document(document)
    digest = hashlib.sha256(document).hexdigest()
    payload = json.dumps(
        {
            "price": str(amount),
            "document_name": clean_name(document_name),
            "document": base64.b64encode(document).decode(),
            "document_sha256": digest,
        }
    ).encode()
    Bid.objects.filter(project=project, lot=lot, bidder=bidder, status=Bid.Status.SEALED).update(
        status=Bid.Status.WITHDRAWN
    )
    receipt = f"TB{now:%Y%m%d}-{secrets.token_hex(5).upper()}"
    bid = Bid.objects.create(
        project=project,
        lot=lot,
        bidder=bidder,
        submitted_at=now,
        ciphertext=sealing.seal(bytes(project.public_key), payload, context=_context(project)),
        document_sha256=digest,
        receipt=receipt,
    )
    # Who is bidding stays unknown before the opening (招标投标法第二十二条): only the receipt.
    _event(project, "bid_received", actor=None, now=now, note=receipt)
    return Receipt(bid, receipt, digest, now)


@transaction.atomic
def withdraw_bid(bid: Bid, *, bidder: Applicant, now: datetime) -> Bid:
    project = _lock(bid.project, S.TENDERING)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.bidder_id != bidder.pk or bid.status != Bid.Status.SEALED:
        raise NotAllowed("不能撤回该投标")
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now >= project.bid_deadline:
        raise TradingError("投标截止后不能撤回投标文件")
    bid.status = Bid.Status.WITHDRAWN
    bid.save(update_fields=["status"])
    _event(project, "bid_withdrawn", actor=None, now=now, note=bid.receipt)
    return bid


# Opening --------------------------------------------------------------------------------


def sealed_bids(project: Project) -> list[Bid]:
    return list(project.bids.filter(status=Bid.Status.SEALED).select_related("bidder"))


@transaction.atomic
def present_share(project: Project, *, officer: User, passphrase: str, now: datetime) -> KeyShare:
    """An opening officer unlocks their share; only from the bid deadline on."""
    project = _lock(project, S.TENDERING)
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now < project.bid_deadline:
        raise TradingError("未到开标时间，密钥份额不能提交")
    share = KeyShare.objects.select_for_update().filter(project=project, officer=officer).first()
    if share is None:
        raise NotAllowed("您不是本项目的开标人员")
    if share.presented_share is not None:
        raise TradingError("您已提交密钥份额")
    key = OpeningKey.objects.get(user=officer)
    try:
        private = sealing.unlock_officer_key(
            passphrase, bytes(key.salt), bytes(key.sealed_private_key)
        )
        value = sealing.unseal_share(
            private, share.index, bytes(share.sealed_share), _context(project)
        )
    except sealing.SealError as e:
        raise TradingError(str(e), field="passphrase") from e
    share.presented_share, share.presented_at = value, now
    share.save(update_fields=["presented_share", "presented_at"])
    _event(project, "share_presented", actor=officer, now=now)
    return share


@transaction.atomic
def open_bids(project: Project, *, participants: str, actor: User, now: datetime) -> Project:
    """开标: fewer than three bids fail the tender unopened; otherwise the key is rebuilt from
    the presented shares and every bid is decrypted at once."""
    _officer(actor)
    project = _lock(project, S.TENDERING)
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now < project.bid_deadline:
        raise TradingError("未到投标截止时间，不能开标")
    bids = sealed_bids(project)
    if len(bids) < rules.MIN_BIDS:
        project.status = S.FAILED
        project.closed_reason = f"投标人少于 3 个（{len(bids)} 个），不得开标，依法重新招标"
        project.save(update_fields=["status", "closed_reason"])
        KeyShare.objects.filter(project=project).update(presented_share=None)
        _event(project, "failed", actor=actor, now=now, note=project.closed_reason)
        return project
    shares = list(
        KeyShare.objects.filter(project=project, presented_share__isnull=False).select_related(
            "officer"
        )
    )
    if len(shares) < project.threshold:
        raise TradingError(
            f"已提交 {len(shares)} 份密钥份额，开标需要 {project.threshold} 份", field="shares"
        )
    if not participants.strip():
        raise TradingError("请记录开标现场参加人（投标人代表、监督人员等）", field="participants")
    private = sealing.recover_private_key(
        [(s.index, bytes(s.presented_share or b"")) for s in shares],
        bytes(project.wrapped_private_key or b""),
        _context(project),
    )
    for bid in bids:
        data = json.loads(sealing.unseal(private, bytes(bid.ciphertext), context=_context(project)))
        document = base64.b64decode(data["document"])
        bid.price = Decimal(data["price"])
        bid.document_name = data["document_name"]
        bid.document = document
        intact = hashlib.sha256(document).hexdigest() == bid.document_sha256
        bid.status = Bid.Status.OPENED if intact else Bid.Status.REJECTED
        bid.remarks = "" if intact else "投标文件哈希与回执不一致"
        bid.save(update_fields=["price", "document_name", "document", "status", "remarks"])
    keyholders = "、".join(s.officer.get_full_name() or s.officer.username for s in shares)
    project.status, project.opened_at = S.EVALUATING, now
    project.opening_participants = f"开标人员：{keyholders}；现场：{participants.strip()}"
    project.save(update_fields=["status", "opened_at", "opening_participants"])
    # The bids are in the clear now; the unlocked shares have done their work and are not kept.
    KeyShare.objects.filter(project=project).update(presented_share=None)
    _event(project, "opened", actor=actor, now=now, note=project.opening_participants)
    recuse_conflicted(project, now=now)
    return project


# Expert committee -----------------------------------------------------------------------


def _bidder_codes(project: Project) -> set[str]:
    """The credit codes of the bidders, once the opening has made them known; before it the
    system too acts as if it did not know them (see eligible_experts)."""
    if project.opened_at is None:
        return set()
    codes = project.bids.exclude(status=Bid.Status.WITHDRAWN).values_list(
        "bidder__credit_code", flat=True
    )
    return set(codes) - {""}


def _conflicted(codes: set[str], today: date) -> Q:
    """Experts employed by or related to one of these within CONFLICT_YEARS."""
    cutoff = rules.conflict_cutoff(today)
    recent = Q(conflicts__ended_on__isnull=True) | Q(conflicts__ended_on__gte=cutoff)
    return Q(employer_credit_code__in=codes) | (Q(conflicts__credit_code__in=codes) & recent)


def eligible_experts(project: Project, today: date) -> list[Expert]:
    """Experts of the speciality, in the pool, not blacklisted, and with no conflict: not
    employed by or related to the owner or a bidder within 3 years, not in the project's
    earlier work.

    Before the opening the bidders are left out of it: the frozen list is public with its
    length, and experts missing from it would tell who bid (招标投标法第二十二条). Drawn
    experts who turn out to be conflicted stand down at the opening (recuse_conflicted)."""
    codes = ({project.owner.credit_code} | _bidder_codes(project)) - {""}
    conflicted = Expert.objects.filter(
        Q(conflicts__project=project) | _conflicted(codes, today)
    ).values_list("pk", flat=True)
    banned = (
        CreditRecord.objects.filter(expert__isnull=False, kind=CreditRecord.Kind.BLACKLIST)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("expert_id", flat=True)
    )
    experts = (
        Expert.objects.filter(status=Expert.Status.ACTIVE)
        .exclude(pk__in=conflicted)
        .exclude(pk__in=banned)
    )
    return [e for e in experts if project.speciality in e.specialities]


@transaction.atomic
def freeze_committee_draw(
    project: Project,
    *,
    size: int,
    experts: int,
    draw_at: datetime,
    randomness: str,
    actor: User,
    now: datetime,
) -> Draw:
    """Freeze the eligible experts for the committee draw (names masked until the result)."""
    _officer(actor)
    project = _lock(project, S.TENDERING, S.EVALUATING)
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now < project.bid_deadline:
        raise TradingError("投标截止后（投标人确定后）才能冻结专家名单，以便回避")
    if project.committee_draw_id is not None:
        raise TradingError("本项目已冻结专家抽取名单")
    if size < rules.COMMITTEE_MIN or size % 2 == 0:
        raise TradingError("评标委员会应为 5 人以上单数（招标投标法第三十七条）", field="size")
    if experts > size or experts * 3 < size * 2:
        raise TradingError("技术、经济等方面的专家不得少于成员总数的三分之二", field="experts")
    pool = eligible_experts(project, local_date(now))
    draw = draws.freeze_draw(
        kind=Draw.Kind.EXPERT,
        title=f"{project.code} {project.title} 评标专家抽取（{project.speciality}）",
        subject=f"trading.Project:{project.pk}",
        labels=[e.label for e in pool],
        count=experts,
        draw_at=draw_at,
        randomness=randomness,
        masked=True,
        actor=actor,
        now=now,
    )
    project.committee_draw = draw
    project.committee_size, project.committee_experts = size, experts
    project.save(update_fields=["committee_draw", "committee_size", "committee_experts"])
    _event(project, "experts_frozen", actor=actor, now=now, note=f"候选专家 {len(pool)} 人")
    return draw


@transaction.atomic
def draw_committee(project: Project, *, sources: Sequence[str], actor: User, now: datetime) -> Draw:
    _officer(actor)
    project = _lock(project, S.TENDERING, S.EVALUATING)
    if project.committee_draw is None:
        raise TradingError("请先冻结专家抽取名单")
    draw = draws.perform_draw(project.committee_draw, sources=sources, actor=actor, now=now)
    _notify_experts(project, list(draw.picks.all()), now=now)
    _event(project, "experts_drawn", actor=actor, now=now, note=f"抽取 {draw.count} 名专家")
    recuse_conflicted(project, now=now)
    return draw


RECUSAL = "与投标人存在利害关系，依法回避"
EXHAUSTED = "候选专家已抽完，无人可补，需另行抽取"


def recuse_conflicted(project: Project, *, now: datetime) -> int:
    """Once the bids are opened, drawn experts conflicted with a bidder stand down and the next
    of the same sequence replaces each (those drawn before the opening were drawn from a list
    that could not exclude the bidders). The number replaced; the caller holds the lock."""
    draw = Draw.objects.filter(pk=project.committee_draw_id or 0).first()
    if draw is None or draw.status != Draw.Status.DRAWN or project.opened_at is None:
        return 0
    codes = _bidder_codes(project)
    conflicted = set(
        Expert.objects.filter(_conflicted(codes, local_date(now))).values_list("code", flat=True)
    )
    replaced = 0
    while True:
        serving = draw.picks.filter(declined=False).order_by("seq")
        pick = next((p for p in serving if _code(draw, p) in conflicted), None)
        if pick is None:
            return replaced
        try:
            new = draws.draw_replacement(draw, replaces=pick, reason=RECUSAL, now=now)
        except DrawError:
            _event(project, "expert_replaced", actor=None, now=now, note=EXHAUSTED)
            return replaced
        _notify_experts(project, [new], now=now)
        _event(project, "expert_replaced", actor=None, now=now, note=RECUSAL)
        replaced += 1


def _code(draw: Draw, pick: DrawPick) -> str:
    return draws.label_of(draw, pick).split(" ", 1)[0]


def _notify_experts(project: Project, picks: Sequence[DrawPick], *, now: datetime) -> None:
    """Tell the drawn experts, by SMS to their own phones only (no page shows who they are)."""
    draw = project.committee_draw
    if draw is None:
        return
    codes = [_code(draw, p) for p in picks]
    for expert in Expert.objects.filter(code__in=codes).exclude(phone=""):
        notify.enqueue(
            channel=Message.Channel.SMS,
            address=expert.phone,
            body=f"【{settings.ONESTOP_PLACE_NAME}公共资源交易中心】"
            f"您已被随机抽取为项目 {project.code} 的评标专家，"
            "请按通知时间到交易中心评标区报到；如需回避请立即告知。请勿向他人透露。",
            now=now,
        )


@transaction.atomic
def replace_expert(
    project: Project, *, pick: DrawPick, reason: str, actor: User, now: datetime
) -> DrawPick:
    _officer(actor)
    project = _lock(project, S.TENDERING, S.EVALUATING)
    if project.committee_draw is None or pick.draw_id != project.committee_draw_id:
        raise TradingError("该专家不属于本项目的抽取")
    new = draws.draw_replacement(project.committee_draw, replaces=pick, reason=reason, now=now)
    _notify_experts(project, [new], now=now)
    _event(project, "expert_replaced", actor=actor, now=now, note=reason)
    return new


def committee_members(project: Project) -> list[Expert]:
    """The serving experts (callers decide whether names may be shown)."""
    draw = project.committee_draw
    if draw is None:
        return []
    codes = [_code(draw, p) for p in draw.picks.filter(declined=False)]
    by_code = {e.code: e for e in Expert.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


# Evaluation, publicity, objections ------------------------------------------------------


@transaction.atomic
def report_evaluation(
    project: Project,
    *,
    scores: Mapping[int, tuple[Decimal | None, str]],
    actor: User,
    now: datetime,
) -> Project:
    """The committee's report: a score per opened bid (None: rejected with a reason); the
    three best become the ranked candidates and the publicity clock starts."""
    _officer(actor)
    project = _lock(project, S.EVALUATING)
    draw = project.committee_draw
    if draw is None or draw.status != Draw.Status.DRAWN:
        raise TradingError("评标委员会尚未抽取组成，不能提交评标报告")
    bids = {b.pk: b for b in project.bids.filter(status=Bid.Status.OPENED)}
    if set(scores) != set(bids):
        raise TradingError("应对每一份有效投标给出评审结论", field="scores")
    ranked = []
    for pk, (score, remarks) in scores.items():
        bid = bids[pk]
        if score is None:
            if not remarks.strip():
                raise TradingError("否决投标应写明理由", field="scores")
            bid.status, bid.remarks = Bid.Status.REJECTED, remarks.strip()
        else:
            if not Decimal(0) <= score <= Decimal(100):
                raise TradingError("得分应在 0 到 100 之间", field="scores")
            bid.score, bid.remarks = score, remarks.strip()
            ranked.append(bid)
    if not ranked:
        raise TradingError("没有合格投标，应按流标处理", field="scores")
    ranked.sort(key=lambda b: (-(b.score or 0), b.price or 0, b.submitted_at))
    for i, bid in enumerate(ranked, start=1):
        bid.rank = i if i <= 3 else None
    for bid in bids.values():
        bid.save(update_fields=["status", "score", "remarks", "rank"])
    project.reported_at = now
    project.publicity_due = end_of_day(local_date(now) + timedelta(days=rules.PUBLISH_WITHIN_DAYS))
    project.save(update_fields=["reported_at", "publicity_due"])
    _event(project, "reported", actor=actor, now=now, note=f"有效投标 {len(ranked)} 份")
    return project


@transaction.atomic
def publish_candidates(project: Project, *, days: int, actor: User, now: datetime) -> Project:
    _officer(actor)
    project = _lock(project, S.EVALUATING)
    if project.reported_at is None:
        raise TradingError("尚未提交评标报告")
    if days < rules.PUBLICITY_DAYS:
        raise TradingError("公示期不得少于 3 日（实施条例第五十四条）", field="days")
    late = project.publicity_due is not None and now > project.publicity_due
    note = f"公示 {days} 日" + ("；逾期公示（收到评标报告已超过 3 日）" if late else "")
    return _publish(project, days=days, actor=actor, now=now, note=note)


def _publish(
    project: Project, *, days: int, actor: User | None, now: datetime, note: str
) -> Project:
    project.status = S.PUBLICITY
    project.publicity_starts_at = now
    project.publicity_ends_at = now + timedelta(days=days)
    project.save(update_fields=["status", "publicity_starts_at", "publicity_ends_at"])
    _event(project, "publicised", actor=actor, now=now, note=note)
    return project


@transaction.atomic
def publish_when_due(project: Project, *, now: datetime) -> Project | None:
    """Art. 54: the candidates are public within 3 days of the report. If the officers have not
    published them when the last hours begin, the centre's system does, for the minimum 3 days.
    None when there is nothing to do (already published, suspended, or not yet due)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if (
        project.status != S.EVALUATING
        or project.reported_at is None
        or project.publicity_due is None
        or now < project.publicity_due - rules.AUTO_PUBLISH_AHEAD
    ):
        return None
    note = f"公示 {rules.PUBLICITY_DAYS} 日；收到评标报告后 3 日内未公示，由系统依法自动公示"
    return _publish(project, days=rules.PUBLICITY_DAYS, actor=None, now=now, note=note)


@transaction.atomic
def raise_objection(project: Project, *, bidder: Applicant, text: str, now: datetime) -> Objection:
    project = _lock(project, S.PUBLICITY)
    if not (project.publicity_ends_at is not None):
        raise TradingError("项目数据不完整")
    if now >= project.publicity_ends_at:
        raise TradingError("公示期已结束，不能再对评标结果提出异议")
    if not project.bids.filter(bidder=bidder).exclude(status=Bid.Status.WITHDRAWN).exists():
        raise NotAllowed("只有本项目的投标人可以提出异议")
    if not text.strip():
        raise TradingError("请填写异议内容", field="text")
    objection = Objection.objects.create(
        project=project,
        bidder=bidder,
        text=text.strip(),
        filed_at=now,
        answer_due=now + timedelta(days=rules.OBJECTION_ANSWER_DAYS),
    )
    _event(project, "objection", actor=bidder.user, now=now, note="异议答复前暂停招标投标活动")
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, answer: str, actor: User, now: datetime) -> Objection:
    _officer(actor)
    _lock(objection.project)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_at is not None:
        raise TradingError("该异议已答复")
    if not answer.strip():
        raise TradingError("请填写答复", field="answer")
    objection.answer, objection.answered_at = answer.strip(), now
    objection.save(update_fields=["answer", "answered_at"])
    _event(objection.project, "objection_answered", actor=actor, now=now)
    return objection


def open_objections(project: Project) -> int:
    return project.objections.filter(answered_at__isnull=True).count()


@transaction.atomic
def award(project: Project, *, actor: User, now: datetime, bid: Bid | None = None) -> Project:
    """定标 after the publicity, with no objection unanswered; names of the committee are
    published with the result."""
    _officer(actor)
    project = _lock(project, S.PUBLICITY)
    if not (project.publicity_ends_at is not None):
        raise TradingError("项目数据不完整")
    if now < project.publicity_ends_at:
        raise TradingError("公示期未满，不能定标")
    if open_objections(project):
        raise TradingError("有异议尚未答复，招标投标活动暂停（实施条例第五十四条）")
    candidates = list(project.bids.filter(rank__isnull=False).order_by("rank"))
    winner = bid or (candidates[0] if candidates else None)
    if winner is None or winner not in candidates:
        raise TradingError("中标人应从公示的中标候选人中确定", field="bid")
    project.status, project.winner, project.awarded_at = S.AWARDED, winner, now
    project.contract_due = now + timedelta(days=rules.CONTRACT_DAYS)
    project.save(update_fields=["status", "winner", "awarded_at", "contract_due"])
    if project.committee_draw is not None:
        draws.reveal_draw(project.committee_draw, now=now)
    _event(project, "awarded", actor=actor, now=now, note=str(winner.bidder))
    return project


@transaction.atomic
def record_contract(
    project: Project, *, amount: Decimal, signed_on: date, actor: User, now: datetime
) -> Project:
    _officer(actor)
    project = _lock(project, S.AWARDED)
    if not (project.winner is not None and project.awarded_at is not None):
        raise TradingError("项目数据不完整")
    if amount != project.winner.price:
        raise TradingError(
            "合同金额应与中标价一致，不得订立背离合同实质性内容的协议（招标投标法第四十六条）",
            field="amount",
        )
    if signed_on < local_date(project.awarded_at) or signed_on > local_date(now):
        raise TradingError("签订日期应在中标通知之后、今天之前", field="signed_on")
    project.status, project.contract_amount, project.contract_signed_on = (
        S.CONTRACTED,
        amount,
        signed_on,
    )
    project.save(update_fields=["status", "contract_amount", "contract_signed_on"])
    late = project.contract_due is not None and end_of_day(signed_on) > project.contract_due
    _event(
        project,
        "contracted",
        actor=actor,
        now=now,
        note="逾期签订（超过中标通知书发出之日起 30 日）" if late else "",
    )
    return project


# Complaints -----------------------------------------------------------------------------


@transaction.atomic
def file_complaint(
    project: Project,
    *,
    complainant: Applicant,
    text: str,
    known_on: date,
    objection: Objection | None,
    now: datetime,
) -> Complaint:
    """投诉 within 10 days of knowing; on the evaluation result only after an objection."""
    project = _lock(project)
    if objection is not None:
        objection = Objection.objects.get(pk=objection.pk)
    # Before the opening any enterprise may complain as an interested party (招标投标法第六十五条:
    # 投标人和其他利害关系人), e.g. of the tender documents; so a complaint tells nobody that its
    # complainant bid (Art. 22). After it, the complainant must be one of the bidders.
    if complainant.kind != Applicant.Kind.ENTERPRISE:
        raise NotAllowed("请以企业账号投诉")
    if project.opened_at is not None and not project.bids.filter(bidder=complainant).exists():
        raise NotAllowed("开标后，只有投标人或其他利害关系人可以投诉")
    today = local_date(now)
    if known_on > today:
        raise TradingError("知道之日不能晚于今天", field="known_on")
    if (today - known_on).days > rules.COMPLAINT_DAYS:
        raise TradingError("超过知道或应当知道之日起 10 日的投诉期限", field="known_on")
    if project.status in (S.PUBLICITY, S.AWARDED) or project.reported_at is not None:
        if (
            objection is None
            or objection.project_id != project.pk
            or objection.bidder_id != complainant.pk
        ):
            raise TradingError(
                "对评标结果的投诉，应先向招标人提出异议（实施条例第六十条）", field="objection"
            )
        if objection.answered_at is None and now < objection.answer_due:
            raise TradingError("异议尚在答复期内，请待答复后再投诉", field="objection")
    if not text.strip():
        raise TradingError("请填写投诉事项", field="text")
    complaint = Complaint.objects.create(
        project=project,
        complainant=complainant,
        objection=objection,
        text=text.strip(),
        known_on=known_on,
        filed_at=now,
        accept_due=workdays.due_at(now, rules.ACCEPT_WORKDAYS),
    )
    _event(project, "complaint", actor=complainant.user, now=now)
    return complaint


def _supervising(actor: User) -> None:
    if not (has_role(actor, Role.TRADING_OFFICER, Role.SUPERVISOR) or actor.is_superuser):
        raise NotAllowed("只有行政监督人员可以处理投诉")


@transaction.atomic
def accept_complaint(
    complaint: Complaint, *, accept: bool, suspend: bool, reason: str, actor: User, now: datetime
) -> Complaint:
    _supervising(actor)
    project = _lock(complaint.project)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Complaint.Status.FILED:
        raise TransitionError("该投诉已决定是否受理")
    if not accept:
        if not reason.strip():
            raise TradingError("不予受理应说明理由", field="reason")
        complaint.status, complaint.decision, complaint.decided_at = (
            Complaint.Status.REJECTED,
            reason.strip(),
            now,
        )
        complaint.save(update_fields=["status", "decision", "decided_at"])
        _event(project, "complaint_rejected", actor=actor, now=now, note=reason.strip())
        return complaint
    complaint.status, complaint.accepted_at = Complaint.Status.ACCEPTED, now
    complaint.decide_due = workdays.due_at(now, rules.DECIDE_WORKDAYS)
    complaint.suspends = suspend
    complaint.save(update_fields=["status", "accepted_at", "decide_due", "suspends"])
    if suspend and project.status not in (S.SUSPENDED, S.CONTRACTED, S.FAILED, S.CANCELLED):
        project.resume_status, project.status = project.status, S.SUSPENDED
        project.save(update_fields=["status", "resume_status"])
        _event(project, "suspended", actor=actor, now=now, note="投诉处理期间责令暂停")
    _event(project, "complaint_accepted", actor=actor, now=now)
    return complaint


@transaction.atomic
def decide_complaint(
    complaint: Complaint, *, upheld: bool, decision: str, actor: User, now: datetime
) -> Complaint:
    _supervising(actor)
    project = _lock(complaint.project)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Complaint.Status.ACCEPTED:
        raise TransitionError("只有已受理的投诉可以作出处理决定")
    if not decision.strip():
        raise TradingError("请填写处理决定", field="decision")
    complaint.status, complaint.decision, complaint.upheld, complaint.decided_at = (
        Complaint.Status.DECIDED,
        decision.strip(),
        upheld,
        now,
    )
    complaint.save(update_fields=["status", "decision", "upheld", "decided_at"])
    still = project.complaints.filter(status=Complaint.Status.ACCEPTED, suspends=True).exists()
    if project.status == S.SUSPENDED and not still:
        project.status, project.resume_status = project.resume_status or S.TENDERING, ""
        project.save(update_fields=["status", "resume_status"])
        _event(project, "resumed", actor=actor, now=now)
    _event(project, "complaint_decided", actor=actor, now=now, note=decision.strip()[:200])
    return complaint


# Credit ---------------------------------------------------------------------------------


@transaction.atomic
def record_credit(
    *,
    subject: str,
    name: str,
    credit_code: str,
    kind: str,
    summary: str,
    actor: User,
    now: datetime,
    valid_days: int | None = None,
    expert: Expert | None = None,
    project: Project | None = None,
) -> CreditRecord:
    if not summary.strip():
        raise TradingError("请写明事由", field="summary")
    today = local_date(now)
    return CreditRecord.objects.create(
        subject=subject,
        name=name,
        credit_code=credit_code,
        kind=kind,
        summary=summary.strip(),
        recorded_on=today,
        valid_until=today + timedelta(days=valid_days) if valid_days else None,
        expert=expert,
        project=project,
    )


def committee_seats(project: Project) -> tuple[int, int]:
    """(experts, owner's representatives) of the committee."""
    return project.committee_experts, project.committee_size - project.committee_experts


def ceil_two_thirds(size: int) -> int:
    return math.ceil(size * 2 / 3)
