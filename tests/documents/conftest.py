"""Cases at each point of their history, built through the real actions, and PDF readers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from onestop.cases import actions
from onestop.cases.models import Case, Task
from onestop.documents import signing
from onestop.org.actions import register_applicant
from tests.cases.conftest import *  # noqa: F403  (the case fixtures)
from tests.cases.conftest import NOW, provide_all

GRANTED_AT = NOW + timedelta(days=3)


@pytest.fixture(autouse=True)
def signing_key_in_tmp(settings, tmp_path, monkeypatch):
    """Each test signs with a key generated into its own VAR_DIR."""
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    settings.VAR_DIR = tmp_path
    signing.signing_key.cache_clear()
    yield
    signing.signing_key.cache_clear()


@pytest.fixture
def other_applicant(db):
    return register_applicant(
        kind="person",
        name="李强",
        username="liqiang",
        password="Jinsha-river-99",
        phone="13881234568",
    )


@pytest.fixture
def accepted_case(new_case, clerk) -> Case:
    case = new_case()
    provide_all(case)
    return actions.accept_case(case, actor=clerk, now=NOW)


def decide(case: Case, *, grant: bool, reviewer, co_reviewer, approver, reasons: str = "") -> Case:
    """Review, co-department opinion and decision, a day apart."""
    for task in Task.objects.filter(case=case, kind=Task.Kind.OPINION):
        actions.give_opinion(
            task,
            actor=co_reviewer,
            now=NOW + timedelta(days=1),
            agree=grant,
            opinion="同意，符合民政管理要求" if grant else "不同意，场所涉及养老服务设施用地",
        )
    actions.submit_review(
        Task.objects.get(case=case, kind=Task.Kind.REVIEW),
        actor=reviewer,
        now=NOW + timedelta(days=2),
        recommend_grant=grant,
        opinion="材料齐全，符合条件" if grant else "场所不符合要求",
    )
    actions.decide_case(
        Task.objects.get(case=case, kind=Task.Kind.DECIDE),
        actor=approver,
        now=GRANTED_AT,
        grant=grant,
        reasons=reasons,
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def granted_case(accepted_case, reviewer, co_reviewer, approver) -> Case:
    return decide(
        accepted_case, grant=True, reviewer=reviewer, co_reviewer=co_reviewer, approver=approver
    )


@pytest.fixture
def refused_case(accepted_case, reviewer, co_reviewer, approver) -> Case:
    return decide(
        accepted_case,
        grant=False,
        reviewer=reviewer,
        co_reviewer=co_reviewer,
        approver=approver,
        reasons="经营场所与污染源距离不足25米",
    )


@pytest.fixture
def submitted_case(new_case, applicant) -> Case:
    """An online application waiting for the window's pre-review."""
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    return actions.submit_case(case, actor=applicant.user, now=NOW)


@pytest.fixture
def supplement_case(submitted_case, clerk) -> Case:
    return actions.request_supplement(
        submitted_case,
        actor=clerk,
        now=NOW + timedelta(hours=2),
        missing=["营业执照", "食品安全管理制度"],
        note="营业执照须为最新版本",
    )


@pytest.fixture
def not_accepted_case(submitted_case, clerk) -> Case:
    return actions.not_accept(
        submitted_case,
        actor=clerk,
        now=NOW + timedelta(hours=3),
        reasons="申请事项依法不需要取得行政许可",
    )


def pdf_text(data: bytes) -> str:
    """The PDF's text with all whitespace removed (layout breaks lines anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _fonts(obj: Any, seen: set[int], out: list[Any]) -> None:
    """Every font dictionary reachable from a page's resources (forms included)."""
    obj = obj.get_object()
    if id(obj) in seen or not hasattr(obj, "get"):
        return
    seen.add(id(obj))
    resources = obj.get("/Resources")
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        out.append(font.get_object())
    for xobj in (resources.get("/XObject") or {}).values():
        _fonts(xobj, seen, out)


def font_report(data: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font the PDF's pages use, read with pypdf."""
    reader = PdfReader(io.BytesIO(data))
    fonts: list[Any] = []
    for page in reader.pages:
        _fonts(page, set(), fonts)
    report = []
    for font in fonts:
        descendants = font.get("/DescendantFonts")
        target = descendants.get_object()[0].get_object() if descendants else font
        descriptor = target.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        report.append((str(font.get("/BaseFont")), embedded))
    return report


def pdffonts(data: bytes, tmp_path) -> list[str] | None:
    """The `emb` column of poppler's pdffonts, when the tool is installed."""
    tool = shutil.which("pdffonts")
    if tool is None:
        return None
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    # name type encoding emb sub uni object ID: emb is the 4th field from the end.
    return [row.split()[-5] for row in rows if row.strip()]


def assert_real_pdf_with_embedded_fonts(data: bytes, tmp_path) -> None:
    assert data.startswith(b"%PDF-")
    report = font_report(data)
    assert report, "the document uses no font"
    assert all(embedded for _, embedded in report), report
    emb = pdffonts(data, tmp_path)
    if emb is not None:
        assert emb and all(e == "yes" for e in emb), emb
