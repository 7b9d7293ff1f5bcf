"""Writing to the outbox and delivering from it."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from onestop.notify.backends import get_backend
from onestop.notify.models import Message

log = logging.getLogger("onestop.notify")


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 5))


def lease_seconds() -> int:
    return int(getattr(settings, "NOTIFY_LEASE_SECONDS", 300))


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed attempt: 1, 5, 25, 125 … minutes."""
    return timedelta(minutes=5 ** max(attempts - 1, 0))


def tell(users: Iterable[Any], subject: str, body: str, *, now: datetime, template: str) -> int:
    """An in-app message to each of the users once (a user listed twice gets one)."""
    people = {u.pk: u for u in users}
    for user in people.values():
        enqueue(
            channel=Message.Channel.INAPP,
            recipient=user,
            subject=subject,
            body=body,
            now=now,
            template=template,
        )
    return len(people)


def enqueue(
    *,
    channel: str,
    body: str,
    now: datetime,
    recipient: Any = None,
    address: str = "",
    subject: str = "",
    template: str = "",
    context: Mapping[str, object] | None = None,
    topic: str = "",
) -> Message:
    """Write a message to the outbox in the caller's transaction: it is delivered only if the
    state change that caused it commits."""
    if channel not in Message.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if channel == Message.Channel.INAPP and recipient is None:
        raise ValueError("an in-app message needs a recipient")
    if channel == Message.Channel.EMAIL and not address and recipient is not None:
        address = recipient.email or ""
    if channel != Message.Channel.INAPP and not address:
        raise ValueError(f"a {channel} message needs an address")
    return Message.objects.create(
        recipient=recipient,
        address=address,
        channel=channel,
        template=template,
        subject=subject,
        body=body,
        context=dict(context or {}),
        topic=topic,
        next_attempt_at=now,
        created_at=now,
    )


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _due(now: datetime) -> Q:
    # A pending message is due at next_attempt_at; a sending one is due when its worker's lease
    # has run out (claiming sets next_attempt_at = claimed_until), i.e. the worker died.
    return Q(status__in=[Message.Status.PENDING, Message.Status.SENDING], next_attempt_at__lte=now)


@transaction.atomic
def _claim(now: datetime, *, batch: int, worker: str) -> list[Message]:
    """Take up to `batch` due messages for `worker` with a lease.

    On PostgreSQL SKIP LOCKED lets concurrent workers take disjoint batches; on SQLite the
    transaction is IMMEDIATE, so claims are serialised by the write lock. Either way the
    conditional UPDATE is the proof: a row another worker took meanwhile is no longer due."""
    due = Message.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    ids = list(due.values_list("pk", flat=True)[:batch])
    if not ids:
        return []
    until = now + timedelta(seconds=lease_seconds())
    Message.objects.filter(_due(now), pk__in=ids).update(
        status=Message.Status.SENDING,
        claimed_by=worker,
        claimed_until=until,
        next_attempt_at=until,
        attempts=F("attempts") + 1,
    )
    return list(
        Message.objects.filter(
            pk__in=ids, status=Message.Status.SENDING, claimed_by=worker, claimed_until=until
        ).select_related("recipient")
    )


def _record(message: Message, worker: str, **changes: object) -> bool:
    """Store the outcome only if `worker` still holds the message (its lease did not run out and
    hand it to another worker)."""
    done = Message.objects.filter(
        pk=message.pk,
        status=Message.Status.SENDING,
        claimed_by=worker,
        claimed_until=message.claimed_until,
    ).update(claimed_by="", claimed_until=None, **changes)
    if done != 1:
        log.warning("notify: message %s was taken over by another worker", message.pk)
    return done == 1


def deliver_due(now: datetime, *, batch: int = 50, worker: str = "") -> int:
    """Deliver every message due at `now`; return how many were sent.

    1. Claim a batch (status sending, lease until now + NOTIFY_LEASE_SECONDS) and commit.
    2. Send each outside any transaction: a slow provider holds no lock.
    3. Record sent, or the error and the next attempt (1, 5, 25 … minutes later), or failed
       after NOTIFY_MAX_ATTEMPTS attempts.
    Messages that fail get a later next_attempt_at, so the loop ends."""
    worker = worker or default_worker_name()
    sent = 0
    while messages := _claim(now, batch=batch, worker=worker):
        for message in messages:
            sent += _deliver_one(message, now, worker)
    return sent


def _deliver_one(message: Message, now: datetime, worker: str) -> int:
    try:
        provider_id = get_backend(message.channel).send(message)
    except Exception as exc:  # any backend error is one failed attempt, recorded below
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= max_attempts():
            log.error("notify: message %s failed for good: %s", message.pk, error)
            _record(message, worker, status=Message.Status.FAILED, last_error=error)
        else:
            log.warning(
                "notify: message %s attempt %s failed: %s", message.pk, message.attempts, error
            )
            _record(
                message,
                worker,
                status=Message.Status.PENDING,
                last_error=error,
                next_attempt_at=now + retry_delay(message.attempts),
            )
        return 0
    recorded = _record(
        message, worker, status=Message.Status.SENT, sent_at=now, provider_id=str(provider_id)[:128]
    )
    return 1 if recorded else 0
