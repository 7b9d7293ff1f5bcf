"""The supervisor's day on the demo: the dashboard, then the evaluation by window and its export."""

import io

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from onestop.demo.org import DEMO_PASSWORD
from onestop.supervision.efficiency import evaluate, last_months
from onestop.workdays.calendar import local_date


def test_a_supervisor_reads_the_dashboard_and_exports_the_window_ranking(page, demo_history):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/staff/dashboard/")
    # The demo has overdue and nearly-due cases: both lights show, counted live.
    expect(page.locator("#total-red")).not_to_have_text("0")
    expect(page.locator("#total-yellow")).not_to_have_text("0")
    expect(page.locator("#computed-at")).to_contain_text("月度统计更新于")
    expect(page.locator("#chart-trend canvas")).to_have_count(1)

    # Last month, by window: the page shows what the statistics say.
    year, month = last_months(local_date(timezone.now()), 2)[0]
    rows = evaluate(None, year, month, "window", now=timezone.now())
    assert rows, "the demo history has finished cases every month"
    page.goto(f"/staff/dashboard/evaluation/?month={year}-{month:02d}")
    page.get_by_label("统计维度").select_option("window")
    page.get_by_role("button", name="查看").click()
    table = page.locator("#evaluation tbody tr")
    expect(table).to_have_count(len(rows))
    first = table.first.locator("td")
    expect(first.nth(1)).to_have_text(rows[0].name)
    expect(first.nth(2)).to_have_text(str(rows[0].received))
    expect(first.nth(3)).to_have_text(str(rows[0].completed))

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()))["效能评估"]
    title, _period, header, *body = list(sheet.iter_rows(values_only=True))
    assert f"{year}年{month}月效能评估（按窗口）" in title[0]
    assert header[:2] == ("排名", "窗口")
    assert [r[1] for r in body[: len(rows)]] == [r.name for r in rows]
