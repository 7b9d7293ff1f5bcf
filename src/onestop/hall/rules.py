"""Pure rules of the hall (no database): queue order, ticket letters, appointment slot times,
percentiles. Tested with hypothesis."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from onestop.workdays.calendar import Calendar, centre_zone

# Letters on the ticket by zone kind (A区 行政审批 → A012, B区 公共服务 → B003, …).
ZONE_LETTERS = {
    "approval": "A",
    "public": "B",
    "info": "C",
    "parallel": "D",
    "hr_market": "E",
    "trading": "F",
    "multi": "G",
}

# Head starts when the administrator has set no rule for a category (minutes).
DEFAULT_HEAD_STARTS = {
    "normal": 0,
    "appointment": 30,
    "green": 60,
    "enterprise": 45,
    "care": 20,
}


def zone_letter(kind: str) -> str:
    return ZONE_LETTERS.get(kind, "Z")


def head_start(category: str, rules: Mapping[str, int]) -> int:
    """Minutes a ticket of `category` queues ahead; ordinary tickets never get a head start."""
    if category == "normal":
        return 0
    return max(0, rules.get(category, DEFAULT_HEAD_STARTS.get(category, 0)))


def queue_at(taken_at: datetime, category: str, rules: Mapping[str, int]) -> datetime:
    """A ticket's place in the queue: its taking time moved earlier by its head start."""
    return taken_at - timedelta(minutes=head_start(category, rules))


@dataclass(frozen=True)
class Waiting:
    pk: int
    taken_at: datetime
    category: str


def order(tickets: Iterable[Waiting], rules: Mapping[str, int]) -> list[Waiting]:
    """The order the windows call waiting tickets in (the database sorts the same way, by
    queue_at then id)."""
    return sorted(tickets, key=lambda t: (queue_at(t.taken_at, t.category, rules), t.pk))


def slot_times(
    day: date,
    *,
    morning: tuple[time, time],
    afternoon: tuple[time, time],
    minutes: int,
) -> list[tuple[datetime, datetime]]:
    """The appointment slots of one working day, as aware datetimes in the centre's zone; a
    slot that would run past the end of a half-day is dropped."""
    tz = centre_zone()
    step = timedelta(minutes=max(minutes, 5))
    slots = []
    for start, end in (morning, afternoon):
        at = datetime.combine(day, start, tzinfo=tz)
        stop = datetime.combine(day, end, tzinfo=tz)
        while at + step <= stop:
            slots.append((at, at + step))
            at += step
    return slots


def bookable_days(cal: Calendar, today: date, count: int, *, include_today: bool) -> list[date]:
    """The next `count` working days (today first when it is one and `include_today`)."""
    days: list[date] = []
    d = today if include_today else today + timedelta(days=1)
    # A long holiday (Spring Festival) has at most ~10 days off in a row; 60 is a safe bound.
    for _ in range(count + 60):
        if len(days) >= count:
            break
        if cal.is_workday(d):
            days.append(d)
        d += timedelta(days=1)
    return days


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile (p in 0..100) of `values`; None for no values."""
    if not values:
        return None
    ranked = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ranked)))
    return ranked[rank - 1]


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
