"""Row locks and request keys: what makes a move safe to run twice at once or twice in a row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet


def hold_keyed_requests_of(actor: User | None) -> None:
    """Serialise a user's keyed requests that create something (no row exists to lock yet).

    The same Idempotency-Key sent twice at once (a client retrying on another web node) would
    otherwise pass the "done before?" check twice and create twice: the second request waits
    here on the user's row until the first commits, then finds what it made. (SQLite's
    IMMEDIATE transactions are serialised anyway.)"""
    if actor is not None:
        list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))


def already_done(events: QuerySet[Any], key: str) -> bool:
    """A request key already recorded among `events` (an object's chained events): the repeated
    request does nothing. An empty key never matches."""
    return bool(key) and events.filter(key=key).exists()
