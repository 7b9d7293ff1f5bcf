"""The organisation admin, in Chinese, and what a department rename carries along."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_item


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="Root-2026-xiqu")


def test_admin_speaks_chinese(client, superuser, centre):
    client.force_login(superuser)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ["组织机构", "部门", "窗口", "事项目录", "工作日历"]:
        assert text in body, text


def test_renaming_a_department_reindexes_the_guide(client, superuser, dept_a, centre):
    make_item("511A0000-01", "食品经营许可", "scjgj")
    client.force_login(superuser)
    response = client.post(
        f"/admin/org/department/{dept_a.pk}/change/",
        {
            "key": dept_a.key,
            "name": "攀枝花市西区市场监督管理局",
            "short_name": "区市监局",
            "kind": dept_a.kind,
            "region": dept_a.region_id,
            "credit_code": "",
            "phone": "0812-5555555",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    found = client.get("/guide/", {"q": "区市监局"}).context["page"].object_list
    assert [i.name for i in found] == ["食品经营许可"]


def test_identity_claims_show_masked_numbers_and_never_the_code(client, superuser, centre):
    from django.utils import timezone

    from onestop.org.actions import Claimed, register_account, send_proof_code
    from onestop.org.models import IdentityClaim

    user = register_account(
        username="lijianguo",
        password="Jinsha-river-88",
        claimed=Claimed(
            kind="person", name="李建国", phone="13881234567", id_number="11010519491231002X"
        ),
        now=timezone.now(),
    )
    claim = IdentityClaim.objects.get(user=user)
    send_proof_code(claim, now=timezone.now())
    claim.refresh_from_db()
    client.force_login(superuser)
    page = client.get(f"/admin/org/identityclaim/{claim.pk}/change/").content.decode()
    assert "李建国" in page
    assert "11010519491231002X" not in page
    assert claim.code_hash not in page
    listing = client.get("/admin/org/identityevent/").content.decode()
    assert "发送验证码" in listing
