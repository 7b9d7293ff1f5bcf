"""Creating and submitting a case, and the one-time supplement (补正, Art. 32)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases.actions.common import (
    close_tasks,
    new_task,
    set_status,
    start_move,
)
from onestop.cases.actions.notices import announce
from onestop.cases.actions.numbers import new_query_code, next_case_number
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError
from onestop.cases.hooks import halved_for
from onestop.cases.models import Case, CaseEvent, CaseMaterial, ClockStop, Task
from onestop.cases.rules import SUPPLEMENT_NOTICE_DAYS, check_form
from onestop.catalog.models import ServiceItem
from onestop.core.errors import NotAllowed, TransitionError
from onestop.core.locking import hold_keyed_requests_of
from onestop.org.models import Applicant, Centre, Role, StaffRole
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

S = Case.Status


@dataclass(frozen=True)
class NewCase:
    item: ServiceItem
    applicant: Applicant
    channel: str
    centre: Centre
    form_data: dict[str, Any]
    halved: bool = False


@transaction.atomic
def create_case(new: NewCase, *, actor: User | None, now: datetime, key: str = "") -> Case:
    """A draft case for a published item, with the item's materials listed as missing."""
    if key:
        hold_keyed_requests_of(actor)
        earlier = CaseEvent.objects.filter(kind="created", key=key, actor=actor).first()
        if earlier is not None:
            return earlier.case
    if new.item.status != ServiceItem.Status.PUBLISHED:
        raise CaseError("该事项当前不可申请（未发布或已有新版本）", field="item")
    if new.channel == Case.Channel.AGENT and not (
        actor and StaffRole.objects.filter(user=actor, role=Role.COMMUNITY_AGENT).exists()
    ):
        raise NotAllowed("只有代办员可以代办申请")
    if new.channel == Case.Channel.ONLINE and (actor is None or new.applicant.user_id != actor.pk):
        raise NotAllowed("网上申请只能由申请人本人提交")
    level_ok = {
        Centre.Level.DISTRICT: new.item.at_district,
        Centre.Level.STREET: new.item.at_street,
        Centre.Level.COMMUNITY: new.item.at_community,
    }[Centre.Level(new.centre.level)]
    if not level_ok:
        raise CaseError(f"该事项不能在{new.centre.name}办理", field="centre")
    errors = check_form(new.item, new.form_data)
    if errors:
        raise CaseError("申请表填写有误：" + "；".join(errors), field="form_data")
    case = Case.objects.create(
        number=next_case_number(new.centre, local_date(now)),
        query_code=new_query_code(),
        item=new.item,
        department=new.item.department,
        applicant=new.applicant,
        channel=new.channel,
        filed_by=actor if actor and new.applicant.user_id != actor.pk else None,
        centre=new.centre,
        region=new.centre.region,
        status=S.DRAFT,
        form_data=new.form_data,
        created_at=now,
        halved=new.halved or halved_for(new.applicant),
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=case, name=m.name, required=m.required, tolerance=m.tolerance, order=m.order
        )
        for m in new.item.materials.all()
    )
    record_event(
        case,
        "created",
        actor=actor,
        now=now,
        key=key,
        data={"item": new.item.code, "version": new.item.version, "channel": new.channel},
    )
    return case


def _open_pre_review(case: Case, now: datetime, due_at: datetime | None) -> None:
    """The window's pre-review (预审) of a received application: the supplement notice's time."""
    new_task(case, Task.Kind.PRE_REVIEW, case.department, Role.CLERK, now=now, due_at=due_at)


@transaction.atomic
def submit_case(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """Online or agent application sent to the window: the receipt starts Art. 32's 5 days."""
    case, done = start_move(case, "submit", actor, key)
    if done:
        return case
    case.received_at = now
    notice = workdays.due_date(local_date(now), SUPPLEMENT_NOTICE_DAYS)
    case.supplement_due_at = notice.end_at()
    set_status(case, S.SUBMITTED, "received_at", "supplement_due_at")
    _open_pre_review(case, now, case.supplement_due_at)
    event = record_event(
        case,
        "submitted",
        actor=actor,
        now=now,
        key=key,
        data={"supplement_due": notice.due.isoformat()},
    )
    announce(case, event)
    return case


@transaction.atomic
def request_supplement(
    case: Case, *, actor: User, now: datetime, missing: Sequence[str], note: str = "", key: str = ""
) -> Case:
    """One notice listing every missing material (一次性告知), within 5 working days of receipt."""
    case, done = start_move(case, "request_supplement", actor, key)
    if done:
        return case
    if CaseEvent.objects.filter(case=case, kind="supplement_requested").exists():
        raise TransitionError("补正告知只能一次性发出，本申请已告知过补正，不能再次要求补正")
    if case.supplement_due_at and now > case.supplement_due_at:
        raise TransitionError("已超过收件后 5 个工作日的补正告知期限，依法视为自收件之日起受理")
    names = [n.strip() for n in missing if n.strip()]
    if not names:
        raise CaseError("请列出需要补正的全部材料", field="missing")
    listed = {m.name: m for m in case.materials.all()}
    for name in names:
        if name in listed:
            listed[name].state = CaseMaterial.State.MISSING
            listed[name].note = "待补正"
            listed[name].save(update_fields=["state", "note"])
    ClockStop.objects.create(
        case=case,
        reason=ClockStop.Reason.SUPPLEMENT,
        note="补正材料：" + "、".join(names),
        started_on=local_date(now),
    )
    set_status(case, S.SUPPLEMENT_REQUESTED)
    close_tasks(case, now, [Task.Kind.PRE_REVIEW])
    event = record_event(
        case,
        "supplement_requested",
        actor=actor,
        now=now,
        key=key,
        data={"missing": names, "note": note},
    )
    announce(case, event)
    return case


@transaction.atomic
def supply_materials(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """The applicant has supplied what was asked: back to the window for acceptance."""
    case, done = start_move(case, "supply", actor, key)
    if done:
        return case
    still = [
        m.name
        for m in case.materials.all()
        if m.note == "待补正" and m.state != CaseMaterial.State.PROVIDED
    ]
    if still:
        raise CaseError("仍缺少补正材料：" + "、".join(still), field="materials")
    today = local_date(now)
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=today)
    set_status(case, S.SUBMITTED)
    _open_pre_review(case, now, workdays.due_date(today, SUPPLEMENT_NOTICE_DAYS).end_at())
    record_event(case, "supplied", actor=actor, now=now, key=key)
    return case
