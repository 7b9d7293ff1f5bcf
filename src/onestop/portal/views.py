"""Public pages: the service guide (办事指南), departments, the service network and the licence
decisions made public (双公示)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from onestop.catalog.models import LifeEvent, ServiceItem
from onestop.catalog.queries import events_for_query, live_items, search_items
from onestop.disclosure import export
from onestop.disclosure import queries as disclosure
from onestop.disclosure.forms import LicenceSearchForm
from onestop.disclosure.models import LicenceDecision
from onestop.org.models import Centre, Department, Region, Window
from onestop.workdays.calendar import local_date

# Guide filters that switch on one boolean field: parameter → value → (label, field).
FLAG_FILTERS = {
    "theme": {"person": ("个人办事", "for_person"), "enterprise": ("法人办事", "for_enterprise")},
    "level": {
        "street": ("街道/镇可办", "at_street"),
        "community": ("社区/村可代办", "at_community"),
    },
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    items = live_items()
    stats = {
        "items": items.count(),
        "instant": items.filter(kind=ServiceItem.Kind.INSTANT).count(),
        "online": items.filter(online_depth__gte=ServiceItem.OnlineDepth.ONLINE_APPLY).count(),
        "community": items.filter(at_community=True).count(),
        "departments": Department.objects.filter(items__status="published").distinct().count(),
    }
    events = LifeEvent.objects.annotate(
        n=Count("serviceitem", filter=Q(serviceitem__status=ServiceItem.Status.PUBLISHED))
    )
    popular = items.select_related("department").filter(for_person=True).order_by("code")[:8]
    return render(
        request,
        "portal/home.html",
        {
            "stats": stats,
            "person_events": [e for e in events if e.theme == LifeEvent.Theme.PERSON],
            "enterprise_events": [e for e in events if e.theme == LifeEvent.Theme.ENTERPRISE],
            "popular": popular,
        },
    )


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    qs = live_items().select_related("department")
    q = request.GET.get("q", "").strip()[:50]
    filters: dict[str, str] = {}
    dept_key = request.GET.get("dept", "")
    department = Department.objects.filter(key=dept_key).first() if dept_key else None
    if department:
        qs = qs.filter(Q(department=department) | Q(co_departments=department)).distinct()
        filters["dept"] = department.short_name
    for param, choices in FLAG_FILTERS.items():
        chosen = choices.get(request.GET.get(param, ""))
        if chosen:
            label, flag = chosen
            qs = qs.filter(**{flag: True})
            filters[param] = label
    event_key = request.GET.get("event", "")
    event = LifeEvent.objects.filter(key=event_key).first() if event_key else None
    if event:
        qs = qs.filter(life_events=event)
        filters["event"] = event.name
    kind = request.GET.get("kind", "")
    if kind in ServiceItem.Kind.values:
        qs = qs.filter(kind=kind)
        filters["kind"] = str(ServiceItem.Kind(kind).label)
    qs = search_items(qs, q) if q else qs.order_by("department_id", "name")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/guide.html",
        {
            "page": page,
            "q": q,
            "filters": filters,
            "querystring": params.urlencode(),
            "departments": Department.objects.filter(items__status="published")
            .distinct()
            .order_by("kind", "id"),
            "events": LifeEvent.objects.all(),
            "named_events": events_for_query(q) if q and not event else [],
            "current": {
                "dept": dept_key,
                "theme": request.GET.get("theme", ""),
                "event": event_key,
                "level": request.GET.get("level", ""),
                "kind": kind,
            },
        },
    )


@require_GET
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = (
        live_items()
        .select_related("department", "department__region")
        .prefetch_related("materials", "steps", "co_departments", "life_events")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise Http404("事项不存在")
    departments = [item.department, *item.co_departments.all()]
    # The district centre's windows that take this item: its department's own windows, and the
    # comprehensive (综合受理) windows that accept for that department.
    windows = list(
        Window.objects.filter(departments=item.department, zone__centre__level="district")
        .select_related("zone", "zone__centre")
        .order_by("number")
    )
    dept_windows = [w for w in windows if w.kind == Window.Kind.DEPARTMENT]
    comprehensive = [w for w in windows if w.kind == Window.Kind.COMPREHENSIVE]
    levels = []
    if item.at_street:
        levels.append(Centre.Level.STREET)
    if item.at_community:
        levels.append(Centre.Level.COMMUNITY)
    local_count = Centre.objects.filter(level__in=levels).count() if levels else 0
    materials = list(item.materials.all())
    return render(
        request,
        "portal/item.html",
        {
            "item": item,
            "departments": departments,
            "windows": dept_windows or comprehensive,
            "comprehensive": comprehensive if dept_windows else [],
            "local_count": local_count,
            "materials": materials,
            "required_count": sum(1 for m in materials if m.required),
            "steps": item.steps.all(),
        },
    )


@require_GET
def departments(request: HttpRequest) -> HttpResponse:
    rows = Department.objects.annotate(
        n=Count("items", filter=Q(items__status=ServiceItem.Status.PUBLISHED))
    ).order_by("kind", "id")
    groups = [
        (label, [d for d in rows if d.kind == kind]) for kind, label in Department.Kind.choices
    ]
    return render(request, "portal/departments.html", {"groups": groups})


@require_GET
def centres(request: HttpRequest) -> HttpResponse:
    district = Region.objects.filter(level=Region.Level.DISTRICT, parent=None).first()
    # Only the district centre shows its zones and windows (numbers and names): prefetching them
    # (with their departments) for every centre made this the slowest public page under load.
    centre_list = Centre.objects.select_related("region").order_by("region__code")
    by_region: dict[int, list[Centre]] = {}
    for c in centre_list:
        by_region.setdefault(c.region_id, []).append(c)
    district_centres = by_region.get(district.pk, []) if district else []
    prefetch_related_objects(
        district_centres,
        Prefetch(
            "zones__windows",
            queryset=Window.objects.only("zone", "number", "name").order_by("number"),
        ),
    )
    streets = Region.objects.filter(level=Region.Level.STREET).order_by("code")
    communities = Region.objects.filter(level=Region.Level.COMMUNITY).order_by("code")
    tree = [
        {
            "street": s,
            "centres": by_region.get(s.pk, []),
            "communities": [
                {"region": c, "centres": by_region.get(c.pk, [])}
                for c in communities
                if c.parent_id == s.pk
            ],
        }
        for s in streets
    ]
    return render(
        request,
        "portal/centres.html",
        {
            "district": district,
            "district_centres": district_centres,
            "tree": tree,
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


# --- licence decisions made public (行政许可 双公示, issue 16) ---------------------------------


def _licence_search(request: HttpRequest) -> tuple[LicenceSearchForm, QuerySet[LicenceDecision]]:
    form = LicenceSearchForm(request.GET or None)
    return form, disclosure.published(form.search())


@require_GET
def licences(request: HttpRequest) -> HttpResponse:
    """Every published licence decision, searchable, paginated, with its export links."""
    form, qs = _licence_search(request)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/licences.html",
        {"form": form, "page": page, "querystring": params.urlencode()},
    )


@require_GET
def licences_xlsx(request: HttpRequest) -> HttpResponse:
    _form, qs = _licence_search(request)
    response = HttpResponse(
        export.export_xlsx(qs),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = export.filename("xlsx", local_date(timezone.now()))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def licences_csv(request: HttpRequest) -> HttpResponse:
    _form, qs = _licence_search(request)
    response = HttpResponse(export.export_csv(qs), content_type="text/csv; charset=utf-8")
    name = export.filename("csv", local_date(timezone.now()))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
