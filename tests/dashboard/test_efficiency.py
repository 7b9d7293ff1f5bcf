"""Efficiency figures, the dashboard and the Excel export."""

import io
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from onestop.cases import actions
from onestop.cases.models import Task
from onestop.documents.actions import issue_certificate
from onestop.org.models import Region, Role, StaffRole, Window
from onestop.supervision.efficiency import evaluate, hall_today
from onestop.supervision.stats import refresh_statistics
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
    refresh_statistics(now)
    rows = evaluate(None, 2026, 3, "department", now=now)
    (row,) = rows
    assert (row.received, row.completed, row.promised_done) == (4, 3, 2)
    assert row.on_time_rate == 0.5
    assert row.early_rate == 0.5
    assert row.on_the_spot_rate == pytest.approx(1 / 3)
    assert row.overdue == 2  # the late decision and the open overdue case
    # Working days used: 12 Mar (2) and 30 Mar (14) against 10 promised each.
    assert (row.timed_done, row.used_days) == (2, 16)
    assert row.avg_used == 8
    assert row.avg_promised == 10


def test_figures_wait_for_the_statistics_job(month_of_cases):
    now = NOW + 40 * DAY
    assert evaluate(None, 2026, 3, "department", now=now)[0].received == 0
    assert refresh_statistics(now) > 0
    assert evaluate(None, 2026, 3, "department", now=now)[0].received == 4
    # A second run with nothing new rebuilds only what its look-back re-reads: same figures.
    refresh_statistics(now)
    assert evaluate(None, 2026, 3, "department", now=now)[0].received == 4


def test_window_and_person_figures_follow_who_accepted(
    month_of_cases, clerk, reviewer, co_reviewer, approver, centre
):
    window = Window.objects.get(zone__centre=centre, number="A01")
    StaffRole.objects.filter(user=clerk).update(window=window)
    now = NOW + 40 * DAY
    refresh_statistics(now)
    (by_window,) = evaluate(None, 2026, 3, "window", now=now)
    assert by_window.name == "攀枝花市西区政务服务中心 A01号窗口（市场监管窗口）"
    assert (by_window.received, by_window.completed, by_window.overdue) == (4, 3, 2)
    people = {r.name: r for r in evaluate(None, 2026, 3, "person", now=now)}
    assert people["clerk_a"].received == 4
    assert people["clerk_a"].on_time_rate == 0.5
    # Reviewers and approvers are evaluated on the steps they did.
    assert people["reviewer_a"].tasks_done == 2
    assert people["approver_a"].tasks_done == 2
    assert people["approver_a"].task_on_time_rate == 0.5  # the late decision
    assert people["reviewer_a"].received == 0


def test_the_evaluation_page_ranks_by_person(client, month_of_cases, supervisor):
    refresh_statistics(NOW + 40 * DAY)
    with time_machine.travel(NOW + 40 * DAY, tick=False):
        client.force_login(supervisor)
        response = client.get("/staff/dashboard/evaluation/", {"month": "2026-03", "by": "person"})
        assert response.status_code == 200
        assert response.context["columns"][0] == "人员"
        assert response.context["columns"][-2:] == ["办理环节", "环节按时率"]
        names = [row[0] for _rank, row in response.context["rows"]]
        assert "clerk_a" in names and "approver_a" in names
        # An unknown dimension falls back to departments, never an error.
        response = client.get("/staff/dashboard/evaluation/", {"month": "2026-03", "by": "x"})
        assert response.context["by"] == "department"


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
    refresh_statistics(NOW + 40 * DAY)
    with time_machine.travel(NOW + 40 * DAY, tick=False):
        client.force_login(supervisor)
        response = client.get(
            "/staff/dashboard/evaluation/", {"month": "2026-03", "format": "xlsx"}
        )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["效能评估"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "西区2026年3月效能评估（按部门）"
    assert "2026-03-01 至 2026-03-31" in rows[1][0] and "统计单位：西区" in rows[1][0]
    assert rows[2][:5] == ("排名", "部门", "收件", "办结", "按时办结率")
    assert rows[2][-1] == "效能评分"
    # Numbers, not text: rates are fractions shown with a percent format, so they sort.
    assert rows[3][:7] == (1, "区市场监管局", 4, 3, 0.5, 0.5, pytest.approx(1 / 3))
    assert sheet.cell(row=4, column=5).number_format == "0.0%"
    assert sheet.cell(row=4, column=8).number_format == "0.0"
    assert sheet.freeze_panes == "C4"
    assert sheet.column_dimensions["I"].width >= 2 * len("平均承诺时限（工作日）")
    assert book.chartsheets[0].title == "评分图表"


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
        reasons=["efficiency"],
    )
    now = NOW + 40 * DAY
    refresh_statistics(now)
    (row,) = evaluate(None, 2026, 3, "department", now=now)
    assert row.satisfaction == 0.5


