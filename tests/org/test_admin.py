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
