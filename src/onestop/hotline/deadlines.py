"""The deadlines of a dispatch: the administrator's table of the ticket's type and urgency (or
the built-in defaults), counted in hours or working days from the dispatch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from onestop.hotline.models import DeadlineRule, Kind, Urgency
from onestop.workdays import queries as workdays

SEND_BACK_DAYS = 2  # a department may send a ticket back within 2 working days of dispatch
FALLBACK = (5, DeadlineRule.Unit.WORKDAYS, 24)

# Used when the table has no row that applies: the defaults the migration also writes.
DEFAULT_RULES: list[tuple[str, str, int, str, int]] = [
    ("", Urgency.URGENT, 2, DeadlineRule.Unit.HOURS, 1),
    (Kind.CONSULT, "", 3, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.HELP, "", 3, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.COMPLAINT, "", 5, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.SUGGESTION, "", 10, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.REPORT, "", 10, DeadlineRule.Unit.WORKDAYS, 24),
    (Kind.PRAISE, "", 5, DeadlineRule.Unit.WORKDAYS, 24),
]


@dataclass(frozen=True)
class Deadlines:
    sign_due_at: datetime
    send_back_due_at: datetime
    due_at: datetime
    label: str  # "2 小时" / "5 个工作日"


def find_rule(kind: str, urgency: str) -> tuple[int, str, int]:
    """(amount, unit, sign hours) of the most specific rule for a type and urgency."""
    rows = {
        (r.kind, r.urgency): (r.amount, r.unit, r.sign_hours)
        for r in DeadlineRule.objects.filter(kind__in=[kind, ""], urgency__in=[urgency, ""])
    }
    defaults = {(k, u): (a, unit, h) for k, u, a, unit, h in DEFAULT_RULES}
    order = ((kind, urgency), ("", urgency), (kind, ""), ("", ""))
    for table in (rows, defaults):  # the administrator's table, else the built-in defaults
        for wanted in order:
            if wanted in table:
                return table[wanted]
    return FALLBACK


def deadlines(kind: str, urgency: str, now: datetime, extra_days: int = 0) -> Deadlines:
    amount, unit, sign_hours = find_rule(kind, urgency)
    if unit == DeadlineRule.Unit.HOURS:
        due = now + timedelta(hours=amount)
        label = f"{amount} 小时"
    else:
        due = workdays.due_at(now, amount + extra_days)
        label = f"{amount} 个工作日"
    sign_due = min(now + timedelta(hours=sign_hours), due)
    return Deadlines(sign_due, workdays.due_at(now, SEND_BACK_DAYS), due, label)
