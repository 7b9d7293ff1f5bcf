"""The 暂定 mark of a deadline counted into a year the calendar does not know yet.

    {% load deadlines %}{% provisional_mark ticket.dispatched_at ticket.due_at %}

for a deadline stored without its flag (hotline, parallel approval); a case's own flag is shown
with {% include "workdays/_provisional.html" with provisional=case.due_provisional %}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.template import Context

from onestop.workdays import queries

register = template.Library()
CALENDAR_KEY = "_workdays_calendar"


@register.inclusion_tag("workdays/_provisional.html", takes_context=True)
def provisional_mark(
    context: Context, start: datetime | None, *dues: datetime | None
) -> dict[str, Any]:
    """One mark for deadlines counted from `start`, shown when any of them is provisional.

    A list page marks many rows: one calendar snapshot serves the whole page (its request), so
    an unknown year is read once, not once a row."""
    request = context.get("request")
    cache = request.__dict__ if request is not None else context.render_context
    cal = cache.get(CALENDAR_KEY)
    if cal is None:
        cal = cache[CALENDAR_KEY] = queries.calendar()
    return {"provisional": any(cal.provisional(start, due) for due in dues)}
