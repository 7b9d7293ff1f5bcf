"""Fan-in: a member case decided or withdrawn completes the submission once all have.

Registered on the cases app's case-closed extension in `parallel/apps.py`, it runs inside the
deciding move's transaction under a lock on the submission row, so that a stage completes
exactly once however many departments decide at the same moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from onestop.cases.models import Case, CaseEvent
from onestop.notify.actions import enqueue
from onestop.parallel import rules
from onestop.parallel.actions.history import record
from onestop.parallel.actions.members import members_of
from onestop.parallel.models import Member, Submission, Track
from onestop.parallel.workflow import MEMBER_REFUSED, SUBMISSION


def on_case_closed(sender: object, *, case: Case, outcome: str, now: datetime, **_: Any) -> None:
    """A member case was decided or withdrawn: complete the submission once all have."""
    member = Member.objects.filter(case_id=case.pk).values_list("submission_id", flat=True).first()
    if member is None:
        return
    sub = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("track", "project", "applicant")
        .get(pk=member)
    )
    record(sub, "member_closed", None, now, case=case.number, outcome=outcome)
    if not SUBMISSION.allowed_from("close", sub.status):
        return
    rows = list(sub.members.select_related("case__item", "case__department"))
    if {m.item.code for m in members_of(sub.track)} - {m.item_code for m in rows}:
        return  # members still to be accepted (the stage ran ahead)
    statuses = {m.case_id: m.case.status for m in rows}
    statuses[case.pk] = case.status  # this move's own, not yet re-read
    outcome_status = rules.stage_outcome(statuses.values())
    if outcome_status is None:
        return
    sub.status = outcome_status
    if outcome_status == Submission.Status.REFUSED:
        refused = [m for m in rows if statuses[m.case_id] in MEMBER_REFUSED]
        sub.reasons = [_reason(m.case) for m in refused]
    sub.closed_at = now
    sub.save(update_fields=["status", "reasons", "closed_at"])
    record(sub, "completed", None, now, status=sub.status)
    _tell_applicant(sub, now)


def _reason(case: Case) -> dict[str, str]:
    event = (
        CaseEvent.objects.filter(case=case, kind__in=["refused", "not_accepted"])
        .order_by("-seq")
        .first()
    )
    text = str((event.data or {}).get("reasons", "")) if event else ""
    return {"department": case.department.short_name, "item": case.item.name, "reasons": text}


def _tell_applicant(sub: Submission, now: datetime) -> None:
    phone = sub.applicant.phone
    what = f"{sub.project.name}的" if sub.project else ""
    text = {
        Submission.Status.GRANTED: "已全部办结，请按通知领取结果",
        Submission.Status.REFUSED: "已办结，部分事项不予许可，请查看理由",
        Submission.Status.WITHDRAWN: "已撤回",
    }.get(Submission.Status(sub.status), "状态已更新")
    if phone:
        enqueue(channel="sms", address=phone, body=f"您{what}{sub.track.name}{text}。", now=now)
        if sub.track.kind == Track.Kind.BUNDLE and sub.status == Submission.Status.GRANTED:
            # 银行开户: the licence data go to the bank; the company opens its account directly.
            enqueue(
                channel="sms",
                address=phone,
                body=f"{sub.applicant.name}的营业执照信息已推送至开户银行，"
                "可凭营业执照和公章直接办理基本存款账户开户。",
                now=now,
                template="parallel_bank_notice",
            )
    if sub.project and sub.project.account_manager:
        enqueue(
            channel="inapp",
            recipient=sub.project.account_manager,
            subject=f"{sub.track.name}{text}",
            body=f"{sub.project.name}：{sub.track.name}{text}。",
            now=now,
        )
