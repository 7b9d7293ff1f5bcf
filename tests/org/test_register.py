"""Applicants register on the portal with a validated ID number or credit code; the account
holds it once proven (tests/security/test_identity.py)."""

from onestop.org.models import Applicant, IdentityClaim

GOOD = {
    "kind": "person",
    "name": "张敏",
    "id_number": "11010519491231002X",
    "phone": "13881234567",
    "username": "zhangmin2026",
    "password1": "Jinsha-river-88",
    "password2": "Jinsha-river-88",
}


def test_a_person_registers_and_is_signed_in(client, db):
    response = client.post("/accounts/register/", GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/identity/"
    claim = IdentityClaim.objects.get(user__username="zhangmin2026")
    assert claim.id_number == "11010519491231002X"
    assert claim.kind == Applicant.Kind.PERSON
    assert claim.status == IdentityClaim.Status.PENDING
    assert client.session["_auth_user_id"] == str(claim.user_id)
    assert not Applicant.objects.exists()  # nothing held until proven


def test_a_bad_id_number_is_refused_in_chinese_and_nothing_is_saved(client, db):
    response = client.post("/accounts/register/", {**GOOD, "id_number": "110105194912310021"})
    assert response.status_code == 200
    assert "校验码错误" in response.content.decode()
    assert not Applicant.objects.exists()
    assert not IdentityClaim.objects.exists()


def test_an_enterprise_needs_a_valid_credit_code_and_legal_representative(client, db):
    data = {
        **GOOD,
        "kind": "enterprise",
        "name": "攀枝花市金沙江餐饮有限公司",
        "credit_code": "914403001922038217",
        "username": "jinsha",
    }
    body = client.post("/accounts/register/", data).content.decode()
    assert "统一社会信用代码校验码错误" in body
    assert "法定代表人" in body
    data.update(credit_code="914403001922038216", legal_representative="王强")
    assert client.post("/accounts/register/", data).status_code == 302
    assert IdentityClaim.objects.get().credit_code == "914403001922038216"


def test_mismatched_passwords_are_refused(client, db):
    body = client.post("/accounts/register/", {**GOOD, "password2": "other"}).content.decode()
    assert "两次输入的密码不一致" in body
