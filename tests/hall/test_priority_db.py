"""The window calls in the order the pure rule gives (hypothesis over random mornings and the
administrator's head starts): the stored queue time and the database sort agree with
rules.order."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.hall import actions, rules
from onestop.hall.models import PriorityRule, Ticket
from tests.hall.conftest import NOW

CATEGORIES = ["normal", "green", "enterprise", "care"]  # the desk's choices


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    morning=st.lists(
        st.tuples(st.integers(min_value=0, max_value=180), st.sampled_from(CATEGORIES)),
        min_size=1,
        max_size=12,
    ),
    head_starts=st.fixed_dictionaries(
        {c: st.integers(min_value=0, max_value=90) for c in CATEGORIES[1:]}
    ),
)
def test_calls_follow_the_rule(centre, window_1, clerk_1, take, morning, head_starts):
    Ticket.objects.all().delete()
    PriorityRule.objects.all().delete()
    for category, minutes in head_starts.items():
        PriorityRule.objects.create(centre=centre, category=category, head_start_minutes=minutes)
    taken = [take(minute, category=category) for minute, category in morning]
    expected = rules.order(
        [rules.Waiting(t.pk, t.taken_at, t.category) for t in taken], head_starts
    )
    called = []
    at = NOW + timedelta(minutes=200)
    for _ in taken:
        ticket = actions.call_next(window_1, actor=clerk_1, now=at)
        actions.start_serving(ticket, actor=clerk_1, now=at)
        called.append(ticket.pk)
    assert called == [w.pk for w in expected]
    assert actions.call_next(window_1, actor=clerk_1, now=at) is None
