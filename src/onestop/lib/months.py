"""A calendar month asked for in a page's query string ("2026-03")."""

from __future__ import annotations

from datetime import date


def parse_month(raw: str, today: date) -> tuple[int, int]:
    """(year, month) of "YYYY-MM" between 2000 and 2100; anything else is today's month."""
    try:
        year, month = (int(x) for x in raw.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month
