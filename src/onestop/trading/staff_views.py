"""The trading officer's pages: projects, the workbench of one project whose forms each call
one action, the officer's opening key, credit records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.core.errors import DomainError
from onestop.draws.models import DrawPick
from onestop.draws.queries import pick_rows
from onestop.org.models import Applicant, Role
from onestop.org.queries import has_role
from onestop.trading import actions, queries, rules
from onestop.trading.errors import TradingError
from onestop.trading.forms import date_field, datetime_field, decimal_field, int_field
from onestop.trading.models import (
    Complaint,
    CreditRecord,
    KeyShare,
    Kind,
    Objection,
    OpeningKey,
    Project,
)


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not (
        has_role(user, Role.TRADING_OFFICER) or user.is_superuser
    ):
        raise PermissionDenied("只有交易中心工作人员可以访问")
    return user


def _trading_officers() -> list[User]:
    return list(
        get_user_model()
        .objects.filter(staff_roles__role=Role.TRADING_OFFICER)
        .distinct()
        .order_by("username")
    )


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    projects = Project.objects.select_related("owner").order_by("-created_at")
    status = request.GET.get("status", "")
    if status in Project.Status.values:
        projects = projects.filter(status=status)
    return render(
        request,
        "trading/staff/list.html",
        {
            "projects": projects[:200],
            "statuses": Project.Status.choices,
            "status": status,
            "open_complaints": Complaint.objects.filter(
                status__in=[Complaint.Status.FILED, Complaint.Status.ACCEPTED]
            ).select_related("project"),
            "open_objections": Objection.objects.filter(answered_at__isnull=True).select_related(
                "project"
            ),
            "has_key": OpeningKey.objects.filter(user=user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    owners = Applicant.objects.filter(kind=Applicant.Kind.ENTERPRISE).order_by("name")
    if request.method == "POST":
        p = request.POST
        try:
            owner = owners.filter(pk=p.get("owner") or 0).first()
            if owner is None:
                raise TradingError("请选择招标人", field="owner")
            lots = [
                actions.LotInput(name.strip(), decimal_field(p, f"lot_budget_{i}", "标段预算"))
                for i, name in enumerate(p.getlist("lot_name"))
                if name.strip()
            ]
            project = actions.create_project(
                code=p.get("code", "").strip(),
                title=p.get("title", "").strip(),
                kind=p.get("kind", ""),
                method=p.get("method", Project.Method.OPEN),
                compulsory=p.get("compulsory") == "on",
                owner=owner,
                agency=p.get("agency", "").strip(),
                budget=decimal_field(p, "budget", "预算"),
                qualification=p.get("qualification", ""),
                description=p.get("description", ""),
                lots=lots,
                speciality=p.get("speciality", "").strip(),
                actor=user,
                now=timezone.now(),
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "项目已登记")
            return redirect("trading_staff:project", pk=project.pk)
    return render(
        request,
        "trading/staff/new.html",
        {"owners": owners, "kinds": Kind.choices, "methods": Project.Method.choices},
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    project = get_object_or_404(Project.objects.select_related("owner", "committee_draw"), pk=pk)
    draw = project.committee_draw
    my_share = KeyShare.objects.filter(project=project, officer=user).first()
    now = timezone.now()
    return render(
        request,
        "trading/staff/detail.html",
        {
            "project": project,
            "S": Project.Status,
            "now": now,
            "past_deadline": project.bid_deadline is not None and now >= project.bid_deadline,
            "calendar": queries.calendar(project),
            "notice": rules.notice_for(project.kind, project.compulsory).describe(),
            "lots": project.lots.all(),
            "clarifications": project.clarifications.all(),
            # No count of sealed bids: before the opening nobody learns how many there are.
            "bids": queries.opening_record(project, user),
            "shares": project.shares.select_related("officer").order_by("index"),
            "my_share": my_share,
            "officers": _trading_officers(),
            "draw": draw,
            # Names are not shown here either until the result is published.
            "picks": pick_rows(draw) if draw else [],
            "objections": project.objections.select_related("bidder"),
            "complaints": project.complaints.select_related("complainant"),
            "events": queries.project_record(project),
            "candidates": queries.candidates(project, user),
        },
    )


def _announce(request: HttpRequest, project: Project, user: User) -> str:
    officers = list(get_user_model().objects.filter(pk__in=request.POST.getlist("officers")))
    actions.approve_and_announce(
        project,
        bid_deadline=datetime_field(request.POST, "bid_deadline", "投标截止时间"),
        officers=officers,
        threshold=int_field(request.POST, "threshold", "开标所需份数"),
        actor=user,
        now=timezone.now(),
    )
    return "复核通过，招标公告已发布，开标密钥已分给开标人员"


def _clarify(request: HttpRequest, project: Project, user: User) -> str:
    new = request.POST.get("new_deadline", "").strip()
    actions.clarify(
        project,
        text=request.POST.get("text", ""),
        new_deadline=datetime_field(request.POST, "new_deadline", "新截止时间") if new else None,
        actor=user,
        now=timezone.now(),
    )
    return "澄清已发布"


def _scores(
    request: HttpRequest, project: Project, user: User
) -> dict[int, tuple[Decimal | None, str]]:
    scores: dict[int, tuple[Decimal | None, str]] = {}
    for bid in queries.opened_bids(project, user):
        text = request.POST.get(f"score_{bid.pk}", "").strip()
        remark = request.POST.get(f"remark_{bid.pk}", "")
        scores[bid.pk] = (
            (decimal_field(request.POST, f"score_{bid.pk}", "得分"), remark)
            if text
            else (None, remark)
        )
    return scores


def _pick(request: HttpRequest, project: Project) -> DrawPick:
    pick = DrawPick.objects.filter(
        pk=request.POST.get("pick") or 0, draw_id=project.committee_draw_id or 0
    ).first()
    if pick is None:
        raise TradingError("请选择要替换的专家", field="pick")
    return pick


def _complaint(request: HttpRequest, project: Project) -> Complaint:
    c = project.complaints.filter(pk=request.POST.get("complaint") or 0).first()
    if c is None:
        raise TradingError("投诉不存在")
    return c


def _objection(request: HttpRequest, project: Project) -> Objection:
    o = project.objections.filter(pk=request.POST.get("objection") or 0).first()
    if o is None:
        raise TradingError("异议不存在")
    return o


def _now() -> datetime:
    return timezone.now()


def _submit(r: HttpRequest, p: Project, u: User) -> str:
    actions.submit_for_review(p, actor=u, now=_now())
    return "已提交复核"


def _cancel(r: HttpRequest, p: Project, u: User) -> str:
    actions.cancel_project(p, reason=r.POST.get("reason", ""), actor=u, now=_now())
    return "项目已终止"


def _share(r: HttpRequest, p: Project, u: User) -> str:
    actions.present_share(p, officer=u, passphrase=r.POST.get("passphrase", ""), now=_now())
    return "您的密钥份额已提交"


def _open(r: HttpRequest, p: Project, u: User) -> str:
    p = actions.open_bids(p, participants=r.POST.get("participants", ""), actor=u, now=_now())
    if p.status == Project.Status.FAILED:
        return f"流标：{p.closed_reason}"
    return "已开标，全部投标文件同时解密"


def _freeze(r: HttpRequest, p: Project, u: User) -> str:
    actions.freeze_committee_draw(
        p,
        size=int_field(r.POST, "size", "委员会人数"),
        experts=int_field(r.POST, "experts", "专家人数"),
        draw_at=datetime_field(r.POST, "draw_at", "抽取时间"),
        randomness=r.POST.get("randomness", ""),
        actor=u,
        now=_now(),
    )
    return "候选专家名单已冻结并公布哈希"


def _draw(r: HttpRequest, p: Project, u: User) -> str:
    actions.draw_committee(p, sources=r.POST.getlist("source"), actor=u, now=_now())
    return "已抽取评标专家（姓名在结果公布前保密）"


def _replace(r: HttpRequest, p: Project, u: User) -> str:
    actions.replace_expert(
        p, pick=_pick(r, p), reason=r.POST.get("reason", ""), actor=u, now=_now()
    )
    return "已按同一序列补抽"


def _report(r: HttpRequest, p: Project, u: User) -> str:
    actions.report_evaluation(p, scores=_scores(r, p, u), actor=u, now=_now())
    return "评标报告已提交，应在 3 日内公示中标候选人"


def _publish(r: HttpRequest, p: Project, u: User) -> str:
    actions.publish_candidates(p, days=int_field(r.POST, "days", "公示天数"), actor=u, now=_now())
    return "中标候选人已公示"


def _answer(r: HttpRequest, p: Project, u: User) -> str:
    actions.answer_objection(_objection(r, p), answer=r.POST.get("answer", ""), actor=u, now=_now())
    return "异议已答复"


def _award(r: HttpRequest, p: Project, u: User) -> str:
    actions.award(p, actor=u, now=_now())
    return "已定标，中标结果和评标委员会名单已公布"


def _contract(r: HttpRequest, p: Project, u: User) -> str:
    actions.record_contract(
        p,
        amount=decimal_field(r.POST, "amount", "合同金额"),
        signed_on=date_field(r.POST, "signed_on", "签订日期"),
        actor=u,
        now=_now(),
    )
    return "合同已备案"


def _accept_complaint(r: HttpRequest, p: Project, u: User) -> str:
    actions.accept_complaint(
        _complaint(r, p),
        accept=r.POST.get("accept") == "yes",
        suspend=r.POST.get("suspend") == "on",
        reason=r.POST.get("reason", ""),
        actor=u,
        now=_now(),
    )
    return "已决定是否受理"


def _decide_complaint(r: HttpRequest, p: Project, u: User) -> str:
    actions.decide_complaint(
        _complaint(r, p),
        upheld=r.POST.get("upheld") == "yes",
        decision=r.POST.get("decision", ""),
        actor=u,
        now=_now(),
    )
    return "投诉处理决定已作出"


Handler = Callable[[HttpRequest, Project, User], str]
HANDLERS: dict[str, Handler] = {
    "submit": _submit,
    "announce": _announce,
    "clarify": _clarify,
    "cancel": _cancel,
    "share": _share,
    "open": _open,
    "freeze": _freeze,
    "draw": _draw,
    "replace": _replace,
    "report": _report,
    "publish": _publish,
    "answer": _answer,
    "award": _award,
    "contract": _contract,
    "accept_complaint": _accept_complaint,
    "decide_complaint": _decide_complaint,
}


@login_required
@require_POST
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _officer(request)
    project = get_object_or_404(Project, pk=pk)
    handler = HANDLERS.get(action)
    if handler is None:
        raise Http404("没有这个操作")
    try:
        messages.success(request, str(handler(request, project, user)))
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("trading_staff:project", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def opening_key(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    if request.method == "POST":
        p1, p2 = request.POST.get("passphrase", ""), request.POST.get("passphrase2", "")
        try:
            if p1 != p2:
                raise TradingError("两次输入的口令不一致", field="passphrase2")
            actions.register_opening_key(user, passphrase=p1, now=timezone.now())
            messages.success(request, "开标密钥已设置；请牢记口令，系统不保存口令，遗失无法找回")
        except DomainError as e:
            messages.error(request, e.message)
        return redirect("trading_staff:opening_key")
    return render(
        request,
        "trading/staff/opening_key.html",
        {"key": OpeningKey.objects.filter(user=user).first()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def credit(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    if request.method == "POST":
        p = request.POST
        try:
            days = p.get("valid_days", "").strip()
            actions.record_credit(
                subject=p.get("subject", ""),
                name=p.get("name", "").strip(),
                credit_code=p.get("credit_code", "").strip().upper(),
                kind=p.get("kind", ""),
                summary=p.get("summary", ""),
                valid_days=int_field(p, "valid_days", "有效天数") if days else None,
                actor=user,
                now=timezone.now(),
            )
            messages.success(request, "诚信记录已登记")
        except DomainError as e:
            messages.error(request, e.message)
        return redirect("trading_staff:credit")
    context: dict[str, Any] = {
        "records": CreditRecord.objects.all()[:200],
        "subjects": CreditRecord.Subject.choices,
        "kinds": CreditRecord.Kind.choices,
    }
    return render(request, "trading/staff/credit.html", context)
