"""The invariant check passes on data made by the real actions and catches each kind of damage:
a tampered event, a status changed behind the log's back, a move the workflow does not have, a
half-moved case, a key that took effect twice, an alert or a notification raised twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from onestop.cases import actions
from onestop.cases.audit import mark_changed, record_event
from onestop.cases.models import Case, CaseEvent, Task
from onestop.hotline import actions as hotline
from onestop.hotline.models import TicketEvent
from onestop.notify.actions import deliver_due
from onestop.notify.models import Message
from onestop.org.models import Department, Role
from onestop.supervision import invariants
from onestop.supervision.models import Alert
from onestop.supervision.sweep import sweep_supervision
from tests.case_fixtures import NOW, provide_all
from tests.conftest import make_staff
from tests.hotline.conftest import new_ticket

HOUR = timedelta(hours=1)


def drop_unique_index(name: str) -> None:
    """Remove a partial unique index inside the test's transaction (rolled back after it), so
    that a duplicate the database would refuse can be written and the check must find it."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{name}"')


def failing(result_name: str) -> list[invariants.Problem]:
    results = {r.name: r for r in invariants.check_all()}
    return results[result_name].problems


def names_of_failing() -> set[str]:
    return {r.name for r in invariants.check_all() if not r.ok}


@pytest.fixture
def world(new_case, clerk, reviewer, approver, outsider, supervisor, head, district, dept_a):
    """Cases in several states, with repeated keyed requests, a sweep's alerts and their
    delivered messages, and a dispatched hotline ticket — all made by the real actions."""
    decided = new_case(key="create-1")
    assert new_case(key="create-1").pk == decided.pk  # the repeated request did nothing
    provide_all(decided)
    actions.accept_case(decided, actor=clerk, now=NOW, key="accept-1")
    actions.accept_case(decided, actor=clerk, now=NOW, key="accept-1")
    tasks = {t.kind: t for t in Task.objects.filter(case=decided)}
    actions.give_opinion(tasks["opinion"], actor=outsider, now=NOW, agree=True, opinion="同意")
    actions.submit_review(
        tasks["review"], actor=reviewer, now=NOW, recommend_grant=True, opinion="符合", key="r-1"
    )
    actions.submit_review(
        tasks["review"], actor=reviewer, now=NOW, recommend_grant=True, opinion="符合", key="r-1"
    )
    decide = Task.objects.get(case=decided, kind="decide")
    actions.decide_case(decide, actor=approver, now=NOW, grant=False, reasons="不符合条件")
    actions.complete_case(decided, actor=clerk, now=NOW)

    waiting = new_case()  # accepted, its review due soon: the sweep raises its alerts
    provide_all(waiting)
    actions.accept_case(waiting, actor=clerk, now=NOW)
    withdrawn = new_case()
    actions.withdraw_case(withdrawn, actor=clerk, now=NOW, reason="申请人撤回")
    new_case()  # a draft

    review = Task.objects.get(case=waiting, kind="review")
    sweep_supervision(review.due_at + HOUR)
    sweep_supervision(review.due_at + HOUR)  # twice: raises nothing more
    deliver_due(review.due_at + HOUR)

    centre_dept = Department.objects.create(
        key="zwfw", name="区政务服务中心", short_name="政务中心", kind="district", region=district
    )
    operator = make_staff("operator", Role.HOTLINE_OPERATOR, district, centre_dept)
    ticket = hotline.register_ticket(new_ticket(), actor=operator, now=NOW, key="call-1")
    hotline.register_ticket(new_ticket(), actor=operator, now=NOW, key="call-1")
    hotline.dispatch_ticket(ticket, actor=operator, now=NOW, lead=dept_a, co=(), key="d-1")
    hotline.sweep_hotline(NOW + timedelta(days=60))
    hotline.sweep_hotline(NOW + timedelta(days=61))
    return {"decided": decided, "waiting": waiting, "ticket": ticket, "review": review}


def test_every_check_passes_on_data_made_by_the_actions(world):
    results = invariants.check_all()
    assert [(r.name, r.problems) for r in results if not r.ok] == []
    checked = {r.name: r.checked for r in results}
    # The world has something for every check to look at.
    assert checked["case_replay"] == Case.objects.count() == 4
    assert checked["idempotency"] >= 5
    assert Alert.objects.count() >= 2 and checked["alerts_once"] >= Alert.objects.count() + 1
    assert Message.objects.filter(status=Message.Status.SENT).exists()
    assert TicketEvent.objects.filter(kind__startswith="alert_").exists()


def test_a_tampered_event_breaks_the_chain(world):
    event = CaseEvent.objects.get(case=world["decided"], kind="refused")
    CaseEvent.objects.filter(pk=event.pk).update(data={"reasons": "符合条件"})
    problems = failing("audit_chain")
    assert [p.subject for p in problems] == [world["decided"].number]
    assert "日志被改动" in problems[0].detail
    assert names_of_failing() == {"audit_chain"}


def test_a_status_changed_behind_the_logs_back_fails_the_replay(world):
    Case.objects.filter(pk=world["decided"].pk).update(status=Case.Status.GRANTED)
    problems = failing("case_replay")
    assert any("日志回放得 completed" in p.detail for p in problems)
    # The chain itself is intact: only the replay sees it.
    assert names_of_failing() == {"case_replay"}


