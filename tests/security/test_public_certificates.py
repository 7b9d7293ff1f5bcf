"""Certificate verification is public: even with the 核验码 it shows no full ID number, phone,
e-mail or house address of a holder (a form field typed as plain text included)."""

# ruff: noqa: F403, F405 - the case and document fixtures
from __future__ import annotations

from onestop.documents.actions import issue_certificate, revoke_certificate
from tests.documents.conftest import *
from tests.documents.conftest import GRANTED_AT

PRIVATE = {
    "legal_id": ("法定代表人身份证号", "text", "510403199001011234"),
    "mail": ("联系邮箱", "email", "zhangmin.pzh@163.com"),
    "premises": ("经营场所", "text", "清香坪街道新宏路12号3栋2单元101室"),
    "landline": ("联系电话", "text", "0812-3334444"),
}


def test_verification_publishes_no_identifier_of_the_holder(client, granted_case, clerk, head):
    item = granted_case.item
    item.form_schema = [
        *(item.form_schema or []),
        *({"name": k, "label": v[0], "type": v[1], "required": False} for k, v in PRIVATE.items()),
    ]
    item.save(update_fields=["form_schema"])
    granted_case.form_data = {"applicant_name": "张敏", **{k: v[2] for k, v in PRIVATE.items()}}
    granted_case.save(update_fields=["form_data"])
    cert = issue_certificate(granted_case, actor=clerk, now=GRANTED_AT)
    full = client.get(f"/documents/verify/{cert.number}/?sig={cert.signature}")
    short = client.get(f"/documents/verify/{cert.number}/")
    for response in (full, short):
        text = response.content.decode()
        assert response.status_code == 200
        for _, _, value in PRIVATE.values():
            assert value not in text
        assert "11010519491231002X" not in text  # the holder's own ID number
    page = full.content.decode()
    assert "清香坪街道新宏路***" in page and cert.number in page and "张敏" in page
    revoke_certificate(
        cert, actor=head, now=GRANTED_AT, reason="持证人张敏（电话13881234567）申请注销"
    )
    revoked = client.get(f"/documents/verify/{cert.number}/").content.decode()
    assert "申请注销" in revoked and "13881234567" not in revoked
