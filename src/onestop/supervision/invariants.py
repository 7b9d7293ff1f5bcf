"""Invariants of the whole platform, checked against the database after the fact.

Used by `manage.py check_invariants`, by the fault tests and by bench/multinode.py after running
many nodes at once. Each check reads the stored data only and trusts no constraint: a duplicate
that a unique index should have stopped is still reported if it is there. They live beside the
supervision sweep because, like it, they watch every app's records (cases, hotline, outbox).

1. case_replay: each case's status is what its audit events lead to, every status change in the
   trail is a move of the workflow table, the case row's chain head is its last event, and the
   open tasks fit the status (no case is half-moved).
2. audit_chain: every case's keyed chain verifies and ends at the head on its row, and no case
   with a head or beyond draft lost its events (cases.audit.verify_cases).
3. idempotency: every request key took effect once (one event per case and key, one case per
   creating user and key, one hotline event per ticket and key, one payment or refund per key).
4. alerts_once: every light crossing was raised once (supervision alerts and violations, hotline
   yellow/red alerts per dispatch).
5. notifications_once: no notification was written or delivered twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from onestop.cases import workflow
from onestop.cases.audit import GENESIS, verify_cases
from onestop.cases.models import Case, CaseEvent, Task
from onestop.fees.models import Payment, Refund
from onestop.hotline.models import TicketEvent
from onestop.notify.models import Message
from onestop.supervision.models import Alert, Violation

S = Case.Status
BATCH = 2000


@dataclass(frozen=True)
class Problem:
    subject: str  # what is wrong: a case number, a ticket, a message …
    detail: str


@dataclass
class Result:
    name: str
    label: str
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- 1. case state against its audit trail ----------------------------------------------------

# Event kinds that name the status they leave the case in. An instant case is accepted, granted
# and completed in one move: its three events all carry the final status.
RESULT_OF: dict[str, frozenset[str]] = {
    "created": frozenset({S.DRAFT}),
    "submitted": frozenset({S.SUBMITTED}),
    "supplement_requested": frozenset({S.SUPPLEMENT_REQUESTED}),
    "supplied": frozenset({S.SUBMITTED}),
    "accepted": frozenset({S.ACCEPTED, S.COMPLETED}),
    "deemed_accepted": frozenset({S.ACCEPTED}),
    "not_accepted": frozenset({S.NOT_ACCEPTED}),
    "reviewed": frozenset({S.UNDER_DECISION}),
    "granted": frozenset({S.GRANTED, S.COMPLETED}),
    "refused": frozenset({S.REFUSED}),
    "suspended": frozenset({S.SUSPENDED}),
    "resumed": frozenset(Case.CLOCK_RUNNING),
    "completed": frozenset({S.COMPLETED}),
    "delivered": frozenset({S.DELIVERED}),
    "withdrawn": frozenset({S.WITHDRAWN}),
}
# Kinds that may change the status without naming it: the first claim of the review starts it.
MAY_START_REVIEW = frozenset({"task_claimed", "task_reassigned"})


def _targets(name: str, move: workflow.Move) -> set[str]:
    if move.target is not None:
        return {move.target}
    if name == "decide":
        return {S.GRANTED, S.REFUSED}
    if name == "resume":
        return set(Case.CLOCK_RUNNING)
    return set()  # the move leaves the status as it is


def allowed_changes() -> set[tuple[str, str]]:
    """Every (from, to) status change some move of the workflow table makes."""
    return {
        (source, target)
        for name, move in workflow.MOVES.items()
        for source in move.sources
        for target in _targets(name, move)
    }


CHANGES = allowed_changes()


@dataclass(frozen=True)
class EventRow:
    seq: int
    kind: str
    status_after: str
    hash: str


def replay(events: Iterable[EventRow]) -> tuple[str | None, list[str]]:
    """The status a case's events lead to, and what in them breaks the workflow."""
    status: str | None = None
    wrong: list[str] = []
    for e in events:
        if status is None:
            if e.kind != "created" or e.status_after != S.DRAFT:
                wrong.append(f"第 {e.seq} 条：日志不是以“新建（草稿）”开始（{e.kind}）")
            status = e.status_after
            continue
        expected = RESULT_OF.get(e.kind)
        if expected is not None and e.status_after not in expected:
            wrong.append(f"第 {e.seq} 条 {e.kind}：之后的状态不应为 {e.status_after}")
        if e.status_after != status:
            if (status, e.status_after) not in CHANGES:
                wrong.append(f"第 {e.seq} 条：流程不允许从 {status} 变为 {e.status_after}")
            elif expected is None and not (
                e.kind in MAY_START_REVIEW and e.status_after == S.UNDER_REVIEW
            ):
                wrong.append(f"第 {e.seq} 条 {e.kind}：此类事件不应改变状态")
        status = e.status_after
    return status, wrong


