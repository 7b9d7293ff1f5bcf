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


def about_for_user(topic: str, user: Any) -> QuerySet[Message]:
    """Every message about `topic` ("case:42") addressed to `user`, on any channel, oldest
    first: what the applicant (or the agent who filed) was told about their case."""
    return Message.objects.filter(topic=topic, recipient=user).order_by("created_at", "pk")
