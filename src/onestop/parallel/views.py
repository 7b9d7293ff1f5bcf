"""Pages of parallel approval: the parallel window, projects with their four-stage timeline,
the combined result of a submission, joint events, the big-enterprise queue, and the
applicant's own view."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.lights import light
from onestop.core.errors import DomainError
from onestop.org.models import Applicant, Centre, Department, Role
from onestop.org.queries import clerk_centre
from onestop.org.web import form_problems, run_move, staff_required
from onestop.parallel import actions, queries
from onestop.parallel.errors import ParallelError
from onestop.parallel.forms import (
    AcceptForm,
    ApprovalForm,
    ConsultationForm,
    GreenForm,
    JointEventForm,
    JointRecordForm,
    MethodForm,
    OpinionForm,
    ProjectForm,
    refused,
)
from onestop.parallel.models import (
    Consultation,
    JointEvent,
    KeyEnterprise,
    Project,
    Submission,
    Track,
)
from onestop.parallel.permissions import is_centre_admin
from onestop.parallel.workflow import SUBMISSION
from onestop.workdays import queries as workdays


def _centre(user: User) -> Centre | None:
    """The clerk's centre; the district centre for a centre administrator."""
    return (
        clerk_centre(user)
        or Centre.objects.filter(level=Centre.Level.DISTRICT).order_by("pk").first()
    )


def _parallel_clerk(request: HttpRequest) -> User:
    """The parallel window's clerk (or a centre administrator); 404 for other staff."""
    user = cast(User, request.user)
    if not actions.is_parallel_clerk(user):
        raise Http404("页面不存在")
    return user


