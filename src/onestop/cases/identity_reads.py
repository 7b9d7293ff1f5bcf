"""Full ID numbers on a case: masked by default; every read is recorded (DESIGN "Personal data").

A staff member who may read the case and whose role may reveal identities (org.permissions.TABLE:
identity × reveal) picks a reason from a short list; the read is written twice in one
transaction: as a personal-data read of the applicant (who, when, why, which case), which
supervisors list, and as an event in the case's audit chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import actions
from onestop.cases.audit import record_event
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent
from onestop.core.errors import NotAllowed
from onestop.lib.identity import mask_credit_code, mask_id_number
from onestop.org.actions import read_full_identity
from onestop.org.models import Applicant
from onestop.org.permissions import Act, Obj, may

# Why a full number is needed: the short list the staff member picks from.
REASONS = {
    "verify": "核验申请人身份",
    "certificate": "制证、送达需要完整号码",
    "share": "部门间数据核验",
    "correct": "更正申请信息",
}
SECRET_TYPES = ("id_number", "credit_code")


@dataclass(frozen=True)
class IdentityRow:
    label: str
    value: str


def masked_applicant(case: Case) -> str:
    a = case.applicant
    return mask_id_number(a.id_number) if a.id_number else mask_credit_code(a.credit_code)


def form_rows(case: Case, *, full: bool = False) -> list[dict[str, Any]]:
    """The application form as (label, value), ID numbers and credit codes masked unless
    `full` (only after a recorded read)."""
    rows = []
    for f in case.item.form_schema or []:
        value = case.form_data.get(f["name"], "")
        secret = f.get("type") in SECRET_TYPES and value
        if secret and not full:
            value = (
                mask_credit_code(str(value))
                if f.get("type") == "credit_code"
                else mask_id_number(str(value))
            )
        rows.append({"label": f.get("label", f["name"]), "value": value, "secret": bool(secret)})
    return rows


def may_reveal(actor: User) -> bool:
    """The actor's role may reveal identities (the caller fetched the case in its reach)."""
    return may(actor, Obj.IDENTITY, Act.REVEAL)


@transaction.atomic
def reveal_case_identity(
    case: Case, *, actor: User, now: datetime, reason: str, key: str = ""
) -> list[IdentityRow]:
    """The full numbers of the case (applicant and form), with the read recorded; a repeated
    request with the same key by the same person is the same read, recorded once."""
    if reason not in REASONS:
        raise CaseError("请选择查看完整证件号码的原因", field="reason")
    if not may_reveal(actor):
        raise NotAllowed("您的岗位不能查看完整证件号码")
    case = actions.lock_case(case)
    earlier = CaseEvent.objects.filter(case=case, key=key).first() if key else None
    if earlier is not None and (earlier.kind, earlier.actor_id) != ("identity_revealed", actor.pk):
        raise CaseError("该幂等键已用于其他请求", field="Idempotency-Key")
    if earlier is None:
        purpose = f"{REASONS[reason]}（办件 {case.number}）"
        read_full_identity(case.applicant, actor=actor, purpose=purpose)
        record_event(
            case,
            "identity_revealed",
            actor=actor,
            now=now,
            key=key,
            data={"reason": REASONS[reason], "applicant": case.applicant.name},
        )
    a = case.applicant
    number = a.id_number if a.kind == Applicant.Kind.PERSON else a.credit_code
    rows = [IdentityRow("申请人证件号码", number)]
    rows += [
        IdentityRow(r["label"], str(r["value"])) for r in form_rows(case, full=True) if r["secret"]
    ]
    return rows
