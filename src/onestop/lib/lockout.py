"""Lockout against password spraying: one password tried across many usernames from one address.

django-axes locks a username at an address after AXES_FAILURE_LIMIT failures, but it cannot see
passwords, so an address trying one common password on many accounts never trips it. Here each
failed sign-in is also counted per (address, keyed digest of the password) — the password itself
is never stored — and once one password has failed AXES_FAILURE_LIMIT times from an address,
the address is locked out for AXES_COOLOFF_TIME: every sign-in from it (any username, any
password: portal and admin, through `SprayGuardBackend`) and every API token it presents.

Counts live in Django's cache (Redis in production, shared by every web node).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from onestop.lib import ratelimit

LOCKED_MESSAGE = "该地址登录失败次数过多，已临时锁定，请 {minutes} 分钟后再试"


def limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def cooloff_seconds() -> int:
    return max(60, int(float(settings.AXES_COOLOFF_TIME) * 3600))


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=max(1, cooloff_seconds() // 60))


def _password_key(address: str, password: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"{address}\0{password}".encode(), hashlib.sha256)
    return mac.hexdigest()


def _lock_key(address: str) -> str:
    return f"lockout:address:{address}"


def address_locked(address: str) -> bool:
    return bool(cache.get(_lock_key(address)))


def record_failure(address: str, password: str) -> bool:
    """Count a failed sign-in with `password` from `address`; True once the address is locked."""
    count = ratelimit.record(
        "login-password", _password_key(address, password), window=cooloff_seconds()
    )
    if count >= limit():
        cache.set(_lock_key(address), 1, cooloff_seconds())
    return address_locked(address)


class SprayGuardBackend:
    """First of AUTHENTICATION_BACKENDS: refuses every sign-in from a locked address (the
    lockout page is shown by AxesMiddleware) and remembers the attempt's password digest for
    the failure handler below. Never authenticates anyone itself."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or not settings.AXES_ENABLED:
            return None
        address = ratelimit.client_address(request)
        if address_locked(address):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied(locked_message())
        if password:
            request._onestop_password_key = (address, password)  # type: ignore[attr-defined]
        return None

    # No get_user(): Django's test client and `login()` pick the first backend that has one,
    # and sessions must keep naming the backend that really authenticated the user.


@receiver(user_login_failed)
def count_failure(sender: Any, credentials: dict, request: HttpRequest | None = None, **_: Any):
    attempt = getattr(request, "_onestop_password_key", None) if request is not None else None
    if attempt is None or not settings.AXES_ENABLED:
        return
    address, password = attempt
    del request._onestop_password_key  # type: ignore[union-attr]
    if record_failure(address, password):
        request.axes_locked_out = True  # type: ignore[union-attr]
