"""好差评 moves: rate once, follow up a bad rating, close it, and let the applicant re-rate.

Each move locks the case row (`cases.actions.lock_case`) and appends a case audit event, so the
rating history is part of the case's hash chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet

from onestop.cases.actions import already_done, holds_role, lock_case
from onestop.cases.audit import record_event
from onestop.cases.models import Case, CaseEvent
from onestop.core.errors import NotAllowed, TransitionError
from onestop.evaluation.errors import EvaluationError
from onestop.evaluation.models import (
    BAD,
    OFFLINE_INDICATORS,
    ONLINE_INDICATORS,
    TAGS,
    Rating,
    Rectification,
    Score,
)
from onestop.evaluation.workflow import FOLLOWERS, RECTIFICATION
from onestop.org.models import Role, StaffRole, Window
from onestop.org.queries import is_staff_member
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Case.Status
# States in which the applicant may rate: done, or turned down (those are rated too).
RATEABLE = (S.COMPLETED, S.DELIVERED, S.NOT_ACCEPTED, S.REFUSED)
LINK_SALT = "onestop.evaluation.rate_link"
LINK_MAX_AGE = 30 * 24 * 3600  # 30 days
# What closes a case at the window, so that the applicant standing there rates it on the pad.
PAD_EVENTS = ("completed", "delivered", "not_accepted", "refused")
STAFF_CANNOT_RATE = "工作人员不能评价办件，评价由申请人本人作出"
BAD_NEEDS_REASON = "差评请至少选择一项评价指标"
BAD_NEEDS_COMMENT = "差评请填写评价意见，说明不满意的原因"


def followup_days() -> int:
    return int(getattr(settings, "RATING_FOLLOWUP_DAYS", 5))


def pad_minutes() -> int:
    """How long after the window closes a case its pad may still rate it."""
    return int(getattr(settings, "RATING_PAD_MINUTES", 10))


def pad_cases(window: Window, now: datetime, *, unrated: bool = True) -> QuerySet[Case]:
    """The cases a window's pad may rate now: closed (PAD_EVENTS) by a clerk of that window
    within `pad_minutes()`, of a department the window serves, rateable (and not yet rated)."""
    clerks = StaffRole.objects.filter(role=Role.CLERK, window=window).values("user")
    events = CaseEvent.objects.filter(
        kind__in=PAD_EVENTS,
        at__gte=now - timedelta(minutes=pad_minutes()),
        at__lte=now,
        actor__in=clerks,
    )
    cases = Case.objects.filter(
        pk__in=events.values("case"),
        department__in=window.departments.all(),
        status__in=RATEABLE,
    )
    return cases.filter(rating__isnull=True) if unrated else cases


def check_not_staff(actor: User | None) -> None:
    """No staff member rates, through any channel: the rating is the applicant's voice."""
    if actor is not None and is_staff_member(actor):
        raise NotAllowed(STAFF_CANNOT_RATE)


def _check_score(score: int) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if value not in Score.values:
        raise EvaluationError("请选择1至5分的评价", field="score")
    return value


def _check_tags(tags: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(tags))
    unknown = [t for t in chosen if t not in TAGS]
    if unknown:
        raise EvaluationError("无效的评价标签：" + "、".join(unknown), field="tags")
    return chosen


def indicators_of(channel: str) -> dict[str, str]:
    """The national indicators of a channel: the hall's pad has its own, the others are online."""
    return OFFLINE_INDICATORS if channel == Rating.Channel.PAD else ONLINE_INDICATORS


def _check_reasons(reasons: Iterable[str], channel: str) -> list[str]:
    """The national indicators of the channel (the hall's pad and online channels differ)."""
    allowed = indicators_of(channel)
    chosen = list(dict.fromkeys(reasons))
    unknown = [r for r in chosen if r not in allowed]
    if unknown:
        raise EvaluationError("无效的评价指标：" + "、".join(unknown), field="reasons")
    return chosen


def check_bad(score: int, reasons: list[str], comment: str) -> None:
    """A 差评 (不满意, 非常不满意) names at least one indicator and says what went wrong: the
    national platform receives both with every bad rating (GB/T 39735; 国办发〔2019〕51号)."""
    if score > BAD:
        return
    if not reasons:
        raise EvaluationError(BAD_NEEDS_REASON, field="reasons")
    if not comment.strip():
        raise EvaluationError(BAD_NEEDS_COMMENT, field="comment")


