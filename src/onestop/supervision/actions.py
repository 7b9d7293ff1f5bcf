"""Cards (黄牌/红牌) and their rectifications: issue, answer, close.

Each move takes `actor` and `now` keyword-only, locks the row it changes and re-checks the state;
errors are the domain errors of cases (CaseError 422, TransitionError 409, NotAllowed 403).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases.errors import CaseError, NotAllowed, TransitionError
from onestop.cases.models import Case
from onestop.org.models import Department, Region, Role, Window
from onestop.org.queries import staff_roles_of
from onestop.supervision.models import Card, Rectification


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
) -> Card:
    """A supervisor shows a department (or one of its windows) a yellow or red card."""
    region = supervisor_region(actor)
    if region is None or not _supervises(actor, department.region):
        raise NotAllowed("只有效能监察员可以对本辖区的部门亮牌")
    if colour not in Card.Colour.values:
        raise CaseError("请选择黄牌或红牌", field="colour")
    if not reason.strip():
        raise CaseError("请说明亮牌事由", field="reason")
    if window is not None and not window.departments.filter(pk=department.pk).exists():
        raise CaseError("该窗口不属于所选部门", field="window")
    card = Card.objects.create(
        colour=colour,
        department=department,
        window=window,
        region=region,
        reason=reason.strip(),
        case=case,
        issued_by=actor,
        issued_at=now,
    )
    Rectification.objects.create(card=card)
    return card


def _lock(card: Card) -> Rectification:
    return Rectification.objects.select_for_update().select_related("card").get(card_id=card.pk)


@transaction.atomic
def answer_card(card: Card, *, actor: User, now: datetime, measure: str) -> Rectification:
    """The department head answers with the rectification measure taken."""
    rect = _lock(card)
    if not heads_department(actor, rect.card.department_id):
        raise NotAllowed("只有被亮牌部门的负责人可以反馈整改")
    if rect.status == Rectification.Status.CLOSED:
        raise TransitionError("整改已销号")
    if not measure.strip():
        raise CaseError("请填写整改措施", field="measure")
    rect.status = Rectification.Status.ANSWERED
    rect.measure, rect.answered_by, rect.answered_at = measure.strip(), actor, now
    rect.save(update_fields=["status", "measure", "answered_by", "answered_at"])
    return rect


@transaction.atomic
def close_card(card: Card, *, actor: User, now: datetime, note: str = "") -> Rectification:
    """A supervisor of the card's region accepts the rectification and closes it (销号)."""
    rect = _lock(card)
    if not _supervises(actor, rect.card.region):
        raise NotAllowed("只有效能监察员可以销号")
    if rect.status != Rectification.Status.ANSWERED:
        raise TransitionError("部门尚未反馈整改措施" if rect.status == "open" else "整改已销号")
    rect.status = Rectification.Status.CLOSED
    rect.closed_by, rect.closed_at, rect.closing_note = actor, now, note.strip()[:300]
    rect.save(update_fields=["status", "closed_by", "closed_at", "closing_note"])
    return rect
