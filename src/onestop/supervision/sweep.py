"""The supervision sweep: alerts once per light crossing, violations from the audit trail.

Run every 5 minutes (onestop.jobs). Safe on many workers at once: every alert and violation is
inserted under a unique constraint inside a savepoint, and a loser of the race skips it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q

from onestop.cases.lights import RED, YELLOW, light
from onestop.cases.models import Case, CaseEvent, Task
from onestop.notify.actions import enqueue
from onestop.org.models import Role, StaffRole
from onestop.supervision.models import Alert, SweepCursor, Violation
from onestop.supervision.rules import apply_rules, close_alerts
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import Calendar, local_date

# Events of concurrent moves may commit out of id order: re-read this many ids behind the cursor.
LOOKBACK = 1000
CURSOR = "violations"
# Event kinds the detectors read.
WATCHED = (
    "accepted",
    "reviewed",
    "granted",
    "refused",
    "not_accepted",
    "certificate_issued",
    "supplement_requested",
    "suspended",
    "extension_approved",
)
V = Violation.Kind


def sweep_supervision(now: datetime) -> dict[str, int]:
    """Raise the alerts of new crossings, record new violations, close the alerts of finished
    cases and tasks, raise the cards the rules call for and act on late rectifications."""
    cal = workdays.calendar()
    people = _People()
    counts = {"alerts": 0, "violations": 0}
    lights = _Lights(now, cal)
    counts["alerts"] += _case_alerts(now, lights, people)
    counts["alerts"] += _task_alerts(now, lights, people)
    counts["violations"] += detect_violations(now)
    counts["alerts_closed"] = close_alerts(now)
    counts.update(apply_rules(now))
    return counts


# --- alerts ---------------------------------------------------------------------------------


class _Lights:
    """lights.light, memoised on the local dates it depends on (many cases share them)."""

    def __init__(self, now: datetime, cal: Calendar) -> None:
        self.now, self.cal = now, cal
        self.memo: dict[tuple[object, object, bool], str | None] = {}

    def __call__(self, start: datetime | None, due: datetime | None) -> str | None:
        if due is None:
            return None
        key = (local_date(start) if start else None, local_date(due), self.now > due)
        if key not in self.memo:
            self.memo[key] = light(start, due, self.now, self.cal)
        return self.memo[key]


@dataclass(frozen=True)
class _Holder:
    user_id: int
    role: str
    department_id: int | None
    path: str


class _People:
    """Who hears of an alert: read once per sweep (the staff table is small)."""

    def __init__(self) -> None:
        self.roles = [
            _Holder(r.user_id, r.role, r.department_id, r.region.path)
            for r in StaffRole.objects.select_related("region").filter(
                role__in=[
                    Role.SUPERVISOR,
                    Role.DEPARTMENT_HEAD,
                    Role.CLERK,
                    Role.REVIEWER,
                    Role.APPROVER,
                ]
            )
        ]

    def _covering(self, role: str, department_id: int | None, region_path: str) -> list[int]:
        return [
            h.user_id
            for h in self.roles
            if h.role == role
            and (department_id is None or h.department_id == department_id)
            and region_path.startswith(h.path)
        ]

    def recipients(
        self, case: Case, handlers: Iterable[int], task: Task | None = None
    ) -> list[int]:
        path = case.region.path
        ids = list(handlers)
        if not ids and task is not None:
            ids = self._covering(task.role, task.department_id, path)
        ids += self._covering(Role.DEPARTMENT_HEAD, case.department_id, path)
        ids += self._covering(Role.SUPERVISOR, None, path)
        return sorted(set(ids))


def _raise(**fields: Any) -> bool:
    """Insert one alert and tell its recipients (in-app, through the outbox, in the same
    savepoint: no alert without its messages, no messages for an alert raised twice);
    False if another sweep raised it first."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(**fields)
            _notify(alert)
    except IntegrityError:
        return False
    return True


def _notify(alert: Alert) -> None:
    case = alert.case
    what = "红灯超期" if alert.kind == "red" else "黄灯预警"
    step = f"（{alert.task.get_kind_display()}）" if alert.task_id and alert.task else ""
    due = f"，期限 {local_date(alert.due_at):%Y-%m-%d}" if alert.due_at else ""
    body = f"{what}：办件 {case.number}{step}{due}，请及时办理。"
    for user in User.objects.filter(pk__in=alert.recipients or []):
        enqueue(
            channel="inapp",
            recipient=user,
            subject=what,
            body=body,
            now=alert.raised_at,
            template=f"alert_{alert.kind}",
            context={"case": case.number, "alert": alert.pk},
        )


