"""The OCDS 1.1 export validates with libcoveocds against the 1.1.5 standard, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from onestop.trading import actions
from onestop.workdays.calendar import local_date

from .conftest import make_project, open_tender
from .helpers import to_publicity

STANDARD = Path(__file__).parent / "data" / "ocds-standard-1__1__5.zip"
LIBCOVE = Path(sys.executable).parent / "libcoveocds"


def validate(package: dict, tmp_path: Path) -> dict:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run(  # noqa: S603 - our own venv's tool on our own file
        [str(LIBCOVE), "--schema-version", "1.1", "--standard-zip", str(STANDARD), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    return json.loads(out.stdout)


@pytest.fixture
def contracted(tender, officers, bidders, experts):  # type: ignore[no-untyped-def]
    p = to_publicity(open_tender(tender, officers, bidders), officers[0])
    p = actions.award(p, actor=officers[0], now=p.publicity_ends_at)
    return actions.record_contract(
        p,
        amount=Decimal("3410000"),
        signed_on=local_date(p.awarded_at),
        actor=officers[0],
        now=p.awarded_at + timedelta(days=1),
    )


def test_the_package_validates(contracted, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = client.get("/api/v1/trading/ocds.json").json()
    tags = [r["tag"][0] for r in package["releases"]]
    assert tags == ["tender", "award", "contract"]
    result = validate(package, tmp_path)
    assert result["validation_errors"] == []
    award = package["releases"][1]["awards"][0]
    assert award["value"]["amount"] == 3410000 and award["suppliers"][0]["name"]


def test_a_broken_package_fails_validation(contracted, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = client.get("/api/v1/trading/ocds.json").json()
    del package["releases"][0]["initiationType"]
    errors = validate(package, tmp_path)["validation_errors"]
    assert any("initiationType" in json.dumps(e, ensure_ascii=False) for e in errors)


def test_export_ocds_writes_the_same_package(contracted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "ocds.json"
    out = StringIO()
    call_command("export_ocds", str(target), stdout=out)
    package = json.loads(target.read_text(encoding="utf-8"))
    assert len(package["releases"]) == 3 and "已导出 3" in out.getvalue()
    assert validate(package, tmp_path)["validation_errors"] == []


def test_drafts_are_not_exported(officers, owner, client) -> None:  # type: ignore[no-untyped-def]
    make_project(officers[0], owner, timezone.now())
    assert client.get("/api/v1/trading/ocds.json").json()["releases"] == []
