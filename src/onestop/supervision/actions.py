"""Cards (黄牌/红牌) and their rectifications: issue, answer, close, withdraw, escalate.

Each move takes `actor` and `now` keyword-only, locks the row it changes, re-checks the state,
writes one CardEvent and tells the people concerned through the notify outbox (in the same
transaction: no message without the move). Errors are `SupervisionError` (422),
TransitionError 409, NotAllowed 403).

The loop: a card is issued (by a rule in the sweep or by a supervisor) with a rectification
deadline in working days and the department's heads are told; a head answers with the measure
and the supervisors are told; a supervisor closes it (销号) or withdraws it with a reason. A
rectification not answered by its deadline is marked overdue once (supervisors and heads told),
and a yellow card so missed is escalated to a red one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases.models import Case, CaseEvent
from onestop.core.errors import NotAllowed, TransitionError
from onestop.notify.actions import tell
from onestop.org.models import Department, Region, Role, StaffRole, Window
from onestop.org.queries import staff_roles_of
from onestop.supervision.errors import SupervisionError
from onestop.supervision.models import Alert, Card, CardEvent, CardRule, Rectification, Violation
from onestop.supervision.workflow import CARD
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

DEFAULT_RECTIFY_DAYS = 5
MAX_RECTIFY_DAYS = 60
R = Rectification.Status


def supervisor_region(actor: User) -> Region | None:
    """The widest region the actor supervises (None if not a supervisor)."""
    regions = [r.region for r in staff_roles_of(actor) if r.role == Role.SUPERVISOR]
    if not regions:
        return None
    return min(regions, key=lambda r: len(r.path))


def _supervises(actor: User, region: Region) -> bool:
    return any(
        r.role == Role.SUPERVISOR and r.region.contains(region) for r in staff_roles_of(actor)
    ) or bool(actor.is_superuser)


def heads_department(actor: User, department_id: int) -> bool:
    return any(
        r.role == Role.DEPARTMENT_HEAD and r.department_id == department_id
        for r in staff_roles_of(actor)
    )


def department_heads(card: Card) -> list[User]:
    """The heads of the card's department (and the handler, when the card is personal)."""
    users = [
        r.user
        for r in StaffRole.objects.select_related("user", "region").filter(
            role=Role.DEPARTMENT_HEAD, department_id=card.department_id
        )
    ]
    if card.person_id and card.person:
        users.append(card.person)
    return users


def supervisors_of(card: Card) -> list[User]:
    """The supervisors whose region contains the card's (and the issuer)."""
    users = [
        r.user
        for r in StaffRole.objects.select_related("user", "region").filter(role=Role.SUPERVISOR)
        if r.region.contains(card.region)
    ]
    if card.issued_by_id and card.issued_by:
        users.append(card.issued_by)
    return users


def _label(card: Card) -> str:
    who = card.department.short_name or card.department.name
    if card.window_id and card.window:
        who += f"{card.window.number}号窗口"
    if card.person_id and card.person:
        who += f" {card.person.get_full_name() or card.person.get_username()}"
    return f"{who}{card.get_colour_display()}"


def _record(card: Card, kind: str, *, actor: User | None, now: datetime, note: str = "") -> None:
    CardEvent.objects.create(card=card, kind=kind, actor=actor, at=now, note=note[:300])


@dataclass
class NewCard:
    """What a card says: whom it is shown to and why (the issuer and the clock are added)."""

    colour: str
    department: Department
    reason: str
    region: Region
    window: Window | None = None
    person: User | None = None
    case: Case | None = None
    rectify_days: int = DEFAULT_RECTIFY_DAYS
    rule: CardRule | None = None
    fact: str = ""
    alert: Alert | None = None
    violation: Violation | None = None
    escalated_from: Card | None = None
    events: list[CaseEvent] = field(default_factory=list)


def create_card(new: NewCard, *, actor: User | None, now: datetime) -> Card:
    """Write the card, its open rectification with the deadline, its history row, and tell the
    department (the caller holds the transaction; a rule's unique fact may raise IntegrityError)."""
    due = workdays.due_at(now, new.rectify_days)
    card = Card.objects.create(
        colour=new.colour,
        department=new.department,
        window=new.window,
        person=new.person,
        region=new.region,
        reason=new.reason,
        case=new.case,
        issued_by=actor,
        issued_at=now,
        rule=new.rule,
        fact=new.fact,
        alert=new.alert,
        violation=new.violation,
        escalated_from=new.escalated_from,
        rectify_days=new.rectify_days,
        rectify_due_at=due,
    )
    if new.events:
        card.events.add(*new.events)
    Rectification.objects.create(card=card)
    by = f"规则「{new.rule.name}」" if new.rule else "监察员"
    _record(card, CardEvent.Kind.ISSUED, actor=actor, now=now, note=f"{by}亮牌")
    case = f"（办件 {new.case.number}）" if new.case else ""
    tell(
        department_heads(card),
        f"亮牌通知：{_label(card)}",
        f"{new.reason}{case}。请于 {local_date(due):%Y-%m-%d} 前反馈整改措施。",
        now=now,
        template="card_issued",
    )
    return card


