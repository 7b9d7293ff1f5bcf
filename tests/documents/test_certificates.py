"""Issuing and revoking certificates: once, signed, in the audit trail, needed to complete."""

import base64
import shutil
import stat
import subprocess
from datetime import date, timedelta

import pytest
import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onestop.cases import actions as case_actions
from onestop.cases.audit import verify_cases
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent, Task
from onestop.core.errors import NotAllowed, TransitionError
from onestop.documents import pdf, signing
from onestop.documents.actions import issue_certificate, revoke_certificate
from onestop.documents.errors import DocumentError
from onestop.documents.models import Certificate
from onestop.documents.queries import content_intact, has_certificate, verify_url
from onestop.documents.render import render_certificate
from tests.documents.conftest import GRANTED_AT, assert_real_pdf_with_embedded_fonts, pdf_text

LATER = GRANTED_AT + timedelta(days=1)


def test_issuing_signs_the_content_and_closes_the_task(granted_case, clerk):
    task = Task.objects.get(case=granted_case, kind=Task.Kind.CERTIFICATE)
    assert task.status == Task.Status.OPEN
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    assert cert.number == "510403-SCJGJ-2026-00001"
    assert cert.holder_name == "张敏"
    assert cert.item_name == "食品经营许可"
    assert cert.department.key == "scjgj"
    assert cert.status == Certificate.Status.VALID
    assert cert.content["holder_id"] == "1101**********002X"  # shown publicly: masked
    assert cert.content["issued_on"] == "2026-03-14"
    assert signing.verify(cert.content, cert.signature)
    assert content_intact(cert)
    task.refresh_from_db()
    assert (task.status, task.done_at, task.assignee) == (Task.Status.DONE, LATER, clerk)
    event = CaseEvent.objects.get(case=granted_case, kind="certificate_issued")
    assert event.actor == clerk
    assert event.data["number"] == cert.number
    assert event.data["on_time"] is True
    assert verify_cases() == []


def test_issuing_twice_gives_the_same_certificate(granted_case, clerk, approver):
    first = issue_certificate(granted_case, actor=clerk, now=LATER, key="cert-1")
    again = issue_certificate(granted_case, actor=clerk, now=LATER, key="cert-1")
    other = issue_certificate(granted_case, actor=approver, now=LATER + timedelta(hours=1))
    assert first.pk == again.pk == other.pk
    assert Certificate.objects.count() == 1
    assert CaseEvent.objects.filter(case=granted_case, kind="certificate_issued").count() == 1
    assert verify_cases() == []


def test_numbers_follow_each_other(new_case, clerk, reviewer, co_reviewer, approver):
    from tests.documents.conftest import decide, provide_all

    numbers = []
    for _ in range(2):
        case = new_case()
        provide_all(case)
        case_actions.accept_case(case, actor=clerk, now=GRANTED_AT - timedelta(days=3))
        case = decide(
            case, grant=True, reviewer=reviewer, co_reviewer=co_reviewer, approver=approver
        )
        numbers.append(issue_certificate(case, actor=clerk, now=LATER).number)
    assert numbers == ["510403-SCJGJ-2026-00001", "510403-SCJGJ-2026-00002"]


def test_only_a_granted_case_gets_a_certificate(accepted_case, refused_case, clerk):
    with pytest.raises(TransitionError, match="不予许可"):
        issue_certificate(refused_case, actor=clerk, now=LATER)
    assert not Certificate.objects.exists()


def test_only_the_lead_departments_clerk_or_approver_issues(granted_case, reviewer, outsider):
    for actor in (reviewer, outsider):
        with pytest.raises(NotAllowed):
            issue_certificate(granted_case, actor=actor, now=LATER)
    assert not Certificate.objects.exists()


def test_a_validity_date_must_lie_ahead(granted_case, clerk):
    with pytest.raises(DocumentError, match="有效期"):
        issue_certificate(granted_case, actor=clerk, now=LATER, valid_until=date(2026, 3, 1))
    cert = issue_certificate(granted_case, actor=clerk, now=LATER, valid_until=date(2031, 3, 13))
    assert cert.content["valid_until"] == "2031-03-13"
    assert content_intact(cert)


def test_completion_needs_the_certificate(granted_case, clerk):
    with pytest.raises(CaseError, match="证照"):
        case_actions.complete_case(granted_case, actor=clerk, now=LATER)
    assert not has_certificate(granted_case)
    issue_certificate(granted_case, actor=clerk, now=LATER)
    assert has_certificate(granted_case)
    case = case_actions.complete_case(granted_case, actor=clerk, now=LATER + timedelta(hours=1))
    assert case.status == Case.Status.COMPLETED
    assert verify_cases() == []


def test_a_refusal_completes_without_a_certificate(refused_case, clerk):
    case = case_actions.complete_case(refused_case, actor=clerk, now=LATER)
    assert case.status == Case.Status.COMPLETED


