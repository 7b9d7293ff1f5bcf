"""The community agent (代办员) applies for a villager at their community point (代办点)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from onestop.cases.models import Case
from onestop.cases.queries import agent_serves
from onestop.catalog.queries import live_items, search_items
from onestop.lib.identity import (
    check_mobile,
    mask_id_number,
)
from onestop.org.actions import same_name
from onestop.org.models import Applicant, Centre, Region, Role
from onestop.org.queries import staff_roles_of
from onestop.portal.cases_views.applying import Application, handle_application, live_item
from onestop.portal.cases_views.common import filed_by_agent, is_agent, user_of
from onestop.portal.cases_views.forms import ControlsForm, VillagerForm

SESSION_VILLAGER = "onestop_agent_villager"
NAME_DIFFERS = "您填写的姓名与该身份证号码登记的姓名不一致，未予关联；请核对身份证原件"


def _agent_point(user: User) -> tuple[Region, Centre] | None:
    """The agent's community and its 代办点."""
    for role in staff_roles_of(user):
        if role.role == Role.COMMUNITY_AGENT:
            centre = Centre.objects.filter(level=Centre.Level.COMMUNITY, region=role.region).first()
            if centre is not None:
                return role.region, centre
    return None


def _agent_or_404(request: HttpRequest) -> tuple[User, Region, Centre]:
    user = user_of(request)
    point = _agent_point(user) if is_agent(user) else None
    if point is None:
        raise Http404("仅限代办员使用")
    return user, point[0], point[1]


def _villager_in_scope(user: User, region: Region, applicant: Applicant) -> bool:
    """An agent serves people registered in their community, or those they filed for there;
    never someone with no community recorded (e.g. registered online): knowing a person's ID
    number is not a mandate (org.permissions.TABLE, community agent)."""
    return agent_serves(user, region, applicant)


def _current_villager(request: HttpRequest, region: Region) -> Applicant | None:
    pk = request.session.get(SESSION_VILLAGER)
    applicant = Applicant.objects.filter(pk=pk).first() if pk else None
    if applicant is None or not _villager_in_scope(user_of(request), region, applicant):
        return None
    return applicant


@transaction.atomic
def register_villager(*, name: str, id_number: str, phone: str, region: Region) -> Applicant:
    """An applicant record for a villager served at a community point (no password: they sign
    in only once they set one up)."""
    user = get_user_model().objects.create_user(username=f"cm{secrets.token_hex(6)}")
    user.first_name = name[:150]
    user.save(update_fields=["first_name"])
    return Applicant.objects.create(
        user=user,
        kind=Applicant.Kind.PERSON,
        name=name,
        id_number=id_number,
        phone=phone,
        region=region,
    )


def _pick_villager(request: HttpRequest, form: VillagerForm, region: Region) -> str:
    """Find (or register) the villager of the form; '' on success, else the error."""
    number = form.cleaned_data["id_number"]
    found = Applicant.objects.filter(id_number=number).first()
    if found is not None:
        if not _villager_in_scope(user_of(request), region, found):
            if found.region is None:
                return "该居民未登记所在社区/村，不能代办；请本人网上申请或到窗口办理"
            return "该居民登记在其他社区/村，请到其所在地代办点办理或网上申请"
        # Like the window: the number alone is no mandate, the card's name must match too.
        if not same_name(found.name, form.cleaned_data["name"]):
            form.add_error("name", NAME_DIFFERS)
            return "请核对居民身份证原件上的姓名"
        request.session[SESSION_VILLAGER] = found.pk
        return ""
    name, phone = form.cleaned_data["name"].strip(), form.cleaned_data["phone"].strip()
    if not name:
        form.add_error("name", "未找到该居民，请填写姓名以登记")
    phone_check = check_mobile(phone)
    if not phone_check.valid:
        form.add_error("phone", "未找到该居民，请填写手机号码以登记：" + phone_check.reason)
    if form.errors:
        return "该身份证号码尚未登记，请补充姓名和手机号码"
    villager = register_villager(name=name, id_number=number, phone=phone, region=region)
    request.session[SESSION_VILLAGER] = villager.pk
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def agent_home(request: HttpRequest) -> HttpResponse:
    """代办: choose the villager (by ID number), then the item; the list of cases filed here."""
    user, region, centre = _agent_or_404(request)
    form = VillagerForm(request.POST or None)
    error = ""
    if request.method == "POST":
        controls = ControlsForm(request.POST)
        if controls.is_valid() and controls.cleaned_data["action"] == "clear":
            request.session.pop(SESSION_VILLAGER, None)
            return redirect("portal:agent_home")
        if form.is_valid():
            error = _pick_villager(request, form, region)
            if not error:
                return redirect("portal:agent_items")
    villager = _current_villager(request, region)
    return render(
        request,
        "portal/cases/agent_home.html",
        {
            "form": form,
            "error": error,
            "centre": centre,
            "villager": villager,
            "villager_id": mask_id_number(villager.id_number) if villager else "",
            "filed": filed_by_agent(user),
        },
        status=422 if error else 200,
    )


@login_required
@require_GET
def agent_items(request: HttpRequest) -> HttpResponse:
    """The items a community point may take (社区/村代办), searchable."""
    _user_, region, centre = _agent_or_404(request)
    villager = _current_villager(request, region)
    if villager is None:
        messages.info(request, "请先确定办事居民")
        return redirect("portal:agent_home")
    q = request.GET.get("q", "").strip()[:50]
    qs = live_items().filter(at_community=True).select_related("department")
    qs = search_items(qs, q) if q else qs.order_by("department_id", "name")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/cases/agent_items.html",
        {"page": page, "q": q, "villager": villager, "centre": centre},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agent_apply(request: HttpRequest, code: str) -> HttpResponse:
    """The agent fills the item's form for the current villager; the case is the villager's."""
    _user_, region, centre = _agent_or_404(request)
    villager = _current_villager(request, region)
    if villager is None:
        messages.info(request, "请先确定办事居民")
        return redirect("portal:agent_home")
    item = live_item(code)
    if not item.at_community:
        messages.error(request, "该事项不能在社区/村代办点代办")
        return redirect("portal:agent_items")
    app = Application(
        item=item,
        applicant=villager,
        centre=centre,
        channel=Case.Channel.AGENT,
        action_url=reverse("portal:agent_apply", args=[item.code]),
        back_url=reverse("portal:agent_items"),
    )
    return handle_application(request, app)