def _case_alerts(now: datetime, lights: _Lights, people: _People) -> int:
    has = {
        kind: Exists(Alert.objects.filter(case=OuterRef("pk"), task__isnull=True, kind=kind))
        for kind in (YELLOW, RED)
    }
    open_cases = (
        Case.objects.filter(status__in=Case.CLOCK_RUNNING, due_at__isnull=False)
        .exclude(has[RED])
        .exclude(Q(due_at__gte=now) & has[YELLOW])
        .select_related("region")
    )
    cases = list(open_cases)
    handlers: dict[int, set[int]] = defaultdict(set)
    for case_id, user_id in Task.objects.filter(
        case__in=[c.pk for c in cases], status__in=Task.OPEN_STATES, assignee__isnull=False
    ).values_list("case_id", "assignee_id"):
        handlers[case_id].add(user_id)
    raised = 0
    for case in cases:
        colour = lights(case.accepted_at, case.due_at)
        if colour not in (YELLOW, RED):
            continue
        raised += _raise(
            case=case,
            task=None,
            kind=colour,
            raised_at=now,
            due_at=case.due_at,
            recipients=people.recipients(case, handlers[case.pk]),
        )
    return raised


def _task_alerts(now: datetime, lights: _Lights, people: _People) -> int:
    has = {
        kind: Exists(Alert.objects.filter(task=OuterRef("pk"), kind=kind)) for kind in (YELLOW, RED)
    }
    tasks = (
        Task.objects.filter(status__in=Task.OPEN_STATES, due_at__isnull=False)
        # The clock of a suspended case stands still (its tasks' due times move on resuming).
        .exclude(case__status__in=[Case.Status.SUSPENDED, *Case.CLOSED])
        .exclude(has[RED])
        .exclude(Q(due_at__gte=now) & has[YELLOW])
        .select_related("case__region")
    )
    raised = 0
    for task in tasks:
        colour = lights(task.created_at, task.due_at)
        if colour not in (YELLOW, RED):
            continue
        raised += _raise(
            case=task.case,
            task=task,
            kind=colour,
            raised_at=now,
            due_at=task.due_at,
            recipients=people.recipients(
                task.case, [task.assignee_id] if task.assignee_id else [], task
            ),
        )
    return raised


# --- violations -----------------------------------------------------------------------------


@dataclass
class Finding:
    kind: str
    anchor: str
    detail: str
    events: list[CaseEvent]


def _record(case_id: int, finding: Finding, now: datetime) -> bool:
    """Insert the violation once; add proving events to one found before (idempotent)."""
    try:
        with transaction.atomic():
            violation = Violation.objects.create(
                case_id=case_id,
                kind=finding.kind,
                anchor=finding.anchor,
                detected_at=now,
                detail=finding.detail[:300],
            )
            created = True
    except IntegrityError:
        violation = Violation.objects.get(case_id=case_id, kind=finding.kind, anchor=finding.anchor)
        created = False
    if finding.events:
        violation.events.add(*finding.events)
    return created


def _fmt(at: datetime | None) -> str:
    return local_date(at).isoformat() if at else "—"


def _blank(data: dict[str, Any], field: str) -> bool:
    return not str(data.get(field, "") or "").strip()


def _decision(case: Case, e: CaseEvent, seen: dict[str, list[CaseEvent]]) -> list[Finding]:
    found: list[Finding] = []
    if case.due_at and e.at > case.due_at:
        found.append(
            Finding(
                V.OVERDUE_DECISION, "", f"期限 {_fmt(case.due_at)}，{_fmt(e.at)} 才作出决定", [e]
            )
        )
    reviewer_step = any(s.role == Role.REVIEWER for s in case.item.steps.all())
    if reviewer_step and not seen["reviewed"] and not e.data.get("instant"):
        found.append(Finding(V.STEPS_SKIPPED, str(e.pk), "事项规定的审核环节未办理即作出决定", [e]))
    if e.kind == "refused" and _blank(e.data, "reasons"):
        found.append(Finding(V.REFUSAL_NO_REASONS, str(e.pk), "不予许可未说明理由", [e]))
    return found


def _not_accepted(case: Case, e: CaseEvent, seen: dict[str, list[CaseEvent]]) -> list[Finding]:
    if _blank(e.data, "reasons"):
        return [Finding(V.REFUSAL_NO_REASONS, str(e.pk), "不予受理未说明理由", [e])]
    return []


def _certificate(case: Case, e: CaseEvent, seen: dict[str, list[CaseEvent]]) -> list[Finding]:
    due = case.certificate_due_at
    if due and e.at > due:
        detail = f"发证期限 {_fmt(due)}，{_fmt(e.at)} 才发证"
        return [Finding(V.OVERDUE_CERTIFICATE, "", detail, [e])]
    return []


def _supplement(case: Case, e: CaseEvent, seen: dict[str, list[CaseEvent]]) -> list[Finding]:
    found: list[Finding] = []
    due = case.supplement_due_at
    if due and e.at > due:
        detail = f"补正告知期限 {_fmt(due)}，{_fmt(e.at)} 才告知"
        found.append(Finding(V.LATE_SUPPLEMENT, str(e.pk), detail, [e]))
    earlier = seen["supplement_requested"]
    if earlier:
        detail = "同一办件再次要求补正材料"
        found.append(Finding(V.SECOND_SUPPLEMENT, str(e.pk), detail, [earlier[0], e]))
    return found


