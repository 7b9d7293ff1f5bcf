"""Pure rules of the documents the centre issues."""

from __future__ import annotations

from datetime import date, timedelta


def valid_until(issued: date, years: int) -> date | None:
    """The last valid day of a certificate issued on `issued` for `years` years (0: 长期).

    A five-year licence issued on 2026-03-10 is valid to 2031-03-09; one issued on 29 February
    ends on 27 February (28 February is the anniversary in a common year).
    """
    if years < 0:
        raise ValueError("years must not be negative")
    if years == 0:
        return None
    try:
        anniversary = issued.replace(year=issued.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = date(issued.year + years, 2, 28)
    return anniversary - timedelta(days=1)
