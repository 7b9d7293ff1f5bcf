"""The in-app inbox page at /notify/."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onestop.notify import actions
from tests.notify.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.notify.urls")]


def test_it_shows_only_my_delivered_messages(client):
    me = get_user_model().objects.create_user("li")
    other = get_user_model().objects.create_user("wang")
    actions.enqueue(channel="inapp", recipient=me, subject="补正通知", body="请补正材料", now=NOW)
    actions.enqueue(channel="inapp", recipient=other, subject="别人的", body="不该看到", now=NOW)
    actions.deliver_due(NOW)
    actions.enqueue(channel="inapp", recipient=me, subject="未发送", body="还在队列", now=NOW)
    client.force_login(me)
    page = client.get(reverse("notify:inbox")).content.decode()
    assert "补正通知" in page
    assert "请补正材料" in page
    assert "不该看到" not in page
    assert "还在队列" not in page


def test_an_empty_inbox_says_so(client):
    client.force_login(get_user_model().objects.create_user("li"))
    assert 'id="inbox-empty"' in client.get(reverse("notify:inbox")).content.decode()


def test_it_needs_a_signed_in_user(client):
    response = client.get(reverse("notify:inbox"))
    assert response.status_code == 302
    assert "next=/notify/" in response["Location"]
