"""The audit trail: append-only events, chained per case under a key the database does not hold.

mac(n) = HMAC-SHA256(key, alg:key_id:mac(n-1) + canonical JSON of event n's content), with
mac(0) = 64 zeros. The content covers the case number, the sequence number, the kind, the actor,
the time, the status after the event, its data and its request key; the key comes from the
settings (AUDIT_CHAIN_KEY), never from the database. Each event records the algorithm (`alg`)
and the key (`key_id`, a fingerprint of the key) that made its mac, so keys can rotate
(AUDIT_CHAIN_OLD_KEYS keeps old ones verifying) and another algorithm can be added to MACS.

Threat model. Whoever writes to the database without the key can change, insert, delete,
reorder or re-chain events, or move a case's head, and verification shows it: the macs, the
sequence and the case row's head (event_seq, event_hash) must all agree. What the key alone
cannot show is a rollback of a whole case to an earlier state it really had (tail events deleted,
head and status put back): `verify_audit --checkpoint FILE` keeps every head, keyed, outside the
database, and `--against FILE` finds such rollbacks (and deleted cases) later.

Events written before the key existed carry alg "sha256" (plain hash chain, documented
content): anyone can recompute those, so they are evidence only against careless changes.
They are accepted only as the first events of a chain, and only once a keyed event follows
them (`seal_audit` appends one): a keyed chain that turns plain, or a chain that ends plain,
is a break.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet

from onestop.cases.models import Case, CaseEvent

GENESIS = "0" * 64
LEGACY = "sha256"  # events from before the key: a plain hash chain
HMAC_SHA256 = "hmac-sha256"


def _hmac_sha256(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# Keyed algorithms by the name stored beside each event. A crypto suite (SM3-HMAC) adds its
# entry here and becomes CURRENT where it is chosen; events made with the others still verify.
MACS: dict[str, Callable[[bytes, bytes], str]] = {HMAC_SHA256: _hmac_sha256}
CURRENT = HMAC_SHA256


def key_id_of(secret: str) -> str:
    """A key's public name: its mac of a fixed label, which tells nothing about the key."""
    return _hmac_sha256(secret.encode(), b"onestop audit chain key id")[:16]


@dataclass(frozen=True)
class KeyRing:
    current: str  # id of the key new events are bound with
    keys: dict[str, bytes]  # every key that may verify, by id


@functools.lru_cache(maxsize=8)
def _ring(current: str, old: tuple[str, ...]) -> KeyRing:
    keys = {key_id_of(secret): secret.encode() for secret in (*old, current)}
    return KeyRing(key_id_of(current), keys)


def keyring() -> KeyRing:
    """The keys of the settings: the current one and those kept after a rotation."""
    return _ring(settings.AUDIT_CHAIN_KEY, tuple(settings.AUDIT_CHAIN_OLD_KEYS))


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
    """The legacy link: a plain SHA-256 anyone can recompute (alg "sha256")."""
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def mac(alg: str, key_id: str, key: bytes, prev_hash: str, content: str) -> str:
    """The keyed link; the algorithm and the key's id are bound with the content."""
    return MACS[alg](key, f"{alg}:{key_id}:{prev_hash}{content}".encode())


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
    ring = keyring()
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
        alg=CURRENT,
        key_id=ring.current,
        hash=mac(CURRENT, ring.current, ring.keys[ring.current], prev, content),
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


UNSEALED = "旧式 sha256 日志尚未以密钥封存，只能发现粗心的改动（运行 manage.py seal_audit）"


def event_content(number: str, event: CaseEvent) -> str:
    """The canonical text a stored event's hash or mac covers."""
    return content_of(
        number=number,
        seq=event.seq,
        kind=event.kind,
        actor_id=event.actor_id,
        at=event.at,
        status_after=event.status_after,
        data=event.data,
        key=event.key,
    )


