"""The staff workbench (工作台): what each role starts its day from."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.org.models import Region, Role
from onestop.org.queries import is_staff_member, regions_in_scope, staff_roles_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        return redirect("portal:home")
    roles = staff_roles_of(request.user)
    departments = {r.department for r in roles if r.department is not None}
    items = (
        live_items()
        .filter(Q(department__in=departments) | Q(co_departments__in=departments))
        .select_related("department")
        .distinct()
        .order_by("name")
    )
    scope = regions_in_scope(request.user).aggregate(
        streets=Count("pk", filter=Q(level=Region.Level.STREET)),
        communities=Count("pk", filter=Q(level=Region.Level.COMMUNITY)),
    )
    role_values = {r.role for r in roles}
    return render(
        request,
        "staff/home.html",
        {
            "roles": roles,
            "items": items[:50],
            "item_count": items.count(),
            "instant_count": items.filter(kind=ServiceItem.Kind.INSTANT).count(),
            "scope": scope,
            "is_admin": Role.CENTRE_ADMIN in role_values or request.user.is_superuser,
            "can_admin": request.user.is_staff,
        },
    )
