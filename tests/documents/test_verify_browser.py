"""A citizen types a certificate number on the public page in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from onestop.documents.actions import issue_certificate, revoke_certificate
from tests.documents.conftest import GRANTED_AT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_page_tells_valid_from_revoked(page, granted_case, clerk, head, tmp_path):
    cert = issue_certificate(granted_case, actor=clerk, now=GRANTED_AT + timedelta(days=1))
    page.goto("/documents/verify/")
    page.get_by_label("证照编号").fill(cert.number)
    page.get_by_role("button", name="核验").click()
    expect(page.locator("#verdict")).to_have_attribute("data-state", "valid")
    expect(page.locator("#verdict")).to_contain_text("有效")
    expect(page.locator("table")).to_contain_text("张*")
    page.goto(f"/documents/verify/{cert.number}/?sig={cert.signature}")
    expect(page.locator("table")).to_contain_text("张敏")
    page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)

    revoke_certificate(cert, actor=head, now=GRANTED_AT + timedelta(days=2), reason="证照遗失补办")
    page.reload()
    expect(page.locator("#verdict")).to_have_attribute("data-state", "revoked")
    expect(page.locator("#verdict")).to_contain_text("证照遗失补办")
