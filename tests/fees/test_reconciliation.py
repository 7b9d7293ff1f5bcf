"""The daily reconciliation report per department, on screen and in Excel."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from onestop.fees import actions
from onestop.fees.report import day_bounds, reconcile
from onestop.org.models import Role
from tests.conftest import make_staff
from tests.factories import make_item
from tests.fees.conftest import NOW, make_rule

DAY = date(2026, 3, 10)
NEXT = date(2026, 3, 11)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall-clock time as an aware UTC datetime."""
    start, _end = day_bounds(day)
    return (start + timedelta(hours=hour, minutes=minute)).astimezone(UTC)


@pytest.fixture
def clerk_b(district, dept_b):
    return make_staff("clerk_b", Role.CLERK, district, dept_b)


@pytest.fixture
def day_of_fees(new_case, item, instant_item, clerk, head, clerk_b, dept_b):
    """Two days of fees in department A (and one payment in B, which A must not see):

    10th: case1 issued 09:00 and paid 10:00 in cash (120); case3 issued 11:00 and paid 11:05
          by card (4 copies × 2.50 = 10); case4 issued 12:00 and voided 12:30 (120);
          case2 issued 23:30 and left unpaid (120).
    11th: case2 paid 00:10 in cash (120); case1 refunded 20.00 at 09:00.
    """
    make_rule(item.code)  # fixed 120.00
    make_rule(
        instant_item.code,
        name="复印件工本费",
        kind="per_unit",
        amount=Decimal("2.50"),
        unit_name="份",
        quantity_field="copies",
    )
    b_item = make_item("511A0000-MZJ", "婚姻登记证补领", "mzj")
    make_rule(b_item.code, name="婚姻登记证工本费", amount=Decimal("9.00"))

    def notice(case, when):
        n = actions.issue_fee_notice(case, actor=clerk, now=when)
        assert n is not None
        return n

    case1, case2, case4 = new_case(), new_case(), new_case()
    case3 = new_case(item=instant_item, form_data={"applicant_name": "张敏", "copies": "4"})
    n1 = notice(case1, at(DAY, 9))
    p1 = actions.record_payment(
        n1, actor=clerk, now=at(DAY, 10), method="window_cash", amount="120", reference="票-001"
    )
    n3 = notice(case3, at(DAY, 11))
    actions.record_payment(n3, actor=clerk, now=at(DAY, 11, 5), method="window_card", amount="10")
    n4 = notice(case4, at(DAY, 12))
    actions.cancel_notice(n4, actor=clerk, now=at(DAY, 12, 30), reason="面积填错")
    n2 = notice(case2, at(DAY, 23, 30))
    actions.record_payment(n2, actor=clerk, now=at(NEXT, 0, 10), method="window_cash", amount="120")
    actions.refund_payment(p1, actor=head, now=at(NEXT, 9), amount="20.00", reason="多收一证")

    b_case = new_case(item=b_item, actor=clerk_b)
    nb = actions.issue_fee_notice(b_case, actor=clerk_b, now=at(DAY, 10))
    actions.record_payment(nb, actor=clerk_b, now=at(DAY, 10, 1), method="window_cash", amount="9")
    return {"cases": (case1, case2, case3, case4, b_case), "notices": (n1, n2, n3, n4, nb)}


def row(report, key):
    [fig] = [f for f in report.departments if f.department.key == key]
    return fig


def test_the_figures_of_a_day(clerk, day_of_fees):
    report = reconcile(clerk, DAY)
    assert [f.department.key for f in report.departments] == ["scjgj"]
    a = row(report, "scjgj")
    assert (a.issued_count, a.due) == (4, Decimal("370.00"))
    assert (a.cancelled_count, a.cancelled) == (1, Decimal("120.00"))
    assert (a.paid_count, a.paid) == (2, Decimal("130.00"))
    assert a.by_method == {"window_cash": Decimal("120.00"), "window_card": Decimal("10.00")}
    assert (a.refund_count, a.refunded, a.net) == (0, Decimal("0.00"), Decimal("130.00"))
    assert (a.outstanding_count, a.outstanding) == (1, Decimal("120.00"))
    case1, _case2, case3, *_ = day_of_fees["cases"]
    n1, _n2, n3, *_ = day_of_fees["notices"]
    assert [(line.case_number, line.payment_code, line.amount) for line in a.lines] == [
        (case1.number, n1.code, Decimal("120.00")),
        (case3.number, n3.code, Decimal("10.00")),
    ]


def test_the_next_day_and_the_local_day_boundary(clerk, day_of_fees):
    a = row(reconcile(clerk, NEXT), "scjgj")
    # 00:10 Beijing on the 11th is still the 10th in UTC: it counts on the 11th.
    assert (a.issued_count, a.paid_count, a.paid) == (0, 1, Decimal("120.00"))
    assert (a.refund_count, a.refunded, a.net) == (1, Decimal("20.00"), Decimal("100.00"))
    assert (a.outstanding_count, a.outstanding) == (0, Decimal("0.00"))
    assert a.lines[-1].amount == Decimal("-20.00")
    assert a.lines[-1].note == "多收一证"
    assert a.lines[-1].reference == "票-001"


def test_outstanding_carries_from_day_to_day(clerk, day_of_fees):
    days = [DAY - timedelta(days=1), DAY, NEXT, NEXT + timedelta(days=1)]
    figures = [
        row(reconcile(clerk, d, always=[day_of_fees["cases"][0].department]), "scjgj") for d in days
    ]
    for before, today in zip(figures, figures[1:], strict=False):
        assert today.outstanding == before.outstanding + today.due - today.paid - today.cancelled


