"""The hall's fixtures: the test centre's zone A with two 市场监管 windows, a clerk at each, and
helpers that take and call numbers through the real actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from onestop.hall import actions
from onestop.hall.models import Category, Ticket
from onestop.org.models import Role, StaffRole, Window, Zone
from tests.conftest import make_staff

# A Tuesday in an ordinary week, 09:00 Beijing time.
NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def zone_a(centre) -> Zone:
    return centre.zones.get(kind=Zone.Kind.APPROVAL)


@pytest.fixture
def window_1(zone_a) -> Window:
    return zone_a.windows.get(number="A01")


@pytest.fixture
def window_2(zone_a, dept_a) -> Window:
    w = Window.objects.create(zone=zone_a, number="A02", name="市场监管窗口二", kind="department")
    w.departments.add(dept_a)
    return w


@pytest.fixture
def zone_b(centre, dept_b) -> Zone:
    zone = Zone.objects.create(centre=centre, kind=Zone.Kind.PUBLIC, name="B区 公共服务区")
    w = Window.objects.create(zone=zone, number="B01", name="民政窗口", kind="department")
    w.departments.add(dept_b)
    return zone


def seat(username: str, window: Window, district, dept):
    user = make_staff(username, Role.CLERK, district, dept)
    StaffRole.objects.filter(user=user).update(window=window)
    return user


@pytest.fixture
def clerk_1(district, dept_a, window_1):
    return seat("clerk_w1", window_1, district, dept_a)


@pytest.fixture
def clerk_2(district, dept_a, window_2):
    return seat("clerk_w2", window_2, district, dept_a)


@pytest.fixture
def take(centre, zone_a):
    """take(minutes after NOW, category=…, item=…, zone=…) → a ticket taken at the desk."""

    def _take(
        minutes: float = 0,
        category: str = Category.NORMAL,
        item=None,
        zone=None,
        source: str = Ticket.Source.DESK,
    ) -> Ticket:
        return actions.take_ticket(
            actions.NewTicket(
                centre=centre,
                zone=zone or zone_a,
                item=item,
                category=category,
                source=source,
            ),
            now=NOW + timedelta(minutes=minutes),
            actor=None,
        )

    return _take


@pytest.fixture
def travel():
    """Pages read the clock: stand 30 minutes after NOW, the clock stopped."""
    import time_machine

    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        yield NOW + timedelta(minutes=30)
