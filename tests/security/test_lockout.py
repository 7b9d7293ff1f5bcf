"""Lockout holds against one password tried across many usernames from one address (password
spraying), on the portal login, the admin login and API token auth; in Chinese."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onestop.apitokens.actions import create_token

SPRAYED = "Xiqu@2026"  # the one common password tried on every account
ADDRESS = "10.0.0.7"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db):
    user = get_user_model().objects.create_user("wangfang", password="Right-Passw0rd")
    user.is_staff = True  # may use the admin's login
    user.save(update_fields=["is_staff"])
    return user


def _usernames(n: int) -> list[str]:
    return [f"user{i:03d}" for i in range(n)]


def _spray(client: Client, url: str, address: str = ADDRESS) -> list[int]:
    codes = []
    for name in _usernames(settings.AXES_FAILURE_LIMIT):
        r = client.post(url, {"username": name, "password": SPRAYED}, REMOTE_ADDR=address)
        codes.append(r.status_code)
    return codes


def _assert_locked(response) -> None:
    assert response.status_code == 429, response.status_code
    assert "锁定" in response.content.decode()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/?next=/admin/"])
def test_one_password_across_many_usernames_locks_the_address(client, member, url):
    codes = _spray(client, url)
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # Now even the right password of a real account is refused from that address.
    right = {"username": "wangfang", "password": "Right-Passw0rd"}
    _assert_locked(client.post(url, right, REMOTE_ADDR=ADDRESS))
    assert "_auth_user_id" not in client.session
    # Another username with yet another password: refused too (the address is locked).
    _assert_locked(
        client.post(url, {"username": "lisi", "password": "Other-1"}, REMOTE_ADDR=ADDRESS)
    )
    # The owner from another address signs in.
    other = Client()
    assert other.post(url, right, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_different_wrong_passwords_of_different_people_do_not_lock_an_office(client, member):
    """A shared office address: a few people mistyping their own passwords is not spraying."""
    for i, name in enumerate(_usernames(settings.AXES_FAILURE_LIMIT * 2)):
        r = client.post(
            "/accounts/login/", {"username": name, "password": f"typo-{i}"}, REMOTE_ADDR=ADDRESS
        )
        assert r.status_code == 200
    right = {"username": "wangfang", "password": "Right-Passw0rd"}
    assert client.post("/accounts/login/", right, REMOTE_ADDR=ADDRESS).status_code == 302


def test_a_spraying_address_cannot_use_api_tokens_either(client, member):
    _, raw = create_token(member, name="对接脚本", now=timezone.now())
    good = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/cases", headers=good, REMOTE_ADDR=ADDRESS).status_code == 200
    _spray(Client(), reverse("org:login"))
    r = client.get("/api/v1/cases", headers=good, REMOTE_ADDR=ADDRESS)
    assert r.status_code == 429
    body = r.json()
    assert body["code"] == "throttled" and "已临时锁定" in body["message"]
    assert int(r["Retry-After"]) > 0
    assert client.get("/api/v1/cases", headers=good, REMOTE_ADDR="10.0.0.8").status_code == 200


def test_the_password_is_never_kept(client, member):
    _spray(client, reverse("org:login"))
    for key in getattr(cache, "_cache", {}):
        assert SPRAYED not in str(key)
