"""Publishing licence decisions: at the decision itself, and a job that catches up within the
7-working-day window on any decided case without its row (decided before this app was
installed, or by a path that skipped the hook)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from onestop.cases.models import Case, CaseEvent
from onestop.catalog.models import ServiceItem
from onestop.disclosure import rules
from onestop.disclosure.models import LicenceDecision
from onestop.org.models import Applicant
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

log = logging.getLogger(__name__)

OUTCOMES = ("granted", "refused")


def on_case_closed(*, case: Case, outcome: str, now: datetime, **_: Any) -> None:
    """`cases.hooks.case_closed`: a licence granted or refused is published at once, in the
    decision's transaction (so a rolled-back decision publishes nothing)."""
    if outcome in OUTCOMES and case.item.category == ServiceItem.Category.LICENSING:
        publish_decision(case, outcome=outcome, now=now)


def publish_decision(case: Case, *, outcome: str, now: datetime) -> LicenceDecision:
    """The public row of a decided licence case (once: a second call returns the first)."""
    known = LicenceDecision.objects.filter(case=case).first()
    if known is not None:
        return known
    applicant: Applicant = case.applicant
    enterprise = applicant.kind == Applicant.Kind.ENTERPRISE
    counterpart = rules.public_counterpart(
        enterprise=enterprise, name=applicant.name, credit_code=applicant.credit_code
    )
    names = tuple(n for n in (applicant.name, applicant.legal_representative) if n)
    reasons = ""
    if outcome == "refused":
        event = case.events.filter(kind="refused").order_by("-seq").first()
        reasons = rules.public_text(
            (event.data or {}).get("reasons", "") if event else "", names=names
        )
    decided_at = case.decided_at or now
    decided_on = local_date(decided_at)
    department = case.department
    return LicenceDecision.objects.create(
        case=case,
        counterpart_kind=counterpart.kind,
        counterpart_name=counterpart.name,
        counterpart_code=counterpart.code,
        document_number=case.number,
        document_name=rules.DOCUMENT_NAMES[outcome],
        decision=outcome,
        item_code=case.item.code,
        item_name=case.item.name,
        legal_basis=rules.public_text(case.item.legal_basis, names=names),
        reasons=reasons,
        decided_on=decided_on,
        decided_at=decided_at,
        department=department,
        department_name=department.name,
        department_code=department.credit_code,
        published_at=now,
        publish_by=workdays.due_date(decided_on, rules.PUBLISH_WITHIN_DAYS).due,
    )


def unpublished() -> Any:
    """Decided licence cases without their public row (withdrawn and undecided ones never)."""
    return (
        Case.objects.filter(
            decided_at__isnull=False,
            item__category=ServiceItem.Category.LICENSING,
            disclosure__isnull=True,
        )
        .exclude(status__in=(Case.Status.WITHDRAWN, Case.Status.DRAFT))
        .select_related("item", "applicant", "department")
    )


def outcome_of(case: Case) -> str | None:
    """Granted or refused: the case's last decision event."""
    event = (
        CaseEvent.objects.filter(case=case, kind__in=OUTCOMES).order_by("-seq").only("kind").first()
    )
    return event.kind if event else None


def publish_missing(now: datetime) -> int:
    """The job: publish every decided licence case that has no row yet; safe on many nodes
    (each case is locked, and the one-to-one row is written once). Returns how many."""
    done = 0
    for case in unpublished().order_by("decided_at")[:500]:
        outcome = outcome_of(case)
        if outcome is None:
            continue
        try:
            with transaction.atomic():
                Case.objects.select_for_update().filter(pk=case.pk).first()
                row = publish_decision(case, outcome=outcome, now=now)
        except IntegrityError:  # another node published it between our read and our write
            continue
        if row.published_at == now:
            done += 1
            if local_date(now) > row.publish_by:
                log.warning("licence decision %s published after %s", case.number, row.publish_by)
    return done
