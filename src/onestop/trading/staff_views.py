"""The trading officer's pages: projects, the workbench of one project whose forms each call
one action, the officer's opening key, credit records.

Every move has the one shape of a staff move (`org.web`): POST only, a trading officer, the
project fetched, a Django form, one action through `run_move`, a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.forms import Form
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


Done = str | Callable[[Any], str]


def _move(
    request: HttpRequest, project: Project, form: Form, call: Callable[[Any], Any], done: Done
) -> HttpResponse:
    """Run one action with the form's values; a bad value or a refusal is a message."""
    if not form.is_valid():
        form_problems(request, form)
    else:
        result = run_move(request, lambda: call(form.cleaned_data))
        if result is not None:
            messages.success(request, done if isinstance(done, str) else done(result))
    return redirect("trading_staff:project", pk=project.pk)


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)  # officer_required made sure


def _submit(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.NoFields(request.POST),
        lambda d: actions.submit_for_review(p, actor=user, now=timezone.now()),
        "已提交复核",
    )


def _announce(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.AnnounceForm(request.POST),
        lambda d: actions.approve_and_announce(
            p,
            bid_deadline=d["bid_deadline"],
            officers=list(d["officers"]),
            threshold=d["threshold"],
            actor=user,
            now=timezone.now(),
        ),
        "复核通过，招标公告已发布，开标密钥已分给开标人员",
    )


def _clarify(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.ClarifyForm(request.POST),
        lambda d: actions.clarify(
            p, text=d["text"], new_deadline=d["new_deadline"], actor=user, now=timezone.now()
        ),
        "澄清已发布",
    )


def _cancel(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.ReasonForm(request.POST),
        lambda d: actions.cancel_project(p, reason=d["reason"], actor=user, now=timezone.now()),
        "项目已终止",
    )


def _share(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.PassphraseForm(request.POST),
        lambda d: actions.present_share(
            p, officer=user, passphrase=d["passphrase"], now=timezone.now()
        ),
        "您的密钥份额已提交",
    )


def _opened(project: Project) -> str:
    if project.status == Project.Status.FAILED:
        return f"流标：{project.closed_reason}"
    return "已开标，全部投标文件同时解密"


def _open(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.ParticipantsForm(request.POST),
        lambda d: actions.open_bids(
            p, participants=d["participants"], actor=user, now=timezone.now()
        ),
        _opened,
    )


def _freeze(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.FreezeCommitteeForm(request.POST),
        lambda d: actions.freeze_committee_draw(p, actor=user, now=timezone.now(), **d),
        "候选专家名单已冻结并公布哈希",
    )


def _draw(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    form = forms.SourcesForm(request.POST)
    return _move(
        request,
        p,
        form,
        lambda d: actions.draw_committee(p, sources=form.sources, actor=user, now=timezone.now()),
        "已抽取评标专家（姓名在结果公布前保密）",
    )


def _replace(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.ReplaceExpertForm(request.POST, project=p),
        lambda d: actions.replace_expert(
            p, pick=d["pick"], reason=d["reason"], actor=user, now=timezone.now()
        ),
        "已按同一序列补抽",
    )


def _report(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    form = forms.ScoresForm(request.POST, bids=list(queries.opened_bids(p, user)))
    return _move(
        request,
        p,
        form,
        lambda d: actions.report_evaluation(
            p, scores=form.scores(), actor=user, now=timezone.now()
        ),
        "评标报告已提交，应在 3 日内公示中标候选人",
    )


def _publish(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.PublishForm(request.POST),
        lambda d: actions.publish_candidates(p, days=d["days"], actor=user, now=timezone.now()),
        "中标候选人已公示",
    )


def _answer(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.AnswerForm(request.POST, project=p),
        lambda d: actions.answer_objection(
            d["objection"], answer=d["answer"], actor=user, now=timezone.now()
        ),
        "异议已答复",
    )


def _award(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.NoFields(request.POST),
        lambda d: actions.award(p, actor=user, now=timezone.now()),
        "已定标，中标结果和评标委员会名单已公布",
    )


def _contract(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.ContractForm(request.POST),
        lambda d: actions.record_contract(p, actor=user, now=timezone.now(), **d),
        "合同已备案",
    )


def _accept_complaint(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.AcceptComplaintForm(request.POST, project=p),
        lambda d: actions.accept_complaint(
            d["complaint"],
            accept=d["accept"] == "yes",
            suspend=d["suspend"],
            reason=d["reason"],
            actor=user,
            now=timezone.now(),
        ),
        "已决定是否受理",
    )


def _decide_complaint(request: HttpRequest, p: Project) -> HttpResponse:
    user = _officer(request)
    return _move(
        request,
        p,
        forms.DecideComplaintForm(request.POST, project=p),
        lambda d: actions.decide_complaint(
            d["complaint"],
            upheld=d["upheld"] == "yes",
            decision=d["decision"],
            actor=user,
            now=timezone.now(),
        ),
        "投诉处理决定已作出",
    )


MOVES: dict[str, Callable[[HttpRequest, Project], HttpResponse]] = {
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


@require_POST
@officer_required
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One move on one project, named in the address (the page's forms post here)."""
    move = MOVES.get(action)
    if move is None:
        raise Http404("没有这个操作")
    return move(request, get_object_or_404(Project, pk=pk))


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
