"""The audit trail: append-only events, hash-chained per case so that tampering shows.

hash(n) = sha256(hash(n-1) + canonical JSON of event n's content), with hash(0) = 64 zeros.
The content covers the case number, the sequence number, the kind, the actor, the time, the
status after the event, its data and its request key: changing, inserting or deleting any event
breaks the chain from that event on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from onestop.cases.models import Case, CaseEvent

GENESIS = "0" * 64


def content_of(
    *,
    number: str,
    seq: int,
    kind: str,
    actor_id: int | None,
    at: datetime,
    status_after: str,
    data: dict[str, Any],
    key: str,
) -> str:
    """The canonical text an event's hash covers."""
    return json.dumps(
        {
            "case": number,
            "seq": seq,
            "kind": kind,
            "actor": actor_id,
            "at": at.isoformat(timespec="microseconds"),
            "status": status_after,
            "data": data,
            "key": key,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )


def chain(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def record_event(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    data: dict[str, Any] | None = None,
    key: str = "",
) -> CaseEvent:
    """Append one event to a case locked by the caller, and save the case's pending changes.

    The case row carries the chain head (event_seq, event_hash); the caller's row lock orders
    the sequence. Saving the case here, with the fields its move changed (`mark_changed`), makes
    the move one UPDATE of the case and one INSERT of the event.
    """
    seq = case.event_seq + 1
    prev = case.event_hash
    # Round-trip the data through JSON now so that what is hashed is what is stored.
    clean = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))
    now = now.astimezone(UTC)  # read back as UTC from both databases
    content = content_of(
        number=case.number,
        seq=seq,
        kind=kind,
        actor_id=actor.pk if actor else None,
        at=now,
        status_after=case.status,
        data=clean,
        key=key,
    )
    event = CaseEvent.objects.create(
        case=case,
        seq=seq,
        kind=kind,
        actor=actor,
        at=now,
        status_after=case.status,
        data=clean,
        key=key,
        prev_hash=prev,
        hash=chain(prev, content),
    )
    case.event_seq, case.event_hash = seq, event.hash
    pending: set[str] = getattr(case, "_pending_fields", set())
    case.save(update_fields=sorted(pending | {"event_seq", "event_hash"}))
    case._pending_fields = set()  # type: ignore[attr-defined]
    return event


def mark_changed(case: Case, *fields: str) -> None:
    """Fields of `case` changed by the current move, saved with its audit event."""
    pending: set[str] = getattr(case, "_pending_fields", set())
    case._pending_fields = pending | set(fields)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Break:
    case_number: str
    seq: int
    reason: str


def verify_events(number: str, events: Iterable[CaseEvent]) -> list[Break]:
    """Every place where one case's chain does not hold (events in sequence order)."""
    breaks: list[Break] = []
    prev = GENESIS
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            breaks.append(Break(number, event.seq, f"缺少第 {expected_seq} 条日志"))
        if event.prev_hash != prev:
            breaks.append(Break(number, event.seq, "前序哈希不一致"))
        content = content_of(
            number=number,
            seq=event.seq,
            kind=event.kind,
            actor_id=event.actor_id,
            at=event.at,
            status_after=event.status_after,
            data=event.data,
            key=event.key,
        )
        if chain(event.prev_hash, content) != event.hash:
            breaks.append(Break(number, event.seq, "内容与哈希不符（日志被改动）"))
        prev = event.hash
        expected_seq = event.seq + 1
    return breaks


def verify_cases(cases: Iterable[Case] | None = None) -> list[Break]:
    """Verify the chains of the given cases (all cases by default), streaming the events."""
    qs = CaseEvent.objects.select_related("case").order_by("case_id", "seq")
    if cases is not None:
        # A queryset stays a subquery; a list of cases becomes a list of ids.
        if isinstance(cases, QuerySet):
            qs = qs.filter(case__in=cases.values("pk"))
        else:
            qs = qs.filter(case__in=[c.pk for c in cases])
    breaks: list[Break] = []
    current: int | None = None
    number = ""
    batch: list[CaseEvent] = []
    for event in qs.iterator(chunk_size=2000):
        if event.case_id != current:
            if batch:
                breaks.extend(verify_events(number, batch))
            current, number, batch = event.case_id, event.case.number, []
        batch.append(event)
    if batch:
        breaks.extend(verify_events(number, batch))
    return breaks