def _link_problem(number: str, event: CaseEvent, ring: KeyRing, keyed_before: bool) -> str:
    """Why an event's own hash or mac does not hold ("" when it does)."""
    if event.alg == LEGACY:
        if keyed_before:
            return "以密钥签记的日志链后接旧式 sha256 日志（链被降级重算）"
        if chain(event.prev_hash, event_content(number, event)) != event.hash:
            return "内容与哈希不符（日志被改动）"
        return ""
    if event.alg not in MACS:
        return f"未知的摘要算法 {event.alg!r}"
    key = ring.keys.get(event.key_id)
    if key is None:
        return f"签记日志的密钥 {event.key_id} 未配置，无法校验（密钥被更换或日志以其他密钥重算）"
    expected = mac(event.alg, event.key_id, key, event.prev_hash, event_content(number, event))
    if not hmac.compare_digest(expected, event.hash):
        return "内容与密钥摘要不符（日志被改动或被重算）"
    return ""


def verify_events(
    number: str, events: Iterable[CaseEvent], ring: KeyRing | None = None
) -> list[Break]:
    """Every place where one case's chain does not hold (events in sequence order)."""
    ring = ring or keyring()
    breaks: list[Break] = []
    prev = GENESIS
    expected_seq = 1
    keyed = False
    last: CaseEvent | None = None
    for event in events:
        if event.seq < expected_seq:
            breaks.append(Break(number, event.seq, f"第 {event.seq} 条日志重复或次序颠倒"))
        elif event.seq > expected_seq:
            breaks.append(Break(number, event.seq, f"缺少第 {expected_seq} 条日志"))
        if event.prev_hash != prev:
            breaks.append(Break(number, event.seq, "前序哈希不一致"))
        problem = _link_problem(number, event, ring, keyed)
        if problem:
            breaks.append(Break(number, event.seq, problem))
        keyed = keyed or event.alg != LEGACY
        prev = event.hash
        expected_seq = max(expected_seq, event.seq + 1)
        last = event
    if last is not None and last.alg == LEGACY:
        breaks.append(Break(number, last.seq, UNSEALED))
    return breaks


def verify_head(case: Case, last: CaseEvent | None) -> list[Break]:
    """Where the case row's chain head (event_seq, event_hash) disagrees with its last event."""
    number, seq = case.number, case.event_seq
    if last is None:
        if seq or case.event_hash != GENESIS:
            return [Break(number, seq, f"日志被清空：办件记录有 {seq} 条日志，现在一条也没有")]
        if case.status != Case.Status.DRAFT:
            return [Break(number, 0, f"办件状态为 {case.status}，却没有任何日志（日志被清空）")]
        return [Break(number, 0, "办件没有任何日志（新建时应记“登记申请”，日志被清空）")]
    if seq > last.seq:
        reason = f"日志被截断：办件记录到第 {seq} 条，日志只到第 {last.seq} 条"
    elif seq < last.seq:
        reason = f"办件记录的链头（第 {seq} 条）落后于最后一条日志（第 {last.seq} 条）"
    elif case.event_hash != last.hash:
        reason = "办件记录的链头哈希与最后一条日志不符"
    else:
        return []
    return [Break(number, seq, reason)]


def verify_case(
    case: Case, events: Sequence[CaseEvent], ring: KeyRing | None = None
) -> list[Break]:
    """One case's chain, and its head on the case row, against its events in sequence order."""
    breaks = verify_events(case.number, events, ring)
    return breaks + verify_head(case, events[-1] if events else None)


BATCH = 500  # cases per round trip: their events stay a few thousand rows in memory


