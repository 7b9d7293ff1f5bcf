"""Public verification of certificates, and scoped downloads of notices and certificates."""

from datetime import timedelta
from urllib.parse import quote

import pytest

from onestop.documents.actions import issue_certificate, revoke_certificate
from onestop.documents.models import Certificate
from onestop.org.models import Role
from tests.conftest import make_staff
from tests.documents.conftest import GRANTED_AT, pdf_text

LATER = GRANTED_AT + timedelta(days=1)


@pytest.fixture
def cert(granted_case, clerk) -> Certificate:
    return issue_certificate(granted_case, actor=clerk, now=LATER)


def verify_page(client, number: str, sig: str = "") -> tuple[str, str]:
    url = f"/documents/verify/{quote(number)}/"
    response = client.get(url, {"sig": sig} if sig else {})
    assert response.status_code == 200
    body = response.content.decode()
    state = body.split('data-state="', 1)[1].split('"', 1)[0]
    return state, body


def test_a_valid_certificate_shows_as_valid_with_the_holder_masked(client, cert):
    state, body = verify_page(client, cert.number)
    assert state == "valid"
    assert "有效" in body
    assert "张*" in body and "张敏" not in body
    assert "食品经营许可" in body and "攀枝花市西区市场监督管理局" in body
    assert "2026年3月14日" in body
    assert "长期" in body


def test_the_qr_address_shows_the_holder_in_full(client, cert):
    state, body = verify_page(client, cert.number, cert.signature)
    assert state == "valid"
    assert "张敏" in body and "1101**********002X" in body
    # The printed 核验码 (the signature's first characters) does the same.
    state, body = verify_page(client, cert.number, cert.signature[:8])
    assert state == "valid" and "张敏" in body


def test_the_page_shows_the_public_key(client, cert):
    from onestop.documents import signing

    _, body = verify_page(client, cert.number)
    assert signing.b64(signing.public_key_raw()) in body
    pem = client.get("/documents/public-key.pem").content.decode()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")


def test_a_revoked_certificate_shows_as_revoked(client, cert, head):
    revoke_certificate(cert, actor=head, now=LATER + timedelta(days=2), reason="以欺骗手段取得")
    state, body = verify_page(client, cert.number, cert.signature)
    assert state == "revoked"
    assert "已撤销" in body
    assert "2026年3月16日" in body
    assert "以欺骗手段取得" in body


def test_content_changed_in_the_database_shows_as_forged(client, cert):
    content = dict(cert.content, holder="李四")
    Certificate.objects.filter(pk=cert.pk).update(content=content)
    state, body = verify_page(client, cert.number, cert.signature)
    assert state == "invalid"
    assert "无效：证照不存在或内容被篡改" in body
    assert "李四" not in body


def test_a_column_changed_in_the_database_shows_as_forged(client, cert):
    Certificate.objects.filter(pk=cert.pk).update(item_name="烟草专卖零售许可")
    assert verify_page(client, cert.number)[0] == "invalid"


def test_a_signature_from_another_key_shows_as_forged(client, cert):
    from onestop.documents import signing

    Certificate.objects.filter(pk=cert.pk).update(signature=signing.b64(b"\0" * 64))
    assert verify_page(client, cert.number)[0] == "invalid"


def test_an_unknown_number_or_a_wrong_code_is_invalid(client, cert):
    state, body = verify_page(client, "510403-SCJGJ-2026-99999")
    assert state == "invalid" and "证照不存在" in body
    state, body = verify_page(client, cert.number, "ZZZZZZZZ")
    assert state == "invalid" and "核验码" in body


def test_an_expired_certificate_shows_as_expired(client, granted_case, clerk, time_machine):
    from datetime import date

    cert = issue_certificate(granted_case, actor=clerk, now=LATER, valid_until=date(2026, 12, 31))
    time_machine.move_to("2027-01-02T09:00+08:00")
    assert verify_page(client, cert.number)[0] == "expired"


def test_the_form_leads_to_the_page(client, cert):
    assert client.get("/documents/verify/").status_code == 200
    response = client.get("/documents/verify/", {"number": cert.number, "code": "AbCdEfGh"})
    assert response.status_code == 302
    assert response["Location"] == f"/documents/verify/{cert.number}/?sig=AbCdEfGh"


