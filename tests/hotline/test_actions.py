"""The ticket loop through the real actions: 受理 → 派单 → 签收/退单 → 答复 → 回访 → 办结."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onestop.core.errors import NotAllowed, TransitionError
from onestop.hotline import actions
from onestop.hotline.errors import HotlineError
from onestop.hotline.models import Callback, DeadlineRule, Dispatch, Escalation, Ticket
from onestop.hotline.queries import similar_open_tickets
from onestop.notify.models import Message
from onestop.workdays.calendar import local_date
from tests.hotline.conftest import NOW, new_ticket

S = Ticket.Status


def lead_of(ticket: Ticket) -> Dispatch:
    return ticket.dispatches.get(lead=True, status__in=["pending", "signed"])


def test_it_registers_with_number_query_code_and_receipt(register):
    ticket = register()
    assert ticket.status == S.REGISTERED
    assert ticket.number.startswith("RX20260310-")
    assert len(ticket.query_code) == 6
    sms = Message.objects.get(channel="sms", address="13800001234")
    assert ticket.number in sms.body and ticket.query_code in sms.body
    assert ticket.events.get().kind == "registered"


def test_numbers_count_up_within_a_day(register):
    a, b = register(), register(content="另一件事：路灯不亮")
    assert int(b.number[-4:]) == int(a.number[-4:]) + 1


def test_it_refuses_a_named_ticket_without_phone(operator):
    with pytest.raises(HotlineError) as e:
        actions.register_ticket(new_ticket(caller_phone=""), actor=operator, now=NOW)
    assert e.value.field == "caller_phone"
    assert not Ticket.objects.exists()


def test_anonymous_ticket_drops_the_name(operator):
    t = actions.register_ticket(new_ticket(anonymous=True), actor=operator, now=NOW)
    assert t.anonymous and t.caller_name == ""
    assert t.reporter_for_department == "匿名"


def test_it_refuses_bad_kind_and_empty_content(operator):
    with pytest.raises(HotlineError):
        actions.register_ticket(new_ticket(kind="weird"), actor=operator, now=NOW)
    with pytest.raises(HotlineError):
        actions.register_ticket(new_ticket(content="  "), actor=operator, now=NOW)


def test_only_operators_take_calls(handler):
    with pytest.raises(NotAllowed):
        actions.register_ticket(new_ticket(), actor=handler, now=NOW)


def test_a_repeated_request_key_registers_once(operator):
    a = actions.register_ticket(new_ticket(), actor=operator, now=NOW, key="k1")
    b = actions.register_ticket(new_ticket(), actor=operator, now=NOW, key="k1")
    assert a.pk == b.pk and Ticket.objects.count() == 1


def test_consultation_answered_on_the_spot(register, operator):
    t = register(kind="consult", content="请问办理居住证需要什么材料？")
    t = actions.answer_on_spot(t, actor=operator, now=NOW, answer="带身份证和居住证明到派出所")
    assert t.status == S.ANSWERED and t.closed_at == NOW


def test_a_complaint_cannot_be_closed_on_the_spot(register, operator):
    with pytest.raises(TransitionError):
        actions.answer_on_spot(register(), actor=operator, now=NOW, answer="好的")


def test_dispatch_sets_deadlines_from_the_table(dispatched, dept_b):
    t = dispatched()  # complaint: 5 working days, sign within 24 hours
    assert t.status == S.DISPATCHED
    # Tue 10 March + 5 working days = Tue 17 March, end of day in Beijing.
    assert local_date(t.due_at).isoformat() == "2026-03-17"
    assert t.sign_due_at == NOW + timedelta(hours=24)
    d = lead_of(t)
    assert local_date(d.send_back_due_at).isoformat() == "2026-03-12"


def test_urgent_tickets_have_two_hours(dispatched):
    t = dispatched(urgency="urgent")
    assert t.due_at == NOW + timedelta(hours=2)
    assert t.sign_due_at == NOW + timedelta(hours=1)


def test_the_table_is_configurable(dispatched):
    DeadlineRule.objects.filter(kind="complaint", urgency="").update(amount=1)
    t = dispatched()
    assert local_date(t.due_at).isoformat() == "2026-03-11"


def test_co_departments_get_their_own_dispatch(dispatched, dept_b, handler_b):
    t = dispatched(co=[dept_b])
    assert t.dispatches.count() == 2
    assert t.dispatches.get(department=dept_b).lead is False
    assert Message.objects.filter(recipient=handler_b, channel="inapp").exists()


def test_the_full_loop_with_send_back(dispatched, operator, handler, handler_b, dept_a, dept_b):
    t = dispatched()
    d = lead_of(t)
    # 退单 by the wrong department first: dept_a says it is dept_b's.
    actions.send_back(d, actor=handler, now=NOW + timedelta(hours=1), reason="属民政职责")
    t.refresh_from_db()
    assert t.status == S.SENT_BACK and t.due_at is None
    assert Message.objects.filter(recipient=operator, subject__contains="退回").exists()
    # 改派 to dept_b, which signs and replies.
    actions.dispatch_ticket(t, actor=operator, now=NOW + timedelta(hours=2), lead=dept_b)
    t.refresh_from_db()
    assert t.status == S.DISPATCHED and t.lead_department == dept_b
    d2 = lead_of(t)
    actions.sign_dispatch(d2, actor=handler_b, now=NOW + timedelta(hours=3))
    t.refresh_from_db()
    assert t.status == S.IN_PROGRESS
    actions.reply_dispatch(d2, actor=handler_b, now=NOW + timedelta(days=1), reply="已约谈整改")
    t.refresh_from_db()
    assert t.status == S.REPLIED and t.answer == "已约谈整改"
    cb = actions.record_callback(
        t,
        actor=operator,
        now=NOW + timedelta(days=2),
        resolution="solved",
        satisfaction="satisfied",
    )
    t.refresh_from_db()
    assert t.status == S.CLOSED and cb.department == dept_b
    kinds = list(t.events.values_list("kind", flat=True))
    assert kinds == [
        "registered",
        "dispatched",
        "sent_back",
        "redispatched",
        "signed",
        "replied",
        "callback",
    ]


def test_send_back_needs_a_reason_and_the_two_day_window(dispatched, handler):
    t = dispatched()
    d = lead_of(t)
    with pytest.raises(HotlineError):
        actions.send_back(d, actor=handler, now=NOW, reason="")
    late = NOW + timedelta(days=3)  # Friday: past the end of Thursday 12 March
    with pytest.raises(TransitionError):
        actions.send_back(d, actor=handler, now=late, reason="不归我们管")
    d.refresh_from_db()
    assert d.status == Dispatch.Status.PENDING


def test_an_outsider_cannot_touch_another_departments_ticket(dispatched, handler_b):
    d = lead_of(dispatched())
    with pytest.raises(NotAllowed):
        actions.sign_dispatch(d, actor=handler_b, now=NOW)
    with pytest.raises(NotAllowed):
        actions.send_back(d, actor=handler_b, now=NOW, reason="x")


def test_reply_needs_signing_first(dispatched, handler):
    d = lead_of(dispatched())
    with pytest.raises(TransitionError):
        actions.reply_dispatch(d, actor=handler, now=NOW, reply="已处理")


def test_extension_needs_the_centres_approval(dispatched, handler, operator):
    t = dispatched()
    d = lead_of(t)
    actions.sign_dispatch(d, actor=handler, now=NOW)
    ext = actions.request_extension(d, actor=handler, now=NOW, days=3, reason="需现场检测")
    t.refresh_from_db()
    assert local_date(t.due_at).isoformat() == "2026-03-17"  # not yet
    with pytest.raises(NotAllowed):
        actions.decide_extension(ext, actor=handler, now=NOW, approve=True)
    actions.decide_extension(ext, actor=operator, now=NOW, approve=True, note="同意")
    t.refresh_from_db()
    assert local_date(t.due_at).isoformat() == "2026-03-20"


def test_refusing_an_extension_needs_a_reason(dispatched, handler, operator):
    d = lead_of(dispatched())
    actions.sign_dispatch(d, actor=handler, now=NOW)
    ext = actions.request_extension(d, actor=handler, now=NOW, days=2, reason="人手不足")
    with pytest.raises(HotlineError):
        actions.decide_extension(ext, actor=operator, now=NOW, approve=False)


def replied(dispatched, handler) -> Ticket:
    t = dispatched()
    d = lead_of(t)
    actions.sign_dispatch(d, actor=handler, now=NOW)
    actions.reply_dispatch(d, actor=handler, now=NOW, reply="已处理")
    t.refresh_from_db()
    return t


RESOLUTIONS = [c.value for c in Callback.Resolution]
SATISFACTIONS = [c.value for c in Callback.Satisfaction]


@pytest.mark.parametrize("resolution", RESOLUTIONS)
@pytest.mark.parametrize("satisfaction", SATISFACTIONS)
def test_only_a_solved_and_satisfied_callback_closes_the_ticket(
    dispatched, handler, operator, resolution, satisfaction
):
    t = replied(dispatched, handler)
    actions.record_callback(
        t, actor=operator, now=NOW, resolution=resolution, satisfaction=satisfaction
    )
    t.refresh_from_db()
    bad = resolution == "unsolved" or satisfaction == "unsatisfied"
    if bad:
        assert t.status == S.REGISTERED and t.reopen_count == 1 and t.closed_at is None
        assert t.replied_at is None and t.due_at is None
    else:
        assert t.status == S.CLOSED and t.closed_at == NOW and t.reopen_count == 0
    event = t.events.get(kind="callback")
    assert ("转重办" in event.note) is bad
    assert Callback.objects.get(ticket=t).resolution == resolution


def test_an_unsolved_callback_sends_the_ticket_back_for_dispatch(
    dispatched, handler, operator, dept_a, dept_b, leader
):
    t = replied(dispatched, handler)
    actions.record_callback(t, actor=operator, now=NOW, resolution="unsolved", satisfaction="basic")
    t.refresh_from_db()
    assert t in Ticket.objects.filter(status=S.REGISTERED)  # back in the console's queue
    assert not Escalation.objects.filter(ticket=t).exists()  # a first failure: re-dispatch
    t = actions.dispatch_ticket(t, actor=operator, now=NOW, lead=dept_b)
    assert t.status == S.DISPATCHED and t.lead_department == dept_b


def test_a_second_bad_callback_goes_to_the_leaders(dispatched, handler, operator, dept_a, leader):
    t = replied(dispatched, handler)
    actions.record_callback(
        t, actor=operator, now=NOW, resolution="unsolved", satisfaction="unsatisfied"
    )
    actions.dispatch_ticket(Ticket.objects.get(pk=t.pk), actor=operator, now=NOW, lead=dept_a)
    d = lead_of(t)
    actions.sign_dispatch(d, actor=handler, now=NOW)
    actions.reply_dispatch(d, actor=handler, now=NOW, reply="已再次督促商户整改")
    actions.record_callback(
        Ticket.objects.get(pk=t.pk),
        actor=operator,
        now=NOW,
        resolution="partly",
        satisfaction="unsatisfied",
    )
    t.refresh_from_db()
    assert t.status == S.REGISTERED and t.reopen_count == 2
    esc = Escalation.objects.get(ticket=t)
    assert esc.status == Escalation.Status.WAITING and "2 次" in esc.reason
    assert Message.objects.filter(recipient=leader, template="hotline_escalated").exists()


def test_a_closed_ticket_with_an_old_bad_callback_can_still_be_reopened(
    dispatched, handler, operator, dept_a
):
    """Tickets closed before bad callbacks reopened them keep the manual 重办."""
    t = replied(dispatched, handler)
    Callback.objects.create(
        ticket=t,
        department=dept_a,
        resolution="unsolved",
        satisfaction="unsatisfied",
        at=NOW,
        by=operator,
    )
    Ticket.objects.filter(pk=t.pk).update(status=S.CLOSED, closed_at=NOW)
    assert actions.can_reopen(Ticket.objects.get(pk=t.pk))
    t = actions.reopen_ticket(t, actor=operator, now=NOW, reason="油烟仍在直排")
    assert t.status == S.REGISTERED and t.reopen_count == 1


def test_callback_needs_valid_answers(dispatched, handler, operator):
    t = replied(dispatched, handler)
    with pytest.raises(HotlineError):
        actions.record_callback(t, actor=operator, now=NOW, resolution="", satisfaction="x")
    assert not Callback.objects.exists()


def test_merge_tells_the_caller_the_open_tickets_progress(dispatched, register, operator):
    first = dispatched()
    dup = register(caller_phone="13900005678")
    actions.merge_ticket(dup, into=first, actor=operator, now=NOW)
    dup.refresh_from_db()
    assert dup.status == S.MERGED and dup.merged_into == first
    sms = Message.objects.filter(address="13900005678", template="hotline_merged").get()
    assert first.number in sms.body and "已派单待签收" in sms.body


def test_it_escalates_a_report_and_keywords(register, leader):
    t = register(kind="report", content="举报某单位违规收费")
    assert Escalation.objects.get(ticket=t).status == Escalation.Status.WAITING
    assert Message.objects.filter(recipient=leader, template="hotline_escalated").exists()
    t2 = register(content="工地欠薪，几十名工人要去聚集讨说法", caller_phone="13900000001")
    assert "欠薪" in Escalation.objects.get(ticket=t2).reason


def test_it_escalates_the_third_similar_ticket(register, community):
    text = "梨树坪社区3栋楼下化粪池满溢，污水流到路面，臭气熏天。"
    a = register(content=text, region=community, caller_phone="13900000011")
    b = register(content=text + "已经好几天了", region=community, caller_phone="13900000012")
    assert not Escalation.objects.filter(ticket__in=[a, b]).exists()
    c = register(content="化粪池满溢，污水流到路面", region=community, caller_phone="13900000013")
    assert "3 件" in Escalation.objects.get(ticket=c).reason


def test_leader_instructs_and_officer_follows_to_the_end(
    register, leader, officer, operator, handler, dept_a
):
    t = register(kind="report", content="举报某单位违规收费")
    esc = Escalation.objects.get(ticket=t)
    with pytest.raises(NotAllowed):
        actions.instruct_escalation(esc, actor=officer, now=NOW, instruction="x", officer=officer)
    with pytest.raises(TransitionError, match="派单给承办部门后才能批示"):
        actions.instruct_escalation(esc, actor=leader, now=NOW, instruction="x", officer=officer)
    assert Escalation.objects.get(pk=esc.pk).status == Escalation.Status.WAITING
    actions.dispatch_ticket(t, actor=operator, now=NOW, lead=dept_a)
    actions.instruct_escalation(
        esc, actor=leader, now=NOW, instruction="请市场监管局三日内查处", officer=officer
    )
    assert Message.objects.filter(recipient=officer, template="hotline_instructed").exists()
    assert Message.objects.filter(recipient=handler, template="hotline_instructed").exists()
    with pytest.raises(TransitionError):  # the ticket is still open
        actions.follow_escalation(esc, actor=officer, now=NOW, note="已督促", finish=True)
    d = lead_of(t)
    actions.sign_dispatch(d, actor=handler, now=NOW)
    actions.reply_dispatch(d, actor=handler, now=NOW, reply="已立案查处")
    actions.record_callback(
        Ticket.objects.get(pk=t.pk),
        actor=operator,
        now=NOW,
        resolution="solved",
        satisfaction="satisfied",
    )
    esc = actions.follow_escalation(esc, actor=officer, now=NOW, note="已办结", finish=True)
    assert esc.status == Escalation.Status.FINISHED


def test_sweep_raises_each_crossing_once(dispatched, handler, operator, officer):
    t = dispatched(urgency="urgent")  # due in 2 hours
    assert actions.sweep_hotline(NOW) == 1  # less than a working day left: yellow
    assert actions.sweep_hotline(NOW) == 0
    # red, and unsigned past its one-hour signing time
    assert actions.sweep_hotline(NOW + timedelta(hours=3)) == 2
    assert actions.sweep_hotline(NOW + timedelta(hours=4)) == 0
    alerts = Message.objects.filter(template="hotline_alert")
    assert {m.recipient for m in alerts} == {handler, operator, officer}
    t.refresh_from_db()
    assert t.alerted_light == "red"


def test_duplicates_are_the_same_matter_at_the_same_place(register, community, street):
    first = register(
        content="楼下的烧烤店每天晚上油烟直排，烟都飘到我家窗户里，晚上十二点还很吵。",
        region=community,
    )
    same = "清香坪社区楼下烧烤店油烟太大，半夜还很吵"
    assert similar_open_tickets(same, "", community) == [first]
    assert similar_open_tickets("建议在清香坪社区增设公交站台", "", community) == []
    assert similar_open_tickets(same, "", street) == []  # another place


def test_an_empty_table_falls_back_to_the_defaults(dispatched):
    DeadlineRule.objects.all().delete()
    assert dispatched(urgency="urgent").due_at == NOW + timedelta(hours=2)
    assert local_date(dispatched().due_at).isoformat() == "2026-03-17"


def test_texts_to_citizens_stay_chinese_in_an_english_session(dispatched, register, operator):
    from django.utils import translation

    first = dispatched()
    dup = register(caller_phone="13900005679")
    with translation.override("en"):
        actions.merge_ticket(dup, into=first, actor=operator, now=NOW)
    sms = Message.objects.get(address="13900005679", template="hotline_merged")
    assert "已派单待签收" in sms.body


def test_an_unsigned_dispatch_is_reported_once_after_its_signing_time(
    dispatched, handler, operator
):
    t = dispatched()  # complaint: sign within 24 hours
    assert actions.sweep_hotline(NOW + timedelta(hours=23)) == 0
    assert actions.sweep_hotline(NOW + timedelta(hours=25)) == 1
    assert actions.sweep_hotline(NOW + timedelta(hours=26)) == 0
    sent = Message.objects.filter(template="hotline_unsigned")
    assert {m.recipient for m in sent} == {handler, operator}
    assert t.events.filter(kind="alert_unsigned").count() == 1
