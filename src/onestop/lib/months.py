"""Calendar months: the one a page asks for ("2026-03"), and its bounds in a zone."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo


def parse_month(raw: str, today: date) -> tuple[int, int]:
    """(year, month) of "YYYY-MM" between 2000 and 2100; anything else is today's month."""
    try:
        year, month = (int(x) for x in raw.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def month_bounds(year: int, month: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """[first moment, first moment of the next month) in `zone`."""
    start = datetime.combine(date(year, month, 1), time.min, tzinfo=zone)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, datetime.combine(nxt, time.min, tzinfo=zone)
