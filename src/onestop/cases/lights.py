"""Traffic lights of cases and tasks, computed from stored due times when read (STYLE §4).

green: on track; yellow: a configurable share of the time used, or few working days left;
red: overdue. Thresholds come from settings (LIGHT_YELLOW_SHARE, LIGHT_YELLOW_DAYS).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar, local_date

GREEN, YELLOW, RED = "green", "yellow", "red"
LABELS = {GREEN: "正常", YELLOW: "预警", RED: "超期"}


def light(
    start: datetime | None, due: datetime | None, now: datetime, calendar: Calendar | None = None
) -> str | None:
    """The light of something that started at `start` and is due at `due`; None if untimed."""
    if due is None:
        return None
    if now > due:
        return RED
    cal = calendar or workdays.calendar()
    left = cal.workdays_between(local_date(now), local_date(due))
    if left <= getattr(settings, "LIGHT_YELLOW_DAYS", 1):
        return YELLOW
    if start is not None:
        total = cal.workdays_between(local_date(start), local_date(due))
        used = total - left
        if total > 0 and used / total >= getattr(settings, "LIGHT_YELLOW_SHARE", 0.8):
            return YELLOW
    return GREEN
