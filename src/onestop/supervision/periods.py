"""Calendar months in the centre's zone: the periods of evaluations, reports and card counts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from onestop.lib import months


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[first moment, first moment of the next month) in the centre's zone."""
    return months.month_bounds(year, month, ZoneInfo(settings.CENTRE_TIME_ZONE))
