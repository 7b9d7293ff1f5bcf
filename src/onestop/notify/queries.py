"""Reads of the outbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from onestop.notify.models import Message


def inbox_for_user(user: Any) -> QuerySet[Message]:
    """The in-app messages delivered to `user`, newest first."""
    return Message.objects.filter(
        recipient=user, channel=Message.Channel.INAPP, status=Message.Status.SENT
    ).order_by("-created_at", "-pk")
