"""Stored XSS: script and attribute payloads in free-text fields render as inert text in a real
browser. A dialog (alert) firing on any page fails the test; the payload must be shown as text.

The payloads go in through the real entry points: a case's refusal reasons and the applicant's
name, a hotline ticket's content and caller, an .xlsx short list imported into the catalog (item
and department names), an intermediary's name, and region names that the dashboards draw into
chart tooltips (HTML that ECharts builds, opened here with its own showTip action).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import Workbook

from onestop.demo.org import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert('xss-script')</script>"
ATTRIBUTE = '"><img src=x onerror="alert(\'xss-attr\')">'
LINK = "javascript:alert('xss-link')"
PAYLOAD = f"{SCRIPT}{ATTRIBUTE}{LINK}"


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def form_data(item: Any) -> dict[str, str]:
    """The item's application form filled in, with the payload in every free-text field."""
    valid = {
        "id_number": "11010519491231002X",
        "credit_code": "914403001922038216",
        "phone": "13800009999",
        "number": "10",
        "date": "2026-03-10",
    }
    data = {}
    for f in item.form_schema or []:
        kind = f.get("type", "text")
        if kind in ("select", "radio"):
            data[f["name"]] = f.get("options", [""])[0]
        else:
            data[f["name"]] = valid.get(kind, PAYLOAD[:60])
    return data


def store_payloads() -> dict[str, Any]:
    """Every payload through the actions and the import a user would go through."""
    from onestop.cases import actions as cases
    from onestop.catalog.excel import import_catalog
    from onestop.catalog.models import ServiceItem
    from onestop.hotline import actions as hotline
    from onestop.intermediaries import actions as intermediaries
    from onestop.org.actions import register_applicant
    from onestop.org.models import Applicant, Centre, Region

    users = get_user_model().objects
    now = timezone.now()
    applicant = register_applicant(
        kind="person",
        name=PAYLOAD[:50],
        username="xss_applicant",
        password=DEMO_PASSWORD,
        phone="13800009999",
        id_number="11010519491231002X",
    )
    item = ServiceItem.objects.filter(status="published", department__key="scjgj").first()
    case = cases.create_case(
        cases.NewCase(
            item=item,
            applicant=applicant,
            channel="online",
            centre=Centre.objects.get(key="xq_zwfwzx"),
            form_data=form_data(item),
        ),
        actor=applicant.user,
        now=now,
    )
    case = cases.submit_case(case, actor=applicant.user, now=now)
    case = cases.not_accept(case, actor=users.get(username="clerk"), now=now, reasons=PAYLOAD)
    ticket = hotline.register_ticket(
        hotline.NewTicket(
            kind="complaint",
            content=PAYLOAD,
            caller_name=PAYLOAD[:30],
            caller_phone="13800008888",
            address=PAYLOAD[:100],
        ),
        actor=users.get(username="operator"),
        now=now,
    )
    # A short list as a department publishes it, typed into a real .xlsx.
    wb = Workbook()
    wb.active.append(["部门", "事项名称", "事项编码"])
    wb.active.append([f"{ATTRIBUTE}局", f"{SCRIPT}许可", "XSS0000000001"])
    raw = io.BytesIO()
    wb.save(raw)
    import_catalog(raw.getvalue(), actor=users.get(username="admin"), now=now)
    agency = intermediaries.register(
        account=Applicant.objects.get(user__username="jinsha"),
        name=PAYLOAD[:200],
        credit_code="91510403MA0XSS0001",
        services=["survey"],
        qualifications=PAYLOAD,
        service_areas="西区",
        prices="",
        contact=PAYLOAD[:50],
        phone="13800007777",
        now=now,
    )
    intermediaries.verify(
        agency, approve=True, reason="", actor=users.get(username="trader"), now=now
    )
    # Region names reach the dashboards' chart tooltips.
    district = Region.objects.get(level="district")
    Region.objects.filter(pk=district.pk).update(name=f"西区{ATTRIBUTE}")
    for street in Region.objects.filter(parent=district):
        Region.objects.filter(pk=street.pk).update(name=f"{street.name}{ATTRIBUTE}")
    return {"case": case, "ticket": ticket}


