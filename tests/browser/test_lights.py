"""Yellow and red lights, seen in a real browser on the task list and the dashboard."""

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from onestop.cases import actions
from tests.case_fixtures import NOW, provide_all
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_reviewers_and_supervisors_see_yellow_and_red(page, new_case, clerk, reviewer, supervisor):
    nearly_due = new_case()  # accepted Tue 10 March: due Tue 24 March
    provide_all(nearly_due)
    actions.accept_case(nearly_due, actor=clerk, now=NOW)
    overdue = new_case(now=NOW - timedelta(days=20))  # accepted 18 Feb: due early March
    provide_all(overdue)
    actions.accept_case(overdue, actor=clerk, now=NOW - timedelta(days=20))
    # Thursday 19 March 10:00 Beijing: the first review (due Fri 20 March, 8 of the 10 working
    # days) has one working day left; the second case's review is long overdue.
    with time_machine.travel(NOW + timedelta(days=9, hours=1), tick=True):
        sign_in(page, reviewer.username)
        page.goto("/staff/cases/tasks/")
        unclaimed = page.locator("#unclaimed")
        expect(unclaimed.locator("tr", has_text=nearly_due.number)).to_contain_text("预警")
        expect(unclaimed.locator("tr", has_text=overdue.number)).to_contain_text("超期")
        page.get_by_role("button", name="退出").click()
        sign_in(page, supervisor.username)
        page.goto("/staff/dashboard/")
        # Cases: the first has 3 of its 10 working days left (green), the second is late.
        expect(page.locator("#total-green")).to_have_text("1")
        expect(page.locator("#total-red")).to_have_text("1")
        expect(page.locator("#chart-hall canvas")).to_be_visible()