def _check_rater(
    case: Case, actor: User | None, channel: str, window: Window | None, now: datetime
) -> None:
    """Portal: the case's own applicant; pad: the pad device of the window that has just closed
    the case (the applicant taps; no user is signed in); SMS link: no sign-in (the view has
    checked the signed token). The caller has refused staff (`check_not_staff`) already."""
    if channel == Rating.Channel.PORTAL:
        if actor is None or case.applicant.user_id != actor.pk:
            raise NotAllowed("只有申请人本人可以评价该办件")
    elif channel == Rating.Channel.PAD:
        if actor is not None or window is None:
            raise NotAllowed("评价器只能由窗口的评价终端使用")
        if not pad_cases(window, now, unrated=False).filter(pk=case.pk).exists():
            raise NotAllowed(
                f"该办件不是本窗口刚刚办结的办件（办结后{pad_minutes()}分钟内可在评价器评价）"
            )
    elif channel != Rating.Channel.SMS_LINK:
        raise EvaluationError("无效的评价渠道", field="channel")


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
    window: Window | None = None,
    reasons: Iterable[str] = (),
) -> Rating:
    """The applicant rates a finished case once; a bad score opens a rectification.
    `window` is the pad's window (channel `pad` only)."""
    case = lock_case(case)
    check_not_staff(actor)
    if already_done(case, key):
        return Rating.objects.get(case=case)
    _check_rater(case, actor, channel, window, now)
    if case.status not in RATEABLE:
        raise TransitionError(f"办件当前状态为“{case.get_status_display()}”，办结后才能评价")
    if Rating.objects.filter(case=case).exists():
        raise TransitionError("该办件已评价，每件只能评价一次")
    value = _check_score(score)
    chosen = _check_tags(tags)
    indicators = _check_reasons(reasons, channel)
    check_bad(value, indicators, comment)
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
    if window is not None:
        data["window"] = window.number
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
    case = lock_case(rect.case_id)
    return Rectification.objects.select_for_update().get(pk=rect.pk), case


def _check_follower(rect: Rectification, case: Case, actor: User) -> None:
    if not holds_role(actor, case, FOLLOWERS, rect.department_id):
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
    if already_done(case, key):
        return rect
    _check_follower(rect, case, actor)
    if not RECTIFICATION.allowed_from("follow_up", rect.status):
        raise TransitionError("该差评整改已办结")
    if not contact_note.strip():
        raise EvaluationError("请填写核实及回访情况", field="contact_note")
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
    if already_done(case, key):
        return rect
    _check_follower(rect, case, actor)
    if not RECTIFICATION.allowed_from("close", rect.status):
        raise TransitionError(
            "该差评整改已办结"
            if rect.status == Rectification.Status.CLOSED
            else "请先核实并回访申请人，再办结整改"
        )
    if measure.strip():
        rect.measure = measure.strip()
    if not rect.measure:
        raise EvaluationError("请填写整改措施", field="measure")
    if result not in Rectification.Result.values:
        raise EvaluationError("请选择整改结果", field="result")
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
    reasons: Iterable[str] = (),
) -> Rating:
    """再评价: once, after the rectification is closed; the first score stays on record.
    `actor` is the applicant, or None through the signed link."""
    case = lock_case(case)
    check_not_staff(actor)
    if already_done(case, key):
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
    value = _check_score(score)
    # The re-rate is about the same service, so it names the indicators of the first channel.
    indicators = _check_reasons(reasons, rating.channel)
    check_bad(value, indicators, comment)
    rating.rerate_score = value
    rating.rerate_comment = comment.strip()
    rating.rerate_reasons = indicators
    rating.rerated_at = now
    rating.save(update_fields=["rerate_score", "rerate_comment", "rerate_reasons", "rerated_at"])
    data: dict[str, object] = {"score": value, "first_score": rating.score}
    if indicators:
        data["reasons"] = indicators
    record_event(case, "rerated", actor=actor, now=now, key=key, data=data)
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
