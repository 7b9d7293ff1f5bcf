"""The hotline pages whose scripts are static modules: the public form takes Bootstrap's
classes, and the metrics page draws its heat map (no CSP violation on either, see
tests/browser_fixtures.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_public_form_is_styled_by_its_module(page, district):
    page.goto(reverse("hotline_public:submit"))
    expect(page.locator("#public-form textarea").first).to_contain_class("form-control")
    expect(page.locator("#public-form select").first).to_contain_class("form-select")


@pytest.mark.django_db(transaction=True)
def test_metrics_draw_the_heat_map(page, operator):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(operator.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("工作台")
    page.goto(reverse("hotline:metrics"))
    expect(page.locator("#chart-hot canvas")).to_have_count(1)
