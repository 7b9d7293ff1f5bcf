"""The trading officer's pages: projects, the workbench of one project whose forms each call
one action, the officer's opening key, credit records.

Every move has the one shape of a staff move (`org.web`): POST only, a trading officer, the
project fetched, a Django form, one action through `run_move`, a redirect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.draws.queries import pick_rows
from onestop.org.models import Applicant, Role
from onestop.org.web import form_problems, run_move
from onestop.trading import actions, forms, queries, rules
from onestop.trading.models import (
    Complaint,
    CreditRecord,
    KeyShare,
    Kind,
    Objection,
    OpeningKey,
    Project,
)
from onestop.trading.permissions import officer_required
from onestop.trading.workflow import COMPLAINT


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)  # officer_required made sure


def _trading_officers() -> list[User]:
    return list(
        get_user_model()
        .objects.filter(staff_roles__role=Role.TRADING_OFFICER)
        .distinct()
        .order_by("username")
    )


@require_GET
@officer_required
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
                status__in=COMPLAINT.sets["OPEN"]
            ).select_related("project"),
            "open_objections": Objection.objects.filter(answered_at__isnull=True).select_related(
                "project"
            ),
            "has_key": OpeningKey.objects.filter(user=user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@officer_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    owners = Applicant.objects.filter(kind=Applicant.Kind.ENTERPRISE).order_by("name")
    if request.method == "POST":
        form = forms.ProjectForm(request.POST)
        if not form.is_valid():
            form_problems(request, form)
        else:
            d = form.cleaned_data
            lots = [actions.LotInput(name, budget) for name, budget in form.lots()]
            fields = ("code", "title", "kind", "method", "compulsory", "owner", "agency")
            more = ("budget", "qualification", "description", "speciality")
            project = run_move(
                request,
                lambda: actions.create_project(
                    **{k: d[k] for k in (*fields, *more)},
                    lots=lots,
                    actor=user,
                    now=timezone.now(),
                ),
                "项目已登记",
            )
            if project is not None:
                return redirect("trading_staff:project", pk=project.pk)
    return render(
        request,
        "trading/staff/new.html",
        {"owners": owners, "kinds": Kind.choices, "methods": Project.Method.choices},
    )


@require_GET
@officer_required
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


# The moves of one project: a form, one action, one message ---------------------------------


@dataclass(frozen=True)
class Move:
    form: type[forms.MoveForm]
    # Called as action(target, actor=…, now=…, **values): the form's values are its keywords.
    action: Callable[..., Any]
    done: str | Callable[[Any], str]


def _present_share(project: Project, *, actor: User, now: datetime, passphrase: str) -> Any:
    return actions.present_share(project, officer=actor, passphrase=passphrase, now=now)


def _opened(project: Project) -> str:
    if project.status == Project.Status.FAILED:
        return f"流标：{project.closed_reason}"
    return "已开标，全部投标文件同时解密"


MOVES: dict[str, Move] = {
    "submit": Move(forms.NoFields, actions.submit_for_review, "已提交复核"),
    "announce": Move(
        forms.AnnounceForm,
        actions.approve_and_announce,
        "复核通过，招标公告已发布，开标密钥已分给开标人员",
    ),
    "clarify": Move(forms.ClarifyForm, actions.clarify, "澄清已发布"),
    "cancel": Move(forms.ReasonForm, actions.cancel_project, "项目已终止"),
    "share": Move(forms.PassphraseForm, _present_share, "您的密钥份额已提交"),
    "open": Move(forms.ParticipantsForm, actions.open_bids, _opened),
    "freeze": Move(
        forms.FreezeCommitteeForm, actions.freeze_committee_draw, "候选专家名单已冻结并公布哈希"
    ),
    "draw": Move(
        forms.SourcesForm, actions.draw_committee, "已抽取评标专家（姓名在结果公布前保密）"
    ),
    "replace": Move(forms.ReplaceExpertForm, actions.replace_expert, "已按同一序列补抽"),
    "report": Move(
        forms.ScoresForm, actions.report_evaluation, "评标报告已提交，应在 3 日内公示中标候选人"
    ),
    "publish": Move(forms.PublishForm, actions.publish_candidates, "中标候选人已公示"),
    "answer": Move(forms.AnswerForm, actions.answer_objection, "异议已答复"),
    "award": Move(forms.NoFields, actions.award, "已定标，中标结果和评标委员会名单已公布"),
    "contract": Move(forms.ContractForm, actions.record_contract, "合同已备案"),
    "accept_complaint": Move(forms.AcceptComplaintForm, actions.accept_complaint, "已决定是否受理"),
    "decide_complaint": Move(
        forms.DecideComplaintForm, actions.decide_complaint, "投诉处理决定已作出"
    ),
}


@require_POST
@officer_required
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One move on one project, named in the address (the page's forms post here): its form,
    its one action; a bad value or a refusal is a message on the project's page."""
    move = MOVES.get(action)
    if move is None:
        raise Http404("没有这个操作")
    user = _officer(request)
    form = move.form(request.POST, project=get_object_or_404(Project, pk=pk), user=user)
    if not form.is_valid():
        form_problems(request, form)
    else:
        result = run_move(
            request,
            lambda: move.action(form.target(), actor=user, now=timezone.now(), **form.values()),
        )
        if result is not None:
            messages.success(
                request, move.done if isinstance(move.done, str) else move.done(result)
            )
    return redirect("trading_staff:project", pk=pk)


@require_http_methods(["GET", "POST"])
@officer_required
def opening_key(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    if request.method == "POST":
        form = forms.OpeningKeyForm(request.POST)
        if not form.is_valid():
            form_problems(request, form)
        else:
            run_move(
                request,
                lambda: actions.register_opening_key(
                    user, passphrase=form.cleaned_data["passphrase"], now=timezone.now()
                ),
                "开标密钥已设置；请牢记口令，系统不保存口令，遗失无法找回",
            )
        return redirect("trading_staff:opening_key")
    return render(
        request,
        "trading/staff/opening_key.html",
        {"key": OpeningKey.objects.filter(user=user).first()},
    )


@require_http_methods(["GET", "POST"])
@officer_required
def credit(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    if request.method == "POST":
        form = forms.CreditForm(request.POST)
        if not form.is_valid():
            form_problems(request, form)
        else:
            run_move(
                request,
                lambda: actions.record_credit(actor=user, now=timezone.now(), **form.cleaned_data),
                "诚信记录已登记",
            )
        return redirect("trading_staff:credit")
    context: dict[str, Any] = {
        "records": CreditRecord.objects.all()[:200],
        "subjects": CreditRecord.Subject.choices,
        "kinds": CreditRecord.Kind.choices,
    }
    return render(request, "trading/staff/credit.html", context)
