"""Taking numbers, the queue order in the database, and the window's moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onestop.core.errors import NotAllowed, TransitionError
from onestop.hall import actions
from onestop.hall.errors import HallError
from onestop.hall.models import Category, PriorityRule, Ticket, TicketEvent
from tests.hall.conftest import NOW

T = Ticket.Status


def at(minutes: float):
    return NOW + timedelta(minutes=minutes)


def test_numbers_count_up_per_zone_letter_and_day(take, zone_b):
    assert [take(0).number, take(1).number] == ["A001", "A002"]
    assert take(2, zone=zone_b).number == "B001"
    tomorrow = take(24 * 60)
    assert tomorrow.number == "A001"
    assert tomorrow.day == (NOW + timedelta(days=1)).date()


def test_a_kiosk_cannot_take_a_green_channel_number(take):
    with pytest.raises(HallError, match="不能选择此类别"):
        take(0, category=Category.GREEN, source=Ticket.Source.KIOSK)
    assert take(0, category=Category.CARE, source=Ticket.Source.KIOSK).category == "care"


def test_an_item_no_window_of_the_zone_serves_is_refused(take, zone_b, item):
    with pytest.raises(HallError, match="没有办理此事项的窗口"):
        take(0, item=item, zone=zone_b)
    assert take(0, item=item).department_id == item.department_id


def serve_and_call(window, clerk, minutes):
    current = actions.current_ticket(window)
    if current is not None and current.status == T.CALLED:
        actions.start_serving(current, actor=clerk, now=at(minutes))
    return actions.call_next(window, actor=clerk, now=at(minutes + 1))


def test_calls_follow_queue_order(take, window_1, clerk_1, centre):
    PriorityRule.objects.create(centre=centre, category=Category.CARE, head_start_minutes=10)
    first = take(0)
    second = take(5)
    care = take(12, category=Category.CARE)
    green = take(13, category=Category.GREEN)
    order = [serve_and_call(window_1, clerk_1, 20 + 2 * i) for i in range(5)]
    assert [t.pk if t else None for t in order] == [green.pk, first.pk, care.pk, second.pk, None]
    first.refresh_from_db()
    assert first.status == T.DONE and first.finished_at == at(25)
    assert first.wait_seconds == 23 * 60


def test_a_called_number_must_be_handled_before_the_next(take, window_1, clerk_1):
    take(0)
    take(1)
    actions.call_next(window_1, actor=clerk_1, now=at(2))
    with pytest.raises(TransitionError, match="已叫未办"):
        actions.call_next(window_1, actor=clerk_1, now=at(3))


def test_recall_no_show_and_finish(take, window_1, clerk_1):
    take(0)
    t = actions.call_next(window_1, actor=clerk_1, now=at(1))
    actions.recall(t, actor=clerk_1, now=at(2))
    actions.recall(t, actor=clerk_1, now=at(3))
    t = actions.mark_no_show(t, actor=clerk_1, now=at(4))
    assert (t.status, t.recalls) == (T.NO_SHOW, 2)
    kinds = list(TicketEvent.objects.filter(ticket=t).values_list("kind", flat=True))
    assert kinds == ["taken", "called", "recalled", "recalled", "no_show"]
    with pytest.raises(TransitionError):
        actions.recall(t, actor=clerk_1, now=at(5))


def test_service_time_runs_from_start_to_finish(take, window_1, clerk_1):
    take(0)
    t = actions.call_next(window_1, actor=clerk_1, now=at(10))
    actions.start_serving(t, actor=clerk_1, now=at(11))
    t = actions.finish_ticket(t, actor=clerk_1, now=at(19))
    assert (t.wait_minutes, t.service_minutes) == (10, 8)


def test_a_clerk_cannot_call_at_another_window(take, window_2, clerk_1):
    take(0)
    with pytest.raises(NotAllowed):
        actions.call_next(window_2, actor=clerk_1, now=at(1))


def test_a_clerk_cannot_move_another_windows_ticket(take, window_1, clerk_1, clerk_2):
    take(0)
    t = actions.call_next(window_1, actor=clerk_1, now=at(1))
    with pytest.raises(NotAllowed):
        actions.mark_no_show(t, actor=clerk_2, now=at(2))


def test_a_transferred_ticket_waits_for_its_new_window_only_and_keeps_its_place(
    take, window_1, window_2, clerk_1, clerk_2
):
    first = take(0)
    later = take(5)
    t = actions.call_next(window_1, actor=clerk_1, now=at(10))
    assert t.pk == first.pk
    actions.start_serving(t, actor=clerk_1, now=at(11))
    actions.transfer_ticket(t, to=window_2, actor=clerk_1, now=at(12), note="需民政意见")
    # Window 1 does not get it back; window 2 calls it before the later ticket.
    assert actions.call_next(window_1, actor=clerk_1, now=at(13)).pk == later.pk
    moved = actions.call_next(window_2, actor=clerk_2, now=at(14))
    assert moved.pk == first.pk
    assert moved.called_at == at(10)  # the wait ended at the first call
    assert TicketEvent.objects.filter(ticket=first, kind="transferred").count() == 1


def test_tickets_for_another_department_wait_for_its_windows(take, window_1, clerk_1, item):
    from onestop.org.models import Window

    other = Window.objects.create(
        zone=window_1.zone, number="A09", name="水利窗口", kind="department"
    )
    plain = take(0)
    for_item = take(1, item=item)
    assert list(actions.waiting_for(window_1, at(2))) == [plain, for_item]
    assert list(actions.waiting_for(other, at(2))) == [plain]


def test_tickets_left_from_yesterday_count_as_abandoned(take, window_1, clerk_1):
    waiting = take(0)
    take(1)
    called = actions.call_next(window_1, actor=clerk_1, now=at(2))
    assert actions.abandon_stale_tickets(now=at(60)) == 0  # same day: nothing
    assert actions.abandon_stale_tickets(now=at(24 * 60)) == 2
    for t in (waiting, called):
        t.refresh_from_db()
        assert t.status == T.ABANDONED
    assert actions.abandon_stale_tickets(now=at(24 * 60)) == 0  # idempotent


def test_a_ticket_transferred_across_zones_is_called_there(
    take, window_1, clerk_1, zone_b, item, district, dept_b
):
    from tests.hall.conftest import seat

    b01 = zone_b.windows.get()
    clerk_b = seat("clerk_b01", b01, district, dept_b)
    take(0, item=item)  # a 市场监管 item; B01 houses only 民政
    t = actions.call_next(window_1, actor=clerk_1, now=at(1))
    actions.transfer_ticket(t, to=b01, actor=clerk_1, now=at(2), note="同时办理民政事项")
    t.refresh_from_db()
    assert t.zone_id == zone_b.pk
    assert actions.call_next(b01, actor=clerk_b, now=at(3)).pk == t.pk
