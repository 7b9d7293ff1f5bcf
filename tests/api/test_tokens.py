"""Authentication of the API: bearer tokens for machine clients, the session with CSRF."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from onestop.apitokens.actions import create_token, revoke_token
from onestop.apitokens.models import ApiToken

CASES = "/api/v1/cases"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_token(user, name: str = "自助终端") -> str:
    return create_token(user, name=name, now=timezone.now())[1]


def test_the_command_prints_the_token_once_and_stores_only_its_hash(clerk):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "clerk_a", "--name", "自助终端 3 号", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("ost_") and len(raw) > 40
    assert "不会再次显示" in err.getvalue()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.revoked) == (clerk, "自助终端 3 号", False)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values_list(flat=False).get()]
    assert raw not in stored
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("create_api_token", "nobody", stdout=StringIO(), stderr=StringIO())


def test_a_good_token_authenticates_without_a_session_or_csrf(clerk):
    raw = make_token(clerk)
    client = Client(enforce_csrf_checks=True)
    listed = client.get(CASES, headers=bearer(raw))
    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    # A POST by a machine client needs no CSRF token: it carries no cookie to forge.
    posted = client.post(CASES, {}, content_type="application/json", headers=bearer(raw))
    assert posted.status_code == 422  # authenticated; the body is what is wrong
    assert ApiToken.objects.get().last_used_at is not None


def test_last_use_is_recorded_at_most_once_a_minute(clerk):
    raw = make_token(clerk)
    client = Client()
    client.get(CASES, headers=bearer(raw))
    first = ApiToken.objects.get().last_used_at
    client.get(CASES, headers=bearer(raw))
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    client.get(CASES, headers=bearer(raw))
    assert ApiToken.objects.get().last_used_at > first - timedelta(minutes=2)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ost_not-a-real-token",
        "Bearer ",
        "Bearer something-else",
        "bearer ost_" + "x" * 300,
    ],
)
def test_a_bad_token_is_401(clerk, header):
    make_token(clerk)
    response = Client().get(CASES, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "接口令牌无效或已吊销",
        "field": "",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(clerk):
    token, raw = create_token(clerk, name="旧终端", now=timezone.now())
    assert Client().get(CASES, headers=bearer(raw)).status_code == 200
    revoke_token(token, now=timezone.now())
    response = Client().get(CASES, headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_token_of_a_deactivated_user_is_401(clerk):
    raw = make_token(clerk)
    get_user_model().objects.filter(pk=clerk.pk).update(is_active=False)
    assert Client().get(CASES, headers=bearer(raw)).status_code == 401


def test_no_credentials_is_401_json(db):
    for response in (
        Client().get(CASES),
        Client().get("/api/v1/tasks"),
        Client().post(f"{CASES}/1/accept", {}, content_type="application/json"),
    ):
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "unauthenticated"
        assert "Authorization: Bearer" in body["message"]


def test_a_bad_token_does_not_fall_back_to_the_session(clerk):
    client = Client()
    client.force_login(clerk)
    assert client.get(CASES).status_code == 200
    assert client.get(CASES, headers=bearer("ost_wrong")).status_code == 401


def test_the_session_needs_the_csrf_token_for_unsafe_methods(clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.get(CASES).status_code == 200  # safe methods need no token
    refused = client.post(CASES, {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    # The portal's pages hold the CSRF cookie and send it back in the X-CSRFToken header.
    csrf = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    headers = {"X-CSRFToken": csrf}
    accepted = client.post(CASES, {}, content_type="application/json", headers=headers)
    assert accepted.status_code == 422  # past authentication and CSRF; the body is empty


def test_the_admin_creates_a_token_shows_it_once_and_revokes(admin_client, clerk):
    response = admin_client.post(
        "/admin/apitokens/apitoken/add/", {"user": clerk.pk, "name": "数据交换"}, follow=True
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    token = ApiToken.objects.get()
    raw = re.search(r"ost_[A-Za-z0-9_-]+", " ".join(shown)).group(0)
    assert hashlib.sha256(raw.encode()).hexdigest() == token.token_hash
    page = admin_client.get("/admin/apitokens/apitoken/").content.decode()
    assert "接口令牌" in page and "数据交换" in page and raw not in page
    admin_client.post(
        "/admin/apitokens/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None
    assert Client().get(CASES, headers=bearer(raw)).status_code == 401
