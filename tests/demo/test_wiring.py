"""The wiring around the demo: nothing imports it, the job registry is filled by the apps, and
the deployment's names come from settings."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import override_settings

import onestop
from onestop.core import jobs
from onestop.hotline.queries import CALLBACK_SCRIPTS

SRC = Path(onestop.__file__).parent


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_outside_the_demo_imports_it():
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "demo" not in path.relative_to(SRC).parts[:1]
        and any(n == "onestop.demo" or n.startswith("onestop.demo.") for n in _imported(path))
    ]
    assert offenders == []


def test_every_app_registers_its_periodic_jobs():
    assert {(job.name, job.every_seconds) for job in jobs.JOBS} == {
        ("sweep_deemed_acceptance", 300),
        ("deliver_notifications", 60),
        ("sweep_supervision", 300),
        ("refresh_statistics", 300),
        ("sweep_hotline", 300),
        ("sweep_hall", 120),
        ("sweep_trading", 300),
        ("publish_licence_decisions", 3600),
    }


def test_registering_a_job_again_replaces_it():
    before = list(jobs.JOBS)
    try:
        jobs.register("wiring_test", 10, lambda now: "first")
        jobs.register("wiring_test", 20, lambda now: "second")
        assert [j.every_seconds for j in jobs.JOBS if j.name == "wiring_test"] == [20]
        assert jobs.run_job("wiring_test", datetime(2026, 3, 10, tzinfo=UTC)) == "second"
    finally:
        jobs.JOBS[:] = before
    with pytest.raises(KeyError):
        jobs.run_job("wiring_test", datetime(2026, 3, 10, tzinfo=UTC))


def test_no_place_is_named_in_the_code():
    """The demo's district lives in demo/ and demo/data; code and templates use settings."""
    named = [
        str(path.relative_to(SRC))
        for pattern in ("*.py", "*.html", "*.js")
        for path in SRC.rglob(pattern)
        if path.relative_to(SRC).parts[0] not in ("demo", "locale")
        and not {"migrations", "vendor"} & set(path.parts)
        and ("西区" in path.read_text(encoding="utf-8") or "攀枝花" in path.read_text("utf-8"))
    ]
    assert named == []
    assert all("{hotline}" in script for script in CALLBACK_SCRIPTS.values())


@pytest.mark.django_db
def test_pages_show_the_deployments_names(client):
    with override_settings(
        ONESTOP_DEPLOYMENT_NAME="某市某区政务服务网", ONESTOP_CENTRE_NAME="某区政务服务中心"
    ):
        page = client.get("/").content.decode()
    assert "某市某区政务服务网" in page  # the navbar
    assert "某区政务服务中心" in page  # the home page's lead and the footer
    neutral = client.get("/").content.decode()
    assert "政务服务网" in neutral and "某市" not in neutral
