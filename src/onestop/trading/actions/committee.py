"""The evaluation committee: the eligible experts, the verifiable draw of its members, the
recusal of those conflicted with a bidder once the bids are opened, and replacements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from onestop.draws import actions as draws
from onestop.draws.errors import DrawError
from onestop.draws.models import Draw, DrawPick
from onestop.notify import actions as notify
from onestop.notify.models import Message
from onestop.trading import rules
from onestop.trading.actions.common import lock, record_event
from onestop.trading.errors import TradingError
from onestop.trading.models import CreditRecord, Expert, Project
from onestop.trading.permissions import check_officer
from onestop.trading.workflow import LIVE_BIDS
from onestop.workdays.calendar import local_date


def _bidder_codes(project: Project) -> set[str]:
    """The credit codes of the bidders, once the opening has made them known; before it the
    system too acts as if it did not know them (see eligible_experts)."""
    if project.opened_at is None:
        return set()
    codes = project.bids.filter(status__in=LIVE_BIDS).values_list("bidder__credit_code", flat=True)
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
    check_officer(actor)
    project = lock(project, "freeze_committee")
    if not (project.bid_deadline is not None):
        raise TradingError("项目数据不完整")
    if now < project.bid_deadline:
        raise TradingError("投标截止后（投标人确定后）才能冻结专家名单，以便回避")
    if project.committee_draw_id is not None:
        raise TradingError("本项目已冻结专家抽取名单")
    problem = rules.committee_problem(size, experts)
    if problem is not None:
        field, message = problem
        raise TradingError(message, field=field)
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
    record_event(project, "experts_frozen", actor=actor, now=now, note=f"候选专家 {len(pool)} 人")
    return draw


@transaction.atomic
def draw_committee(project: Project, *, sources: Sequence[str], actor: User, now: datetime) -> Draw:
    check_officer(actor)
    project = lock(project, "draw_committee")
    if project.committee_draw is None:
        raise TradingError("请先冻结专家抽取名单")
    draw = draws.perform_draw(project.committee_draw, sources=sources, actor=actor, now=now)
    _notify_experts(project, list(draw.picks.all()), now=now)
    record_event(project, "experts_drawn", actor=actor, now=now, note=f"抽取 {draw.count} 名专家")
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
            record_event(project, "expert_replaced", actor=None, now=now, note=EXHAUSTED)
            return replaced
        _notify_experts(project, [new], now=now)
        record_event(project, "expert_replaced", actor=None, now=now, note=RECUSAL)
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
            # Signed with the deployment's place name (ONESTOP_PLACE_NAME); no place in code.
            body=f"【{settings.ONESTOP_PLACE_NAME}公共资源交易中心】"
            f"您已被随机抽取为项目 {project.code} 的评标专家，"
            "请按通知时间到交易中心评标区报到；如需回避请立即告知。请勿向他人透露。",
            now=now,
        )


@transaction.atomic
def replace_expert(
    project: Project, *, pick: DrawPick, reason: str, actor: User, now: datetime
) -> DrawPick:
    check_officer(actor)
    project = lock(project, "replace_expert")
    if project.committee_draw is None or pick.draw_id != project.committee_draw_id:
        raise TradingError("该专家不属于本项目的抽取")
    new = draws.draw_replacement(project.committee_draw, replaces=pick, reason=reason, now=now)
    _notify_experts(project, [new], now=now)
    record_event(project, "expert_replaced", actor=actor, now=now, note=reason)
    return new


def committee_members(project: Project) -> list[Expert]:
    """The serving experts (callers decide whether names may be shown)."""
    draw = project.committee_draw
    if draw is None:
        return []
    codes = [_code(draw, p) for p in draw.picks.filter(declined=False)]
    by_code = {e.code: e for e in Expert.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def committee_seats(project: Project) -> tuple[int, int]:
    """(experts, owner's representatives) of the committee."""
    return project.committee_experts, project.committee_size - project.committee_experts
