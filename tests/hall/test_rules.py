"""The pure rules: queue order under the administrator's head starts, slot times, working days,
percentiles (hypothesis for the ordering invariants)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from onestop.hall import rules
from onestop.workdays.calendar import Calendar, centre_zone, static_source

START = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
CATEGORIES = ["normal", "appointment", "green", "enterprise", "care"]

head_starts = st.fixed_dictionaries(
    {c: st.integers(min_value=0, max_value=240) for c in CATEGORIES if c != "normal"}
)
tickets = st.lists(
    st.tuples(st.integers(min_value=0, max_value=600), st.sampled_from(CATEGORIES)),
    min_size=1,
    max_size=40,
).map(
    lambda rows: [
        rules.Waiting(pk=i + 1, taken_at=START + timedelta(minutes=m), category=c)
        for i, (m, c) in enumerate(rows)
    ]
)


@given(tickets, head_starts)
def test_the_order_is_a_permutation_and_deterministic(waiting, hs):
    ordered = rules.order(waiting, hs)
    assert sorted(t.pk for t in ordered) == sorted(t.pk for t in waiting)
    assert rules.order(list(reversed(waiting)), hs) == ordered


@given(tickets, head_starts)
def test_within_a_category_first_come_first_called(waiting, hs):
    ordered = rules.order(waiting, hs)
    for category in CATEGORIES:
        same = [t for t in ordered if t.category == category]
        assert same == sorted(same, key=lambda t: (t.taken_at, t.pk))


@given(tickets, head_starts)
def test_a_larger_head_start_taken_no_later_is_called_first(waiting, hs):
    position = {t.pk: i for i, t in enumerate(rules.order(waiting, hs))}
    for a in waiting:
        for b in waiting:
            ahead = rules.head_start(a.category, hs) > rules.head_start(b.category, hs)
            if ahead and a.taken_at <= b.taken_at:
                assert position[a.pk] < position[b.pk]


@given(tickets, head_starts)
def test_nobody_is_passed_by_a_ticket_taken_longer_after_than_the_largest_head_start(waiting, hs):
    """No starvation: the head start is bounded, so an ordinary ticket waits at most that long
    behind later priority tickets."""
    position = {t.pk: i for i, t in enumerate(rules.order(waiting, hs))}
    largest = max(hs.values())
    for a in waiting:
        for b in waiting:
            if b.taken_at - a.taken_at > timedelta(minutes=largest):
                assert position[a.pk] < position[b.pk]


@given(st.integers(min_value=-100, max_value=100))
def test_ordinary_tickets_never_get_a_head_start(minutes):
    assert rules.head_start("normal", {"normal": minutes}) == 0
    assert rules.head_start("care", {"care": minutes}) == max(0, minutes)


@given(
    st.integers(min_value=5, max_value=120),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
)
def test_slots_fit_the_working_hours_without_overlap(minutes, day):
    morning, afternoon = (time(9, 0), time(12, 0)), (time(14, 30), time(18, 0))
    slots = rules.slot_times(day, morning=morning, afternoon=afternoon, minutes=minutes)
    tz = centre_zone()
    for (s, e), nxt in zip(slots, [*slots[1:], None], strict=True):
        assert e - s == timedelta(minutes=minutes)
        local = (s.astimezone(tz).time(), e.astimezone(tz).time())
        assert (morning[0] <= local[0] and local[1] <= morning[1]) or (
            afternoon[0] <= local[0] and local[1] <= afternoon[1]
        )
        if nxt is not None:
            assert e <= nxt[0]
    # Every whole slot that fits is offered.
    assert len(slots) == 180 // minutes + 210 // minutes


def test_bookable_days_follow_the_state_council_calendar():
    cal = Calendar(static_source())
    # 2026 National Day: 1–7 October off, Saturday 10 October a make-up working day.
    days = rules.bookable_days(cal, date(2026, 9, 30), 4, include_today=True)
    assert days == [date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]
    assert rules.bookable_days(cal, date(2026, 9, 30), 1, include_today=False) == [
        date(2026, 10, 8)
    ]


def test_percentile_is_nearest_rank():
    assert rules.percentile([], 90) is None
    assert rules.percentile([5.0], 90) == 5.0
    values = [float(v) for v in range(1, 11)]
    assert rules.percentile(values, 90) == 9.0
    assert rules.percentile(list(reversed(values)), 50) == 5.0
    assert rules.mean(values) == 5.5