def test_a_well_chained_move_the_workflow_does_not_have_fails_the_replay(world, clerk):
    case = Case.objects.get(pk=world["waiting"].pk)
    case.status = Case.Status.DELIVERED  # accepted → delivered skips every step
    mark_changed(case, "status")
    Task.objects.filter(case=case).update(status=Task.Status.CANCELLED)
    record_event(case, "delivered", actor=clerk, now=NOW)
    problems = failing("case_replay")
    assert [p.detail for p in problems] == ["第 3 条：流程不允许从 accepted 变为 delivered"]
    assert names_of_failing() == {"case_replay"}


def test_a_half_moved_case_fails_the_replay(world, reviewer):
    """Status and event written, the decision task not: what a move cut in half would leave."""
    case = Case.objects.get(pk=world["waiting"].pk)
    Task.objects.filter(case=case, kind="review").update(status=Task.Status.DONE)
    case.status = Case.Status.UNDER_DECISION
    mark_changed(case, "status")
    record_event(case, "reviewed", actor=reviewer, now=NOW)
    problems = failing("case_replay")
    assert [p.detail for p in problems] == ["待决定的办件应有 1 个决定任务，实有 0 个"]


def test_a_case_row_whose_chain_head_lags_its_events_fails(world):
    case = world["decided"]
    Case.objects.filter(pk=case.pk).update(event_seq=case.events.count() - 1)
    assert any("链头" in p.detail for p in failing("case_replay"))


def test_a_key_that_took_effect_twice_is_found(world, clerk):
    drop_unique_index("event_key_unique")
    case = Case.objects.get(pk=world["waiting"].pk)
    record_event(case, "materials_checked", actor=clerk, now=NOW, key="accept-2")
    record_event(case, "materials_checked", actor=clerk, now=NOW, key="accept-2")
    problems = failing("idempotency")
    assert [(p.subject, p.detail) for p in problems] == [
        (case.number, "幂等键 accept-2 在日志中出现 2 次")
    ]
    assert names_of_failing() == {"idempotency"}  # well chained, a legal event kind


def test_a_creating_key_that_made_two_cases_is_found(world, new_case, clerk):
    other = new_case()
    CaseEvent.objects.filter(case=other, kind="created").update(key="create-1")
    problems = failing("idempotency")
    assert [p.detail for p in problems] == ["幂等键 create-1 新建了 2 个办件"]


def test_a_duplicated_alert_is_found(world):
    drop_unique_index("alert_task_once")
    alert = Alert.objects.filter(task=world["review"]).first()
    assert alert is not None
    Alert.objects.create(
        case=alert.case, task=alert.task, kind=alert.kind, raised_at=alert.raised_at
    )
    problems = failing("alerts_once")
    assert [p.subject for p in problems] == [world["waiting"].number]
    assert f"{alert.kind} 预警记录了 2 次" in problems[0].detail


def test_a_hotline_alert_raised_twice_in_one_dispatch_is_found(world):
    ticket = world["ticket"]
    first = TicketEvent.objects.filter(ticket=ticket, kind="alert_red").get()
    TicketEvent.objects.create(ticket=ticket, kind="alert_red", at=first.at + HOUR, note="again")
    problems = failing("alerts_once")
    assert [(p.subject, p.detail) for p in problems] == [
        (ticket.number, "同一派单期内 alert_red 预警记录了两次")
    ]


def test_a_notification_written_twice_is_found(world):
    message = Message.objects.filter(template__startswith="alert_").first()
    assert message is not None
    message.pk = None
    message.save()
    problems = failing("notifications_once")
    assert len(problems) == 1 and "写入了 2 次" in problems[0].detail


def test_a_sent_message_still_held_by_a_worker_is_found(world):
    message = Message.objects.filter(status=Message.Status.SENT).first()
    Message.objects.filter(pk=message.pk).update(claimed_by="w1:1", claimed_until=NOW)
    assert [p.detail for p in failing("notifications_once")] == ["已发送却仍被某个进程占用"]


def test_deliveries_seen_by_the_channel_are_counted(world):
    sent = list(Message.objects.filter(status=Message.Status.SENT).values_list("pk", flat=True))
    assert invariants.check_notifications_once(sent).ok
    twice = invariants.check_notifications_once([*sent, sent[0]])
    assert [p.detail for p in twice.problems] == ["送达了 2 次"]
    missing = invariants.check_notifications_once(sent[1:])
    assert [p.detail for p in missing.problems] == ["标记为已发送，但渠道没有收到"]


def test_the_command_reports_and_exits_non_zero_on_a_failure(world, capsys):
    call_command("check_invariants")
    assert "全部不变量检查通过" in capsys.readouterr().out
    Case.objects.filter(pk=world["waiting"].pk).update(status=Case.Status.UNDER_DECISION)
    with pytest.raises(CommandError, match="1 项不变量检查不通过"):
        call_command("check_invariants")
    out = capsys.readouterr().out
    assert "[不通过] case_replay" in out and world["waiting"].number in out
    assert "[通过] audit_chain" in out
