"""Hall figures per zone, window and hour, their lights, the figures page and its Excel."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from onestop.hall import actions, figures
from onestop.hall.models import HallPolicy
from tests.hall.conftest import NOW


def at(minutes: float):
    return NOW + timedelta(minutes=minutes)


def morning(take, window_1, window_2, clerk_1, clerk_2):
    """Six numbers: waits of 10, 20, 30 and 40 minutes, one no-show, one still waiting."""
    for m in range(6):
        take(m)
    plan = [(window_1, clerk_1, 10), (window_2, clerk_2, 21), (window_1, clerk_1, 32)]
    for window, clerk, minute in plan:
        t = actions.call_next(window, actor=clerk, now=at(minute))
        actions.start_serving(t, actor=clerk, now=at(minute))
        actions.finish_ticket(t, actor=clerk, now=at(minute + 6))
    t = actions.call_next(window_2, actor=clerk_2, now=at(43))  # A004, taken at minute 3
    actions.start_serving(t, actor=clerk_2, now=at(43))
    t = actions.call_next(window_1, actor=clerk_1, now=at(44))  # A005: no-show
    actions.mark_no_show(t, actor=clerk_1, now=at(46))


def test_figures_per_zone_window_and_hour(take, window_1, window_2, clerk_1, clerk_2, centre):
    morning(take, window_1, window_2, clerk_1, clerk_2)
    fig = figures.hall_figures(None, NOW.date(), NOW.date(), now=at(50))
    total = fig.total
    assert total.taken == 6
    assert total.waits == [10, 20, 30, 40, 40]
    assert total.avg_wait == 28 and total.p90_wait == 40
    assert total.avg_service == 6  # the three finished services
    assert (total.no_shows, total.abandoned, total.waiting) == (1, 0, 1)
    assert total.longest_waiting == 45  # A006, taken at minute 5
    assert [z.name for z in fig.zones] == ["A区 行政审批区"]
    by_window = {r.name: r for r in fig.windows}
    assert by_window["A01 市场监管窗口"].waits == [10, 30, 40]
    assert by_window["A02 市场监管窗口二"].waits == [20, 40]
    assert by_window["（未叫号）"].waiting == 1
    assert [h.name for h in fig.hours] == ["09:00"]
    # Default thresholds 15 / 30 minutes: red (the one still waiting has waited 45).
    assert total.light == "red"
    assert by_window["A01 市场监管窗口"].light == "yellow"  # average 26.7
    assert by_window["A02 市场监管窗口二"].light == "red"  # average 30


def test_thresholds_come_from_the_centres_policy(take, window_1, clerk_1, centre):
    HallPolicy.objects.create(centre=centre, wait_yellow_minutes=5, wait_red_minutes=60)
    take(0)
    t = actions.call_next(window_1, actor=clerk_1, now=at(10))
    fig = figures.hall_figures(centre.region, NOW.date(), NOW.date(), now=at(11))
    assert (fig.yellow, fig.red, fig.total.light) == (5, 60, "yellow")
    assert t.wait_minutes == 10


def test_abandoned_tickets_are_counted(take, centre):
    take(0)
    actions.abandon_stale_tickets(now=at(24 * 60))
    fig = figures.hall_figures(centre.region, NOW.date(), NOW.date(), now=at(24 * 60))
    assert (fig.total.abandoned, fig.total.waiting, fig.total.avg_wait) == (1, 0, None)


def test_the_figures_page_and_excel_for_overseers(
    client, supervisor, outsider, take, window_1, window_2, clerk_1, clerk_2, travel
):
    morning(take, window_1, window_2, clerk_1, clerk_2)
    client.force_login(outsider)
    assert client.get("/staff/hall/figures/").status_code == 404
    client.force_login(supervisor)
    page = client.get("/staff/hall/figures/?from=2026-03-10&to=2026-03-10")
    assert "A02 市场监管窗口二" in page.text and "09:00" in page.text
    response = client.get("/staff/hall/figures/?from=2026-03-10&to=2026-03-10&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:4] == ("分组", "名称", "取号数", "平均等候（分钟）")
    assert rows[3][:8] == ("合计", "合计", 6, 28.0, 40.0, 6.0, 1, 0)
    assert ("窗口", "A01 市场监管窗口") in [r[:2] for r in rows]


def test_the_supervision_dashboard_shows_todays_queue(
    client, supervisor, take, window_1, clerk_1, travel
):
    client.force_login(supervisor)
    assert "今日尚无取号" in client.get("/staff/dashboard/").text
    take(0)
    actions.call_next(window_1, actor=clerk_1, now=at(18))
    page = client.get("/staff/dashboard/").text
    panel = page[page.index('id="hall-queue"') :]
    assert '<div class="h4 mb-0" id="hall-avg-wait">18.0</div>' in panel
    assert "黄灯" in panel[:600]  # 18 minutes: past the default 15-minute yellow threshold
    assert "A区 行政审批区" in panel
