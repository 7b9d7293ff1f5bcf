"""Finding the user behind a bearer token."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User

from onestop.apitokens.actions import PREFIX, hash_token
from onestop.apitokens.models import ApiToken

# last_used_at is refreshed at most this often, so that a busy client does not write a row per
# request.
TOUCH_EVERY = timedelta(minutes=1)


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
