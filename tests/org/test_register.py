"""Applicants register on the portal with a validated ID number or credit code."""

from onestop.org.models import Applicant

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
    applicant = Applicant.objects.get(user__username="zhangmin2026")
    assert applicant.id_number == "11010519491231002X"
    assert applicant.kind == Applicant.Kind.PERSON
    assert client.session["_auth_user_id"] == str(applicant.user_id)


def test_a_bad_id_number_is_refused_in_chinese_and_nothing_is_saved(client, db):
    response = client.post("/accounts/register/", {**GOOD, "id_number": "110105194912310021"})
    assert response.status_code == 200
    assert "校验码错误" in response.content.decode()
    assert not Applicant.objects.exists()


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
    assert Applicant.objects.get().credit_code == "914403001922038216"


def test_the_same_id_number_cannot_register_twice(client, db):
    client.post("/accounts/register/", GOOD)
    client.logout()
    body = client.post("/accounts/register/", {**GOOD, "username": "another"}).content.decode()
    assert "该身份证号码已注册" in body
    assert Applicant.objects.count() == 1


def test_mismatched_passwords_are_refused(client, db):
    body = client.post("/accounts/register/", {**GOOD, "password2": "other"}).content.decode()
    assert "两次输入的密码不一致" in body
