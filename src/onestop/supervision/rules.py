"""Cards raised by the administrator's rules (自动亮牌), applied by the periodic sweep.

Once per fact, safe on many nodes: each rule's candidate facts are read with one query that
leaves out the facts the rule has already carded, and each card is inserted in a savepoint under
the unique (rule, fact) constraint; a node that loses the race skips it (with its messages).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from onestop.cases.models import Case, CaseEvent, Task
from onestop.supervision.actions import NewCard, create_card, mark_overdue
from onestop.supervision.models import Alert, Card, CardRule, Rectification, Violation
from onestop.supervision.periods import month_bounds
from onestop.supervision.workflow import STANDING
from onestop.workdays.calendar import local_date

T = CardRule.Trigger
LIGHT_OF: dict[str, str] = {T.RED_LIGHT: Alert.Kind.RED, T.YELLOW_LIGHT: Alert.Kind.YELLOW}


def apply_rules(now: datetime) -> dict[str, int]:
    """Raise the cards every active rule calls for, then act on late rectifications."""
    counts = {"cards": 0, "overdue": 0}
    rules = list(CardRule.objects.filter(active=True).order_by("pk"))
    # Lights and violations first: the yellow cards they raise count toward REPEAT rules.
    for rule in rules:
        if rule.trigger in LIGHT_OF:
            counts["cards"] += _light_cards(rule, now)
        elif rule.trigger == T.VIOLATION:
            counts["cards"] += _violation_cards(rule, now)
    for rule in rules:
        if rule.trigger == T.REPEAT:
            counts["cards"] += _repeat_cards(rule, now)
    late = Rectification.objects.filter(
        status=Rectification.Status.OPEN, overdue_at__isnull=True, card__rectify_due_at__lt=now
    ).values_list("card_id", flat=True)
    counts["overdue"] = mark_overdue(list(late), now=now)
    return counts


def _raise(new: NewCard, now: datetime) -> bool:
    try:
        with transaction.atomic():
            create_card(new, actor=None, now=now)
    except IntegrityError:
        return False  # another sweep carded this fact first
    return True


def _proof(case_ids: Iterable[int], kinds: tuple[str, ...]) -> dict[int, list[CaseEvent]]:
    """The events that prove a light: the case's acceptance (when its clock started)."""
    out: dict[int, list[CaseEvent]] = {}
    for e in CaseEvent.objects.filter(case_id__in=list(case_ids), kind__in=kinds).order_by("seq"):
        out.setdefault(e.case_id, []).append(e)
    return out


def _light_cards(rule: CardRule, now: datetime) -> int:
    """A task's light crossing: the card goes to the task's handler (or its department)."""
    alerts = list(
        Alert.objects.filter(
            kind=LIGHT_OF[rule.trigger],
            task__isnull=False,
            closed_at__isnull=True,
            raised_at__gte=rule.since,
        )
        .exclude(pk__in=Card.objects.filter(rule=rule, alert__isnull=False).values("alert_id"))
        .select_related("case__region", "task__department", "task__assignee")
    )
    proof = _proof({a.case_id for a in alerts}, ("accepted",))
    raised = 0
    for alert in alerts:
        task = alert.task
        if task is None:  # filtered out above; for the type checker
            continue
        person = task.assignee if rule.target == CardRule.Target.HANDLER else None
        due = f"，期限 {local_date(alert.due_at):%Y-%m-%d}" if alert.due_at else ""
        raised += _raise(
            NewCard(
                colour=rule.colour,
                department=task.department,
                reason=f"{alert.get_kind_display()}：办件 {alert.case.number}"
                f"（{task.get_kind_display()}）{due}",
                region=alert.case.region,
                person=person,
                case=alert.case,
                rectify_days=rule.rectify_days,
                rule=rule,
                fact=f"alert:{alert.pk}",
                alert=alert,
                events=proof.get(alert.case_id, []),
            ),
            now,
        )
    return raised


