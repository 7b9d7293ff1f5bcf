"""Reads of the catalog shared by the portal and the staff pages."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from onestop.catalog.models import Material, ServiceItem, Step


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
    """Every whitespace-separated term must occur; items whose name matches rank first.

    Chinese has no spaces between words, so matching is by substring over search_text
    (name, department, materials, legal basis), which behaves the same on SQLite and
    PostgreSQL: 食品 finds 食品经营许可, 经营许可 finds it too.
    """
    terms = [t.lower() for t in query.split() if t.strip()][:8]
    if not terms:
        return qs
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    name_hits = Q()
    for term in terms:
        name_hits &= Q(name__icontains=term)
    return qs.annotate(
        rank=Case(When(name_hits, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("rank", "name")