# --- downloads ------------------------------------------------------------------------------


@pytest.fixture
def stranger(other_applicant):
    return other_applicant.user


@pytest.fixture
def third_department_clerk(district):
    from onestop.org.models import Department

    dept = Department.objects.create(
        key="swj",
        name="攀枝花市西区商务局",
        short_name="区商务局",
        kind=Department.Kind.DISTRICT,
        region=district,
    )
    return make_staff("clerk_c", Role.CLERK, district, dept)


def test_the_applicant_downloads_their_notices(client, applicant, granted_case):
    client.force_login(applicant.user)
    for kind, title in [("acceptance", "受理通知书"), ("decision", "准予行政许可决定书")]:
        response = client.get(f"/documents/cases/{granted_case.pk}/notices/{kind}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        data = b"".join(response.streaming_content)
        assert title in pdf_text(data)
    missing = client.get(f"/documents/cases/{granted_case.pk}/notices/not_accepted.pdf")
    assert missing.status_code == 404


def test_staff_of_the_co_department_download_too(client, co_reviewer, granted_case):
    client.force_login(co_reviewer)
    response = client.get(f"/documents/cases/{granted_case.pk}/notices/decision.pdf")
    assert response.status_code == 200


def test_outsiders_get_404(client, stranger, third_department_clerk, granted_case, cert):
    for user in (stranger, third_department_clerk):
        client.force_login(user)
        assert (
            client.get(f"/documents/cases/{granted_case.pk}/notices/acceptance.pdf").status_code
            == 404
        )
        assert client.get(f"/documents/cases/{granted_case.pk}/certificate.pdf").status_code == 404
    assert client.get("/documents/cases/999999/notices/acceptance.pdf").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, granted_case, cert):
    for path in [
        f"/documents/cases/{granted_case.pk}/notices/acceptance.pdf",
        f"/documents/cases/{granted_case.pk}/certificate.pdf",
    ]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_certificate_download_points_to_this_site(client, applicant, cert, settings):
    client.force_login(applicant.user)
    response = client.get(f"/documents/cases/{cert.case_id}/certificate.pdf")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert f"http://testserver/documents/verify/{cert.number}/?sig={cert.signature}" in text
    settings.PUBLIC_BASE_URL = "https://zwfw.xiqu.gov.cn"
    response = client.get(f"/documents/cases/{cert.case_id}/certificate.pdf")
    text = pdf_text(b"".join(response.streaming_content))
    assert f"https://zwfw.xiqu.gov.cn/documents/verify/{cert.number}/?sig=" in text


def test_no_certificate_yet_is_404(client, applicant, granted_case):
    client.force_login(applicant.user)
    assert client.get(f"/documents/cases/{granted_case.pk}/certificate.pdf").status_code == 404


# --- issuing and revoking from the case page --------------------------------------------------


def test_the_clerk_issues_from_the_case_page(client, clerk, granted_case):
    client.force_login(clerk)
    response = client.post(f"/documents/cases/{granted_case.pk}/certificate/issue/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{granted_case.pk}/"
    cert = Certificate.objects.get(case=granted_case)
    page = client.get(response["Location"]).content.decode()
    assert f"已制发电子证照 {cert.number}" in page


def test_a_refused_issue_shows_the_reason(client, reviewer, granted_case):
    client.force_login(reviewer)
    response = client.post(f"/documents/cases/{granted_case.pk}/certificate/issue/", follow=True)
    assert "您没有权限" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_head_revokes_from_the_case_page(client, head, cert):
    client.force_login(head)
    url = f"/documents/cases/{cert.case_id}/certificate/revoke/"
    client.post(url, {"reason": "以欺骗手段取得"})
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.REVOKED
    assert cert.revoke_reason == "以欺骗手段取得"


def test_outsiders_cannot_reach_the_moves(client, stranger, granted_case):
    client.force_login(stranger)
    for move in ("issue", "revoke"):
        url = f"/documents/cases/{granted_case.pk}/certificate/{move}/"
        assert client.post(url).status_code == 404
    client.logout()
    assert client.post(f"/documents/cases/{granted_case.pk}/certificate/issue/").status_code == 302
    assert client.get(f"/documents/cases/{granted_case.pk}/certificate/issue/").status_code in (
        302,
        405,
    )
    assert not Certificate.objects.exists()
