"""Cards raised by the administrator's rules in the sweep, once per fact, and the clock of their
rectification: overdue marked once, yellow escalated to red, the people told."""

from datetime import timedelta

import pytest

from onestop.cases import actions as case_actions
from onestop.cases.models import Case, Task
from onestop.notify.models import Message
from onestop.supervision import actions
from onestop.supervision.errors import SupervisionError
from onestop.supervision.models import Alert, Card, CardEvent, CardRule, Rectification, Violation
from onestop.supervision.sweep import sweep_supervision
from onestop.workdays import queries as workdays
from tests.case_fixtures import NOW
from tests.supervision.conftest import HOUR
from tests.threads import at_once

DAY = timedelta(days=1)
SINCE = NOW - DAY


def red_light_rule(**extra) -> CardRule:
    values = {
        "name": "环节红灯亮黄牌",
        "trigger": CardRule.Trigger.RED_LIGHT,
        "colour": "yellow",
        "target": CardRule.Target.HANDLER,
        "rectify_days": 3,
        "since": SINCE,
    }
    return CardRule.objects.create(**(values | extra))


def overdue_rule(**extra) -> CardRule:
    values = {
        "name": "超期未作决定亮红牌",
        "trigger": CardRule.Trigger.VIOLATION,
        "violation_kind": Violation.Kind.OVERDUE_DECISION,
        "colour": "red",
        "target": CardRule.Target.DEPARTMENT,
        "rectify_days": 5,
        "since": SINCE,
    }
    return CardRule.objects.create(**(values | extra))


def test_a_red_light_gives_the_handler_a_yellow_card_once(
    accepted_case, reviewer, head, dept_a, dept_b
):
    rule = red_light_rule()
    case = accepted_case()
    review = Task.objects.get(case=case, kind="review")
    case_actions.claim_task(review, actor=reviewer, now=NOW + HOUR)
    late = review.due_at + HOUR
    # The review (claimed) and the co-department's opinion (unclaimed) are both red.
    assert sweep_supervision(late)["cards"] == 2
    assert sweep_supervision(late + HOUR)["cards"] == 0
    opinion = Card.objects.get(rule=rule, department=dept_b)
    assert opinion.person is None and opinion.alert.task.kind == "opinion"

    card = Card.objects.get(rule=rule, department=dept_a)
    assert (card.colour, card.person, card.department, card.case) == (
        "yellow",
        reviewer,
        dept_a,
        case,
    )
    assert card.alert == Alert.objects.get(task=review, kind="red")
    assert card.issued_by is None and card.fact == f"alert:{card.alert_id}"
    assert card.rectify_due_at == workdays.due_at(late, 3)
    assert list(card.events.values_list("kind", flat=True)) == ["accepted"]
    assert card.rectification.status == "open"
    assert list(card.history.values_list("kind", flat=True)) == ["issued"]
    # The department's head and the handler are told, once.
    told = Message.objects.filter(template="card_issued", subject__contains=dept_a.short_name)
    assert sorted(m.recipient.username for m in told) == sorted([head.username, reviewer.username])
    assert "请于" in told.first().body


def test_an_overdue_decision_gives_the_department_a_red_card(accepted_case, dept_a):
    rule = overdue_rule()
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    violation = Violation.objects.get(case=case, kind="overdue_decision")
    card = Card.objects.get(rule=rule)
    assert card.colour == "red" and card.person is None and card.violation == violation
    assert set(card.events.all()) == set(violation.events.all()) != set()


def test_a_rule_leaves_facts_before_it_alone_and_inactive_rules_do_nothing(accepted_case):
    overdue_rule(since=NOW + 365 * DAY)
    red_light_rule(active=False)
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    assert Violation.objects.filter(case=case).exists()
    assert not Card.objects.exists()


def test_a_rule_for_one_violation_kind_ignores_the_others(accepted_case):
    overdue_rule(violation_kind=Violation.Kind.SECOND_SUPPLEMENT)
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    assert Violation.objects.filter(case=case, kind="overdue_decision").exists()
    assert not Card.objects.exists()


def test_three_yellow_cards_in_a_month_raise_one_red(supervisor, dept_a, dept_b):
    rule = CardRule.objects.create(
        name="当月三张黄牌升红牌",
        trigger=CardRule.Trigger.REPEAT,
        threshold=3,
        colour="red",
        since=SINCE,
    )
    yellows = [
        actions.issue_card(
            actor=supervisor, now=NOW + i * HOUR, colour="yellow", department=dept_a, reason="超期"
        )
        for i in range(2)
    ]
    actions.issue_card(actor=supervisor, now=NOW, colour="yellow", department=dept_b, reason="脱岗")
    assert sweep_supervision(NOW + 3 * HOUR)["cards"] == 0
    third = actions.issue_card(
        actor=supervisor, now=NOW + 4 * HOUR, colour="yellow", department=dept_a, reason="推诿"
    )
    assert sweep_supervision(NOW + 5 * HOUR)["cards"] == 1
    actions.issue_card(
        actor=supervisor, now=NOW + 6 * HOUR, colour="yellow", department=dept_a, reason="超期"
    )
    assert sweep_supervision(NOW + 7 * HOUR)["cards"] == 0
    red = Card.objects.get(rule=rule)
    assert (
        red.department == dept_a
        and red.colour == "red"
        and red.fact == f"repeat:{dept_a.pk}:2026-03"
    )
    assert "3 张" in red.reason
    assert {c.pk for c in [*yellows, third]} <= set(Card.objects.values_list("pk", flat=True))