def _violation_cards(rule: CardRule, now: datetime) -> int:
    """A violation: the card goes to the case's department (or the actor of its first proof)."""
    # A rule does not card history: only breaches on open cases or shown by events at or after
    # its start (a new rule would otherwise card every late decision of past years at once).
    current = Q(case__status__in=[*Case.CLOCK_RUNNING, Case.Status.SUSPENDED]) | Q(
        pk__in=Violation.objects.filter(events__at__gte=rule.since).values("pk")
    )
    violations = (
        Violation.objects.filter(current, detected_at__gte=rule.since)
        .exclude(
            pk__in=Card.objects.filter(rule=rule, violation__isnull=False).values("violation_id")
        )
        .order_by("pk")
    )
    if rule.violation_kind:
        violations = violations.filter(kind=rule.violation_kind)
    raised = 0
    for v in violations.select_related("case__region", "case__department").prefetch_related(
        "events__actor"
    ):
        events = list(v.events.all())
        actors = [e.actor for e in events if e.actor_id]
        person = actors[0] if actors and rule.target == CardRule.Target.HANDLER else None
        raised += _raise(
            NewCard(
                colour=rule.colour,
                department=v.case.department,
                reason=f"{v.get_kind_display()}：办件 {v.case.number}，{v.detail}",
                region=v.case.region,
                person=person,
                case=v.case,
                rectify_days=rule.rectify_days,
                rule=rule,
                fact=f"violation:{v.pk}",
                violation=v,
                events=events,
            ),
            now,
        )
    return raised


def _months(today: date) -> list[date]:
    """This month and the last (a card of the month's last minutes is counted after it)."""
    first = today.replace(day=1)
    previous = (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )
    return [previous, first]


def _repeat_cards(rule: CardRule, now: datetime) -> int:
    """A department's standing yellow cards of one month reaching the threshold: one red card
    per department and month, linked to the evidence of the yellow cards."""
    raised = 0
    for month in _months(local_date(now)):
        start, end = month_bounds(month.year, month.month)
        counted = (
            Card.objects.filter(
                colour=Card.Colour.YELLOW,
                issued_at__gte=start,
                issued_at__lt=end,
                rectification__status__in=STANDING,
            )
            .values("department_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=max(rule.threshold, 1))
        )
        for row in counted:
            fact = f"repeat:{row['department_id']}:{month:%Y-%m}"
            if Card.objects.filter(rule=rule, fact=fact).exists():
                continue
            yellows = list(
                Card.objects.filter(
                    colour=Card.Colour.YELLOW,
                    department_id=row["department_id"],
                    issued_at__gte=start,
                    issued_at__lt=end,
                    rectification__status__in=STANDING,
                )
                .select_related("department", "department__region")
                .prefetch_related("events")
            )
            department = yellows[0].department
            raised += _raise(
                NewCard(
                    colour=rule.colour,
                    department=department,
                    reason=f"{month:%Y年%m月}累计黄牌 {len(yellows)} 张"
                    f"（达到 {rule.threshold} 张）",
                    region=department.region,
                    rectify_days=rule.rectify_days,
                    rule=rule,
                    fact=fact,
                    events=[e for c in yellows for e in c.events.all()],
                ),
                now,
            )
    return raised


def close_alerts(now: datetime) -> int:
    """Alerts of decided cases and of finished tasks no longer stand (set-based)."""
    running = [*Case.CLOCK_RUNNING, Case.Status.SUSPENDED]
    closed = (
        Alert.objects.filter(closed_at__isnull=True, task__isnull=True)
        .exclude(case__status__in=running)
        .update(closed_at=now)
    )
    closed += (
        Alert.objects.filter(closed_at__isnull=True, task__isnull=False)
        .exclude(task__status__in=Task.OPEN_STATES)
        .update(closed_at=now)
    )
    return closed
