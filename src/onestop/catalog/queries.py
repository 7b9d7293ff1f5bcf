"""Reads of the catalog shared by the portal and the staff pages."""

from __future__ import annotations

from django.db.models import Case, Prefetch, QuerySet, Value, When

from onestop.catalog import rules
from onestop.catalog.models import LifeEvent, Material, ServiceItem, Step
from onestop.catalog.schema import split_words


def live_items() -> QuerySet[ServiceItem]:
    """The versions cases are accepted under today: one published row per code."""
    return ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED)


def with_parts(qs: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """Items with everything item_to_dict reads, in the order it reads them."""
    return qs.select_related("department").prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("order", "pk")),
        Prefetch("steps", queryset=Step.objects.order_by("order", "pk")),
        "co_departments",
        "life_events",
    )


def search_items(qs: QuerySet[ServiceItem], query: str) -> QuerySet[ServiceItem]:
    """The items of qs that match what a resident typed, best first (see catalog/rules.py).

    The ranking runs in Python over the items' names, aliases, keywords, life events and
    search text, so SQLite and PostgreSQL give the same order; at a district catalog's size
    (hundreds of live items) it takes a few milliseconds (bench/search.py).
    """
    if not rules.query_parts(query):
        return qs
    ranked = rules.rank(search_entries(qs), query)[:MAX_RESULTS]
    if not ranked:
        return qs.none()
    order = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)))
    return qs.filter(pk__in=ranked).order_by(order)


MAX_RESULTS = 200  # more than anyone pages through; keeps the ORDER BY short


def search_entries(qs: QuerySet[ServiceItem]) -> list[rules.Entry]:
    """What the search reads of the items of qs (two queries)."""
    rows = list(qs.order_by().values_list("pk", "name", "aliases", "keywords", "search_text"))
    events: dict[int, list[str]] = {}
    through = ServiceItem.life_events.through.objects.filter(
        serviceitem_id__in=[r[0] for r in rows]
    ).values_list("serviceitem_id", "lifeevent__name", "lifeevent__keywords")
    for pk, name, keywords in through:
        events.setdefault(pk, []).extend([name, *split_words(keywords)])
    return [
        rules.Entry.of(
            pk, name, split_words(aliases), split_words(keywords), events.get(pk, ()), text
        )
        for pk, name, aliases, keywords, text in dict.fromkeys(rows)
    ]


def events_for_query(query: str) -> list[LifeEvent]:
    """The life events a query names (出生 → 生育收养, 退休 → 养老服务): the guide offers
    to browse them as well."""
    parts = rules.query_parts(query)
    whole = "".join(parts)
    found = []
    for event in LifeEvent.objects.all():
        words = [rules.normalized(w) for w in [event.name, *split_words(event.keywords)]]
        if any(w and (w in parts or (len(w) >= 2 and w in whole)) for w in words):
            found.append(event)
    return found
