"""Issuing and revoking certificates (电子证照), in the shape of the case moves.

Art. 44 of the Administrative Licensing Law: the certificate is issued and delivered within
10 working days of a grant (the case's certificate_due_at and its CERTIFICATE task).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce

from onestop.cases.actions import (
    already_done,
    centre_code,
    check_move,
    holds_role,
    lock_case,
    tell_parties,
)
from onestop.cases.audit import record_event
from onestop.cases.models import Case, Task
from onestop.core.errors import NotAllowed, TransitionError
from onestop.core.sequences import next_in_sequence
from onestop.documents import rules, signing
from onestop.documents.errors import DocumentError
from onestop.documents.models import Certificate, DocumentSequence
from onestop.fees.queries import settled
from onestop.lib.identity import mask_id_number
from onestop.org.models import Applicant, Centre, Role
from onestop.workdays.calendar import local_date

# Form fields that carry personal data: never printed on a certificate shown publicly.
PRIVATE_FIELD_TYPES = ("id_number", "phone")
REVOKERS = (Role.DEPARTMENT_HEAD, Role.APPROVER)


def next_certificate_number(case: Case, day: date) -> str:
    """<centre code>-<DEPARTMENT KEY>-<year>-<sequence>, e.g. 510403-SCJGJ-2026-00001."""
    prefix = f"{centre_code(case.centre)}-{case.department.key.upper()}-{day.year}"
    return f"{prefix}-{next_in_sequence(DocumentSequence, prefix):05d}"


def mask_holder_id(applicant: Applicant) -> str:
    """Certificates are shown publicly: a person's ID number is masked, a credit code is not."""
    if applicant.kind == Applicant.Kind.ENTERPRISE:
        return applicant.credit_code
    return mask_id_number(applicant.id_number)


def _particulars(case: Case) -> list[list[str]]:
    """The licensed particulars from the application form (一事一表), label and value."""
    rows = []
    for field in case.item.form_schema or []:
        if field.get("type") in PRIVATE_FIELD_TYPES or field["name"] == "applicant_name":
            continue
        value = str(case.form_data.get(field["name"], "") or "").strip()
        if value:
            rows.append([str(field.get("label", field["name"])), value])
    return rows


def certificate_content(
    case: Case, number: str, now: datetime, valid_until: date | None
) -> dict[str, Any]:
    """What a certificate says and its signature covers: strings only, so that it reads back
    the same from either database."""
    applicant = case.applicant
    return {
        "number": number,
        "title": case.item.name,
        "item_code": case.item.code,
        "holder": applicant.name,
        "holder_kind": applicant.kind,
        "holder_id": mask_holder_id(applicant),
        "particulars": _particulars(case),
        "department": case.department.name,
        "issued_on": local_date(now).isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else "",
        "case": case.number,
    }


@transaction.atomic
def issue_certificate(
    case: Case,
    *,
    actor: User,
    now: datetime,
    key: str = "",
    valid_until: date | None = None,
) -> Certificate:
    """制发证照 for a granted case, once: a repeated call returns the certificate issued."""
    case = lock_case(case)
    existing = Certificate.objects.filter(case=case).first()
    if existing is not None and already_done(case, key):
        return existing
    check_move(case, "issue_certificate", actor)
    if existing is not None:
        return existing
    # The certificate is released only when the fees are paid or exempt (集中收费).
    if not settled(case):
        raise DocumentError("费用尚未缴清，不能制发证照", field="fees")
    if valid_until is None:  # the item's legal validity (食品经营许可证: five years), or 长期
        valid_until = rules.valid_until(local_date(now), case.item.certificate_years)
    if valid_until is not None and valid_until <= local_date(now):
        raise DocumentError("有效期须晚于发证日期", field="valid_until")
    case.centre = Centre.objects.select_related("region").get(pk=case.centre_id)
    number = next_certificate_number(case, local_date(now))
    content = certificate_content(case, number, now, valid_until)
    cert = Certificate.objects.create(
        case=case,
        number=number,
        holder_name=content["holder"],
        item_name=content["title"],
        department=case.department,
        issued_at=now,
        valid_until=valid_until,
        content=content,
        signature=signing.sign(content),
        key_id=signing.key_id(),
    )
    Task.objects.filter(case=case, kind=Task.Kind.CERTIFICATE, status__in=Task.OPEN_STATES).update(
        status=Task.Status.DONE,
        done_at=now,
        outcome="issued",
        assignee=Coalesce("assignee", Value(actor.pk)),
    )
    record_event(
        case,
        "certificate_issued",
        actor=actor,
        now=now,
        key=key,
        data={
            "number": number,
            "key_id": cert.key_id,
            # Ties the signed content into the case's hash chain.
            "content_sha256": hashlib.sha256(signing.canonical(content)).hexdigest(),
            "on_time": bool(case.certificate_due_at is None or now <= case.certificate_due_at),
        },
    )
    valid = f"，有效期至{valid_until:%Y年%m月%d日}" if valid_until else ""
    tell_parties(
        case,
        template="certificate_ready",
        subject="证照已制发",
        body=(
            f"您的办件{case.number}（{case.item.name}）的证照已制发（编号{number}{valid}），"
            "可在办件页面查看电子证照，或到窗口领取。"
        ),
        now=now,
        context={"certificate": number},
    )
    return cert


@transaction.atomic
def revoke_certificate(
    cert: Certificate, *, actor: User, now: datetime, reason: str, key: str = ""
) -> Certificate:
    """撤销: the issuing department's head or approver; the verification page shows it."""
    case = lock_case(cert.case_id)
    cert = Certificate.objects.select_for_update().get(pk=cert.pk)
    if already_done(case, key):
        return cert
    if not holds_role(actor, case, REVOKERS, cert.department_id):
        raise NotAllowed("只有发证部门的负责人或审批人可以撤销证照")
    if cert.status == Certificate.Status.REVOKED:
        raise TransitionError("该证照已撤销")
    reason = reason.strip()
    if not reason:
        raise DocumentError("撤销证照须说明理由", field="reason")
    cert.status, cert.revoked_at, cert.revoke_reason = Certificate.Status.REVOKED, now, reason
    cert.save(update_fields=["status", "revoked_at", "revoke_reason"])
    record_event(
        case,
        "certificate_revoked",
        actor=actor,
        now=now,
        key=key,
        data={"number": cert.number, "reason": reason},
    )
    return cert
