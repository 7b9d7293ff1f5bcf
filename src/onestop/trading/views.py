"""Public trading pages (announcements, results, publicity, complaints decided, credit) and
the bidder's pages (sealed bid with receipt, objection, complaint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.draws.queries import pick_rows
from onestop.org.models import Applicant
from onestop.org.web import form_problems, run_move
from onestop.trading import actions, forms, queries, rules
from onestop.trading.models import Bid, Kind, Project
from onestop.trading.workflow import PROJECT
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
            and PROJECT.allowed_from("bid", project.status)
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
        form = forms.BidForm(request.POST, request.FILES, project=project)
        if not form.is_valid():
            form_problems(request, form)
        else:
            d = form.cleaned_data
            made = run_move(
                request,
                lambda: actions.submit_bid(
                    project,
                    bidder=me,
                    price=d["price"],
                    document=d["document"].read(actions.MAX_DOCUMENT + 1),
                    document_name=d["document"].name or "投标文件.pdf",
                    lot=d["lot"],
                    now=timezone.now(),
                ),
            )
            if made is not None:
                return redirect("trading:receipt", receipt=made.receipt)
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


def _bidder_move(
    request: HttpRequest,
    project: Project,
    form: Form,
    call: Callable[[Applicant, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """A bidder's move from the project page: signed in as an enterprise, a form, one action."""
    me = _enterprise(request)
    if me is None:
        messages.error(request, "请以企业账号登录后投诉")
    elif not form.is_valid():
        form_problems(request, form)
    else:
        run_move(request, lambda: call(me, form.cleaned_data), done)
    return redirect("trading:project", pk=project.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, receipt: str) -> HttpResponse:
    bid = queries.get_bid_for_bidder(_enterprise(request), receipt)
    run_move(
        request,
        lambda: actions.withdraw_bid(bid, bidder=bid.bidder, now=timezone.now()),
        "已撤回投标",
    )
    return redirect("trading:project", pk=bid.project_id)


@login_required
@require_POST
def object_to_result(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_public_project(pk)
    return _bidder_move(
        request,
        project,
        forms.ObjectionForm(request.POST),
        lambda me, d: actions.raise_objection(
            project, bidder=me, text=d["text"], now=timezone.now()
        ),
        "异议已提交，招标人应在 3 日内答复，答复前暂停招标投标活动",
    )


@login_required
@require_POST
def complain(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_public_project(pk)
    return _bidder_move(
        request,
        project,
        forms.ComplaintForm(request.POST, project=project),
        lambda me, d: actions.file_complaint(project, complainant=me, now=timezone.now(), **d),
        "投诉已提交，行政监督部门应在 3 个工作日内决定是否受理",
    )


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
