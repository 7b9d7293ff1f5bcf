"""Playwright driving Debian's Chromium against Django's live server (a pytest plugin)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


# Chromium logs "Executing inline script violates the following Content Security Policy
# directive ..." (and the like for handlers, styles, sources) to the page's console.
CSP_VIOLATION = "Content Security Policy"


@pytest.fixture(autouse=True)
def _no_csp_violation(request, monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A browser test fails when any page it opened logged a CSP violation: page code is a
    static module, never an inline script or handler (the policy allows neither)."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    violations: list[str] = []
    new_context = browser.new_context

    def watched_context(*args, **kwargs):  # type: ignore[no-untyped-def]
        context = new_context(*args, **kwargs)

        def on_console(message) -> None:  # type: ignore[no-untyped-def]
            if CSP_VIOLATION in message.text:
                violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

        context.on("console", on_console)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield
    assert not violations, "the browser logged CSP violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


# A Wednesday of a fully known calendar year, 10:00 in the centre's zone, far from holidays.
DEMO_DAY = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo_day(settings) -> Iterator[datetime]:  # type: ignore[no-untyped-def]
    """The test runs on DEMO_DAY, the clock ticking from there (the live server's thread too).

    The demo's lights, statuses and deadlines follow its clock (working days, holidays, the
    year's end), so a test on it built "today" would pass or fail with the date. Chromium keeps
    the real date, so the cookies carry no expiry date it would find passed."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(DEMO_DAY, tick=True):
        yield DEMO_DAY


@pytest.fixture
def demo(transactional_db: None, demo_day: datetime) -> None:
    from onestop.demo.load import load_demo

    load_demo(now=timezone.now(), history=False)


@pytest.fixture
def demo_history(transactional_db: None, demo_day: datetime) -> None:
    """The demo with its past year of finished cases, and the statistics job run once."""
    from onestop.demo.load import load_demo
    from onestop.supervision.stats import refresh_statistics

    load_demo(now=timezone.now())
    refresh_statistics(timezone.now())
