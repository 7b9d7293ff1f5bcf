"""Pages of parallel approval: the parallel window, projects with their four-stage timeline,
the combined result of a submission, joint events, the big-enterprise queue, and the
applicant's own view."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.errors import CaseError
from onestop.core.errors import DomainError
from onestop.org.models import Applicant, Centre, Department, Role
from onestop.org.queries import clerk_centre, has_role, is_staff_member
from onestop.parallel import actions, queries
from onestop.parallel.models import (
    Consultation,
    JointEvent,
    KeyEnterprise,
    Project,
    Submission,
    Track,
)
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import centre_zone


def _staff(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not is_staff_member(user):
        raise Http404("页面不存在")
    return user


def _centre(user: User) -> Centre | None:
    """The clerk's centre; the district centre for a centre administrator."""
    return (
        clerk_centre(user)
        or Centre.objects.filter(level=Centre.Level.DISTRICT).order_by("pk").first()
    )


def _attempt(request: HttpRequest, move: Callable[[], Any], done: str) -> bool:
    """Run one action; its domain error becomes a message on the page (never a 500)."""
    try:
        move()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
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
            1
            for s in stages
            if s.submission
            and s.submission.status in (Submission.Status.GRANTED, Submission.Status.DELIVERED)
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


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not actions.is_parallel_clerk(user):
        raise Http404("页面不存在")
    managers = User.objects.filter(staff_roles__role=Role.ACCOUNT_MANAGER).distinct()
    if request.method == "POST":
        post = request.POST
        owner = Applicant.objects.filter(
            credit_code=post.get("owner", "").strip().upper(), kind=Applicant.Kind.ENTERPRISE
        ).first()
        centre = _centre(user)
        try:
            if owner is None:
                raise CaseError("未找到该统一社会信用代码的建设单位，请先登记单位", field="owner")
            if centre is None:
                raise CaseError("没有受理中心", field="centre")
            manager = managers.filter(pk=post.get("manager") or 0).first()
            project = actions.register_project(
                actions.NewProject(
                    code=post.get("code", ""),
                    name=post.get("name", ""),
                    owner=owner,
                    kind=post.get("kind", ""),
                    location=post.get("location", ""),
                    investment=post.get("investment", ""),
                    centre=centre,
                    account_manager=manager,
                ),
                actor=user,
                now=timezone.now(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记项目 {project.code}")
            return redirect("parallel:project", pk=project.pk)
    return render(
        request,
        "parallel/project_new.html",
        {"kinds": Project.Kind.choices, "managers": managers, "values": request.POST},
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    project = queries.get_project_for_user(user, pk)
    now = timezone.now()
    return render(
        request,
        "parallel/project_detail.html",
        {
            "project": project,
            "stages": queries.timeline(project, now),
            "is_window": actions.is_parallel_clerk(user),
            "is_admin": user.is_superuser or has_role(user, Role.CENTRE_ADMIN),
        },
    )


@login_required
@require_POST
def project_green(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    project = queries.get_project_for_user(user, pk)
    now = timezone.now()
    post = request.POST
    if post.get("decision") in ("approve", "reject"):
        _attempt(
            request,
            lambda: actions.decide_green_channel(
                project,
                actor=user,
                now=now,
                approve=post["decision"] == "approve",
                decision_no=post.get("decision_no", ""),
            ),
            "已记录领导小组审批结果",
        )
    else:
        _attempt(
            request,
            lambda: actions.request_green_channel(
                project, actor=user, now=now, reason=post.get("reason", "")
            ),
            "已提交绿色通道申请",
        )
    return redirect("parallel:project", pk=project.pk)


def _applicant_from(post: Any) -> Applicant | None:
    code = post.get("applicant", "").strip().upper()
    if not code:
        return None
    return (
        Applicant.objects.filter(credit_code=code).first()
        or Applicant.objects.filter(id_number=code).first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, track_pk: int) -> HttpResponse:
    """The parallel window's acceptance screen: one form, one set of materials."""
    user = _staff(request)
    if not actions.is_parallel_clerk(user):
        raise Http404("页面不存在")
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
    if request.method == "POST":
        post = request.POST
        applicant = project.owner if project else _applicant_from(post)
        centre = _centre(user)
        form = {f["name"]: post.get(f"form_{f['name']}", "").strip() for f in merged.fields}
        try:
            if applicant is None:
                raise CaseError(
                    "未找到该申请人，请核对证件号码或统一社会信用代码", field="applicant"
                )
            if centre is None:
                raise CaseError("没有受理中心", field="centre")
            sub = actions.accept(
                actions.Acceptance(
                    track=track,
                    applicant=applicant,
                    centre=centre,
                    form=form,
                    handed_in=post.getlist("provided"),
                    project=project,
                    items=post.getlist("items") if ahead_only or done_codes else (),
                ),
                actor=user,
                now=timezone.now(),
                key=post.get("key", "")[:64],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
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
            "values": request.POST,
            "form_key": secrets.token_hex(8),
        },
    )


@login_required
@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
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
            "is_admin": user.is_superuser or has_role(user, Role.CENTRE_ADMIN),
            "history": sub.events.all(),
        },
    )


@login_required
@require_POST
def submission_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    sub = queries.get_submission_for_user(user, pk)
    method = request.POST.get("method", "")
    _attempt(
        request,
        lambda: actions.deliver(sub, actor=user, now=timezone.now(), method=method),
        "全部结果已统一送达",
    )
    return redirect("parallel:submission", pk=sub.pk)


@login_required
@require_POST
def submission_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    sub = queries.get_submission_for_user(user, pk)
    approval = request.POST.get("approval", "")
    _attempt(
        request,
        lambda: actions.extend_joint_limit(sub, actor=user, now=timezone.now(), approval=approval),
        "联合办理期限已延长 15 个工作日",
    )
    return redirect("parallel:submission", pk=sub.pk)


def _moment(raw: str) -> datetime | None:
    parsed = parse_datetime(raw.strip()) if raw else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=centre_zone())
    return parsed


