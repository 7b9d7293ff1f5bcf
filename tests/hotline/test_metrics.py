"""Metrics per department and month, and the hot-topic grid."""

from __future__ import annotations

from datetime import timedelta

from onestop.hotline import actions, queries
from tests.hotline.conftest import NOW

H = timedelta(hours=1)


def test_the_five_rates(dispatched, register, operator, handler, handler_b, dept_a, dept_b):
    # 1: signed in time, replied in time, solved and satisfied.
    t1 = dispatched()
    d1 = t1.dispatches.get()
    actions.sign_dispatch(d1, actor=handler, now=NOW + H)
    actions.reply_dispatch(d1, actor=handler, now=NOW + 2 * H, reply="已处理")
    t1.refresh_from_db()
    actions.record_callback(
        t1, actor=operator, now=NOW + 3 * H, resolution="solved", satisfaction="satisfied"
    )
    # 2: sent back by dept_a, re-dispatched to dept_b.
    t2 = dispatched()
    actions.send_back(t2.dispatches.get(), actor=handler, now=NOW + H, reason="不属本部门")
    actions.dispatch_ticket(t2, actor=operator, now=NOW + 2 * H, lead=dept_b)
    # 3: signed late (after 24 hours), replied after the deadline, unsolved and unsatisfied.
    t3 = dispatched()
    d3 = t3.dispatches.get()
    actions.sign_dispatch(d3, actor=handler, now=NOW + 30 * H)
    actions.reply_dispatch(d3, actor=handler, now=NOW + timedelta(days=10), reply="已处理")
    t3.refresh_from_db()
    actions.record_callback(
        t3,
        actor=operator,
        now=NOW + timedelta(days=10),
        resolution="unsolved",
        satisfaction="basic",
    )
    rows = {r.department: r for r in queries.department_metrics(2026, 3, NOW + timedelta(days=11))}
    a = rows[dept_a]
    # the send-back within the signing time counts as an answer in time
    assert (a.dispatched, a.sign_due, a.signed_on_time, a.sent_back) == (3, 3, 2, 1)
    assert a.on_time_sign == 66.7 and a.send_back == 33.3
    assert (a.lead_due, a.done_on_time, a.on_time_done) == (2, 1, 50.0)
    assert (a.callbacks, a.solved_rate, a.satisfied_rate) == (2, 50.0, 100.0)
    b = rows[dept_b]
    assert (b.dispatched, b.on_time_sign, b.lead_due, b.on_time_done) == (1, 0.0, 1, 0.0)
    assert b.callbacks == 0 and b.solved_rate is None
    assert queries.department_metrics(2026, 4, NOW + timedelta(days=60)) == []
    # While dept_b's dispatch is still within its signing time it is not judged.
    early = {r.department: r for r in queries.department_metrics(2026, 3, NOW + 3 * H)}
    assert early[dept_b].sign_due == 0 and early[dept_b].on_time_sign is None


def test_hot_topics_by_street_and_type(register, community, street):
    register(region=community)
    register(region=street, kind="help", content="独居老人求助", caller_phone="13900000002")
    register(kind="consult", content="咨询社保", caller_phone="13900000003")
    hot = queries.hot_topics(2026, 3)
    assert hot["regions"] == ["清香坪街道", "未注明地点"]
    kinds = hot["kinds"]
    cells = {(hot["regions"][x], kinds[y]): n for x, y, n in hot["cells"]}
    assert cells == {
        ("清香坪街道", "投诉"): 1,
        ("清香坪街道", "求助"): 1,
        ("未注明地点", "咨询"): 1,
    }
    assert hot["total"] == 3 and hot["max"] == 1
