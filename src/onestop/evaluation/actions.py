"""好差评 moves: rate once, follow up a bad rating, close it, and let the applicant re-rate.

Each move locks the case row (`cases.actions._lock`) and appends a case audit event, so the
rating history is part of the case's hash chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction

from onestop.cases.actions import _already_done, _holds, _lock
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError, NotAllowed, TransitionError
from onestop.cases.models import Case
from onestop.evaluation.models import (
    BAD,
    OFFLINE_INDICATORS,
    ONLINE_INDICATORS,
    TAGS,
    Rating,
    Rectification,
    Score,
)
from onestop.org.models import Role
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Case.Status
# States in which the applicant may rate: done, or turned down (those are rated too).
RATEABLE = (S.COMPLETED, S.DELIVERED, S.NOT_ACCEPTED, S.REFUSED)
FOLLOWERS = (Role.DEPARTMENT_HEAD, Role.CLERK)
LINK_SALT = "onestop.evaluation.rate_link"
LINK_MAX_AGE = 30 * 24 * 3600  # 30 days


def followup_days() -> int:
    return int(getattr(settings, "RATING_FOLLOWUP_DAYS", 5))


def _check_score(score: int) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if value not in Score.values:
        raise CaseError("请选择1至5分的评价", field="score")
    return value


def _check_tags(tags: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(tags))
    unknown = [t for t in chosen if t not in TAGS]
    if unknown:
        raise CaseError("无效的评价标签：" + "、".join(unknown), field="tags")
    return chosen


def _check_reasons(reasons: Iterable[str], channel: str) -> list[str]:
    """The national indicators of the channel (the hall's pad and online channels differ)."""
    allowed = OFFLINE_INDICATORS if channel == Rating.Channel.PAD else ONLINE_INDICATORS
    chosen = list(dict.fromkeys(reasons))
    unknown = [r for r in chosen if r not in allowed]
    if unknown:
        raise CaseError("无效的评价指标：" + "、".join(unknown), field="reasons")
    return chosen


def _check_rater(case: Case, actor: User | None, channel: str) -> None:
    """Portal: the case's own applicant; pad: a clerk of the case's department (the applicant
    taps at the window); SMS link: no sign-in (the view has checked the signed token)."""
    if channel == Rating.Channel.PORTAL:
        if actor is None or case.applicant.user_id != actor.pk:
            raise NotAllowed("只有申请人本人可以评价该办件")
    elif channel == Rating.Channel.PAD:
        if actor is None or not _holds(actor, case, [Role.CLERK], case.department_id):
            raise NotAllowed("只有本部门窗口可以使用评价器")
    elif channel != Rating.Channel.SMS_LINK:
        raise CaseError("无效的评价渠道", field="channel")


@transaction.atomic
def rate_case(
    case: Case,
    *,
    actor: User | None,
    now: datetime,
    score: int,
    comment: str = "",
    tags: Iterable[str] = (),
    channel: str,
    real_name: bool = True,
    key: str = "",
    reasons: Iterable[str] = (),
) -> Rating:
    """The applicant rates a finished case once; a bad score opens a rectification."""
    case = _lock(case)
    if _already_done(case, key):
        return Rating.objects.get(case=case)
    _check_rater(case, actor, channel)
    if case.status not in RATEABLE:
        raise TransitionError(f"办件当前状态为“{case.get_status_display()}”，办结后才能评价")
    if Rating.objects.filter(case=case).exists():
        raise TransitionError("该办件已评价，每件只能评价一次")
    value = _check_score(score)
    chosen = _check_tags(tags)
    indicators = _check_reasons(reasons, channel)
    rating = Rating.objects.create(
        case=case,
        department_id=case.department_id,
        score=value,
        comment=comment.strip(),
        tags=chosen,
        reasons=indicators,
        channel=channel,
        real_name=real_name,
        rated_at=now,
        rated_by=actor,
    )
    data: dict[str, object] = {"score": value, "channel": channel, "tags": chosen}
    if indicators:
        data["reasons"] = indicators
    if value <= BAD:
        due = workdays.due_date(local_date(now), followup_days())
        rect = Rectification.objects.create(
            rating=rating,
            case=case,
            department_id=case.department_id,
            opened_at=now,
            due_at=due.end_at(),
        )
        data["rectification"] = rect.pk
    record_event(case, "rated", actor=actor, now=now, key=key, data=data)
    return rating


def _lock_rectification(rect: Rectification) -> tuple[Rectification, Case]:
    case = _lock(rect.case_id)
    return Rectification.objects.select_for_update().get(pk=rect.pk), case


def _check_follower(rect: Rectification, case: Case, actor: User) -> None:
    if not _holds(actor, case, FOLLOWERS, rect.department_id):
        raise NotAllowed("只有本部门负责人或窗口人员可以办理差评整改")


@transaction.atomic
def record_followup(
    rect: Rectification,
    *,
    actor: User,
    now: datetime,
    contact_note: str,
    measure: str = "",
    key: str = "",
) -> Rectification:
    """核实回访: the department verified the complaint and contacted the applicant."""
    rect, case = _lock_rectification(rect)
    if _already_done(case, key):
        return rect
    _check_follower(rect, case, actor)
    if rect.status == Rectification.Status.CLOSED:
        raise TransitionError("该差评整改已办结")
    if not contact_note.strip():
        raise CaseError("请填写核实及回访情况", field="contact_note")
    rect.status = Rectification.Status.CONTACTED
    rect.contact_note = contact_note.strip()
    if measure.strip():
        rect.measure = measure.strip()
    rect.contacted_at = rect.contacted_at or now
    rect.handler = actor
    rect.save()
    record_event(
        case,
        "rating_followed_up",
        actor=actor,
        now=now,
        key=key,
        data={"rectification": rect.pk, "contact_note": rect.contact_note},
    )
    return rect


@transaction.atomic
def close_rectification(
    rect: Rectification,
    *,
    actor: User,
    now: datetime,
    measure: str = "",
    key: str = "",
    result: str = Rectification.Result.RECTIFIED,
) -> Rectification:
    """整改办结: after the follow-up, with the measure taken and the result."""
    rect, case = _lock_rectification(rect)
    if _already_done(case, key):
        return rect
    _check_follower(rect, case, actor)
    if rect.status == Rectification.Status.CLOSED:
        raise TransitionError("该差评整改已办结")
    if rect.status != Rectification.Status.CONTACTED:
        raise TransitionError("请先核实并回访申请人，再办结整改")
    if measure.strip():
        rect.measure = measure.strip()
    if not rect.measure:
        raise CaseError("请填写整改措施", field="measure")
    if result not in Rectification.Result.values:
        raise CaseError("请选择整改结果", field="result")
    rect.result = result
    rect.status = Rectification.Status.CLOSED
    rect.closed_at = now
    rect.handler = actor
    rect.save()
    record_event(
        case,
        "rectification_closed",
        actor=actor,
        now=now,
        key=key,
        data={"rectification": rect.pk, "measure": rect.measure, "result": rect.result},
    )
    return rect


def can_rerate(rating: Rating) -> bool:
    rect = Rectification.objects.filter(rating=rating).first()
    return (
        rect is not None
        and rect.status == Rectification.Status.CLOSED
        and rating.rerated_at is None
    )


@transaction.atomic
def rerate(
    case: Case,
    *,
    actor: User | None,
    now: datetime,
    score: int,
    comment: str = "",
    key: str = "",
) -> Rating:
    """再评价: once, after the rectification is closed; the first score stays on record.
    `actor` is the applicant, or None through the signed link."""
    case = _lock(case)
    if _already_done(case, key):
        return Rating.objects.get(case=case)
    if actor is not None and case.applicant.user_id != actor.pk:
        raise NotAllowed("只有申请人本人可以评价该办件")
    rating = Rating.objects.select_for_update().filter(case=case).first()
    if rating is None:
        raise TransitionError("该办件尚未评价")
    if rating.rerated_at is not None:
        raise TransitionError("该办件已再评价过一次")
    if not can_rerate(rating):
        raise TransitionError("差评整改办结后才能再评价")
    rating.rerate_score = _check_score(score)
    rating.rerate_comment = comment.strip()
    rating.rerated_at = now
    rating.save(update_fields=["rerate_score", "rerate_comment", "rerated_at"])
    record_event(
        case,
        "rerated",
        actor=actor,
        now=now,
        key=key,
        data={"score": rating.rerate_score, "first_score": rating.score},
    )
    return rating


# --- the signed link in the notice (SMS) -----------------------------------------------------


def rate_token(case: Case) -> str:
    """A token for `evaluation:rate_link`, valid for 30 days, naming only the case."""
    return signing.dumps({"case": case.pk}, salt=LINK_SALT, compress=True)


def rate_link_path(case: Case) -> str:
    """The path of the signed rating link, for the completion notice (SMS)."""
    from django.urls import reverse

    return reverse("evaluation:rate_link", args=[rate_token(case)])


def case_from_token(token: str) -> Case | None:
    """The case a token names, or None if it is tampered with or expired."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    pk = data.get("case") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return Case.objects.select_related("item", "department", "applicant").filter(pk=pk).first()
