"""Hotline personas and helpers: an operator of the centre, handlers of two departments, a
leader and a supervision officer; tickets built with the real actions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from onestop.hotline import actions
from onestop.hotline.actions import NewTicket
from onestop.hotline.models import Leader, Ticket
from onestop.org.models import Department, Role
from tests.conftest import make_staff

# A Tuesday in an ordinary week (2026-03-10 09:00 Beijing time).
NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def centre_dept(district) -> Department:
    return Department.objects.create(
        key="zwfw",
        name="攀枝花市西区政务服务和公共资源交易服务中心",
        short_name="区政务服务中心",
        kind=Department.Kind.DISTRICT,
        region=district,
    )


@pytest.fixture
def operator(district, centre_dept):
    return make_staff("operator", Role.HOTLINE_OPERATOR, district, centre_dept)


@pytest.fixture
def handler(district, dept_a):
    """A clerk of 区市场监管局 (dept_a): works its tickets."""
    return make_staff("handler_a", Role.CLERK, district, dept_a)


@pytest.fixture
def handler_b(district, dept_b):
    return make_staff("handler_b", Role.CLERK, district, dept_b)


@pytest.fixture
def officer(district):
    return make_staff("officer", Role.SUPERVISOR, district, None)


@pytest.fixture
def leader(district):
    user = make_staff("leader", Role.DEPARTMENT_HEAD, district, None)
    Leader.objects.create(user=user, title="区长")
    return user


def new_ticket(**over: object) -> NewTicket:
    values: dict = {
        "kind": "complaint",
        "content": "清香坪街道某小区门口的餐馆油烟直排，晚上还有噪音，影响居民休息。",
        "caller_name": "张先生",
        "caller_phone": "13800001234",
        "address": "清香坪街道新宏路12号",
    }
    values.update(over)
    return NewTicket(**values)


@pytest.fixture
def register(operator):
    def build(now: datetime = NOW, **over: object) -> Ticket:
        return actions.register_ticket(new_ticket(**over), actor=operator, now=now)

    return build


@pytest.fixture
def dispatched(register, operator, dept_a):
    def build(now: datetime = NOW, co=(), **over: object) -> Ticket:
        ticket = register(now=now, **over)
        return actions.dispatch_ticket(ticket, actor=operator, now=now, lead=dept_a, co=co)

    return build