def visit(page: Any, path: str, dialogs: list[str], *, shows: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    assert shows in text, f"{path} does not show {shows!r} as text"
    assert not dialogs, f"{path} ran a stored script: {dialogs}"
    # No stored text became a link target.
    assert page.locator("a[href^='javascript:' i]").count() == 0, path


def show_chart_tip(page: Any, container: str) -> str:
    """ECharts' own hover action on the first data item; the text of the tooltip it puts into
    the chart's container (HTML built by the page's formatter). The chart is found by its
    container: the page's module keeps its own names."""
    page.evaluate(
        f"echarts.getInstanceByDom(document.getElementById('{container}'))"
        ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})"
    )
    tip = page.locator(f"#{container} > div").last
    tip.wait_for(state="visible")
    page.wait_for_timeout(300)
    return tip.inner_text()


def test_stored_payloads_render_inert(browser, live_server, demo):
    stored = store_payloads()
    case, ticket = stored["case"], stored["ticket"]
    dialogs: list[str] = []

    def new_page() -> Any:
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        return pg

    # The applicant: their own case with the refusal reasons; the public ticket follow-up.
    page = new_page()
    sign_in(page, "xss_applicant")
    visit(page, f"/my/cases/{case.pk}/", dialogs, shows=SCRIPT)
    visit(page, "/my/cases/", dialogs, shows=case.number)
    visit(
        page,
        f"/hotline/track/?number={ticket.number}&code={ticket.query_code}",
        dialogs,
        shows=SCRIPT,
    )
    visit(page, "/intermediaries/", dialogs, shows=SCRIPT)
    page.context.close()

    # Staff: the case at the window, the ticket at the hotline desk.
    page = new_page()
    sign_in(page, "clerk")
    visit(page, f"/staff/cases/{case.pk}/", dialogs, shows=SCRIPT)
    page.context.close()
    page = new_page()
    sign_in(page, "operator")
    visit(page, f"/staff/hotline/tickets/{ticket.pk}/", dialogs, shows=SCRIPT)
    visit(page, "/staff/hotline/", dialogs, shows=ticket.number)
    visit(page, "/staff/hotline/metrics/", dialogs, shows="热线")
    tip = show_chart_tip(page, "chart-hot")
    assert "onerror" in tip, tip  # the region's name, shown as text
    assert not dialogs, f"the hotline heat map tooltip ran a stored script: {dialogs}"
    page.context.close()

    # The administrator: the imported items; the supervisor: the dashboard's tree tooltip.
    page = new_page()
    sign_in(page, "admin")
    visit(page, "/admin/catalog/serviceitem/?q=XSS", dialogs, shows=SCRIPT)
    page.context.close()
    page = new_page()
    sign_in(page, "supervisor")
    visit(page, "/staff/dashboard/", dialogs, shows="西区")
    # The tree's tooltip for its root (the district), as ECharts would show it on hover: the
    # page's own formatter builds the HTML, which goes into the page as HTML.
    page.evaluate(
        """() => {
          const tree = echarts.getInstanceByDom(document.getElementById("chart-tree"));
          const option = tree.getOption();
          const root = option.series[0].data[0];
          const box = document.createElement("div");
          box.id = "tree-tip";
          box.innerHTML = option.tooltip[0].formatter({name: root.name, data: root});
          document.body.append(box);
        }"""
    )
    page.wait_for_timeout(300)
    tip = page.locator("#tree-tip").inner_text()
    assert "onerror" in tip and "在办" in tip, tip
    assert not dialogs, f"the dashboard tree tooltip ran a stored script: {dialogs}"
    page.context.close()
