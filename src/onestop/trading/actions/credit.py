"""Credit records (诚信记录): good conduct, violations and blacklists of bidders, agencies,
intermediaries and experts; a blacklist in force bars its subject."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from onestop.trading.errors import TradingError
from onestop.trading.models import CreditRecord, Expert, Project
from onestop.workdays.calendar import local_date


def blacklisted(credit_code: str, today: date) -> CreditRecord | None:
    if not credit_code:
        return None
    return (
        CreditRecord.objects.filter(credit_code=credit_code, kind=CreditRecord.Kind.BLACKLIST)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .first()
    )


@transaction.atomic
def record_credit(
    *,
    subject: str,
    name: str,
    credit_code: str,
    kind: str,
    summary: str,
    actor: User,
    now: datetime,
    valid_days: int | None = None,
    expert: Expert | None = None,
    project: Project | None = None,
) -> CreditRecord:
    if not summary.strip():
        raise TradingError("请写明事由", field="summary")
    today = local_date(now)
    return CreditRecord.objects.create(
        subject=subject,
        name=name,
        credit_code=credit_code,
        kind=kind,
        summary=summary.strip(),
        recorded_on=today,
        valid_until=today + timedelta(days=valid_days) if valid_days else None,
        expert=expert,
        project=project,
    )
