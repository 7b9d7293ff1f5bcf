"""Public trading pages (announcements, results, publicity, complaints decided, credit) and
the bidder's pages (sealed bid with receipt, objection, complaint)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.core.errors import DomainError
from onestop.draws.queries import pick_rows
from onestop.org.models import Applicant
from onestop.trading import actions, queries, rules
from onestop.trading.errors import TradingError
from onestop.trading.forms import date_field
from onestop.trading.models import Bid, Kind, Objection, Project
from onestop.workdays.calendar import local_date


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = queries.public_projects()
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        projects = projects.filter(kind=kind)
    page = Paginator(projects, 20).get_page(request.GET.get("page"))
    return render(request, "trading/list.html", {"page": page, "kinds": Kind.choices, "kind": kind})


def _enterprise(request: HttpRequest) -> Applicant | None:
    applicant = getattr(request.user, "applicant", None) if request.user.is_authenticated else None
    if applicant is not None and applicant.kind == Applicant.Kind.ENTERPRISE:
        return applicant
    return None


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_public_project(pk)
    draw = project.committee_draw
    committee = []
    if project.result_published and draw is not None:
        committee = [r for r in pick_rows(draw) if not r.declined]
    me = _enterprise(request)
    return render(
        request,
        "trading/detail.html",
        {
            "project": project,
            "lots": project.lots.all(),
            "clarifications": project.clarifications.all(),
            "calendar": queries.calendar(project),
            "notice": rules.notice_for(project.kind, project.compulsory).describe(),
            "opening": queries.opening_record(project, request.user),
            "candidates": queries.candidates(project, request.user),
            "committee": committee,
            "complaints": queries.decided_complaints().filter(project=project),
            "objections": project.objections.filter(answered_at__isnull=False),
            "me": me,
            "my_bids": list(queries.bids_of(me).filter(project=project)) if me else [],
            "can_bid": me is not None
            and project.status == Project.Status.TENDERING
            and project.bid_deadline is not None
            and timezone.now() < project.bid_deadline,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit_bid(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_public_project(pk)
    me = _enterprise(request)
    if me is None:
        messages.error(request, "请以企业（法人）账号登录后投标")
        return redirect("trading:project", pk=pk)
    if request.method == "POST":
        upload = request.FILES.get("document")
        lot = project.lots.filter(pk=request.POST.get("lot") or 0).first()
        try:
            if upload is None:
                raise TradingError("请上传投标文件（PDF）", field="document")
            receipt = actions.submit_bid(
                project,
                bidder=me,
                price=request.POST.get("price", "").replace(",", ""),
                document=upload.read(actions.MAX_DOCUMENT + 1),
                document_name=upload.name or "投标文件.pdf",
                lot=lot,
                now=timezone.now(),
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            return redirect("trading:receipt", receipt=receipt.receipt)
    return render(request, "trading/bid.html", {"project": project, "lots": project.lots.all()})


@login_required
@require_GET
def receipt(request: HttpRequest, receipt: str) -> HttpResponse:
    bid = queries.get_bid_for_bidder(_enterprise(request), receipt)
    return render(request, "trading/receipt.html", {"bid": bid, "project": bid.project})


@login_required
@require_GET
def my_bids(request: HttpRequest) -> HttpResponse:
    me = _enterprise(request)
    bids = queries.bids_of(me) if me else Bid.objects.none()
    return render(request, "trading/my_bids.html", {"bids": bids})


@login_required
@require_POST
def withdraw(request: HttpRequest, receipt: str) -> HttpResponse:
    me = _enterprise(request)
    bid = queries.get_bid_for_bidder(me, receipt)
    try:
        actions.withdraw_bid(bid, bidder=bid.bidder, now=timezone.now())
        messages.success(request, "已撤回投标")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("trading:project", pk=bid.project_id)


@login_required
@require_POST
def object_to_result(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_public_project(pk)
    me = _enterprise(request)
    try:
        if me is None:
            raise TradingError("请以企业账号登录后投诉")
        actions.raise_objection(
            project, bidder=me, text=request.POST.get("text", ""), now=timezone.now()
        )
        messages.success(request, "异议已提交，招标人应在 3 日内答复，答复前暂停招标投标活动")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("trading:project", pk=pk)


@login_required
@require_POST
def complain(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_public_project(pk)
    me = _enterprise(request)
    objection = Objection.objects.filter(
        pk=request.POST.get("objection") or 0, project=project
    ).first()
    try:
        if me is None:
            raise TradingError("请以企业账号登录后投诉")
        actions.file_complaint(
            project,
            complainant=me,
            text=request.POST.get("text", ""),
            known_on=date_field(request.POST, "known_on", "知道之日"),
            objection=objection,
            now=timezone.now(),
        )
        messages.success(request, "投诉已提交，行政监督部门应在 3 个工作日内决定是否受理")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("trading:project", pk=pk)


@require_GET
def complaints(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.decided_complaints(), 30).get_page(request.GET.get("page"))
    return render(request, "trading/complaints.html", {"page": page})


@require_GET
def credit(request: HttpRequest) -> HttpResponse:
    records = queries.credit_in_force(local_date(timezone.now()))
    q = request.GET.get("q", "").strip()[:50]
    if q:
        records = records.filter(name__icontains=q)
    page = Paginator(records, 30).get_page(request.GET.get("page"))
    return render(request, "trading/credit.html", {"page": page, "q": q})