def test_the_issuing_departments_head_revokes(granted_case, clerk, head):
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    with pytest.raises(NotAllowed):
        revoke_certificate(cert, actor=clerk, now=LATER, reason="以欺骗手段取得")
    with pytest.raises(DocumentError, match="理由"):
        revoke_certificate(cert, actor=head, now=LATER, reason="  ")
    cert = revoke_certificate(cert, actor=head, now=LATER, reason="以欺骗手段取得", key="rv")
    assert cert.status == Certificate.Status.REVOKED
    assert (cert.revoked_at, cert.revoke_reason) == (LATER, "以欺骗手段取得")
    assert revoke_certificate(cert, actor=head, now=LATER, reason="x", key="rv").pk == cert.pk
    with pytest.raises(TransitionError, match="已撤销"):
        revoke_certificate(cert, actor=head, now=LATER, reason="再次撤销")
    event = CaseEvent.objects.get(case=granted_case, kind="certificate_revoked")
    assert event.data == {"number": cert.number, "reason": "以欺骗手段取得"}
    assert not has_certificate(granted_case)
    assert verify_cases() == []


def test_an_approver_of_another_department_cannot_revoke(granted_case, clerk, dept_b, district):
    from onestop.org.models import Role
    from tests.conftest import make_staff

    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    other = make_staff("approver_b", Role.APPROVER, district, dept_b)
    with pytest.raises(NotAllowed):
        revoke_certificate(cert, actor=other, now=LATER, reason="越权")


def test_the_certificate_pdf_carries_the_verification_address(granted_case, clerk, tmp_path):
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    url = "https://zwfw.example.cn" + f"/documents/verify/{cert.number}/?sig={cert.signature}"
    data = render_certificate(cert, verify_url=url)
    assert_real_pdf_with_embedded_fonts(data, tmp_path)
    text = pdf_text(data)
    for expected in ["电子证照", cert.number, "张敏", "食品经营许可", "攀枝花市西区市场监督管理局"]:
        assert expected in text, expected
    assert "2026年3月14日" in text
    assert url in text
    assert f"核验码：{cert.signature[:8]}" in text
    # The QR code drawn is segno's encoding of exactly that address.
    qr = pdf.QrCode(url)
    assert qr.qr.matrix == segno.make(url, error="m", micro=False).matrix
    assert qr.data == url


def test_a_revoked_certificate_says_so_on_paper(granted_case, clerk, head):
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    revoke_certificate(cert, actor=head, now=LATER, reason="以欺骗手段取得")
    cert.refresh_from_db()
    text = pdf_text(render_certificate(cert, verify_url="https://x.example/v"))
    assert "本证照已撤销" in text and "以欺骗手段取得" in text


def test_the_verify_url_uses_the_public_base_url(granted_case, clerk, settings, rf):
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    request = rf.get("/", HTTP_HOST="127.0.0.1:8000")
    assert verify_url(cert, request).startswith(
        f"http://127.0.0.1:8000/documents/verify/{cert.number}/?sig="
    )
    settings.PUBLIC_BASE_URL = "https://zwfw.xiqu.gov.cn/"
    assert verify_url(cert, request) == (
        f"https://zwfw.xiqu.gov.cn/documents/verify/{cert.number}/?sig={cert.signature}"
    )


# --- the signing key --------------------------------------------------------------------------


def test_a_key_is_generated_once_into_var_with_mode_0600(settings):
    path = settings.VAR_DIR / signing.KEY_FILE
    assert not path.exists()
    first = signing.public_key_raw()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    signing.signing_key.cache_clear()
    assert signing.public_key_raw() == first  # read back, not generated again


def _pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


@pytest.mark.parametrize("form", ["pem", "base64", "base64url"])
def test_the_key_comes_from_the_environment(monkeypatch, settings, form):
    key = Ed25519PrivateKey.generate()
    text = {
        "pem": _pem(key),
        "base64": base64.b64encode(_raw(key)).decode(),
        "base64url": base64.urlsafe_b64encode(_raw(key)).decode().rstrip("="),
    }[form]
    monkeypatch.setenv(signing.KEY_ENV, text)
    signing.signing_key.cache_clear()
    expected = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert signing.public_key_raw() == expected
    assert not (settings.VAR_DIR / signing.KEY_FILE).exists()
    signature = signing.sign({"a": "证"})
    assert signing.verify({"a": "证"}, signature)
    assert not signing.verify({"a": "正"}, signature)


def test_a_bad_key_in_the_environment_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv(signing.KEY_ENV, base64.b64encode(b"short").decode())
    signing.signing_key.cache_clear()
    with pytest.raises(ImproperlyConfigured):
        signing.signing_key()


def test_canonical_content_ignores_key_order_and_spacing():
    assert signing.canonical({"b": "乙", "a": ["甲", "1"]}) == signing.canonical(
        {"a": ["甲", "1"], "b": "乙"}
    )
    assert signing.canonical({"a": "甲"}) == '{"a":"甲"}'.encode()


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools to decode the printed QR code",
)
def test_the_printed_qr_code_decodes_to_the_address(granted_case, clerk, tmp_path):
    cert = issue_certificate(granted_case, actor=clerk, now=LATER)
    url = f"https://zwfw.example.cn/documents/verify/{cert.number}/?sig={cert.signature}"
    (tmp_path / "cert.pdf").write_bytes(render_certificate(cert, verify_url=url))
    subprocess.run(
        [str(shutil.which("pdftoppm")), "-png", "-r", "150", "-singlefile", "cert.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    out = subprocess.run(
        [str(shutil.which("zbarimg")), "--quiet", "--raw", "page.png"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == url
