"""A resident searches the published licence decisions and downloads them, in a real browser."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_searches_and_downloads_the_decisions(
    page, granted_case, decide_on_spot, enterprise, tmp_path
):
    decide_on_spot(enterprise)
    page.goto("/")
    page.get_by_role("link", name="行政许可公示").click()
    table = page.locator("#licence-table")
    expect(table).to_contain_text("成都金沙餐饮管理有限公司")
    expect(table).to_contain_text("张*")
    expect(page.locator("body")).not_to_contain_text("张敏")
    expect(page.locator("#licence-count")).to_contain_text("共 2 条")

    page.get_by_label("行政相对人").fill("914403001922038216")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#licence-count")).to_contain_text("共 1 条")
    expect(table).to_contain_text("个体工商户名称变更登记")
    expect(table).not_to_contain_text("张*")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / "licences.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == 1
    assert "成都金沙餐饮管理有限公司" in rows[1]

    page.get_by_label("行政相对人").fill("")
    page.get_by_label("决定日期起").fill("2026-12-01")
    page.get_by_label("决定日期止").fill("2026-11-01")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("[data-feedback-for=end]")).to_contain_text("截止日期不能早于起始日期")
    expect(page.get_by_label("决定日期起")).to_have_value("2026-12-01")
    page.screenshot(path=str(tmp_path / "licences.png"), full_page=True)