# Open tasks a status allows: (kind, how many) that must be open, and kinds that must not be.
NO_OPEN_TASKS = (S.DRAFT, S.NOT_ACCEPTED, S.REFUSED, S.COMPLETED, S.DELIVERED, S.WITHDRAWN)


def tasks_fit(status: str, open_kinds: Counter[str]) -> list[str]:
    """What in a case's open tasks does not fit its status."""
    wrong: list[str] = []
    if status in NO_OPEN_TASKS and open_kinds:
        wrong.append(f"状态 {status} 下仍有未完成任务：{dict(open_kinds)}")
    if status == S.SUBMITTED and open_kinds[Task.Kind.PRE_REVIEW] != 1:
        wrong.append(f"已提交的办件应有 1 个预审任务，实有 {open_kinds[Task.Kind.PRE_REVIEW]} 个")
    if status != S.SUBMITTED and open_kinds[Task.Kind.PRE_REVIEW]:
        wrong.append(f"状态 {status} 下不应有预审任务")
    if status == S.UNDER_DECISION and open_kinds[Task.Kind.DECIDE] != 1:
        wrong.append(f"待决定的办件应有 1 个决定任务，实有 {open_kinds[Task.Kind.DECIDE]} 个")
    if status in (S.ACCEPTED, S.UNDER_REVIEW) and open_kinds[Task.Kind.DECIDE]:
        wrong.append(f"状态 {status} 下不应有决定任务")
    return wrong


def _case_batches() -> Iterator[list[tuple[int, str, str, int, str]]]:
    last = 0
    while True:
        rows = list(
            Case.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "number", "status", "event_seq", "event_hash")[:BATCH]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def check_case_replay() -> Result:
    result = Result("case_replay", "办件状态与日志回放一致、无半途状态")
    for rows in _case_batches():
        ids = [r[0] for r in rows]
        events: dict[int, list[EventRow]] = {pk: [] for pk in ids}
        for case_id, seq, kind, status_after, digest in (
            CaseEvent.objects.filter(case_id__in=ids)
            .order_by("case_id", "seq")
            .values_list("case_id", "seq", "kind", "status_after", "hash")
        ):
            events[case_id].append(EventRow(seq, kind, status_after, digest))
        open_tasks: dict[int, Counter[str]] = {pk: Counter() for pk in ids}
        for case_id, kind in Task.objects.filter(
            case_id__in=ids, status__in=Task.OPEN_STATES
        ).values_list("case_id", "kind"):
            open_tasks[case_id][kind] += 1
        for pk, number, status, head_seq, head_hash in rows:
            trail = events[pk]
            replayed, wrong = replay(trail)
            if replayed != status:
                wrong.append(f"办件状态为 {status}，日志回放得 {replayed}")
            last_seq, last_hash = (trail[-1].seq, trail[-1].hash) if trail else (0, GENESIS)
            if (head_seq, head_hash) != (last_seq, last_hash):
                wrong.append(
                    f"办件记录的链头（第 {head_seq} 条）与最后一条日志（第 {last_seq} 条）不符"
                )
            wrong += tasks_fit(status, open_tasks[pk])
            result.problems += [Problem(number, w) for w in wrong]
        result.checked += len(rows)
    return result


# --- 2. hash chains ---------------------------------------------------------------------------


def check_audit_chain() -> Result:
    result = Result("audit_chain", "办件日志链（密钥签记）与链头完整")
    result.checked = Case.objects.count()
    result.problems = [Problem(b.case_number, f"第 {b.seq} 条：{b.reason}") for b in verify_cases()]
    return result


# --- 3. idempotency keys ----------------------------------------------------------------------


def _duplicates(qs: Any, *fields: str) -> list[dict[str, Any]]:
    """Groups of rows sharing `fields`, with their count, where there is more than one."""
    return list(qs.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).order_by(*fields))


