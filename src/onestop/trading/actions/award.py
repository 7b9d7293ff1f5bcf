"""From the committee's report to the contract: the ranked candidates, their publicity
(by the officers, or by the system when the 3 days run out), the award and the contract."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from onestop.draws import actions as draws
from onestop.draws.models import Draw
from onestop.trading import rules
from onestop.trading.actions.common import lock, record_event
from onestop.trading.errors import TradingError
from onestop.trading.models import Bid, Project
from onestop.trading.permissions import check_officer
from onestop.trading.workflow import PROJECT
from onestop.workdays.calendar import end_of_day, local_date

S = Project.Status


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
    check_officer(actor)
    project = lock(project, "report")
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
    record_event(project, "reported", actor=actor, now=now, note=f"有效投标 {len(ranked)} 份")
    return project


@transaction.atomic
def publish_candidates(project: Project, *, days: int, actor: User, now: datetime) -> Project:
    check_officer(actor)
    project = lock(project, "publish")
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
    record_event(project, "publicised", actor=actor, now=now, note=note)
    return project


@transaction.atomic
def publish_when_due(project: Project, *, now: datetime) -> Project | None:
    """Art. 54: the candidates are public within 3 days of the report. If the officers have not
    published them when the last hours begin, the centre's system does, for the minimum 3 days.
    None when there is nothing to do (already published, suspended, or not yet due)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if (
        not PROJECT.allowed_from("publish", project.status)
        or project.reported_at is None
        or project.publicity_due is None
        or now < project.publicity_due - rules.AUTO_PUBLISH_AHEAD
    ):
        return None
    note = f"公示 {rules.PUBLICITY_DAYS} 日；收到评标报告后 3 日内未公示，由系统依法自动公示"
    return _publish(project, days=rules.PUBLICITY_DAYS, actor=None, now=now, note=note)


def open_objections(project: Project) -> int:
    return project.objections.filter(answered_at__isnull=True).count()


@transaction.atomic
def award(project: Project, *, actor: User, now: datetime, bid: Bid | None = None) -> Project:
    """定标 after the publicity, with no objection unanswered; names of the committee are
    published with the result."""
    check_officer(actor)
    project = lock(project, "award")
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
    record_event(project, "awarded", actor=actor, now=now, note=str(winner.bidder))
    return project


@transaction.atomic
def record_contract(
    project: Project, *, amount: Decimal, signed_on: date, actor: User, now: datetime
) -> Project:
    check_officer(actor)
    project = lock(project, "contract")
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
    record_event(
        project,
        "contracted",
        actor=actor,
        now=now,
        note="逾期签订（超过中标通知书发出之日起 30 日）" if late else "",
    )
    return project
