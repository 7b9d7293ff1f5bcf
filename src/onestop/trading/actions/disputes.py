"""Objections (异议) to the evaluation result and complaints (投诉) to the supervising
authority, with the suspension a complaint may order (招标投标法实施条例第五十四、六十条)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from onestop.core.errors import NotAllowed
from onestop.org.models import Applicant
from onestop.trading import rules
from onestop.trading.actions.common import lock, record_event
from onestop.trading.errors import TradingError
from onestop.trading.models import Complaint, Objection, Project
from onestop.trading.permissions import check_officer, check_supervising
from onestop.trading.workflow import COMPLAINT, LIVE_BIDS, PROJECT
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Project.Status


@transaction.atomic
def raise_objection(project: Project, *, bidder: Applicant, text: str, now: datetime) -> Objection:
    project = lock(project, "object")
    if not (project.publicity_ends_at is not None):
        raise TradingError("项目数据不完整")
    if now >= project.publicity_ends_at:
        raise TradingError("公示期已结束，不能再对评标结果提出异议")
    if not project.bids.filter(bidder=bidder, status__in=LIVE_BIDS).exists():
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
    record_event(
        project, "objection", actor=bidder.user, now=now, note="异议答复前暂停招标投标活动"
    )
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, answer: str, actor: User, now: datetime) -> Objection:
    check_officer(actor)
    lock(objection.project)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_at is not None:
        raise TradingError("该异议已答复")
    if not answer.strip():
        raise TradingError("请填写答复", field="answer")
    objection.answer, objection.answered_at = answer.strip(), now
    objection.save(update_fields=["answer", "answered_at"])
    record_event(objection.project, "objection_answered", actor=actor, now=now)
    return objection


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
    project = lock(project)
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
    if PROJECT.is_in(project.status, "RESULT_OUT") or project.reported_at is not None:
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
    record_event(project, "complaint", actor=complainant.user, now=now)
    return complaint


@transaction.atomic
def accept_complaint(
    complaint: Complaint, *, accept: bool, suspend: bool, reason: str, actor: User, now: datetime
) -> Complaint:
    check_supervising(actor)
    project = lock(complaint.project)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    COMPLAINT.check(complaint.status, "accept" if accept else "reject")
    if not accept:
        if not reason.strip():
            raise TradingError("不予受理应说明理由", field="reason")
        complaint.status, complaint.decision, complaint.decided_at = (
            Complaint.Status.REJECTED,
            reason.strip(),
            now,
        )
        complaint.save(update_fields=["status", "decision", "decided_at"])
        record_event(project, "complaint_rejected", actor=actor, now=now, note=reason.strip())
        return complaint
    complaint.status, complaint.accepted_at = Complaint.Status.ACCEPTED, now
    complaint.decide_due = workdays.due_at(now, rules.DECIDE_WORKDAYS)
    complaint.suspends = suspend
    complaint.save(update_fields=["status", "accepted_at", "decide_due", "suspends"])
    if suspend and PROJECT.allowed_from("suspend", project.status):
        project.resume_status, project.status = project.status, S.SUSPENDED
        project.save(update_fields=["status", "resume_status"])
        record_event(project, "suspended", actor=actor, now=now, note="投诉处理期间责令暂停")
    record_event(project, "complaint_accepted", actor=actor, now=now)
    return complaint


@transaction.atomic
def decide_complaint(
    complaint: Complaint, *, upheld: bool, decision: str, actor: User, now: datetime
) -> Complaint:
    check_supervising(actor)
    project = lock(complaint.project)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    COMPLAINT.check(complaint.status, "decide")
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
    if PROJECT.allowed_from("resume", project.status) and not still:
        project.status, project.resume_status = project.resume_status or S.TENDERING, ""
        project.save(update_fields=["status", "resume_status"])
        record_event(project, "resumed", actor=actor, now=now)
    record_event(project, "complaint_decided", actor=actor, now=now, note=decision.strip()[:200])
    return complaint
