"""The window: paper materials checked on the desk, and a walk-in accepted in one go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import workflow
from onestop.cases.actions.acceptance import accept_case, handle_instant
from onestop.cases.actions.common import already_done, lock_case
from onestop.cases.actions.intake import NewCase, create_case
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseMaterial
from onestop.cases.permissions import holds_role
from onestop.cases.rules import register_walk_in_problems
from onestop.catalog.models import ServiceItem
from onestop.core.errors import NotAllowed, TransitionError
from onestop.org.actions import (
    detach_from_account,
    holds_account,
    same_name,
    walk_in_user,
    window_may_link,
)
from onestop.org.models import Applicant, Centre, Role

S = Case.Status


@transaction.atomic
def record_materials_checked(
    case: Case, names: Sequence[str], *, actor: User, now: datetime, key: str = ""
) -> Case:
    """The window checked the paper materials on the desk: those named are handed in."""
    case = lock_case(case)
    if already_done(case, key):
        return case
    if not holds_role(actor, case, [Role.CLERK], case.department_id):
        raise NotAllowed("只有本部门窗口受理员可以核验材料")
    if not workflow.WORKFLOW.is_in(case.status, "AT_WINDOW"):
        raise TransitionError(f"办件当前状态为“{case.get_status_display()}”，不能核验材料")
    pending = case.materials.filter(name__in=set(names)).exclude(state=CaseMaterial.State.PROVIDED)
    checked = sorted(pending.values_list("name", flat=True))
    pending.update(state=CaseMaterial.State.PROVIDED, note="窗口核验纸质材料")
    record_event(case, "materials_checked", actor=actor, now=now, key=key, data={"names": checked})
    return case


@dataclass(frozen=True)
class WalkIn:
    item: ServiceItem
    centre: Centre
    id_number: str
    name: str
    phone: str
    applicant: Applicant | None
    form_data: dict[str, Any]
    provided: Sequence[str]
    tolerated: Sequence[str]
    # The clerk, card in hand, accepts for the person although the account holding the number
    # bears another name: the record is taken from that account (org.actions.detach_from_account).
    unlink_account: bool = False


# The window links a walk-in to the account holding the number only when the names match.
NAME_DIFFERS = (
    "该身份证号码已关联一个网上账号，但账号登记的姓名与您填写的申请人姓名不一致，未予关联。"
    "请核对身份证原件；确认无误的，勾选“不关联该账号，为到场申请人受理”后再次提交。"
)


def _walk_in_applicant(walk_in: WalkIn, *, actor: User, now: datetime) -> Applicant:
    """The record the walk-in's case is filed under: the one on record for the number (left
    with its account only if the names match and the account's proof covers the phone given
    at the window: org.actions.window_may_link), else a new walk-in record."""
    applicant = walk_in.applicant
    if applicant is None:
        return register_walk_in(id_number=walk_in.id_number, name=walk_in.name, phone=walk_in.phone)
    if not holds_account(applicant):
        return applicant
    if not same_name(applicant.name, walk_in.name):
        if not walk_in.unlink_account:
            raise CaseError(NAME_DIFFERS, field="name")
        reason = "name_differs_at_window"
    elif window_may_link(applicant, phone=walk_in.phone):
        return applicant
    else:
        # Accepted for the person at the desk, not for the account: the record goes back to a
        # walk-in with this phone, to which the person may then prove the number by SMS.
        reason = "phone_not_proven_at_window"
    problems = register_walk_in_problems(walk_in.id_number, walk_in.name, walk_in.phone)
    if problems:
        raise CaseError("；".join(problems), field="applicant")
    return detach_from_account(
        applicant,
        name=walk_in.name,
        phone=walk_in.phone,
        actor=actor,
        centre=walk_in.centre,
        now=now,
        reason=reason,
    )


@transaction.atomic
def window_accept(walk_in: WalkIn, *, actor: User, now: datetime, key: str = "") -> Case:
    """A walk-in applicant at the window: register the case, check the paper, accept (or, for
    an instant item, grant and complete on the spot) — all or nothing."""
    applicant = _walk_in_applicant(walk_in, actor=actor, now=now)
    case = create_case(
        NewCase(
            item=walk_in.item,
            applicant=applicant,
            channel=Case.Channel.WINDOW,
            centre=walk_in.centre,
            form_data=walk_in.form_data,
        ),
        actor=actor,
        now=now,
        key=key,
    )
    if case.status != S.DRAFT:  # a replayed request: it was done the first time
        return case
    record_materials_checked(case, list(walk_in.provided) + [], actor=actor, now=now)
    if walk_in.item.kind == ServiceItem.Kind.INSTANT:
        return handle_instant(case, actor=actor, now=now)
    return accept_case(case, actor=actor, now=now, tolerated=walk_in.tolerated)


def register_walk_in(*, id_number: str, name: str, phone: str) -> Applicant:
    """An applicant who came to the window without an account (no password to sign in with)."""
    problems = register_walk_in_problems(id_number, name, phone)
    if problems:
        raise CaseError("；".join(problems), field="applicant")
    return Applicant.objects.create(
        user=walk_in_user(name),
        kind=Applicant.Kind.PERSON,
        name=name.strip(),
        id_number=id_number,
        phone=phone,
    )
