"""Marketplace pages: the public directory (also for the hall's touch screen), registration,
needs with their results, the owner's and the intermediary's moves, and the centre's desk."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.errors import CaseError
from onestop.cases.models import Case
from onestop.core.errors import DomainError
from onestop.intermediaries import actions
from onestop.intermediaries.forms import FreezeDrawForm, SourcesForm
from onestop.intermediaries.models import Intermediary, Need, Service
from onestop.org.models import Applicant, Role
from onestop.org.queries import has_role
from onestop.trading.models import Project


def _money(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation as e:
        raise CaseError("金额应为数字", field=field) from e
    if not value.is_finite():
        raise CaseError("金额应为数字", field=field)
    return value


def _enterprise(request: HttpRequest) -> Applicant | None:
    applicant = getattr(request.user, "applicant", None) if request.user.is_authenticated else None
    return applicant if applicant and applicant.kind == Applicant.Kind.ENTERPRISE else None


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    service = request.GET.get("service", "")
    items = [
        i
        for i in Intermediary.objects.filter(status=Intermediary.Status.VERIFIED)
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
        Intermediary.objects.exclude(
            status__in=[Intermediary.Status.PENDING, Intermediary.Status.REJECTED]
        ),
        pk=pk,
    )
    done = item.needs.filter(status=Need.Status.RATED).order_by("-delivered_at")[:20]
    return render(request, "intermediaries/profile.html", {"item": item, "done": done})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    me = _enterprise(request)
    if request.method == "POST":
        p = request.POST
        try:
            if me is None:
                raise CaseError("请以企业（法人）账号登录后入驻")
            actions.register(
                account=me,
                name=p.get("name", "") or me.name,
                credit_code=p.get("credit_code", "") or me.credit_code,
                services=p.getlist("services"),
                qualifications=p.get("qualifications", ""),
                service_areas=p.get("service_areas", ""),
                prices=p.get("prices", ""),
                contact=p.get("contact", ""),
                phone=p.get("phone", ""),
                now=timezone.now(),
            )
            messages.success(request, "入驻申请已提交，交易中心审核后公开")
            return redirect("intermediaries:list")
        except DomainError as e:
            messages.error(request, e.message)
    return render(request, "intermediaries/register.html", {"me": me, "services": Service.choices})


def _links(owner: Applicant, case_number: str, project_code: str) -> tuple[int | None, int | None]:
    """The owner's own case, or a trading project it owns, that the service is a precondition of."""
    case_id = project_id = None
    if case_number.strip():
        case = Case.objects.filter(number=case_number.strip(), applicant=owner).first()
        if case is None:
            raise CaseError("办件编号不存在或不是您的办件", field="case_number")
        case_id = case.pk
    if project_code.strip():
        project = Project.objects.filter(code=project_code.strip(), owner=owner).first()
        if project is None:
            raise CaseError("交易项目编号不存在或不是您的项目", field="project_code")
        project_id = project.pk
    return case_id, project_id


@require_GET
def needs(request: HttpRequest) -> HttpResponse:
    rows = Need.objects.select_related("owner", "selected").exclude(status=Need.Status.CANCELLED)
    return render(request, "intermediaries/needs.html", {"needs": rows[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest) -> HttpResponse:
    me = _enterprise(request)
    if request.method == "POST":
        p = request.POST
        try:
            if me is None:
                raise CaseError("请以项目业主（企业）账号登录")
            case_id, project_id = _links(me, p.get("case_number", ""), p.get("project_code", ""))
            need = actions.post_need(
                case_id=case_id,
                project_id=project_id,
                owner=me,
                service=p.get("service", ""),
                title=p.get("title", ""),
                description=p.get("description", ""),
                budget=_money(p.get("budget", ""), "budget"),
                method=p.get("method", ""),
                quote_days=int(p.get("quote_days") or 0),
                actor=request.user,  # type: ignore[arg-type]
                now=timezone.now(),
            )
            return redirect("intermediaries:need", pk=need.pk)
        except (DomainError, ValueError) as e:
            messages.error(request, getattr(e, "message", "输入有误"))
    return render(
        request,
        "intermediaries/need_new.html",
        {"services": Service.choices, "methods": Need.Method.choices},
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


@login_required
@require_POST
def need_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    need = get_object_or_404(Need, pk=pk)
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    if action != "quote" and need.owner.user_id != user.pk:
        raise PermissionDenied("只有发布需求的项目业主可以办理")  # intermediaries quote; owners act
    if action in ("freeze", "draw"):
        return _owner_draw(request, need, action, user)
    now = timezone.now()
    p = request.POST
    try:
        if action == "direct":
            chosen = get_object_or_404(Intermediary, pk=p.get("intermediary") or 0)
            actions.choose_direct(need, intermediary=chosen, actor=user, now=now)
        elif action == "quote":
            me = _enterprise(request)
            agency = Intermediary.objects.filter(account=me).first() if me else None
            if agency is None:
                raise CaseError("请以入驻中介机构的账号报价")
            actions.submit_quote(
                need, intermediary=agency, amount=_money(p.get("amount", ""), "amount"), now=now
            )
        elif action == "lowest":
            actions.choose_lowest(need, actor=user, now=now)
        elif action == "contract":
            actions.record_contract(
                need, amount=_money(p.get("amount", ""), "amount"), actor=user, now=now
            )
        elif action == "deliver":
            actions.record_delivery(need, actor=user, now=now)
        elif action == "rate":
            actions.rate(
                need,
                score=int(p.get("score") or 0),
                comment=p.get("comment", ""),
                actor=user,
                now=now,
            )
        else:
            raise CaseError("没有这个操作")
        messages.success(request, "已办理")
    except DomainError as e:
        messages.error(request, e.message)
    except ValueError:
        messages.error(request, "输入有误")
    return redirect("intermediaries:need", pk=pk)


# The centre's desk -----------------------------------------------------------------------


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not (
        has_role(user, Role.TRADING_OFFICER) or user.is_superuser
    ):
        raise PermissionDenied("只有交易中心工作人员可以访问")
    return user


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    if request.method == "POST":
        p = request.POST
        now = timezone.now()
        try:
            if p.get("action") == "verify":
                item = get_object_or_404(Intermediary, pk=p.get("intermediary") or 0)
                actions.verify(
                    item,
                    approve=p.get("approve") == "yes",
                    reason=p.get("reason", ""),
                    actor=user,
                    now=now,
                )
            elif p.get("action") == "check_draw":
                need = get_object_or_404(Need, pk=p.get("need") or 0)
                actions.check_need_draw(need, actor=user, now=now)
            messages.success(request, "已办理")
        except DomainError as e:
            messages.error(request, e.message)
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
