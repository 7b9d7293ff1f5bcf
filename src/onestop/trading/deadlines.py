"""The trading centre's clock: the periodic sweep that keeps the statutory timers of a project.

What the law lets the system do itself, it does (the candidates' publicity, Art. 54 of the
Regulation on the Implementation of the Tendering and Bidding Law); what needs a person (an
objection's answer, a complaint's acceptance and decision, the contract) is announced once to the
trading officers and supervisors when its day passes, and recorded on the project's record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.timezone import localtime

from onestop.notify.actions import tell
from onestop.org.models import Role
from onestop.org.queries import users_with_role
from onestop.trading import actions, rules
from onestop.trading.models import Complaint, Event, Objection, Project
from onestop.trading.workflow import PROJECT
from onestop.workdays.calendar import local_date


@dataclass(frozen=True)
class Overdue:
    """One step whose legal day has passed, announced once under its key."""

    project: Project
    key: str
    action: str
    note: str


Finder = Callable[[datetime], Iterable[Overdue]]


def sweep_trading(now: datetime) -> dict[str, int]:
    """Publish due candidates and announce overdue steps; safe to run on many nodes at once."""
    published = 0
    due = Project.objects.filter(
        status__in=PROJECT.moves["publish"].sources,
        reported_at__isnull=False,
        publicity_due__lte=now + rules.AUTO_PUBLISH_AHEAD,
    )
    for project in list(due):
        # The row lock and the re-check inside make a second node's call a no-op.
        with transaction.atomic():
            done = actions.publish_when_due(project, now=now)
            if done is not None:
                _announce(done, "中标候选人已由系统自动公示", _publicity_note(done), now)
                published += 1
    counts = {"published": published}
    for name, finder in FINDERS.items():
        counts[name] = sum(_raise_once(item, now) for item in finder(now))
    return counts


def _publicity_note(project: Project) -> str:
    ends = localtime(project.publicity_ends_at)
    return f"收到评标报告之日起 3 日内未公示，已依法自动公示至 {ends:%Y-%m-%d %H:%M}"


def _late_objections(now: datetime) -> Iterable[Overdue]:
    late = Objection.objects.filter(answered_at__isnull=True, answer_due__lt=now).select_related(
        "project"
    )
    for o in late:
        yield Overdue(
            o.project,
            f"late-objection-{o.pk}",
            "objection_overdue",
            f"异议（{local_date(o.filed_at)} 提出）逾期未答复：应自收到之日起 3 日内答复"
            "（实施条例第五十四条），答复前招标投标活动暂停",
        )


def _late_complaints(status: str, due_field: str, key: str, action: str) -> Finder:
    """Complaints in `status` whose `due_field` has passed, each with its own message."""

    def find(now: datetime) -> Iterable[Overdue]:
        late = Complaint.objects.filter(status=status, **{f"{due_field}__lt": now})
        for c in late.select_related("project"):
            yield Overdue(c.project, f"{key}-{c.pk}", action, _complaint_note(c, status, now))

    return find


def _complaint_note(c: Complaint, status: str, now: datetime) -> str:
    if status == Complaint.Status.FILED:
        return (
            f"投诉（{local_date(c.filed_at)} 收到）逾期未决定是否受理：应在 3 个工作日内决定"
            "（实施条例第六十一条）"
        )
    return (
        f"投诉（{local_date(c.accepted_at or now)} 受理）逾期未作出处理决定："
        "应在受理后 30 个工作日内书面决定（实施条例第六十一条）"
    )


def _late_contracts(now: datetime) -> Iterable[Overdue]:
    awaiting = PROJECT.moves["contract"].sources  # awarded, the contract still to sign
    for p in Project.objects.filter(status__in=awaiting, contract_due__lt=now):
        yield Overdue(
            p,
            "late-contract",
            "contract_overdue",
            "中标通知书发出之日起 30 日内未订立书面合同（招标投标法第四十六条）",
        )


FINDERS: dict[str, Finder] = {
    "objections": _late_objections,
    "complaint_acceptance": _late_complaints(
        Complaint.Status.FILED, "accept_due", "late-accept", "complaint_accept_overdue"
    ),
    "complaint_decision": _late_complaints(
        Complaint.Status.ACCEPTED, "decide_due", "late-decide", "complaint_decide_overdue"
    ),
    "contracts": _late_contracts,
}


def _raise_once(item: Overdue, now: datetime) -> int:
    """Record the overdue step under its key and tell the people; 0 if already announced.

    The key is unique per project, so of two sweeps at once the second insert fails and that
    sweep's transaction (with its messages) is rolled back."""
    if Event.objects.filter(project=item.project, key=item.key).exists():
        return 0
    try:
        with transaction.atomic():
            Event.objects.create(
                project=item.project, at=now, action=item.action, note=item.note, key=item.key
            )
            _announce(item.project, "交易项目逾期提醒", item.note, now)
    except IntegrityError:
        return 0
    return 1


def _announce(project: Project, subject: str, body: str, now: datetime) -> None:
    people = users_with_role(Role.TRADING_OFFICER, Role.SUPERVISOR)
    tell(
        people,
        f"{subject}：{project.code}",
        f"{project.title}：{body}",
        now=now,
        template="trading_deadline",
    )