def _suspended(case: Case, e: CaseEvent, seen: dict[str, list[CaseEvent]]) -> list[Finding]:
    if _blank(e.data, "reason") or _blank(e.data, "note"):
        detail = "中止计时未记录法定事由或具体情况"
        return [Finding(V.SUSPENSION_NO_REASON, str(e.pk), detail, [e])]
    return []


DETECTORS = {
    "granted": _decision,
    "refused": _decision,
    "not_accepted": _not_accepted,
    "certificate_issued": _certificate,
    "supplement_requested": _supplement,
    "suspended": _suspended,
}


def findings_for(case: Case, events: list[CaseEvent]) -> list[Finding]:
    """Every violation one case's events show (events in sequence order, WATCHED kinds)."""
    found: list[Finding] = []
    seen: dict[str, list[CaseEvent]] = defaultdict(list)
    for e in events:
        if not isinstance(e.data, dict):
            e.data = {}
        detector = DETECTORS.get(e.kind)
        if detector:
            found += detector(case, e, seen)
        seen[e.kind].append(e)
    return found


def cursor_start(name: str) -> int:
    """The event id a reader of the audit trail starts after (its cursor, less the look-back)."""
    row = SweepCursor.objects.filter(name=name).first()
    return max(0, (row.last_event if row else 0) - LOOKBACK)


def advance_cursor(name: str, to: int) -> None:
    """Move a reader's cursor forward to event id `to` (never back, on many workers at once)."""
    SweepCursor.objects.get_or_create(name=name)
    SweepCursor.objects.filter(name=name, last_event__lt=to).update(last_event=to)


def detect_violations(now: datetime) -> int:
    """Read the audit trail since the last sweep, and the clocks of open cases; idempotent."""
    start = cursor_start(CURSOR)
    new_events = CaseEvent.objects.filter(pk__gt=start, kind__in=WATCHED)
    top = new_events.aggregate(m=Max("pk"))["m"]
    case_ids = set(new_events.values_list("case_id", flat=True).distinct())
    recorded = 0
    for chunk in _chunks(sorted(case_ids), 500):
        cases = {
            c.pk: c
            for c in Case.objects.filter(pk__in=chunk)
            .select_related("item")
            .prefetch_related("item__steps")
        }
        by_case: dict[int, list[CaseEvent]] = defaultdict(list)
        for e in CaseEvent.objects.filter(case_id__in=chunk, kind__in=WATCHED).order_by(
            "case_id", "seq"
        ):
            by_case[e.case_id].append(e)
        known = set(
            Violation.objects.filter(case_id__in=chunk).values_list("case_id", "kind", "anchor")
        )
        for case_id, events in by_case.items():
            for finding in findings_for(cases[case_id], events):
                # Anchored findings are whole once recorded; "" ones may gain proving events.
                if finding.anchor and (case_id, finding.kind, finding.anchor) in known:
                    continue
                recorded += _record(case_id, finding, now)
    recorded += _clock_violations(now)
    if top:
        advance_cursor(CURSOR, top)
    return recorded


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _clock_violations(now: datetime) -> int:
    """Violations shown by what has not happened: still undecided, no certificate, no approval."""
    known = {
        kind: Exists(Violation.objects.filter(case=OuterRef("pk"), kind=kind, anchor=""))
        for kind in (V.OVERDUE_DECISION, V.OVERDUE_CERTIFICATE, V.EXTENSION_UNAPPROVED)
    }
    recorded = 0
    undecided = Case.objects.filter(status__in=Case.CLOCK_RUNNING, due_at__lt=now).exclude(
        known[V.OVERDUE_DECISION]
    )
    for case in undecided:
        accepted = case.events.filter(kind="accepted").order_by("seq")[:1]
        recorded += _record(
            case.pk,
            Finding(
                V.OVERDUE_DECISION,
                "",
                f"期限 {_fmt(case.due_at)} 已过，仍未作出决定",
                list(accepted),
            ),
            now,
        )
    no_certificate = (
        Case.objects.filter(status=Case.Status.GRANTED, certificate_due_at__lt=now)
        .exclude(Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind="certificate_issued")))
        .exclude(known[V.OVERDUE_CERTIFICATE])
    )
    for case in no_certificate:
        granted = case.events.filter(kind="granted").order_by("seq")[:1]
        recorded += _record(
            case.pk,
            Finding(
                V.OVERDUE_CERTIFICATE,
                "",
                f"发证期限 {_fmt(case.certificate_due_at)} 已过，仍未发证",
                list(granted),
            ),
            now,
        )
    unapproved = (
        Case.objects.filter(extension_days__gt=0)
        .exclude(Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind="extension_approved")))
        .exclude(known[V.EXTENSION_UNAPPROVED])
    )
    for case in unapproved:
        requested = case.events.filter(kind="extension_requested").order_by("seq")
        recorded += _record(
            case.pk,
            Finding(
                V.EXTENSION_UNAPPROVED,
                "",
                f"办件延长时限 {case.extension_days} 个工作日，无延期批准记录",
                list(requested),
            ),
            now,
        )
    return recorded
