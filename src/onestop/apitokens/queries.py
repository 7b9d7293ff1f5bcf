"""Finding the user behind a bearer token."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User

from onestop.apitokens.actions import PREFIX, hash_token
from onestop.apitokens.models import ApiToken
from onestop.lib import ratelimit

# last_used_at is refreshed at most this often, so that a busy client does not write a row per
# request.
TOUCH_EVERY = timedelta(minutes=1)

# Wrong tokens one address may present per BAD_TOKEN_WINDOW seconds, counted together for every
# door that takes a token (/api/v1 and Open311), so that one cannot be used to guess for the other.
BAD_TOKEN_LIMIT = 20
BAD_TOKEN_WINDOW = 600


def user_for_token(raw: str, *, now: datetime) -> User | None:
    """The active user a live token belongs to, or None (unknown, revoked, inactive user)."""
    raw = raw.strip()
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_for_token_from(address: str, raw: str, *, now: datetime) -> User | None:
    """user_for_token, counting wrong tokens per address: RateLimited past BAD_TOKEN_LIMIT."""
    ratelimit.check(
        "api-bad-token",
        address,
        limit=BAD_TOKEN_LIMIT,
        window=BAD_TOKEN_WINDOW,
        what="无效令牌尝试",
    )
    user = user_for_token(raw, now=now)
    if user is None:
        ratelimit.record("api-bad-token", address, window=BAD_TOKEN_WINDOW)
    return user
