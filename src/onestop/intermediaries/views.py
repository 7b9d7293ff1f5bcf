"""Marketplace pages: the public directory (also for the hall's touch screen), registration,
needs with their results, the owner's and the intermediary's moves, and the centre's desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.models import Case
from onestop.core.errors import DomainError
from onestop.intermediaries import actions, forms
from onestop.intermediaries.errors import IntermediaryError
from onestop.intermediaries.forms import FreezeDrawForm, SourcesForm
from onestop.intermediaries.models import Intermediary, Need, Service
from onestop.intermediaries.permissions import is_owner
from onestop.intermediaries.workflow import INTERMEDIARY, NEED
from onestop.org.models import Applicant
from onestop.org.web import form_problems, run_move
from onestop.trading.models import Project
from onestop.trading.permissions import officer_required


def _enterprise(request: HttpRequest) -> Applicant | None:
    applicant = getattr(request.user, "applicant", None) if request.user.is_authenticated else None
    return applicant if applicant and applicant.kind == Applicant.Kind.ENTERPRISE else None


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    service = request.GET.get("service", "")
    items = [
        i
        for i in Intermediary.objects.filter(status__in=INTERMEDIARY.sets["LISTED"])
        if not service or service in i.services
    ]
    template = (
        "intermediaries/kiosk.html" if request.GET.get("kiosk") else "intermediaries/list.html"
    )
    return render(
        request, template, {"items": items, "services": Service.choices, "service": service}
    )


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Intermediary.objects.filter(status__in=INTERMEDIARY.sets["PUBLIC"]),
        pk=pk,
    )
    done = item.needs.filter(status=Need.Status.RATED).order_by("-delivered_at")[:20]
    return render(request, "intermediaries/profile.html", {"item": item, "done": done})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    me = _enterprise(request)
    if request.method == "POST":
        form = forms.RegisterForm(request.POST)
        if me is None:
            messages.error(request, "请以企业（法人）账号登录后入驻")
        elif not form.is_valid():
            form_problems(request, form)
        else:
            d = form.cleaned_data
            d["name"] = d["name"] or me.name
            d["credit_code"] = d["credit_code"] or me.credit_code
            done = run_move(
                request,
                lambda: actions.register(account=me, now=timezone.now(), **d),
                "入驻申请已提交，交易中心审核后公开",
            )
            if done is not None:
                return redirect("intermediaries:list")
    return render(request, "intermediaries/register.html", {"me": me, "services": Service.choices})


def _links(owner: Applicant, case_number: str, project_code: str) -> tuple[int | None, int | None]:
    """The owner's own case, or a trading project it owns, that the service is a precondition of."""
    case_id = project_id = None
    if case_number.strip():
        case = Case.objects.filter(number=case_number.strip(), applicant=owner).first()
        if case is None:
            raise IntermediaryError("办件编号不存在或不是您的办件", field="case_number")
        case_id = case.pk
    if project_code.strip():
        project = Project.objects.filter(code=project_code.strip(), owner=owner).first()
        if project is None:
            raise IntermediaryError("交易项目编号不存在或不是您的项目", field="project_code")
        project_id = project.pk
    return case_id, project_id


