"""The expert pool is kept in the admin; projects are only read there."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from onestop.trading.models import Conflict, Expert


def test_the_expert_pool_and_conflicts_are_kept_in_the_admin(client, db) -> None:  # type: ignore[no-untyped-def]
    admin = get_user_model().objects.create_superuser("root_t", "r@example.org", "x-Passw0rd!")
    client.force_login(admin)
    r = client.post(
        "/admin/trading/expert/add/",
        {
            "code": "ZJ9001",
            "name": "王建国",
            "phone": "13900000000",
            "specialities": '["房屋建筑"]',
            "employer": "攀枝花学院",
            "employer_credit_code": "",
            "status": "active",
            "conflicts-TOTAL_FORMS": "1",
            "conflicts-INITIAL_FORMS": "0",
            "conflicts-0-kind": "relative",
            "conflicts-0-credit_code": "91510403MA62N8K3XK",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    expert = Expert.objects.get(code="ZJ9001")
    assert Conflict.objects.get(expert=expert).kind == "relative"
    assert client.get("/admin/trading/project/").status_code == 200
    assert client.get("/admin/trading/project/add/").status_code == 403