@staff_required()
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    projects = queries.projects_for_user(user)
    green_only = request.GET.get("green") == "1"
    if green_only:
        projects = projects.filter(green=Project.Green.APPROVED)
    now, cal, plan = timezone.now(), workdays.calendar(), queries.stage_plan()
    rows = []
    for project in projects.order_by("-created_at").prefetch_related("submissions")[:50]:
        stages = queries.timeline(project, now, plan, rows=False, cal=cal)
        current = next((s for s in stages if s.submission and s.submission.is_open), None)
        done = sum(
            1 for s in stages if s.submission and SUBMISSION.is_in(s.submission.status, "GRANTED")
        )
        rows.append({"project": project, "current": current, "done": done, "total": len(stages)})
    bundles = (
        queries.submissions_for_user(user)
        .filter(track__kind=Track.Kind.BUNDLE)
        .order_by("-accepted_at")[:20]
    )
    return render(
        request,
        "parallel/index.html",
        {
            "rows": rows,
            "green_only": green_only,
            "bundle_tracks": Track.objects.filter(kind=Track.Kind.BUNDLE, active=True),
            "stage_tracks": actions.stages(),
            "bundles": [(b, queries.submission_light(b, now, cal)) for b in bundles],
            "is_window": actions.is_parallel_clerk(user),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    user = _parallel_clerk(request)
    managers = User.objects.filter(staff_roles__role=Role.ACCOUNT_MANAGER).distinct()
    form = ProjectForm(request.POST or None, managers=managers)
    if request.method == "POST" and form.is_valid():
        centre = _centre(user)
        data = form.cleaned_data
        try:
            if centre is None:
                raise ParallelError("没有受理中心", field="centre")
            project = actions.register_project(
                actions.NewProject(
                    code=data["code"],
                    name=data["name"],
                    owner=data["owner"],
                    kind=data["kind"],
                    location=data["location"],
                    investment=data["investment"],
                    centre=centre,
                    account_manager=data["manager"],
                ),
                actor=user,
                now=timezone.now(),
            )
        except DomainError as exc:
            refused(form, exc)
        else:
            messages.success(request, f"已登记项目 {project.code}")
            return redirect("parallel:project", pk=project.pk)
    return render(
        request,
        "parallel/project_new.html",
        {"kinds": Project.Kind.choices, "managers": managers, "form": form},
    )


@staff_required()
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    project = queries.get_project_for_user(user, pk)
    now = timezone.now()
    return render(
        request,
        "parallel/project_detail.html",
        {
            "project": project,
            "stages": queries.timeline(project, now),
            "is_window": actions.is_parallel_clerk(user),
            "is_admin": is_centre_admin(user),
        },
    )


@staff_required()
@require_POST
def project_green(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    project = queries.get_project_for_user(user, pk)
    form = GreenForm(request.POST)
    if not form.is_valid():
        form_problems(request, form)
        return redirect("parallel:project", pk=project.pk)
    data, now = form.cleaned_data, timezone.now()
    if data["decision"]:
        run_move(
            request,
            lambda: actions.decide_green_channel(
                project,
                actor=user,
                now=now,
                approve=data["decision"] == "approve",
                decision_no=data["decision_no"],
            ),
            "已记录领导小组审批结果",
        )
    else:
        run_move(
            request,
            lambda: actions.request_green_channel(
                project, actor=user, now=now, reason=data["reason"]
            ),
            "已提交绿色通道申请",
        )
    return redirect("parallel:project", pk=project.pk)


@staff_required()
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, track_pk: int) -> HttpResponse:
    """The parallel window's acceptance screen: one form, one set of materials."""
    user = _parallel_clerk(request)
    track = get_object_or_404(Track, pk=track_pk, active=True)
    project = None
    raw = request.GET.get("project") or request.POST.get("project")
    if track.kind == Track.Kind.STAGE:
        project = queries.get_project_for_user(user, int(raw) if raw and raw.isdigit() else 0)
    members = actions.members_of(track)
    done_codes: set[str] = set()
    if project is not None:
        sub = actions.stage_submission(project, track)
        if sub is not None:
            done_codes = set(sub.members.values_list("item_code", flat=True))
    ahead_only = project is not None and not actions.previous_done(project, track)
    offered = [
        m
        for m in members
        if m.item.code not in done_codes and (not ahead_only or m.link.may_run_ahead)
    ]
    merged = actions.merged(track, offered)
    form = AcceptForm(request.POST or None, fields=merged.fields)
    for f in merged.fields:  # what was typed, shown again when the form comes back
        f["value"] = form.data.get(f"form_{f['name']}", "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = project.owner if project else data["applicant"]
        centre = _centre(user)
        try:
            if applicant is None:
                raise ParallelError(
                    "未找到该申请人，请核对证件号码或统一社会信用代码", field="applicant"
                )
            if centre is None:
                raise ParallelError("没有受理中心", field="centre")
            sub = actions.accept(
                actions.Acceptance(
                    track=track,
                    applicant=applicant,
                    centre=centre,
                    form=form.form_data(),
                    handed_in=data["provided"],
                    project=project,
                    items=data["items"] if ahead_only or done_codes else (),
                ),
                actor=user,
                now=timezone.now(),
                key=data["key"][:64],
            )
        except DomainError as exc:
            refused(form, exc)
        else:
            n = sub.members.count()
            messages.success(request, f"已并联受理，{n} 个部门同时办理")
            if project is not None:
                return redirect("parallel:project", pk=project.pk)
            return redirect("parallel:submission", pk=sub.pk)
    return render(
        request,
        "parallel/accept.html",
        {
            "track": track,
            "project": project,
            "offered": offered,
            "merged": merged,
            "ahead_only": ahead_only,
            "partial": ahead_only or bool(done_codes),
            "form": form,
            "form_key": secrets.token_hex(8),
        },
    )


@staff_required()
@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    sub = queries.get_submission_for_user(user, pk)
    now = timezone.now()
    depts = Department.objects.filter(pk__in=sub.members.values("case__department_id")).order_by(
        "pk"
    )
    return render(
        request,
        "parallel/submission_detail.html",
        {
            "sub": sub,
            "rows": queries.member_rows(sub, now),
            "light": queries.submission_light(sub, now),
            "events": sub.joint_events.prefetch_related("departments", "signatures__department"),
            "event_kinds": JointEvent.Kind.choices,
            "departments": depts,
            "is_window": actions.is_parallel_clerk(user, sub.centre),
            "is_admin": is_centre_admin(user),
            "history": sub.events.all(),
        },
    )


def _submission_move(
    request: HttpRequest,
    pk: int,
    form_class: type[Form],
    move: Callable[[Submission, dict[str, Any], User], object],
    done: str,
) -> HttpResponse:
    """A move posted from the submission's page: scoped fetch, its form, one action."""
    user = cast(User, request.user)
    sub = queries.get_submission_for_user(user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        run_move(request, lambda: move(sub, form.cleaned_data, user), done)
    else:
        form_problems(request, form)
    return redirect("parallel:submission", pk=sub.pk)


@staff_required()
@require_POST
def submission_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _submission_move(
        request,
        pk,
        MethodForm,
        lambda sub, data, user: actions.deliver(
            sub, actor=user, now=timezone.now(), method=data["method"]
        ),
        "全部结果已统一送达",
    )


@staff_required()
@require_POST
def submission_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _submission_move(
        request,
        pk,
        ApprovalForm,
        lambda sub, data, user: actions.extend_joint_limit(
            sub, actor=user, now=timezone.now(), approval=data["approval"]
        ),
        "联合办理期限已延长 15 个工作日",
    )


@staff_required()
@require_POST
def joint_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _submission_move(
        request,
        pk,
        JointEventForm,
        lambda sub, data, user: actions.schedule_joint_event(
            sub,
            kind=data["kind"],
            title=data["title"],
            scheduled_at=data["scheduled_at"],
            place=data["place"],
            departments=list(data["departments"]),
            actor=user,
            now=timezone.now(),
        ),
        "已安排联合办理事件",
    )


@staff_required()
@require_POST
def joint_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    event = queries.get_joint_event_for_user(user, pk)
    form = JointRecordForm(request.POST)
    if form.is_valid():
        run_move(
            request,
            lambda: actions.record_joint_event(
                event,
                attendance=form.numbered("attend_"),
                minutes=form.cleaned_data["minutes"],
                conclusions=form.numbered("conclude_"),
                actor=user,
                now=timezone.now(),
            ),
            "已记录纪要和结论，结论已写入各办件",
        )
    return redirect("parallel:submission", pk=event.submission_id)


@staff_required()
@require_POST
def joint_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    event = queries.get_joint_event_for_user(user, pk)
    form = OpinionForm(request.POST)
    if form.is_valid():
        run_move(
            request,
            lambda: actions.sign(
                event, actor=user, now=timezone.now(), opinion=form.cleaned_data["opinion"]
            ),
            "已会签",
        )
    return redirect("parallel:submission", pk=event.submission_id)


@staff_required()
@require_http_methods(["GET", "POST"])
def express(request: HttpRequest) -> HttpResponse:
    """大企业直通车: the big enterprises' open cases in my departments, nearest due first."""
    user = cast(User, request.user)
    now = timezone.now()
    rows = [(c, light(c.accepted_at, c.due_at, now)) for c in queries.express_cases(user)[:100]]
    mine = KeyEnterprise.objects.filter(manager=user).select_related("applicant")
    form = ConsultationForm(request.POST or None, mine=mine)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_consultation(
                data["enterprise"].applicant,
                topic=data["topic"],
                departments=list(data["departments"]),
                advice=data["advice"],
                actor=user,
                now=now,
            )
        except DomainError as exc:
            refused(form, exc)
        else:
            messages.success(request, "已记录提前介入服务")
            return redirect("parallel:express")
    consultations = Consultation.objects.filter(applicant__key_enterprise__in=mine).order_by(
        "-held_at"
    )[:20]
    return render(
        request,
        "parallel/express.html",
        {
            "rows": rows,
            "mine": mine.prefetch_related("liaisons__department", "liaisons__leader"),
            "consultations": consultations.prefetch_related("departments"),
            "departments": Department.objects.order_by("kind", "pk"),
            "form": form,
        },
    )


# --- the applicant's view --------------------------------------------------------------------


@login_required
@require_GET
def my_projects(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    applicant = Applicant.objects.filter(user=user).first()
    if applicant is None:
        raise Http404("页面不存在")
    now = timezone.now()
    plan = queries.stage_plan()
    projects = [
        (p, queries.timeline(p, now, plan))
        for p in Project.objects.filter(owner=applicant).prefetch_related("submissions")
    ]
    bundles = Submission.objects.filter(applicant=applicant, track__kind=Track.Kind.BUNDLE)
    return render(
        request,
        "parallel/my_projects.html",
        {
            "projects": projects,
            "bundles": [(b, queries.member_rows(b, now)) for b in bundles.select_related("track")],
        },
    )