@transaction.atomic
def issue_card(
    *,
    actor: User,
    now: datetime,
    colour: str,
    department: Department,
    reason: str,
    window: Window | None = None,
    case: Case | None = None,
    rectify_days: int = DEFAULT_RECTIFY_DAYS,
    alert: Alert | None = None,
    violation: Violation | None = None,
) -> Card:
    """A supervisor shows a department (or one of its windows) a yellow or red card."""
    region = supervisor_region(actor)
    if region is None or not _supervises(actor, department.region):
        raise NotAllowed("只有效能监察员可以对本辖区的部门亮牌")
    if colour not in Card.Colour.values:
        raise SupervisionError("请选择黄牌或红牌", field="colour")
    if not reason.strip():
        raise SupervisionError("请说明亮牌事由", field="reason")
    if window is not None and not window.departments.filter(pk=department.pk).exists():
        raise SupervisionError("该窗口不属于所选部门", field="window")
    if not 1 <= rectify_days <= MAX_RECTIFY_DAYS:
        raise SupervisionError(
            f"整改期限应为 1 至 {MAX_RECTIFY_DAYS} 个工作日", field="rectify_days"
        )
    events: list[CaseEvent] = []
    if violation is not None:
        events = list(violation.events.all())
    return create_card(
        NewCard(
            colour=colour,
            department=department,
            reason=reason.strip(),
            # A card on a street case is the street's to see; otherwise the supervisor's region.
            region=case.region if case is not None and region.contains(case.region) else region,
            window=window,
            case=case,
            rectify_days=rectify_days,
            alert=alert,
            violation=violation,
            events=events,
        ),
        actor=actor,
        now=now,
    )


def _lock(card: Card) -> Rectification:
    return (
        # Lock the rectification row only: the card's issuer is an outer join (rule cards have
        # none), and PostgreSQL refuses FOR UPDATE on the nullable side of one.
        Rectification.objects.select_for_update(of=("self",))
        .select_related("card__department", "card__region", "card__issued_by")
        .get(card_id=card.pk)
    )


def _move(
    rect: Rectification,
    move: str,
    event: str,
    *,
    actor: User,
    now: datetime,
    note: str,
    changes: dict[str, Any],
) -> None:
    """Put the rectification in the state the card's move leads to, with the move's fields,
    and write the card's history row."""
    target = CARD.moves[move].target
    assert target is not None  # noqa: S101 - answer, close and withdraw each lead to a state
    rect.status = target
    for name, value in changes.items():
        setattr(rect, name, value)
    rect.save(update_fields=["status", *changes])
    _record(rect.card, event, actor=actor, now=now, note=note)


@transaction.atomic
def answer_card(card: Card, *, actor: User, now: datetime, measure: str) -> Rectification:
    """The department head answers with the rectification measure taken."""
    rect = _lock(card)
    if not heads_department(actor, rect.card.department_id):
        raise NotAllowed("只有被亮牌部门的负责人可以反馈整改")
    if not CARD.allowed_from("answer", rect.status):
        raise TransitionError(f"亮牌{rect.get_status_display()}，不能再反馈")
    if not measure.strip():
        raise SupervisionError("请填写整改措施", field="measure")
    _move(
        rect,
        "answer",
        CardEvent.Kind.ANSWERED,
        actor=actor,
        now=now,
        note=measure.strip(),
        changes={"measure": measure.strip(), "answered_by": actor, "answered_at": now},
    )
    late = "（已超过整改期限）" if rect.overdue_at else ""
    tell(
        supervisors_of(rect.card),
        f"整改反馈：{_label(rect.card)}",
        f"{rect.card.department.name}已反馈整改措施{late}：{measure.strip()[:200]}",
        now=now,
        template="card_answered",
    )
    return rect