def test_cards_count_in_the_score_with_the_administrators_weights(
    month_of_cases, supervisor, head, dept_a
):
    from onestop.supervision import actions as sup
    from onestop.supervision.models import ScoreWeights

    now = NOW + 40 * DAY
    refresh_statistics(now)
    (row,) = evaluate(None, 2026, 3, "department", now=now)
    # Default weights 60/10/30 over the rates it has (on-time 0.5, early 0.5; nobody rated).
    assert row.score == 50.0 and (row.yellow_cards, row.red_cards) == (0, 0)

    yellow = sup.issue_card(
        actor=supervisor, now=NOW, colour="yellow", department=dept_a, reason="超期", rectify_days=1
    )
    sup.issue_card(actor=supervisor, now=NOW, colour="red", department=dept_a, reason="推诿")
    wrong = sup.issue_card(actor=supervisor, now=NOW, colour="red", department=dept_a, reason="误")
    sup.withdraw_card(wrong, actor=supervisor, now=NOW + DAY, reason="误判")
    sup.mark_overdue([yellow.pk], now=NOW + 5 * DAY)  # also escalates it: one more red card
    (row,) = evaluate(None, 2026, 3, "department", now=now)
    assert (row.yellow_cards, row.red_cards, row.overdue_cards) == (1, 2, 1)
    assert row.score == 50.0 - 2 - 2 * 5 - 3

    ScoreWeights.objects.create(on_time=100, early=0, satisfaction=0, yellow=1, red=1, overdue=0)
    (row,) = evaluate(None, 2026, 3, "department", now=now)
    assert row.score == 50.0 - 3


def test_units_with_nothing_to_rate_show_a_dash_and_stay_unranked(
    client, month_of_cases, supervisor, instant_item, new_case, district, dept_b
):
    # dept_b only does on-the-spot items this month: nothing to rate, not "0%".
    clerk_b = make_staff("clerk_b", Role.CLERK, district, dept_b)
    type(instant_item).objects.filter(pk=instant_item.pk).update(department=dept_b)
    instant = new_case(item=type(instant_item).objects.get(pk=instant_item.pk))
    provide_all(instant)
    actions.handle_instant(instant, actor=clerk_b, now=NOW)
    now = NOW + 40 * DAY
    refresh_statistics(now)
    rows = evaluate(None, 2026, 3, "department", now=now)
    assert [(r.name, r.score) for r in rows][-1] == ("区民政局", None)
    with time_machine.travel(now, tick=False):
        client.force_login(supervisor)
        page = client.get("/staff/dashboard/evaluation/", {"month": "2026-03"})
        ranked = page.context["rows"]
        assert ranked[0][0] == "1" and ranked[-1][0] == "—" and ranked[-1][1][-1] == "—"
        assert ranked[-1][1][3] == "—"  # its on-time rate
        dashboard = client.get("/staff/dashboard/", {"month": "2026-03"})
        names = [r["name"] for r in dashboard.context["data"]["ranking"]]
        assert "区民政局" not in names and names
        xlsx = client.get("/staff/dashboard/evaluation/", {"month": "2026-03", "format": "xlsx"})
    last = list(load_workbook(io.BytesIO(xlsx.content))["效能评估"].iter_rows(values_only=True))
    unrated = next(r for r in last if r[1] == "区民政局")
    assert unrated[0] is None and unrated[4] is None and unrated[-1] is None


def test_the_evaluation_exports_to_pdf_with_charts(client, month_of_cases, supervisor):
    from pypdf import PdfReader

    refresh_statistics(NOW + 40 * DAY)
    with time_machine.travel(NOW + 40 * DAY, tick=False):
        client.force_login(supervisor)
        response = client.get("/staff/dashboard/evaluation/", {"month": "2026-03", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "2026年3月效能评估" in text and "区市场监管局" in text
    assert "效能评分（前 15 名）" in text and "50.0%" in text