@login_required
@require_POST
def joint_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    sub = queries.get_submission_for_user(user, pk)
    post = request.POST
    when = _moment(post.get("scheduled_at", ""))
    depts = list(
        Department.objects.filter(
            pk__in=[int(x) for x in post.getlist("departments") if x.isdigit()]
        )
    )

    def schedule() -> None:
        if when is None:
            raise CaseError("请填写正确的时间", field="scheduled_at")
        actions.schedule_joint_event(
            sub,
            kind=post.get("kind", ""),
            title=post.get("title", ""),
            scheduled_at=when,
            place=post.get("place", ""),
            departments=depts,
            actor=user,
            now=timezone.now(),
        )

    _attempt(request, schedule, "已安排联合办理事件")
    return redirect("parallel:submission", pk=sub.pk)


def _numbered(post: Any, prefix: str) -> dict[int, str]:
    """{n: value} of the fields named prefix + n."""
    return {
        int(k.removeprefix(prefix)): str(post.get(k, ""))
        for k in post
        if k.startswith(prefix) and k.removeprefix(prefix).isdigit()
    }


@login_required
@require_POST
def joint_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    event = queries.get_joint_event_for_user(user, pk)
    post = request.POST
    attendance = _numbered(post, "attend_")
    conclusions = _numbered(post, "conclude_")
    _attempt(
        request,
        lambda: actions.record_joint_event(
            event,
            attendance=attendance,
            minutes=post.get("minutes", ""),
            conclusions=conclusions,
            actor=user,
            now=timezone.now(),
        ),
        "已记录纪要和结论，结论已写入各办件",
    )
    return redirect("parallel:submission", pk=event.submission_id)


@login_required
@require_POST
def joint_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    event = queries.get_joint_event_for_user(user, pk)
    opinion = request.POST.get("opinion", "")
    _attempt(
        request,
        lambda: actions.sign(event, actor=user, now=timezone.now(), opinion=opinion),
        "已会签",
    )
    return redirect("parallel:submission", pk=event.submission_id)


@login_required
@require_http_methods(["GET", "POST"])
def express(request: HttpRequest) -> HttpResponse:
    """大企业直通车: the big enterprises' open cases in my departments, nearest due first."""
    user = _staff(request)
    now = timezone.now()
    from onestop.cases.lights import light

    rows = [(c, light(c.accepted_at, c.due_at, now)) for c in queries.express_cases(user)[:100]]
    mine = KeyEnterprise.objects.filter(manager=user).select_related("applicant")
    if request.method == "POST":
        post = request.POST
        key = mine.filter(pk=post.get("enterprise") or 0).first()
        depts = list(
            Department.objects.filter(
                pk__in=[int(x) for x in post.getlist("departments") if x.isdigit()]
            )
        )

        def record() -> None:
            if key is None:
                raise CaseError("请选择企业", field="enterprise")
            actions.record_consultation(
                key.applicant,
                topic=post.get("topic", ""),
                departments=depts,
                advice=post.get("advice", ""),
                actor=user,
                now=now,
            )

        if _attempt(request, record, "已记录提前介入服务"):
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
