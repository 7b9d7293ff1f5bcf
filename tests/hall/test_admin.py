"""The administrator keeps the hall's rules in the admin; queue records there are read-only."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from onestop.demo import org as org_demo
from onestop.hall.models import PriorityRule


def test_the_demo_centre_administrators_may_edit_the_hall_rules(db):
    group = org_demo.admin_group(org_demo.Counts())
    perms = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("hall", "change_priorityrule") in perms
    assert ("hall", "change_hallpolicy") in perms
    assert ("hall", "change_windowhours") in perms


def test_priority_rules_are_set_in_the_admin_and_tickets_are_read_only(client, centre, take):
    admin = get_user_model().objects.create_superuser("root", password="Xiqu-2026-passwd")
    client.force_login(admin)
    response = client.post(
        "/admin/hall/priorityrule/add/",
        {"centre": centre.pk, "category": "care", "head_start_minutes": 25, "note": "爱心优先"},
    )
    assert response.status_code == 302
    assert PriorityRule.objects.get().head_start_minutes == 25
    care = take(30, category="care")
    assert care.taken_at - care.queue_at == timedelta(minutes=25)
    t = take(2)
    assert client.get(f"/admin/hall/ticket/{t.pk}/change/").status_code == 200
    assert client.get("/admin/hall/ticket/add/").status_code == 403