def test_a_supervisor_sees_every_department_and_can_pick_one(supervisor, day_of_fees, dept_b):
    report = reconcile(supervisor, DAY)
    assert [f.department.key for f in report.departments] == ["scjgj", "mzj"]
    assert report.total.paid == Decimal("139.00")
    assert report.total.by_method["window_cash"] == Decimal("129.00")
    only_b = reconcile(supervisor, DAY, department=dept_b)
    assert [f.department.key for f in only_b.departments] == ["mzj"]
    assert only_b.total.paid == Decimal("9.00")


def test_the_page_shows_the_day(client, clerk, day_of_fees):
    client.force_login(clerk)
    response = client.get(reverse("fees:reconciliation"), {"date": "2026-03-10"})
    assert response.status_code == 200
    html = response.content.decode()
    case1 = day_of_fees["cases"][0]
    n1 = day_of_fees["notices"][0]
    assert "收费日对账" in html and "2026-03-10" in html
    assert case1.number in html and n1.code in html
    assert "370.00" in html and "130.00" in html
    assert "婚姻登记证补领" not in html
    assert "date=2026-03-10" in html  # the Excel link keeps the query


def test_the_page_defaults_to_today(client, clerk, db):
    client.force_login(clerk)
    response = client.get(reverse("fees:reconciliation"))
    assert response.status_code == 200
    # The clerk's own department is always listed, even on a day without fees.
    assert "攀枝花市西区市场监督管理局" in response.content.decode()


def test_the_co_department_sees_only_its_own_fees(client, outsider, day_of_fees):
    client.force_login(outsider)
    html = client.get(reverse("fees:reconciliation"), {"date": "2026-03-10"}).content.decode()
    assert day_of_fees["cases"][0].number not in html
    assert day_of_fees["cases"][4].number in html


def test_another_departments_report_is_404(client, clerk, dept_b, day_of_fees):
    client.force_login(clerk)
    url = reverse("fees:reconciliation")
    assert client.get(url, {"date": "2026-03-10", "department": dept_b.pk}).status_code == 404
    assert (
        client.get(reverse("fees:reconciliation_xlsx"), {"department": dept_b.pk}).status_code
        == 404
    )


def test_people_without_a_fee_role_get_403(client, applicant, db):
    client.force_login(applicant.user)
    assert client.get(reverse("fees:reconciliation")).status_code == 403
    assert client.get(reverse("fees:reconciliation_xlsx")).status_code == 403
    client.logout()
    assert client.get(reverse("fees:reconciliation")).status_code == 302


def test_the_excel_export_holds_the_same_figures(client, supervisor, day_of_fees):
    client.force_login(supervisor)
    response = client.get(reverse("fees:reconciliation_xlsx"), {"date": "2026-03-11"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "fees-reconciliation-2026-03-11.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["汇总", "明细"]
    summary = wb["汇总"]
    assert summary["A1"].value == "收费日对账表 2026-03-11"
    head = [c.value for c in summary[2]]
    rows = {
        r[0]: dict(zip(head, r, strict=True))
        for r in summary.iter_rows(min_row=3, values_only=True)
    }
    a = rows["攀枝花市西区市场监督管理局"]

    def money(value) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.01"))

    assert money(a["实收金额（元）"]) == Decimal("120.00")
    assert money(a["退款金额（元）"]) == Decimal("20.00")
    assert money(a["净收金额（元）"]) == Decimal("100.00")
    assert money(a["其中：窗口现金（元）"]) == Decimal("120.00")
    assert a["实收（笔）"] == 1
    assert money(rows["合计"]["净收金额（元）"]) == Decimal("100.00")
    assert summary.cell(row=3, column=head.index("实收金额（元）") + 1).number_format == "#,##0.00"
    lines = list(wb["明细"].iter_rows(min_row=2, values_only=True))
    case1, case2, *_ = day_of_fees["cases"]
    n1, n2, *_ = day_of_fees["notices"]
    assert [(r[2], r[4], r[5], money(r[7])) for r in lines] == [
        (case2.number, n2.code, "缴费", Decimal("120.00")),
        (case1.number, n1.code, "退款", Decimal("-20.00")),
    ]
    assert lines[0][0] == "2026-03-11 00:10:00"  # Beijing time
    assert isinstance(lines[0][4], str) and len(lines[0][4]) == 20  # the code stays text


def test_a_day_without_fees_exports_an_empty_report(client, clerk, db):
    client.force_login(clerk)
    response = client.get(reverse("fees:reconciliation_xlsx"), {"date": "2026-01-01"})
    wb = load_workbook(io.BytesIO(response.content))
    values = list(wb["汇总"].iter_rows(min_row=3, values_only=True))
    assert [v[0] for v in values] == ["攀枝花市西区市场监督管理局", "合计"]
    assert list(wb["明细"].iter_rows(min_row=2, values_only=True)) == []


def test_now_is_not_used_by_the_fixture():
    # The fixture's times are fixed: NOW (09:00 Beijing) is the first of them.
    assert at(DAY, 9) == NOW


def test_a_bad_date_falls_back_to_today_with_a_message(client, clerk, db):
    client.force_login(clerk)
    response = client.get(reverse("fees:reconciliation"), {"date": "2026-13-45"})
    assert response.status_code == 200
    assert "日期格式应为 YYYY-MM-DD" in response.content.decode()
