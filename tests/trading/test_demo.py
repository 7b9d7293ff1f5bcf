"""The demo trading centre: loaded over the demo organisation through the real actions, with a
finished tender whose expert draw re-runs, an OCDS export that validates, and a second load
that changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from onestop.demo import org as org_demo
from onestop.demo.trading import load_demo_trading
from onestop.draws.actions import verify_draw
from onestop.draws.models import Draw
from onestop.intermediaries.models import Intermediary, Need
from onestop.trading import ocds
from onestop.trading.models import Kind, Project

from .test_ocds import validate


@pytest.fixture
def organisation(db):  # type: ignore[no-untyped-def]
    counts = org_demo.Counts()
    regions = org_demo.load_regions(counts)
    depts = org_demo.load_departments(counts, regions)
    centres = org_demo.load_centres(counts, regions, depts)
    org_demo.load_staff(counts, regions, depts, centres)
    org_demo.load_applicants(counts, regions)


def test_the_demo_trading_centre(organisation, tmp_path) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    assert load_demo_trading(now=now, password_hash=org_demo.demo_password_hash()) > 0
    statuses = dict(Project.objects.values_list("code", "status"))
    assert statuses["XQGC-2026-011"] == Project.Status.CONTRACTED
    assert statuses["XQGC-2026-019"] == Project.Status.FAILED
    assert statuses["XQTD-2026-005"] == Project.Status.PUBLICITY
    assert statuses["XQGC-2026-031"] == Project.Status.REVIEW
    kinds = set(Project.objects.values_list("kind", flat=True))
    assert {Kind.CONSTRUCTION, Kind.PROCUREMENT, Kind.LAND, Kind.RURAL} <= kinds
    assert Intermediary.objects.filter(status="verified").count() == 14
    assert Need.objects.filter(status="rated").exists()
    drawn = list(Draw.objects.filter(status=Draw.Status.DRAWN))
    for draw in drawn:
        assert verify_draw(draw).ok
    # Each lottery issue its own numbers; an owner's own draw checked by the centre.
    assert len({draw.key_string for draw in drawn}) == len(drawn) >= 3
    assert Draw.objects.filter(kind=Draw.Kind.INTERMEDIARY, sources_checked_at__isnull=False)
    finished = Project.objects.get(code="XQGC-2026-011").committee_draw
    assert finished is not None and finished.revealed
    out = StringIO()
    call_command("verify_draw", str(finished.pk), stdout=out)
    assert "核验通过" in out.getvalue()
    package = ocds.release_package(now=now, uri="https://example.org/api/v1/trading/ocds.json")
    assert len(package["releases"]) >= 8
    assert validate(package, tmp_path)["validation_errors"] == []
    assert load_demo_trading(now=now, password_hash=org_demo.demo_password_hash()) == 0