def test_withdrawn_yellow_cards_do_not_count_toward_the_red(supervisor, dept_a):
    CardRule.objects.create(
        name="当月两张黄牌升红牌", trigger="repeat", threshold=2, colour="red", since=SINCE
    )
    first = actions.issue_card(
        actor=supervisor, now=NOW, colour="yellow", department=dept_a, reason="超期"
    )
    actions.withdraw_card(first, actor=supervisor, now=NOW + HOUR, reason="核实为系统时钟错误")
    actions.issue_card(
        actor=supervisor, now=NOW + HOUR, colour="yellow", department=dept_a, reason="超期"
    )
    assert sweep_supervision(NOW + 2 * HOUR)["cards"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_card_once(accepted_case):
    rule = overdue_rule()
    cases = [accepted_case() for _ in range(3)]
    when = cases[0].due_at + HOUR
    results = at_once(lambda: sweep_supervision(when))
    assert Card.objects.filter(rule=rule).count() == 3
    assert sum(r["cards"] for r in results) == 3
    assert Rectification.objects.count() == 3
    assert CardEvent.objects.filter(kind="issued").count() == 3


def test_a_missed_deadline_is_told_once_and_escalates_the_yellow(
    supervisor, head, dept_a, accepted_case
):
    card = actions.issue_card(
        actor=supervisor,
        now=NOW,
        colour="yellow",
        department=dept_a,
        reason="窗口脱岗",
        rectify_days=2,
    )
    due = card.rectify_due_at
    assert due == workdays.due_at(NOW, 2)
    assert sweep_supervision(due - HOUR)["overdue"] == 0
    assert sweep_supervision(due + HOUR)["overdue"] == 1
    assert sweep_supervision(due + 2 * HOUR)["overdue"] == 0

    rect = Rectification.objects.get(card=card)
    assert rect.overdue_at == due + HOUR and rect.status == "open"
    red = Card.objects.get(escalated_from=card)
    assert red.colour == "red" and red.department == dept_a and red.issued_by is None
    assert "整改逾期" in red.reason
    assert sorted(card.history.values_list("kind", flat=True)) == ["escalated", "issued", "overdue"]
    overdue = Message.objects.filter(template="card_overdue")
    assert {m.recipient for m in overdue} == {supervisor, head}
    # The red card missed in turn is told, not escalated again.
    sweep_supervision(red.rectify_due_at + HOUR)
    assert Rectification.objects.get(card=red).overdue_at is not None
    assert Card.objects.count() == 2


def test_an_answered_card_is_not_overdue(supervisor, head, dept_a):
    card = actions.issue_card(
        actor=supervisor, now=NOW, colour="yellow", department=dept_a, reason="超期"
    )
    actions.answer_card(card, actor=head, now=NOW + HOUR, measure="已约谈经办人")
    assert sweep_supervision(card.rectify_due_at + HOUR)["overdue"] == 0
    assert not Card.objects.filter(escalated_from=card).exists()
    told = Message.objects.get(template="card_answered")
    assert told.recipient == supervisor and "已约谈经办人" in told.body


def test_withdraw_and_escalate_by_hand(supervisor, head, dept_a):
    card = actions.issue_card(
        actor=supervisor, now=NOW, colour="yellow", department=dept_a, reason="超期"
    )
    with pytest.raises(SupervisionError):
        actions.escalate_card(card, actor=supervisor, now=NOW + HOUR, reason=" ")
    with pytest.raises(actions.NotAllowed):
        actions.escalate_card(card, actor=head, now=NOW + HOUR, reason="屡教不改")
    red = actions.escalate_card(card, actor=supervisor, now=NOW + HOUR, reason="屡教不改")
    assert red.colour == "red" and red.escalated_from == card and red.issued_by == supervisor
    with pytest.raises(actions.TransitionError):
        actions.escalate_card(card, actor=supervisor, now=NOW + HOUR, reason="再升")
    with pytest.raises(actions.TransitionError):
        actions.escalate_card(red, actor=supervisor, now=NOW + HOUR, reason="再升")

    with pytest.raises(SupervisionError):
        actions.withdraw_card(red, actor=supervisor, now=NOW + HOUR, reason="")
    with pytest.raises(actions.NotAllowed):
        actions.withdraw_card(red, actor=head, now=NOW + HOUR, reason="误判")
    rect = actions.withdraw_card(red, actor=supervisor, now=NOW + 2 * HOUR, reason="误判")
    assert rect.status == "withdrawn" and rect.withdraw_reason == "误判"
    with pytest.raises(actions.TransitionError):
        actions.answer_card(red, actor=head, now=NOW + 3 * HOUR, measure="整改")
    with pytest.raises(actions.TransitionError):
        actions.withdraw_card(red, actor=supervisor, now=NOW + 3 * HOUR, reason="误判")
    assert Message.objects.filter(template="card_withdrawn", recipient=head).count() == 1


def test_alerts_close_when_their_case_or_task_finishes(accepted_case):
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    standing = Alert.objects.filter(case=case, closed_at__isnull=True)
    assert standing.count() == 3
    review = Task.objects.get(case=case, kind="review")
    Task.objects.filter(pk=review.pk).update(status=Task.Status.DONE)
    assert sweep_supervision(case.due_at + 2 * HOUR)["alerts_closed"] == 1
    assert Alert.objects.get(task=review).closed_at == case.due_at + 2 * HOUR
    Case.objects.filter(pk=case.pk).update(status=Case.Status.GRANTED)
    Task.objects.filter(case=case).update(status=Task.Status.DONE)
    sweep_supervision(case.due_at + 3 * HOUR)
    assert not standing.exists()


def test_a_suspended_case_keeps_its_alerts(accepted_case, reviewer):
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    case_actions.suspend_case(
        case, actor=reviewer, now=case.due_at + HOUR, reason="hearing", note="申请听证"
    )
    sweep_supervision(case.due_at + 2 * HOUR)
    assert Alert.objects.get(case=case, task=None).closed_at is None
