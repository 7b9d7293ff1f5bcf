"""The 暂定 mark of a deadline counted into a year the calendar does not know yet.

    {% load deadlines %}{% provisional_mark ticket.dispatched_at ticket.due_at %}

for a deadline stored without its flag (hotline, parallel approval); a case's own flag is shown
with {% include "workdays/_provisional.html" with provisional=case.due_provisional %}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from onestop.workdays import queries

register = template.Library()


@register.inclusion_tag("workdays/_provisional.html")
def provisional_mark(start: datetime | None, *dues: datetime | None) -> dict[str, Any]:
    """One mark for deadlines counted from `start`, shown when any of them is provisional."""
    cal = queries.calendar()
    return {"provisional": any(cal.provisional(start, due) for due in dues)}
