"""Demo hotline data (demo/data/hotline.json): a district leader, knowledge-base articles, the
routing keyword rules and tickets in every state, each built through the real actions at
times before `now`.

Every ticket is registered with a request key ("demo-hotline-<n>"), articles are matched on
department and title: loading the demo again changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from onestop.demo.org import demo_password_hash
from onestop.hotline import actions
from onestop.hotline.models import (
    Article,
    Escalation,
    Leader,
    RoutingRule,
    Ticket,
    TicketEvent,
)
from onestop.org.models import Department, Region, Role, StaffRole
from onestop.workdays.calendar import centre_zone, local_date

DATA = Path(settings.BASE_DIR) / "demo" / "data" / "hotline.json"
M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)


def _handler(dept: Department) -> User:
    """Someone who works the department's tickets: an existing clerk/reviewer/head, or a demo
    clerk created for it (username <key>_hotline)."""
    role = (
        StaffRole.objects.filter(department=dept, role__in=actions.HANDLER_ROLES)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is not None:
        return role.user
    user, created = User.objects.get_or_create(
        username=f"{dept.key}_hotline", defaults={"first_name": f"{dept.short_name}热线联络员"}
    )
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    StaffRole.objects.get_or_create(user=user, role=Role.CLERK, department=dept, region=dept.region)
    return user


def _articles(rows: list[dict[str, Any]], now: datetime) -> int:
    created = 0
    today = local_date(now)
    for row in rows:
        dept = Department.objects.get(key=row["department"])
        if Article.objects.filter(department=dept, title=row["title"]).exists():
            continue
        expires = None
        if "expired_days_ago" in row:
            expires = today - timedelta(days=row["expired_days_ago"])
        actions.save_article(
            None,
            department=dept,
            data=actions.ArticleData(
                row["title"],
                row["body"],
                row.get("keywords", ""),
                row.get("review_days", 180),
                expires,
            ),
            actor=None,
            now=now,
        )
        created += 1
    return created


def load_routing_rules(rows: list[dict[str, Any]]) -> int:
    """The administrator's keyword rules of the demo (matched on their keywords)."""
    created = 0
    for row in rows:
        dept = Department.objects.get(key=row["department"]) if row["department"] else None
        _, made = RoutingRule.objects.get_or_create(
            keywords=row["keywords"], defaults={"department": dept, "note": row.get("note", "")}
        )
        created += made
    return created


def _leaders(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        user = User.objects.filter(username=row["username"]).first()
        if user is not None:
            Leader.objects.get_or_create(user=user, defaults={"title": row["title"]})


def _start(now: datetime, days_ago: int) -> datetime:
    """09:30 centre time, `days_ago` days before now (or an hour ago for today's calls)."""
    if days_ago == 0:
        return now - H
    day: date = local_date(now) - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=centre_zone())


def _ticket(n: int, row: dict[str, Any], now: datetime, people: dict[str, User]) -> bool:
    key = f"demo-hotline-{n}"
    if TicketEvent.objects.filter(kind="registered", key=key).exists():
        return False
    operator = people["operator"]
    t0 = _start(now, row["days_ago"])
    name, phone = row["caller"]
    region = Region.objects.filter(code=row["region"]).first() if row["region"] else None
    ticket = actions.register_ticket(
        actions.NewTicket(
            kind=row["kind"],
            content=row["content"],
            urgency=row.get("urgency", "normal"),
            caller_name=name,
            caller_phone=phone,
            anonymous=row.get("anonymous", False),
            address=row["address"],
            region=region,
        ),
        actor=operator,
        now=t0,
        key=key,
    )
    state = row["state"]
    if state == "answered":
        actions.answer_on_spot(ticket, actor=operator, now=t0 + 5 * M, answer=row["answer"])
        return True
    if state == "registered":
        return True
    lead = Department.objects.get(key=row["lead"])
    actions.dispatch_ticket(ticket, actor=operator, now=t0 + 10 * M, lead=lead)
    dispatch = ticket.dispatches.get(lead=True, status="pending")
    handler = _handler(lead)
    if state == "sent_back":
        actions.send_back(dispatch, actor=handler, now=t0 + 3 * H, reason=row["reason"])
        return True
    if state == "dispatched":
        return True
    actions.sign_dispatch(dispatch, actor=handler, now=t0 + 2 * H)
    if "instruct" in row:
        esc = Escalation.objects.get(ticket=ticket)
        actions.instruct_escalation(
            esc,
            actor=people["leader"],
            now=t0 + 3 * H,
            instruction=row["instruct"],
            officer=people["supervisor"],
        )
    if state == "signed":
        return True
    actions.reply_dispatch(dispatch, actor=handler, now=t0 + 2 * D, reply=row["reply"])
    if state in ("closed", "reopened"):  # a bad callback reopens the ticket
        resolution, satisfaction = row["callback"]
        actions.record_callback(
            Ticket.objects.get(pk=ticket.pk),
            actor=operator,
            now=t0 + 4 * D,
            resolution=resolution,
            satisfaction=satisfaction,
        )
    return True


def load_hotline_demo(*, now: datetime, path: Path = DATA) -> dict[str, int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    _leaders(data["leaders"])
    people = {
        u.username: u
        for u in User.objects.filter(username__in=["operator", "leader", "supervisor"])
    }
    counts = {
        "知识库条目": _articles(data["articles"], now),
        "派单关键词规则": load_routing_rules(data.get("routing_rules", [])),
    }
    if {"operator", "leader", "supervisor"} <= set(people):
        counts["热线工单"] = sum(
            _ticket(n, row, now, people) for n, row in enumerate(data["tickets"])
        )
    return {k: v for k, v in counts.items() if v}