@transaction.atomic
def close_card(card: Card, *, actor: User, now: datetime, note: str = "") -> Rectification:
    """A supervisor of the card's region accepts the rectification and closes it (销号)."""
    rect = _lock(card)
    if not _supervises(actor, rect.card.region):
        raise NotAllowed("只有效能监察员可以销号")
    if not CARD.allowed_from("close", rect.status):
        raise TransitionError(
            "部门尚未反馈整改措施" if rect.status == R.OPEN else f"亮牌{rect.get_status_display()}"
        )
    _move(
        rect,
        "close",
        CardEvent.Kind.CLOSED,
        actor=actor,
        now=now,
        note=note.strip(),
        changes={"closed_by": actor, "closed_at": now, "closing_note": note.strip()[:300]},
    )
    tell(
        department_heads(rect.card),
        f"整改销号：{_label(rect.card)}",
        f"监察员已对整改销号。{note.strip()[:200]}",
        now=now,
        template="card_closed",
    )
    return rect


@transaction.atomic
def withdraw_card(card: Card, *, actor: User, now: datetime, reason: str) -> Rectification:
    """A supervisor withdraws a card issued in error (it then counts nowhere), with a reason."""
    rect = _lock(card)
    if not _supervises(actor, rect.card.region):
        raise NotAllowed("只有效能监察员可以撤销亮牌")
    if not CARD.allowed_from("withdraw", rect.status):
        raise TransitionError(f"亮牌{rect.get_status_display()}，不能撤销")
    if not reason.strip():
        raise SupervisionError("请说明撤销理由", field="reason")
    _move(
        rect,
        "withdraw",
        CardEvent.Kind.WITHDRAWN,
        actor=actor,
        now=now,
        note=reason.strip(),
        changes={
            "withdrawn_by": actor,
            "withdrawn_at": now,
            "withdraw_reason": reason.strip()[:300],
        },
    )
    tell(
        department_heads(rect.card),
        f"撤销亮牌：{_label(rect.card)}",
        f"监察员撤销了该亮牌，理由：{reason.strip()[:200]}",
        now=now,
        template="card_withdrawn",
    )
    return rect


def _escalate(rect: Rectification, *, actor: User | None, now: datetime, why: str) -> Card:
    old = rect.card
    if old.colour == Card.Colour.RED:
        raise TransitionError("红牌不能再升级")
    if Card.objects.filter(escalated_from=old).exists():
        raise TransitionError("该黄牌已升级为红牌")
    if not CARD.allowed_from("escalate", rect.status):
        raise TransitionError(f"亮牌{rect.get_status_display()}，不能升级")
    red = create_card(
        NewCard(
            colour=Card.Colour.RED,
            department=old.department,
            reason=f"黄牌升级：{why}（原事由：{old.reason}）"[:2000],
            region=old.region,
            window=old.window,
            person=old.person,
            case=old.case,
            rectify_days=old.rectify_days,
            escalated_from=old,
            events=list(old.events.all()),
        ),
        actor=actor,
        now=now,
    )
    _record(old, CardEvent.Kind.ESCALATED, actor=actor, now=now, note=why)
    return red


@transaction.atomic
def escalate_card(card: Card, *, actor: User, now: datetime, reason: str) -> Card:
    """A supervisor escalates a yellow card to a red one (the yellow stays on record)."""
    rect = _lock(card)
    if not _supervises(actor, rect.card.region):
        raise NotAllowed("只有效能监察员可以升级亮牌")
    if not reason.strip():
        raise SupervisionError("请说明升级理由", field="reason")
    return _escalate(rect, actor=actor, now=now, why=reason.strip())


def mark_overdue(card_ids: Iterable[int], *, now: datetime) -> int:
    """Rectifications past their deadline unanswered: marked once (a conditional update is the
    claim, so two sweeps never both act), supervisors and heads told, yellow cards escalated."""
    done = 0
    for pk in card_ids:
        with transaction.atomic():
            won = Rectification.objects.filter(
                card_id=pk, status=R.OPEN, overdue_at__isnull=True
            ).update(overdue_at=now)
            if won != 1:
                continue  # answered meanwhile, or another worker got there first
            rect = _lock(Card(pk=pk))
            card = rect.card
            due = local_date(card.rectify_due_at) if card.rectify_due_at else None
            _record(card, CardEvent.Kind.OVERDUE, actor=None, now=now, note=f"整改期限 {due}")
            tell(
                [*supervisors_of(card), *department_heads(card)],
                f"整改逾期：{_label(card)}",
                f"{card.department.name}未在 {due} 前反馈整改措施。",
                now=now,
                template="card_overdue",
            )
            if card.colour == Card.Colour.YELLOW and not hasattr(card, "escalated_to"):
                _escalate(rect, actor=None, now=now, why=f"整改逾期（期限 {due}）")
            done += 1
    return done
