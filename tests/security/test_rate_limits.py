"""Brute force: the public endpoints answer 429 with Retry-After past their limit (counted in
the cache per address), and signing in locks out after AXES_FAILURE_LIMIT failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onestop.apitokens.actions import create_token
from onestop.apitokens.queries import BAD_TOKEN_LIMIT
from onestop.cases import actions as case_actions
from onestop.cases import queries as case_queries
from onestop.hotline import queries as hotline_queries
from onestop.hotline import views as hotline_views
from onestop.hotline.models import Ticket
from onestop.org import api as identity
from tests.case_fixtures import NOW


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def assert_throttled(response, *, json: bool) -> None:
    assert response.status_code == 429, response.content.decode()[:300]
    assert int(response["Retry-After"]) > 0
    if json:
        body = response.json()
        assert body["code"] == "throttled"
        assert "过于频繁" in body["message"] and "后再试" in body["message"]
    else:
        assert "过于频繁" in response.content.decode()


# --- progress lookup (page and API share one count) ------------------------------------------


@pytest.fixture
def accepted(new_case, clerk):
    case = new_case(channel="window")
    from tests.case_fixtures import provide_all

    provide_all(case)
    return case_actions.accept_case(case, actor=clerk, now=NOW)


def look_up_page(client: Client, number: str, code: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("portal:progress"), {"number": number, "query_code": code}, REMOTE_ADDR=address
    )


def look_up_api(client: Client, number: str, code: str, address: str = "10.0.0.1"):
    return client.get(
        "/api/v1/cases/progress", {"number": number, "query_code": code}, REMOTE_ADDR=address
    )


def test_progress_lookup_answers_429_past_the_wrong_guesses(client, accepted):
    limit = case_queries.PROGRESS_LIMIT
    for i in range(limit):
        lookup = look_up_page if i % 2 else look_up_api
        assert lookup(client, accepted.number, f"WRONG{i:03d}").status_code == 404
    page = look_up_page(client, accepted.number, accepted.query_code)
    assert_throttled(page, json=False)
    assert accepted.number not in page.content.decode().split("</form>")[-1]
    assert_throttled(look_up_api(client, accepted.number, accepted.query_code), json=True)
    # Another address is not affected, and the right pair answers there.
    other = look_up_api(client, accepted.number, accepted.query_code, address="10.0.0.2")
    assert other.status_code == 200 and other.json()["number"] == accepted.number


# --- hotline: submission and follow-up --------------------------------------------------------


def test_hotline_submission_answers_429_past_the_limit(client, db):
    data = {"kind": "suggestion", "content": "建议多种树", "anonymous": "on"}
    url = reverse("hotline_public:submit")
    for _ in range(hotline_views.PUBLIC_LIMIT):
        assert client.post(url, data, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert_throttled(client.post(url, data, REMOTE_ADDR="10.0.0.1"), json=False)
    assert Ticket.objects.count() == hotline_views.PUBLIC_LIMIT
    assert client.post(url, data, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 200  # reading the form is free


def test_hotline_follow_up_answers_429_past_the_wrong_guesses(client, db):
    url = reverse("hotline_public:track")
    for i in range(hotline_queries.LOOKUP_LIMIT):
        r = client.get(url, {"number": f"RX{i:06d}", "code": "ABCDEF"}, REMOTE_ADDR="10.0.0.1")
        assert r.status_code == 200 and "不正确" in r.content.decode()
    r = client.get(url, {"number": "RX000000", "code": "ABCDEF"}, REMOTE_ADDR="10.0.0.1")
    assert_throttled(r, json=False)


# --- identity check (API) ----------------------------------------------------------------------


def test_identity_check_answers_429_past_the_limit(client, db):
    url = "/api/v1/identity/check"
    params = {"kind": "id_number", "value": "11010519491231002X"}
    for _ in range(identity.IDENTITY_LIMIT):
        r = client.get(url, params, REMOTE_ADDR="10.0.0.1")
        assert r.status_code == 200 and r.json()["valid"] is True
    assert_throttled(client.get(url, params, REMOTE_ADDR="10.0.0.1"), json=True)
    assert client.get(url, params, REMOTE_ADDR="10.0.0.2").status_code == 200


# --- signing in ----------------------------------------------------------------------------------


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user("wangfang", password="Right-Passw0rd")


def sign_in(client: Client, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("org:login"),
        {"username": "wangfang", "password": password},
        REMOTE_ADDR=address,
    )


def test_the_login_page_locks_out_after_the_failure_limit(client, member):
    assert settings.AXES_ENABLED
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = sign_in(client, "wrong-guess")
        assert r.status_code == 200 and "_auth_user_id" not in client.session
    locked = sign_in(client, "wrong-guess")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode() or "过于频繁" in locked.content.decode()
    # Now even the right password is refused from that address, and no session is made.
    r = sign_in(client, "Right-Passw0rd")
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    # The owner signing in from elsewhere is not locked out (lockout is per username + address).
    other = Client()
    assert sign_in(other, "Right-Passw0rd", address="10.0.0.9").status_code == 302


def test_the_api_refuses_token_guessing_with_429(client, member):
    _, raw = create_token(member, name="脚本", now=timezone.now())
    url = "/api/v1/cases"
    for i in range(BAD_TOKEN_LIMIT):
        r = client.get(
            url, headers={"Authorization": f"Bearer ost_guess{i}"}, REMOTE_ADDR="10.0.0.1"
        )
        assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    bad = client.get(url, headers={"Authorization": "Bearer ost_guess"}, REMOTE_ADDR="10.0.0.1")
    assert_throttled(bad, json=True)
    # Even a right token waits from that address; another address is served.
    good = {"Authorization": f"Bearer {raw}"}
    assert_throttled(client.get(url, headers=good, REMOTE_ADDR="10.0.0.1"), json=True)
    assert client.get(url, headers=good, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_admin_login_locks_out_too(client, member):
    url = "/admin/login/?next=/admin/"
    form = {"username": "wangfang", "password": "wrong-guess"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, form, REMOTE_ADDR="10.0.0.3").status_code == 200
    assert client.post(url, form, REMOTE_ADDR="10.0.0.3").status_code == 429
    right = {"username": "wangfang", "password": "Right-Passw0rd"}
    assert client.post(url, right, REMOTE_ADDR="10.0.0.3").status_code == 429
