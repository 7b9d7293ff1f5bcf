"""No raw codes on the staff case page: task outcomes, events and suspension reasons by name."""

import re
from datetime import timedelta

import pytest
import time_machine

from onestop.cases import actions
from onestop.cases.models import EVENT_LABELS, Case, CaseEvent, Task
from tests.cases.conftest import NOW, provide_all

DAY = timedelta(days=1)


@pytest.fixture
def travel():
    with time_machine.travel(NOW + 2 * DAY, tick=False):
        yield


def test_the_case_page_names_outcomes_events_and_reasons(
    client, new_case, clerk, reviewer, co_reviewer, travel
):
    case = new_case()
    provide_all(case)
    case = actions.accept_case(case, actor=clerk, now=NOW)
    for t in Task.objects.filter(case=case, kind="opinion"):
        actions.give_opinion(t, actor=co_reviewer, now=NOW, agree=True, opinion="无异议")
    review = Task.objects.get(case=case, kind="review")
    actions.claim_task(review, actor=reviewer, now=NOW)
    actions.submit_review(review, actor=reviewer, now=NOW, recommend_grant=True, opinion="符合")
    actions.suspend_case(case, actor=reviewer, now=NOW + DAY, reason="testing", note="水质检测")
    client.force_login(clerk)
    html = client.get(f"/staff/cases/{case.pk}/").content.decode()
    tasks = html[html.index('id="tasks"') : html.index('id="timeline"')]
    assert "<strong>同意</strong> 无异议" in tasks
    assert "<strong>准予</strong> 符合" in tasks
    timeline = html[html.index('id="timeline"') :]
    assert "事由：检测，水质检测" in timeline
    shown = re.sub(r"<[^>]+>", " ", tasks + timeline)
    for code in ("agree", "grant", "testing", "opinion_given", "reviewed", "suspended"):
        assert not re.search(rf"\b{code}\b", shown), code


def test_every_event_kind_the_cases_write_has_a_name(new_case, clerk):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    for event in CaseEvent.objects.filter(case=case):
        assert event.label == EVENT_LABELS[event.kind]
    assert CaseEvent(kind="deadline_recomputed").label == "按载入的节假日安排重算办理期限"


def test_every_task_outcome_has_a_name():
    for outcome, label in Task.OUTCOME_LABELS.items():
        assert Task(outcome=outcome).outcome_label == str(label) != outcome
    assert Case.Status.GRANTED.label == "准予许可"