def check_idempotency() -> Result:
    result = Result("idempotency", "每个幂等键只生效一次")
    keyed_events = CaseEvent.objects.exclude(key="")
    result.checked = keyed_events.count()
    for row in _duplicates(keyed_events, "case__number", "key"):
        result.problems.append(
            Problem(row["case__number"], f"幂等键 {row['key']} 在日志中出现 {row['n']} 次")
        )
    # create_case answers a repeated key of the same user with the case made the first time.
    for row in _duplicates(keyed_events.filter(kind="created"), "actor_id", "key"):
        result.problems.append(
            Problem(f"用户 {row['actor_id']}", f"幂等键 {row['key']} 新建了 {row['n']} 个办件")
        )
    keyed_tickets = TicketEvent.objects.exclude(key="")
    result.checked += keyed_tickets.count()
    for row in _duplicates(keyed_tickets, "ticket__number", "key"):
        result.problems.append(
            Problem(row["ticket__number"], f"幂等键 {row['key']} 在工单记录中出现 {row['n']} 次")
        )
    # register_ticket answers a repeated key with the ticket registered the first time.
    for row in _duplicates(keyed_tickets.filter(kind="registered"), "key"):
        result.problems.append(Problem("热线", f"幂等键 {row['key']} 登记了 {row['n']} 张工单"))
    for model, label, case_field in (
        (Payment, "缴款", "notice__case__number"),
        (Refund, "退款", "payment__notice__case__number"),
    ):
        keyed = model.objects.exclude(key="")  # type: ignore[attr-defined]
        result.checked += keyed.count()
        for row in _duplicates(keyed, case_field, "key"):
            result.problems.append(
                Problem(row[case_field], f"幂等键 {row['key']} 记了 {row['n']} 笔{label}")
            )
    return result


# --- 4. alerts --------------------------------------------------------------------------------

# Hotline events after which a ticket's lights start again (new due time).
HOTLINE_LIGHT_RESETS = frozenset({"dispatched", "redispatched", "extension_approved"})


def check_alerts_once() -> Result:
    result = Result("alerts_once", "每次亮灯预警、每项违规只记录一次")
    result.checked = Alert.objects.count() + Violation.objects.count()
    for row in _duplicates(Alert.objects.all(), "case__number", "task_id", "kind"):
        on = f"任务 {row['task_id']} " if row["task_id"] else ""
        result.problems.append(
            Problem(row["case__number"], f"{on}{row['kind']} 预警记录了 {row['n']} 次")
        )
    for row in _duplicates(Violation.objects.all(), "case__number", "kind", "anchor"):
        result.problems.append(
            Problem(
                row["case__number"], f"违规 {row['kind']}（{row['anchor']}）记录了 {row['n']} 次"
            )
        )
    # Hotline: one yellow and one red alert per dispatch period of a ticket.
    seen: set[str] = set()
    current = None
    number = ""
    rows = (
        TicketEvent.objects.filter(kind__in=[*HOTLINE_LIGHT_RESETS, "alert_yellow", "alert_red"])
        .order_by("ticket_id", "at", "pk")
        .values_list("ticket_id", "ticket__number", "kind")
    )
    for ticket_id, ticket_number, kind in rows.iterator(chunk_size=BATCH):
        if ticket_id != current:
            current, number, seen = ticket_id, ticket_number, set()
        if kind in HOTLINE_LIGHT_RESETS:
            seen = set()
            continue
        result.checked += 1
        if kind in seen:
            result.problems.append(Problem(number, f"同一派单期内 {kind} 预警记录了两次"))
        seen.add(kind)
    return result


# --- 5. notifications -------------------------------------------------------------------------


def check_notifications_once(delivered: Iterable[int] | None = None) -> Result:
    """Messages about one thing (a context naming an alert, a case, a booking …) are written
    once per recipient; a sent message was sent once and is no longer held by a worker. With
    `delivered` (message ids a recording backend saw sent, e.g. bench/multinode.py's), also:
    each id was delivered at most once, and every sent message was delivered."""
    result = Result("notifications_once", "每条通知只写入、只送达一次")
    result.checked = Message.objects.count()
    about = Message.objects.exclude(context={})
    for row in _duplicates(about, "channel", "recipient_id", "address", "template", "context"):
        who = row["address"] or f"用户 {row['recipient_id']}"
        result.problems.append(
            Problem(f"{row['template']} → {who}", f"同一通知 {row['context']} 写入了 {row['n']} 次")
        )
    sent = Message.objects.filter(status=Message.Status.SENT)
    for pk in sent.exclude(claimed_by="", claimed_until=None).values_list("pk", flat=True):
        result.problems.append(Problem(f"消息 {pk}", "已发送却仍被某个进程占用"))
    for pk in sent.filter(sent_at=None).values_list("pk", flat=True):
        result.problems.append(Problem(f"消息 {pk}", "已发送却没有发送时间"))
    if delivered is not None:
        counts = Counter(delivered)
        for pk, n in sorted(counts.items()):
            if n > 1:
                result.problems.append(Problem(f"消息 {pk}", f"送达了 {n} 次"))
        for pk in sent.values_list("pk", flat=True):
            if pk not in counts:
                result.problems.append(Problem(f"消息 {pk}", "标记为已发送，但渠道没有收到"))
    return result


CHECKS: list[Callable[[], Result]] = [
    check_case_replay,
    check_audit_chain,
    check_idempotency,
    check_alerts_once,
    check_notifications_once,
]


def check_all() -> list[Result]:
    return [check() for check in CHECKS]
