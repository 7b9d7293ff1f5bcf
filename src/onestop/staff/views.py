"""The staff workbench (工作台): what each role starts its day from."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.consents import give_consent
from onestop.cases.models import ReuseConsent, Task
from onestop.cases.queries import tasks_for_user
from onestop.catalog.models import ServiceItem
from onestop.catalog.queries import live_items
from onestop.core.forms import run_form
from onestop.hotline.models import Leader
from onestop.org.actions import read_full_identity
from onestop.org.models import Applicant, PersonalDataRead, Region, Role
from onestop.org.permissions import Act, Obj, Reach, may, staff_reaches
from onestop.org.queries import (
    applicants_for_user,
    get_applicant_for_user,
    has_role,
    is_staff_member,
    regions_in_scope,
    staff_roles_of,
)
from onestop.staff.forms import PaperConsentForm, RevealForm


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
            "is_clerk": Role.CLERK in role_values,
            "is_agent": Role.COMMUNITY_AGENT in role_values,
            "is_head": Role.DEPARTMENT_HEAD in role_values,
            "is_overseer": bool({Role.SUPERVISOR, Role.CENTRE_ADMIN} & role_values)
            or request.user.is_superuser,
            "open_tasks": tasks_for_user(request.user)
            .filter(status__in=Task.OPEN_STATES)
            .filter(Q(assignee=request.user) | Q(assignee__isnull=True))
            .count(),
            "can_admin": request.user.is_staff,
            "is_operator": Role.HOTLINE_OPERATOR in role_values,
            "is_trader": Role.TRADING_OFFICER in role_values,
            "is_hotline_handler": bool(
                role_values & {Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD}
            ),
            "is_hotline_leader": Leader.objects.filter(user_id=request.user.pk or 0).exists(),
            "can_audit_reads": may(request.user, Obj.IDENTITY, Act.AUDIT),
        },
    )


@login_required
@require_GET
def applicants(request: HttpRequest) -> HttpResponse:
    """Look up an applicant by name or phone; numbers are masked."""
    if not is_staff_member(request.user):
        return redirect("portal:home")
    q = request.GET.get("q", "").strip()[:40]
    rows = applicants_for_user(request.user).select_related("region").order_by("name")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(phone=q))
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "staff/applicants.html", {"page": page, "q": q})


@login_required
@require_POST
def reveal_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one applicant's full number; the read is recorded with its purpose."""
    if not may(request.user, Obj.IDENTITY, Act.REVEAL):
        raise Http404("申请人不存在")
    applicant = get_applicant_for_user(request.user, pk)
    form = RevealForm(request.POST)
    purpose = form.cleaned_data["purpose"] if form.is_valid() else ""
    if not purpose:
        messages.error(request, "查看完整证件号码须填写用途。")
        return redirect("staff:applicants")
    actor = cast(User, request.user)  # login_required: never anonymous here
    number = read_full_identity(applicant, actor=actor, purpose=purpose)
    return render(
        request, "staff/identity_revealed.html", {"applicant": applicant, "number": number}
    )


def identity_reads_for_user(user: User) -> QuerySet[PersonalDataRead]:
    """Reads of full ID numbers by staff of the supervisor's region subtrees."""
    q = Q(pk__in=[])
    for how_far, role in staff_reaches(user, Obj.IDENTITY, Act.AUDIT):
        if how_far == Reach.REGION:
            q |= Q(actor__staff_roles__region__path__startswith=role.region.path)
    if user.is_superuser:
        q = Q()
    return PersonalDataRead.objects.filter(
        pk__in=PersonalDataRead.objects.filter(q).values("pk")
    ).select_related("actor", "applicant")


@login_required
@require_GET
def identity_reads(request: HttpRequest) -> HttpResponse:
    """个人信息查阅记录: who read which full ID number, when and why (supervisors)."""
    user = cast(User, request.user)
    if not may(user, Obj.IDENTITY, Act.AUDIT):
        raise Http404("页面不存在")
    rows = identity_reads_for_user(user).order_by("-at", "-pk")
    q = request.GET.get("q", "").strip()[:40]
    if q:
        rows = rows.filter(
            Q(actor__username=q)
            | Q(actor__first_name__icontains=q)
            | Q(applicant__name__icontains=q)
            | Q(purpose__icontains=q)
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "staff/identity_reads.html", {"page": page, "q": q})


def _paper_consent(applicant: Applicant, actor: User, d: dict[str, Any]) -> ReuseConsent:
    return give_consent(
        applicant,
        material_name=d["material_name"].strip(),
        channel=ReuseConsent.Channel.PAPER,
        actor=actor,
        now=timezone.now(),
        point=d["point"],
        paper_ref=d["paper_ref"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def applicant_consents(request: HttpRequest, pk: int) -> HttpResponse:
    """An applicant's consents to reuse materials; a clerk records a signed paper one."""
    applicant = get_applicant_for_user(request.user, pk)
    actor = cast(User, request.user)
    if not has_role(actor, Role.CLERK):
        raise Http404("申请人不存在")
    form = PaperConsentForm(request.POST or None)
    if request.method == "POST":
        consent, _status = run_form(form, lambda d: _paper_consent(applicant, actor, d))
        if consent is not None:
            messages.success(request, "已登记纸质授权")
            return redirect("staff:applicant_consents", pk=applicant.pk)
    rows = ReuseConsent.objects.filter(owner=applicant).select_related("agent", "point")
    return render(
        request,
        "staff/applicant_consents.html",
        {"applicant": applicant, "form": form, "rows": rows},
        status=422 if form.errors else 200,
    )
