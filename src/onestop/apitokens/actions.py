"""Creating and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from onestop.apitokens.models import ApiToken

# A recognisable prefix lets secret scanners and people tell a OneStop token at a glance.
PREFIX = "ost_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(user: User, *, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for `user`; the clear text is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip() or "API", token_hash=hash_token(raw), created_at=now
    )
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, now: datetime) -> ApiToken:
    """Revoke a token for good (idempotent: a revoked token keeps its first revocation time)."""
    ApiToken.objects.filter(pk=token.pk, revoked=False).update(revoked=True, revoked_at=now)
    token.refresh_from_db()
    return token
