"""Permission-scoped reads of the hotline, duplicate detection, knowledge-base search, metrics."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.hotline import router, rules
from onestop.hotline.models import Article, Callback, Dispatch, Escalation, Kind, Ticket
from onestop.hotline.permissions import handler_departments, sees_all, signed_in
from onestop.hotline.text import search_terms
from onestop.hotline.workflow import AWAITING_CALLBACK, DISPATCH_OPEN, ESCALATION_OPEN, OPEN
from onestop.lib import ratelimit
from onestop.lib.ratelimit import RateLimited
from onestop.org.models import Department, Region
from onestop.workdays.calendar import end_of_day, local_date


def tickets_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    u = signed_in(user)
    if u is None:
        return Ticket.objects.none()
    qs = Ticket.objects.select_related("lead_department", "region")
    if sees_all(u):
        return qs
    depts = handler_departments(u)
    if not depts:
        return Ticket.objects.none()
    return qs.filter(dispatches__department_id__in=depts).distinct()


def get_ticket_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Ticket:
    """The ticket, or 404 for one outside the user's scope (same answer as 'no such')."""
    ticket = tickets_for_user(user).filter(pk=pk).first()
    if ticket is None:
        raise Http404("工单不存在")
    return ticket


def inbox_for_user(user: User) -> QuerySet[Dispatch]:
    """The department's dispatches, open ones first by due time."""
    depts = handler_departments(user)
    return (
        Dispatch.objects.filter(department_id__in=depts)
        .select_related("ticket", "department", "ticket__region")
        .order_by(
            Case(
                When(status__in=DISPATCH_OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "due_at",
            "-pk",
        )
    )


def get_dispatch_for_user(user: User, pk: int) -> Dispatch:
    dispatch = inbox_for_user(user).filter(pk=pk).first()
    if dispatch is None:
        raise Http404("派单不存在")
    return dispatch


def refused_departments(ticket: Ticket) -> list[Department]:
    """Departments that have sent the ticket back as its lead (改派 does not offer them)."""
    ids = Dispatch.objects.filter(
        ticket=ticket, lead=True, status=Dispatch.Status.SENT_BACK
    ).values("department_id")
    return list(Department.objects.filter(pk__in=ids).order_by("pk"))


def caller_history(phone: str, *, exclude: Ticket | None = None, limit: int = 10) -> list[Ticket]:
    """Earlier tickets from the same phone number, newest first (the console's caller history)."""
    phone = phone.strip()
    if not phone:
        return []
    qs = Ticket.objects.filter(caller_phone=phone).select_related("lead_department")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("-registered_at")[:limit])


def similar_open_tickets(
    content: str,
    address: str,
    region: Region | None,
    *,
    exclude: Ticket | None = None,
    days: int = 60,
    limit: int = 5,
) -> list[Ticket]:
    """Open tickets about the same place and matter: same community (or a close address) and
    similar text (character bigrams), most similar first."""
    newest = Ticket.objects.order_by("-registered_at").values_list("registered_at", flat=True)
    latest = newest.first()
    if latest is None:
        return []
    qs = Ticket.objects.filter(
        status__in=OPEN, registered_at__gte=latest - timedelta(days=days)
    ).select_related("lead_department")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if region is not None:
        qs = qs.filter(region=region)
    elif not address.strip():
        return []
    threshold = rules.duplicate_threshold()
    ignore = rules.place_words(list(Region.objects.values_list("name", flat=True)))
    scored = []
    for t in qs.order_by("-registered_at")[:500]:
        place = region is not None or rules.similarity(address, t.address) >= 0.5
        if not place:
            continue
        score = rules.similarity(content, t.content, ignore)
        if score >= threshold:
            scored.append((score, t))
    scored.sort(key=lambda x: -x[0])
    return [t for _, t in scored[:limit]]


# --- knowledge base ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str  # "article" or "guide"
    title: str
    body: str
    department: str
    url: str
    score: int
    stale: bool = False  # past its review date


def _score(terms: list[str], fields: dict[str, int]) -> ExpressionWrapper:
    """Sum of the weights of the fields each term is found in. `search_words` holds padded
    jieba words, so a term matches there only as a whole word (" 低保 ")."""
    parts = [
        Case(
            When(
                Q(**{lookup: f" {term} " if lookup.startswith("search_words") else term}),
                then=Value(weight),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        for term in terms
        for lookup, weight in fields.items()
    ]
    total: Any = parts[0]
    for part in parts[1:]:
        total = total + part
    return ExpressionWrapper(total, output_field=IntegerField())


def _of(departments: Sequence[str] | None) -> Q:
    """Rows of the named departments (full or short names); every row when None."""
    if departments is None:
        return Q()
    return Q(department__name__in=departments) | Q(department__short_name__in=departments)


def search_articles(
    query: str | list[str],
    today: date,
    *,
    limit: int = 10,
    departments: Sequence[str] | None = None,
) -> list[Hit]:
    """Articles in force (not expired) ranked by matched words: title hits weigh most."""
    terms = search_terms(query) if isinstance(query, str) else query
    if not terms:
        return []
    articles = (
        Article.objects.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .filter(_of(departments))
        .select_related("department")
        .annotate(
            score=_score(
                terms,
                {"title__icontains": 3, "keywords__icontains": 2, "search_words__contains": 1},
            )
        )
        .filter(score__gt=0)
        .order_by("-score", "title")[:limit]
    )
    return [
        Hit(
            "article",
            a.title,
            a.body,
            a.department.short_name,
            f"/staff/hotline/kb/{a.pk}/",
            int(a.score),  # type: ignore[attr-defined]
            a.review_on < today,
        )
        for a in articles
    ]


def search_guide(
    query: str | list[str], *, limit: int = 5, departments: Sequence[str] | None = None
) -> list[Hit]:
    """The catalog's service guide: items whose name or search text holds the query's words."""
    terms = search_terms(query) if isinstance(query, str) else query
    if not terms:
        return []
    items: QuerySet[ServiceItem] = (
        live_items()
        .filter(_of(departments))
        .select_related("department")
        .annotate(score=_score(terms, {"name__icontains": 3, "search_text__contains": 1}))
        .filter(score__gt=1)
        .order_by("-score", "name")[:limit]
    )
    return [
        Hit(
            "guide",
            i.name,
            f"承诺时限 {i.promised_limit} 个工作日；办理部门：{i.department.short_name}",
            i.department.short_name,
            f"/guide/item/{i.code}/",
            int(i.score),  # type: ignore[attr-defined]
        )
        for i in items
    ]


def search_knowledge(
    query: str | list[str], today: date, *, departments: Sequence[str] | None = None
) -> list[Hit]:
    hits = search_articles(query, today, departments=departments) + search_guide(
        query, departments=departments
    )
    return sorted(hits, key=lambda h: (-h.score, h.kind, h.title))


def ticket_hints(
    content: str,
    today: date,
    *,
    address: str = "",
    region: str = "",
    lead: str = "",
    limit: int = 5,
) -> list[Hit]:
    """Knowledge-base answers for a ticket by its topic, not by shared words: articles and
    guide items of the departments the router suggests for it (its lead, when it has one, the
    first suggestion and runners-up at least half as likely), matched on the ticket's words
    without its place names. With no suggestion at all,
    the plain search of the words."""
    found = router.suggest_for_ticket(content, address, region)
    topic = [lead] if lead else []
    if found is not None:  # the first department, and runners-up nearly as likely
        topic.append(found.department)
        topic += [d for d, p in found.alternatives if p >= found.confidence / 2]
    # A ticket is longer than a search: all its words of two characters or more count.
    plain = router.mask_places([content], router.places().pattern)[0]
    terms = search_terms(plain, limit=40, min_len=2)
    return search_knowledge(terms, today, departments=topic or None)[:limit]


# --- public follow-up --------------------------------------------------------------------------

LOOKUP_LIMIT = 20
LOOKUP_WINDOW = 600


class TooManyMisses(RateLimited):
    pass


def lookup_ticket(address: str, number: str, query_code: str) -> Ticket | None:
    """The ticket for a number + query code, counting wrong pairs per address."""
    try:
        ratelimit.check("hotline-misses", address, limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW)
    except RateLimited as e:
        raise TooManyMisses(e.retry_after, e.message) from e
    number, query_code = number.strip().upper(), query_code.strip().upper()
    ticket = None
    if number and query_code:
        ticket = (
            Ticket.objects.select_related("lead_department", "merged_into")
            .filter(number=number, query_code=query_code)
            .first()
        )
    if ticket is None:
        ratelimit.record("hotline-misses", address, window=LOOKUP_WINDOW)
    return ticket


# --- queues ------------------------------------------------------------------------------------


def callback_queue() -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(status__in=AWAITING_CALLBACK)
        .select_related("lead_department")
        .order_by("replied_at")
    )


def leader_queue() -> QuerySet[Escalation]:
    return Escalation.objects.select_related("ticket", "ticket__lead_department", "officer")


# {answer} is a whole sentence with its own end mark (see _sentence): no "。" after it.
CALLBACK_SCRIPTS = {
    Kind.CONSULT: "您好，这里是{hotline}。您于{date}咨询的“{title}”，{dept}已答复：{answer}"
    "请问您的问题是否已经清楚？您对答复满意吗？",
    Kind.HELP: "您好，这里是{hotline}。您于{date}求助的“{title}”，{dept}答复：{answer}"
    "请问问题是否已经解决？您对办理结果满意吗？",
    Kind.COMPLAINT: "您好，这里是{hotline}。您于{date}投诉的“{title}”，{dept}反馈：{answer}"
    "请问情况属实吗？问题是否已解决？您对处理结果满意吗？",
    Kind.SUGGESTION: "您好，这里是{hotline}。感谢您于{date}提出的建议“{title}”，"
    "{dept}答复：{answer}请问您对答复满意吗？",
    Kind.REPORT: "您好，这里是{hotline}。您于{date}举报的“{title}”，"
    "{dept}已核查处理：{answer}请问您对处理结果满意吗？",
    Kind.PRAISE: "您好，这里是{hotline}。您于{date}表扬的“{title}”已转达{dept}，"
    "答复：{answer}感谢您的支持，请问还有其他需要吗？",
}
ANSWER_LIMIT = 120
# Marks that may not end a clause that the script continues after.
_TRAILING = " \u3000，,、；;：:。.…"
_CLOSING = "？！?!"


_MARK_RUN = re.compile(r"[，。、；：,.;:？！?!…]{2,}")
_STRENGTH = "？?！!。.；;，,、：:"


def _one_mark(run: re.Match[str]) -> str:
    """A run of marks typed by hand ("。。", "，。", "...") as the one mark it means."""
    marks = run.group()
    if "…" in marks or marks.startswith(".."):
        return "……"
    strongest = min(marks, key=lambda m: _STRENGTH.index(m) if m in _STRENGTH else 99)
    return {"?": "？", "!": "！", ".": "。", ";": "；", ",": "，", ":": "："}.get(
        strongest, strongest
    )


def _clean(text: str) -> str:
    return _MARK_RUN.sub(_one_mark, " ".join(text.split()))


def _quoted(title: str) -> str:
    """A title to put between “”: one line, no end mark of its own; a cut one ends in ……."""
    title = _clean(title).replace("“", "‘").replace("”", "’")
    cut = title.endswith(("…", "..."))
    title = title.strip(_TRAILING + _CLOSING)
    return title + "……" if cut and title else title


def _sentence(text: str, limit: int = ANSWER_LIMIT) -> str:
    """The department's answer as one sentence of the script, ending in exactly one mark:
    its own ？ or ！, …… when it is cut short, else 。."""
    text = _clean(text).lstrip(_TRAILING + _CLOSING)
    cut = len(text) > limit
    text = text[:limit].rstrip(_TRAILING)
    core = text.rstrip(_TRAILING + _CLOSING)
    if not core:
        return "（无答复内容）。"
    if cut:
        return core + "……"
    if text[-1] in _CLOSING:
        return core + ("？" if text[-1] in "?？" else "！")
    return core + "。"


def callback_script(ticket: Ticket) -> str:
    day = local_date(ticket.registered_at)
    return CALLBACK_SCRIPTS[Kind(ticket.kind)].format(
        hotline=f"{rules.hotline_sign()}热线",
        date=f"{day.month}月{day.day}日",
        title=_quoted(ticket.title) or "您反映的问题",
        dept=ticket.lead_department.short_name if ticket.lead_department else "承办部门",
        answer=_sentence(ticket.answer),
    )


# --- metrics -----------------------------------------------------------------------------------

DEFINITIONS = {
    "on_time_sign": "按时签收率 = 在签收期限内签收（或退单）的派单数 ÷ 应签收的派单数"
    "（本月派出的主办、协办派单，尚在签收期限内未签收的和已撤回的不计）",
    "on_time_done": "按时办结率 = 本月主办派单中在办理期限（含批准的延期）内答复的件数"
    " ÷ 已答复或已超期的主办派单数",
    "send_back": "退单率 = 本月派出后被部门退回的派单数 ÷ 本月派出的派单数",
    "solved": "解决率 = 本月回访中“已解决”和“基本解决”的件数 ÷ 本月回访件数",
    "satisfied": "满意率 = 本月回访中“满意”和“基本满意”的件数 ÷ 本月回访件数",
}


@dataclass
class DeptFigures:
    department: Department
    dispatched: int = 0
    sign_due: int = 0
    signed_on_time: int = 0
    sent_back: int = 0
    lead_due: int = 0
    done_on_time: int = 0
    callbacks: int = 0
    solved: int = 0
    satisfied: int = 0

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def on_time_sign(self) -> float | None:
        return self.rate(self.signed_on_time, self.sign_due)

    @property
    def on_time_done(self) -> float | None:
        return self.rate(self.done_on_time, self.lead_due)

    @property
    def send_back(self) -> float | None:
        return self.rate(self.sent_back, self.dispatched)

    @property
    def solved_rate(self) -> float | None:
        return self.rate(self.solved, self.callbacks)

    @property
    def satisfied_rate(self) -> float | None:
        return self.rate(self.satisfied, self.callbacks)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return end_of_day(first - timedelta(days=1)), end_of_day(nxt - timedelta(days=1))


def department_metrics(year: int, month: int, now: datetime) -> list[DeptFigures]:
    """The five rates per department for one month (see DEFINITIONS)."""
    start, end = month_bounds(year, month)
    D = Dispatch.Status
    month_dispatches = Dispatch.objects.filter(dispatched_at__gt=start, dispatched_at__lte=end)
    figures: dict[int, dict[str, int]] = {}
    rows = (
        month_dispatches.exclude(status=D.WITHDRAWN)
        .values("department_id")
        .annotate(
            dispatched=Count("pk"),
            # Pending dispatches still within their signing time are not judged yet.
            sign_due=Count("pk", filter=~Q(status=D.PENDING, sign_due_at__gte=now)),
            signed_on_time=Count(
                "pk",
                filter=Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at"))
                | Q(signed_at__isnull=True, sent_back_at__lte=F("sign_due_at")),
            ),
            sent_back=Count("pk", filter=Q(status=D.SENT_BACK)),
            lead_due=Count(
                "pk",
                filter=Q(lead=True)
                & (Q(status=D.REPLIED) | Q(status__in=[D.PENDING, D.SIGNED], due_at__lt=now)),
            ),
            done_on_time=Count(
                "pk", filter=Q(lead=True, status=D.REPLIED, replied_at__lte=F("due_at"))
            ),
        )
    )
    for row in rows:
        figures[row["department_id"]] = {
            "dispatched": row["dispatched"],
            "sign_due": row["sign_due"],
            "signed_on_time": row["signed_on_time"],
            "sent_back": row["sent_back"],
            "lead_due": row["lead_due"],
            "done_on_time": row["done_on_time"],
        }
    cb_rows = (
        Callback.objects.filter(at__gt=start, at__lte=end)
        .values("department_id")
        .annotate(
            callbacks=Count("pk"),
            solved=Count("pk", filter=Q(resolution__in=["solved", "partly"])),
            satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basic"])),
        )
    )
    for cb in cb_rows:
        figures.setdefault(cb["department_id"], {}).update(
            callbacks=cb["callbacks"], solved=cb["solved"], satisfied=cb["satisfied"]
        )
    depts = Department.objects.in_bulk(list(figures))
    out = [DeptFigures(depts[pk], **vals) for pk, vals in figures.items() if pk in depts]
    return sorted(out, key=lambda f: (-(f.dispatched + f.callbacks), f.department.pk))


def hot_topics(year: int, month: int) -> dict[str, object]:
    """Tickets of a month by street/town and type: the heat map of the metrics page."""
    start, end = month_bounds(year, month)
    qs = Ticket.objects.filter(registered_at__gt=start, registered_at__lte=end)
    streets = list(
        Region.objects.filter(level=Region.Level.STREET)
        .order_by("code")
        .values_list("pk", "name", "path")
    )
    cells: dict[tuple[int, int], int] = {}
    kinds = list(Kind)
    unknown = len(streets)
    for path, kind, n in (
        qs.values("region__path", "kind")
        .annotate(n=Count("pk"))
        .values_list("region__path", "kind", "n")
    ):
        x = next((i for i, s in enumerate(streets) if path and path.startswith(s[2])), unknown)
        y = kinds.index(Kind(kind))
        cells[(x, y)] = cells.get((x, y), 0) + n
    return {
        "regions": [s[1] for s in streets] + ["未注明地点"],
        "kinds": [str(k.label) for k in kinds],
        "cells": [[x, y, n] for (x, y), n in sorted(cells.items())],
        "max": max(cells.values(), default=0),
        "total": sum(cells.values()),
    }


def open_escalations_count() -> int:
    return Escalation.objects.filter(status__in=ESCALATION_OPEN).count()
