"""Completion (办结: certificate, fees, 容缺 materials), delivery and withdrawal."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import hooks
from onestop.cases.actions.common import (
    certificate_issued,
    close_tasks,
    fees_settled,
    invite_rating,
    set_status,
    start_move,
)
from onestop.cases.actions.notices import announce
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseMaterial, ClockStop
from onestop.workdays.calendar import local_date

S = Case.Status


@transaction.atomic
def mark_tolerated_supplied(
    case: Case, *, actor: User, now: datetime, name: str, key: str = ""
) -> Case:
    """A 容缺 material promised at acceptance has arrived."""
    case, done = start_move(case, "supply_tolerated", actor, key)
    if done:
        return case
    material = case.materials.filter(name=name, state=CaseMaterial.State.TOLERATED).first()
    if material is None:
        raise CaseError(f"“{name}”不是待补交的容缺材料", field="name")
    if material.file_id is None:
        raise CaseError("请先上传该材料", field="file")
    material.state, material.note = CaseMaterial.State.PROVIDED, "已补交"
    material.save(update_fields=["state", "note"])
    record_event(case, "tolerated_supplied", actor=actor, now=now, key=key, data={"name": name})
    return case


@transaction.atomic
def complete_case(case: Case, *, actor: User, now: datetime, key: str = "") -> Case:
    """办结: a grant needs its certificate, its fees and every tolerated material."""
    case, done = start_move(case, "complete", actor, key)
    if done:
        return case
    if case.status == S.GRANTED:
        waiting = [m.name for m in case.materials.all() if m.state == CaseMaterial.State.TOLERATED]
        if waiting:
            raise CaseError("容缺材料尚未补齐，不能办结：" + "、".join(waiting), field="materials")
        if not fees_settled(case):
            raise CaseError("费用尚未缴清，不能办结", field="fees")
        if not certificate_issued(case):
            raise CaseError("尚未制发证照，不能办结", field="certificate")
    case.completed_at = now
    set_status(case, S.COMPLETED, "completed_at")
    close_tasks(case, now)
    announce(case, record_event(case, "completed", actor=actor, now=now, key=key))
    invite_rating(case, now)
    return case


@transaction.atomic
def deliver_case(
    case: Case, *, actor: User, now: datetime, method: str = "窗口领取", key: str = ""
) -> Case:
    case, done = start_move(case, "deliver", actor, key)
    if done:
        return case
    case.delivered_at = now
    set_status(case, S.DELIVERED, "delivered_at")
    event = record_event(case, "delivered", actor=actor, now=now, key=key, data={"method": method})
    announce(case, event)
    return case


@transaction.atomic
def withdraw_case(
    case: Case, *, actor: User, now: datetime, reason: str = "", key: str = ""
) -> Case:
    case, done = start_move(case, "withdraw", actor, key)
    if done:
        return case
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=local_date(now))
    set_status(case, S.WITHDRAWN)
    close_tasks(case, now)
    record_event(case, "withdrawn", actor=actor, now=now, key=key, data={"reason": reason})
    hooks.case_closed(case=case, outcome="withdrawn", now=now)
    return case
