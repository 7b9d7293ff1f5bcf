"""Pages under the CSP in a real browser (script-src 'self'): the API's docs page still renders,
and the behaviours the markup declares for onestop.js (data-print, data-autosubmit,
data-confirm) work without an inline handler. Every browser test also fails on any CSP
violation the console logs (tests/browser_fixtures.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from onestop.portal.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

PROBE = """<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head><body>
<button id="print" data-print>print</button>
<form id="choose" method="get" action="/probe/"><select name="status" data-autosubmit>
  <option value="">all</option><option value="open">open</option></select></form>
<form id="ask" method="get" action="/probe/" data-confirm="Sure?">
  <input type="hidden" name="sent" value="1"><button>send</button></form>
<script type="module" src="/static/js/onestop.js"></script>
</body></html>"""


@pytest.mark.django_db
def test_the_api_docs_run_under_the_policy(page):
    """ninja's Swagger UI page loads only its own files (settings as application/json), so it
    needs no policy of its own: its scripts run and mount the UI."""
    response = page.goto("/api/v1/docs")
    assert response is not None
    assert "script-src 'self';" in response.headers["content-security-policy"]
    expect(page.locator("#swagger-ui .swagger-ui")).to_be_attached()


@pytest.mark.django_db
def test_declared_behaviours_run_from_the_module(page):
    page.route(
        "**/probe/**",
        lambda route: route.fulfill(
            body=PROBE,
            headers={
                "content-type": "text/html; charset=utf-8",
                "content-security-policy": CONTENT_SECURITY_POLICY,
            },
        ),
    )
    page.add_init_script("window.print = () => { document.title = 'printed'; };")
    page.goto("/probe/")
    page.locator("#print").click()
    expect(page).to_have_title("printed")

    page.locator("#choose select").select_option("open")
    expect(page).to_have_url(re.compile(r"/probe/\?status=open$"))

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#ask button").click()
    page.wait_for_timeout(300)
    assert "sent=1" not in page.url
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#ask button").click()
    expect(page).to_have_url(re.compile(r"/probe/\?sent=1$"))
