"""The published licence decisions and their search (the page, the API and the export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet

from onestop.disclosure.models import LicenceDecision


@dataclass(frozen=True)
class Search:
    q: str = ""  # counterpart name, credit code or decision number
    item: str = ""  # item name or code
    department: str = ""  # department key
    decision: str = ""  # granted | refused
    start: date | None = None  # decision date from
    end: date | None = None  # decision date to (inclusive)


def published(search: Search | None = None) -> QuerySet[LicenceDecision]:
    """Published decisions, newest first, with the certificate each names (when issued)."""
    # The certificate is issued after the decision: joined (LEFT JOIN), not stored.
    qs = LicenceDecision.objects.annotate(
        certificate_number=F("case__certificate__number"),
        valid_from=F("case__certificate__issued_at"),
        valid_until=F("case__certificate__valid_until"),
        certificate_status=F("case__certificate__status"),
    )
    if search is None:
        return qs
    if q := search.q.strip():
        qs = qs.filter(
            Q(counterpart_name__icontains=q)
            | Q(counterpart_code=q.upper())
            | Q(document_number=q)
            | Q(case__certificate__number=q)
        )
    if item := search.item.strip():
        qs = qs.filter(Q(item_name__icontains=item) | Q(item_code=item))
    if search.department:
        qs = qs.filter(department__key=search.department)
    if search.decision:
        qs = qs.filter(decision=search.decision)
    if search.start:
        qs = qs.filter(decided_on__gte=search.start)
    if search.end:
        qs = qs.filter(decided_on__lte=search.end)
    return qs
