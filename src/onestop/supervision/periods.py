"""Calendar months in the centre's zone: the periods of evaluations, reports and card counts."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[first moment, first moment of the next month) in the centre's zone."""
    zone = ZoneInfo(settings.CENTRE_TIME_ZONE)
    start = datetime.combine(date(year, month, 1), time.min, tzinfo=zone)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(nxt, time.min, tzinfo=zone)