@require_GET
def needs(request: HttpRequest) -> HttpResponse:
    rows = Need.objects.select_related("owner", "selected").filter(status__in=NEED.sets["PUBLIC"])
    return render(request, "intermediaries/needs.html", {"needs": rows[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest) -> HttpResponse:
    me = _enterprise(request)
    if request.method == "POST":
        form = forms.NeedForm(request.POST)
        if me is None:
            messages.error(request, "请以项目业主（企业）账号登录")
        elif not form.is_valid():
            form_problems(request, form)
        else:
            need = run_move(request, lambda: _post_need(me, form.cleaned_data, request))
            if need is not None:
                return redirect("intermediaries:need", pk=need.pk)
    return render(
        request,
        "intermediaries/need_new.html",
        {"services": Service.choices, "methods": Need.Method.choices},
    )


def _post_need(me: Applicant, d: dict[str, Any], request: HttpRequest) -> Need:
    case_id, project_id = _links(me, d.pop("case_number"), d.pop("project_code"))
    return actions.post_need(
        case_id=case_id,
        project_id=project_id,
        owner=me,
        actor=cast(User, request.user),
        now=timezone.now(),
        **d,
    )


def _need_page(
    request: HttpRequest,
    need: Need,
    *,
    freeze_form: FreezeDrawForm | None = None,
    sources_form: SourcesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    me = _enterprise(request)
    mine = me is not None and need.owner_id == me.pk
    my_agency = Intermediary.objects.filter(account=me).first() if me else None
    return render(
        request,
        "intermediaries/need.html",
        {
            "need": need,
            "mine": mine,
            "my_agency": my_agency,
            "candidates": actions.qualified(need.service, timezone.now()) if mine else [],
            "quotes": need.quotes.select_related("intermediary")
            if (mine or need.status != Need.Status.OPEN)
            else [],
            "freeze_form": freeze_form or FreezeDrawForm(),
            "sources_form": sources_form or SourcesForm(),
        },
        status=status,
    )


@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(Need.objects.select_related("owner", "selected", "draw"), pk=pk)
    return _need_page(request, need)


def _owner_draw(request: HttpRequest, need: Need, action: str, user: User) -> HttpResponse:
    """The owner's freeze or draw: a form, one action; a refused form is shown again as typed."""
    now = timezone.now()
    freeze = FreezeDrawForm(request.POST) if action == "freeze" else None
    sources = SourcesForm(request.POST) if action == "draw" else None
    form = freeze or sources
    assert form is not None  # noqa: S101 - action is one of the two
    if form.is_valid():
        try:
            if freeze is not None:
                actions.freeze_need_draw(
                    need,
                    draw_at=freeze.cleaned_data["draw_at"],
                    randomness=freeze.cleaned_data["randomness"],
                    actor=user,
                    now=now,
                )
                messages.success(request, "合格机构名单已冻结并公布哈希，请在公布的时间抽取")
            elif sources is not None:
                actions.perform_need_draw(need, sources=sources.sources(), actor=user, now=now)
                messages.success(request, "已抽取，结果已公开，任何人可以重新运行核验")
            return redirect("intermediaries:need", pk=need.pk)
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
    need.refresh_from_db()
    return _need_page(request, need, freeze_form=freeze, sources_form=sources, status=400)


# The owner's and the intermediary's moves on a need: a form, one action, one message ------------


def _quote(need: Need, *, actor: User, now: datetime, **values: Any) -> Any:
    return actions.submit_quote(need, now=now, **values)  # the quote is the intermediary's


# move -> (its form, its action: called as action(need, actor=…, now=…, **the form's data))
NEED_MOVES: dict[str, tuple[type[forms.NeedMoveForm], Callable[..., Any]]] = {
    "direct": (forms.DirectForm, actions.choose_direct),
    "quote": (forms.QuoteForm, _quote),
    "lowest": (forms.NeedMoveForm, actions.choose_lowest),
    "contract": (forms.AmountForm, actions.record_contract),
    "deliver": (forms.NeedMoveForm, actions.record_delivery),
    "rate": (forms.RateForm, actions.rate),
}


@login_required
@require_POST
def need_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    need = get_object_or_404(Need, pk=pk)
    user = cast(User, request.user)  # login_required
    if action != "quote" and not is_owner(need, user):
        raise PermissionDenied("只有发布需求的项目业主可以办理")  # intermediaries quote; owners act
    if action in ("freeze", "draw"):
        return _owner_draw(request, need, action, user)
    if action not in NEED_MOVES:
        raise Http404("没有这个操作")
    form_class, act = NEED_MOVES[action]
    form = form_class(request.POST, user=user)
    if not form.is_valid():
        form_problems(request, form)
    else:
        d = form.cleaned_data
        run_move(request, lambda: act(need, actor=user, now=timezone.now(), **d), "已办理")
    return redirect("intermediaries:need", pk=need.pk)


# The centre's desk -----------------------------------------------------------------------


def _verify(request: HttpRequest) -> None:
    form = forms.VerifyForm(request.POST)
    if not form.is_valid():
        form_problems(request, form)
        return
    d = form.cleaned_data
    run_move(
        request,
        lambda: actions.verify(
            d["intermediary"],
            approve=d["approve"] == "yes",
            reason=d["reason"],
            actor=cast(User, request.user),
            now=timezone.now(),
        ),
        "已办理",
    )


def _check_draw(request: HttpRequest) -> None:
    form = forms.CheckDrawForm(request.POST)
    if not form.is_valid():
        form_problems(request, form)
        return
    need = form.cleaned_data["need"]
    run_move(
        request,
        lambda: actions.check_need_draw(need, actor=cast(User, request.user), now=timezone.now()),
        "已办理",
    )


DESK_MOVES: dict[str, Callable[[HttpRequest], None]] = {
    "verify": _verify,
    "check_draw": _check_draw,
}


@require_http_methods(["GET", "POST"])
@officer_required
def desk(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        move = DESK_MOVES.get(request.POST.get("action", ""))
        if move is None:
            raise Http404("没有这个操作")
        move(request)
        return redirect("intermediaries:staff")
    return render(
        request,
        "intermediaries/desk.html",
        {
            "pending": Intermediary.objects.filter(status=Intermediary.Status.PENDING),
            # Owners' own draws, newest first: those still to be checked against the lottery.
            "draw_needs": Need.objects.filter(
                method=Need.Method.DRAW, draw__isnull=False, draw__sources_checked_at__isnull=True
            )
            .select_related("owner", "draw")
            .order_by("-draw__frozen_at"),
            "suspended": Intermediary.objects.filter(status=Intermediary.Status.SUSPENDED),
        },
    )