def verify_cases(cases: Iterable[Case] | None = None) -> list[Break]:
    """Verify the chains and heads of the given cases (all cases by default), a batch at a time.

    Cases are read from the case table, so a case whose events were all deleted is checked too.
    """
    qs = Case.objects.all()
    if cases is not None:
        # A queryset stays a subquery; a list of cases becomes a list of ids.
        if isinstance(cases, QuerySet):
            qs = qs.filter(pk__in=cases.values("pk"))
        else:
            qs = qs.filter(pk__in=[c.pk for c in cases])
    qs = qs.only("pk", "number", "status", "event_seq", "event_hash").order_by("pk")
    ring = keyring()
    breaks: list[Break] = []
    last_pk = 0
    while rows := list(qs.filter(pk__gt=last_pk)[:BATCH]):
        trails: dict[int, list[CaseEvent]] = {row.pk: [] for row in rows}
        for event in CaseEvent.objects.filter(case_id__in=trails).order_by("case_id", "seq", "pk"):
            trails[event.case_id].append(event)
        for row in rows:
            breaks += verify_case(row, trails[row.pk], ring)
        last_pk = rows[-1].pk
    return breaks


@transaction.atomic
def seal_legacy_trail(case: Case, *, now: datetime) -> CaseEvent | None:
    """Bind a plain sha256 trail with the key by appending a keyed "audit_sealed" event.

    The event's mac covers the legacy head, and so every legacy event before it. Only an intact
    trail is sealed (the key must not vouch for a tampered one); a trail already ending in a
    keyed event is left as it is. Returns the new event, or None.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    events = list(case.events.order_by("seq", "pk"))
    if not events or events[-1].alg != LEGACY:
        return None
    breaks = [b for b in verify_case(case, events) if b.reason != UNSEALED]
    if breaks:
        raise ValueError(f"{case.number} 的日志链不完整，不能封存：{breaks[0].reason}")
    return record_event(
        case, "audit_sealed", actor=None, now=now, data={"legacy_events": len(events)}
    )


# --- checkpoints: heads kept outside the database -----------------------------------------------


def checkpoint(*, now: datetime) -> dict[str, Any]:
    """Every case's head, signed with the current key, to be kept where the database's holder
    cannot write (another host, write-once storage, the supervision office's archive)."""
    ring = keyring()
    heads = {
        number: [seq, digest]
        for number, seq, digest in Case.objects.order_by("number").values_list(
            "number", "event_seq", "event_hash"
        )
    }
    body = {"alg": CURRENT, "key_id": ring.current, "at": now.isoformat(), "heads": heads}
    return {**body, "mac": _checkpoint_mac(body, ring.keys[ring.current])}


def _checkpoint_mac(body: dict[str, Any], key: bytes) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return MACS[body["alg"]](key, f"checkpoint:{text}".encode())


def verify_against(saved: dict[str, Any]) -> list[Break]:
    """Where today's trails no longer extend the heads of a checkpoint: a case deleted, or
    rolled back to an earlier state (tail events deleted, head and status put back)."""
    ring = keyring()
    body = {k: saved.get(k) for k in ("alg", "key_id", "at", "heads")}
    key = ring.keys.get(str(body["key_id"]))
    if body["alg"] not in MACS or key is None:
        return [Break("检查点", 0, f"检查点的密钥 {body['key_id']} 未配置，无法校验")]
    if not hmac.compare_digest(_checkpoint_mac(body, key), str(saved.get("mac", ""))):
        return [Break("检查点", 0, "检查点文件与其密钥摘要不符（文件被改动）")]
    heads: dict[str, list[Any]] = body["heads"]  # type: ignore[assignment]
    numbers = sorted(heads)
    breaks: list[Break] = []
    for start in range(0, len(numbers), BATCH):
        chunk = numbers[start : start + BATCH]
        kept = set(Case.objects.filter(number__in=chunk).values_list("number", flat=True))
        links = {
            (number, seq): digest
            for number, seq, digest in CaseEvent.objects.filter(case__number__in=chunk).values_list(
                "case__number", "seq", "hash"
            )
        }
        for number in chunk:
            seq, digest = heads[number]
            if number not in kept:
                breaks.append(Break(number, seq, f"办件在检查点（{body['at']}）之后被删除"))
            elif seq and links.get((number, seq)) != digest:
                breaks.append(
                    Break(
                        number, seq, f"日志被回退：检查点（{body['at']}）时的第 {seq} 条已不在链上"
                    )
                )
    return breaks
