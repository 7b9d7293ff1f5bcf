"""Efficiency figures, the dashboard and the Excel export."""

import io
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from onestop.cases import actions
from onestop.cases.models import Task
from onestop.documents.actions import issue_certificate
from onestop.org.models import Region, Role
from onestop.supervision.efficiency import evaluate, hall_today, month_cases
from tests.case_fixtures import NOW, provide_all
from tests.conftest import make_staff

DAY = timedelta(days=1)


def run_to_completion(case, *, clerk, reviewer, co_reviewer, approver, decided_after):
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    for t in Task.objects.filter(case=case, kind="opinion"):
        actions.give_opinion(t, actor=co_reviewer, now=NOW, agree=True, opinion="同意")
    actions.submit_review(
        Task.objects.get(case=case, kind="review"),
        actor=reviewer,
        now=NOW,
        recommend_grant=True,
        opinion="同意",
    )
    when = NOW + decided_after
    actions.decide_case(
        Task.objects.get(case=case, kind="decide"), actor=approver, now=when, grant=True
    )
    issue_certificate(case, actor=clerk, now=when)
    return actions.complete_case(case, actor=clerk, now=when)


@pytest.fixture
def month_of_cases(new_case, instant_item, clerk, reviewer, co_reviewer, approver):
    people = {
        "clerk": clerk,
        "reviewer": reviewer,
        "co_reviewer": co_reviewer,
        "approver": approver,
    }
    early = run_to_completion(new_case(), decided_after=2 * DAY, **people)  # due 24 Mar
    late = run_to_completion(new_case(), decided_after=20 * DAY, **people)  # 30 Mar: late
    instant = new_case(item=instant_item)
    provide_all(instant)
    actions.handle_instant(instant, actor=clerk, now=NOW)
    waiting = new_case()
    provide_all(waiting)
    actions.accept_case(waiting, actor=clerk, now=NOW)
    return early, late, instant, waiting


def test_the_month_figures(month_of_cases):
    now = NOW + 40 * DAY  # 19 April: the waiting case is overdue
    rows = evaluate(month_cases(None, 2026, 3, now), 2026, 3, "department", now=now)
    (row,) = rows
    assert (row.received, row.completed, row.promised_done) == (4, 3, 2)
    assert row.on_time_rate == 0.5
    assert row.early_rate == 0.5
    assert row.on_the_spot_rate == pytest.approx(1 / 3)
    assert row.overdue == 2  # the late decision and the open overdue case
    # Working days used: 12 Mar (2) and 30 Mar (14) against 10 promised each.
    assert sorted(row.used_days) == [2, 14]
    assert row.avg_promised == 10


def test_the_hall_counts_open_cases_by_light(month_of_cases):
    assert hall_today(None, NOW + DAY) == {"区市场监管局": {"green": 1, "yellow": 0, "red": 0}}
    assert hall_today(None, NOW + 40 * DAY) == {"区市场监管局": {"green": 0, "yellow": 0, "red": 1}}


def test_supervisors_see_the_dashboard_and_others_do_not(client, month_of_cases, supervisor, clerk):
    with time_machine.travel(NOW + 5 * DAY, tick=False):
        client.force_login(supervisor)
        response = client.get("/staff/dashboard/", {"month": "2026-03"})
        assert response.status_code == 200
        assert response.context["totals"] == {"green": 1, "yellow": 0, "red": 0}
        assert "chart-hall" in response.content.decode()
        client.force_login(clerk)
        assert client.get("/staff/dashboard/").status_code == 404


def test_a_street_supervisor_sees_only_the_street(client, month_of_cases, district):
    other = Region.objects.create(
        code="510403005000", name="摩梭河街道", level="street", parent=district
    )
    street_supervisor = make_staff("sup_msh", Role.SUPERVISOR, other, None)
    with time_machine.travel(NOW + 5 * DAY, tick=False):
        client.force_login(street_supervisor)
        response = client.get("/staff/dashboard/evaluation/", {"month": "2026-03"})
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_the_evaluation_exports_to_excel(client, month_of_cases, supervisor):
    with time_machine.travel(NOW + 40 * DAY, tick=False):
        client.force_login(supervisor)
        response = client.get(
            "/staff/dashboard/evaluation/", {"month": "2026-03", "format": "xlsx"}
        )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("部门/网点", "收件", "办结", "按时办结率")
    assert rows[0][-1] == "满意度"
    assert rows[1][:6] == ("区市场监管局", 4, 3, "50.0%", "50.0%", "33.3%")


def test_the_evaluation_carries_the_satisfaction_rate(month_of_cases, applicant):
    from onestop.evaluation.actions import rate_case

    early, late, _instant, _waiting = month_of_cases
    rate_case(early, actor=applicant.user, now=NOW + 3 * DAY, score=5, channel="portal")
    rate_case(
        late,
        actor=applicant.user,
        now=NOW + 21 * DAY,
        score=2,
        channel="portal",
        comment="超时办理",
    )
    now = NOW + 40 * DAY
    (row,) = evaluate(month_cases(None, 2026, 3, now), 2026, 3, "department", now=now)
    assert row.satisfaction == 0.5
