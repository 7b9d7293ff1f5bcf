"""Hotline pages: the operator's console, ticket pages, the department inbox, the callback and
leaders' queues, the knowledge base, metrics, and the public submit/follow pages.

Views are thin: parse, fetch in scope, call one action, show a domain error in Chinese."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.lights import LABELS, light
from onestop.core.errors import DomainError
from onestop.hotline import actions, queries, router
from onestop.hotline.forms import (
    STATUS_FILTER,
    CallbackForm,
    DispatchForm,
    PublicTicketForm,
    TicketForm,
)
from onestop.hotline.models import (
    Article,
    Attachment,
    Callback,
    Dispatch,
    Escalation,
    Extension,
    Ticket,
)
from onestop.lib import ratelimit
from onestop.org.models import Department, Role, StaffRole
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _operator(request: HttpRequest) -> User:
    user = _user(request)
    if not actions.is_operator(user):
        raise Http404("页面不存在")
    return user


def _key(request: HttpRequest) -> str:
    return request.POST.get("key", "")[:64]


def _run(request: HttpRequest, move: Callable[[], object], ok: str) -> bool:
    try:
        move()
    except DomainError as e:
        messages.error(request, e.message)
        return False
    messages.success(request, ok)
    return True


def _suggestion_for(ticket: Ticket) -> dict[str, Any] | None:
    """The department to offer on the ticket page: the one suggested at registration, or,
    once a department has sent the ticket back, a fresh suggestion without the departments
    that refused it (改派 must not offer them again)."""
    refused = queries.refused_departments(ticket)
    if ticket.status == Ticket.Status.SENT_BACK and refused:
        names = {d.name for d in refused}
        found = _suggest(
            ticket.content,
            ticket.address,
            ticket.region.name if ticket.region else "",
            exclude=names,
        )
        return {
            "name": found.department if found else "",
            "confidence": round(found.confidence * 100) if found else 0,
            "department": router.department_for_label(found.department) if found else None,
            "reason": found.reason if found else "",
            "refused": refused,
        }
    if not ticket.suggested_department:
        return None
    return {
        "name": ticket.suggested_department,
        "confidence": round((ticket.suggested_confidence or 0) * 100),
        "department": router.department_for_label(ticket.suggested_department),
    }


# --- operator console --------------------------------------------------------------------------


def _suggest(
    content: str, address: str, region: str, *, exclude: set[str] | None = None
) -> router.Suggestion | None:
    return router.suggest_for_ticket(content, address, region, exclude=exclude or ())


@login_required
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    """受理: fast keyboard entry of a call; the ticket page then offers dispatch."""
    user = _operator(request)
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.new_ticket(Ticket.Channel.PHONE)
        data.attachments = request.FILES.getlist("attachments")
        found = _suggest(data.content, data.address, data.region.name if data.region else "")
        try:
            ticket = actions.register_ticket(
                data,
                actor=user,
                now=timezone.now(),
                key=_key(request),
                suggestion=(found.department, found.confidence) if found else None,
            )
        except DomainError as e:
            if e.field in form.fields:
                form.add_error(e.field, e.message)
            else:
                messages.error(request, e.message)
        else:
            messages.success(request, f"已受理，工单号 {ticket.number}")
            return redirect("hotline:ticket", pk=ticket.pk)
    today = timezone.now()
    return render(
        request,
        "hotline/console.html",
        {
            "form": form,
            "key": secrets.token_hex(8),
            "waiting": Ticket.objects.filter(
                status__in=[Ticket.Status.REGISTERED, Ticket.Status.SENT_BACK]
            )
            .select_related("lead_department")
            .order_by("registered_at")[:20],
            "callbacks": queries.callback_queue().count(),
            "extensions": Extension.objects.filter(status=Extension.Status.PENDING).count(),
            "today": local_date(today),
        },
    )


@login_required
@require_GET
def caller(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's earlier tickets by phone number."""
    _operator(request)
    phone = request.GET.get("caller_phone", "")[:20]
    return render(
        request,
        "hotline/_caller.html",
        {"phone": phone, "history": queries.caller_history(phone)},
    )


@login_required
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the suggested department and similar open tickets while the operator types."""
    _operator(request)
    content = request.POST.get("content", "")[:4000]
    address = request.POST.get("address", "")[:200]
    region = None
    if request.POST.get("region", "").isdigit():
        from onestop.org.models import Region

        region = Region.objects.filter(pk=int(request.POST["region"])).first()
    found = _suggest(content, address, region.name if region else "") if content.strip() else None
    similar = queries.similar_open_tickets(content, address, region) if content.strip() else []
    hits = (
        queries.ticket_hints(
            content,
            local_date(timezone.now()),
            address=address,
            region=region.name if region else "",
            limit=3,
        )
        if content.strip()
        else []
    )
    return render(
        request,
        "hotline/_suggest.html",
        {
            "found": found,
            "percent": round(found.confidence * 100) if found else 0,
            "alternatives": [(n, round(p * 100)) for n, p in found.alternatives] if found else [],
            "similar": similar,
            "hits": hits,
        },
    )


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not queries.sees_all(user):
        return redirect("hotline:inbox")
    qs = queries.tickets_for_user(user).order_by("-registered_at")
    status = request.GET.get("status", "")
    if status in Ticket.Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:40]
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(caller_phone=q)
            | Q(content__icontains=q)
        )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    cal = workdays.calendar()
    for t in page:
        t.light = light(t.dispatched_at, t.due_at, now, cal) if t.is_open else None  # type: ignore[attr-defined]
    return render(
        request,
        "hotline/ticket_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": STATUS_FILTER,
            "labels": LABELS,
            "operator": actions.is_operator(user),
        },
    )


def _operator_context(ticket: Ticket) -> dict[str, Any]:
    suggestion = _suggestion_for(ticket)
    initial: dict[str, Any] = {}
    if ticket.lead_department_id and ticket.status == Ticket.Status.REGISTERED:
        initial["lead"] = ticket.lead_department_id  # reopened: same department by default
    elif suggestion and suggestion["department"] is not None:
        initial["lead"] = suggestion["department"].pk
    similar = (
        queries.similar_open_tickets(ticket.content, ticket.address, ticket.region, exclude=ticket)
        if ticket.status == Ticket.Status.REGISTERED
        else []
    )
    return {
        "suggestion": suggestion,
        "dispatch_form": DispatchForm(initial=initial),
        "similar": similar,
        "history": queries.caller_history(ticket.caller_phone, exclude=ticket),
        "callback_form": CallbackForm(),
        "script": queries.callback_script(ticket) if ticket.status == Ticket.Status.REPLIED else "",
        "can_reopen": actions.can_reopen(ticket),
        "pending_extensions": Extension.objects.filter(
            dispatch__ticket=ticket, status=Extension.Status.PENDING
        ).select_related("dispatch__department"),
        "hits": queries.ticket_hints(
            ticket.content,
            local_date(timezone.now()),
            address=ticket.address,
            region=ticket.region.name if ticket.region else "",
            lead=ticket.lead_department.name if ticket.lead_department else "",
        )
        if ticket.status == Ticket.Status.REGISTERED
        else [],
    }


@login_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = queries.get_ticket_for_user(user, pk)
    centre_side = queries.sees_all(user)
    mine = actions.handler_departments(user)
    dispatches = list(ticket.dispatches.select_related("department").order_by("-lead", "pk"))
    now = timezone.now()
    ctx: dict[str, Any] = {
        "ticket": ticket,
        "centre_side": centre_side,
        "operator": actions.is_operator(user),
        "dispatches": dispatches,
        "my_dispatches": [d for d in dispatches if d.department_id in mine and d.is_open],
        "my_signed_lead": any(
            d.department_id in mine and d.lead and d.status == Dispatch.Status.SIGNED
            for d in dispatches
        ),
        "events": ticket.events.select_related("actor", "department"),
        "callbacks": ticket.callbacks.all(),
        "escalation": Escalation.objects.filter(ticket=ticket).first(),
        "light": light(ticket.dispatched_at, ticket.due_at, now) if ticket.is_open else None,
        "labels": LABELS,
        "key": secrets.token_hex(8),
        "attachments": ticket.attachments.all(),
    }
    if actions.is_operator(user):
        ctx.update(_operator_context(ticket))
    return render(request, "hotline/ticket_detail.html", ctx)


@login_required
@require_POST
def ticket_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """The operator's moves on a ticket page."""
    user = _operator(request)
    ticket = queries.get_ticket_for_user(user, pk)
    now = timezone.now()
    key = _key(request)
    post = request.POST
    if move == "dispatch":
        form = DispatchForm(post)
        if not form.is_valid():
            messages.error(request, "请选择主办部门")
            return redirect("hotline:ticket", pk=pk)
        _run(
            request,
            lambda: actions.dispatch_ticket(
                ticket,
                actor=user,
                now=now,
                lead=form.cleaned_data["lead"],
                co=list(form.cleaned_data["co"]),
                note=form.cleaned_data["note"],
                key=key,
            ),
            "已派单",
        )
    elif move == "answer":
        _run(
            request,
            lambda: actions.answer_on_spot(
                ticket, actor=user, now=now, answer=post.get("answer", ""), key=key
            ),
            "已当场解答并办结",
        )
    elif move == "merge":
        into = queries.tickets_for_user(user).filter(pk=post.get("into") or 0).first()
        if into is None:
            messages.error(request, "请选择要合并到的工单")
        else:
            _run(
                request,
                lambda: actions.merge_ticket(ticket, into=into, actor=user, now=now, key=key),
                f"已合并至 {into.number}，并短信告知来电人办理进度",
            )
    elif move == "callback":
        cform = CallbackForm(post)
        if not cform.is_valid():
            messages.error(request, "请选择解决情况和满意度")
            return redirect("hotline:ticket", pk=pk)
        _run(
            request,
            lambda: actions.record_callback(
                ticket, actor=user, now=now, key=key, **cform.cleaned_data
            ),
            "回访已记录，工单转重办，请重新派单"
            if Callback(**cform.cleaned_data).bad
            else "回访已记录，工单办结",
        )
    elif move == "reopen":
        _run(
            request,
            lambda: actions.reopen_ticket(
                ticket, actor=user, now=now, reason=post.get("reason", ""), key=key
            ),
            "工单已重办，请重新派单",
        )
    elif move == "escalate":
        _run(
            request,
            lambda: actions.escalate_ticket(
                ticket, actor=user, now=now, reason=post.get("reason", "")
            ),
            "已提请领导督办",
        )
    elif move in ("approve_extension", "refuse_extension"):
        ext = get_object_or_404(Extension, pk=post.get("extension") or 0, dispatch__ticket=ticket)
        _run(
            request,
            lambda: actions.decide_extension(
                ext,
                actor=user,
                now=now,
                approve=move == "approve_extension",
                note=post.get("note", ""),
                key=key,
            ),
            "已审批延期申请",
        )
    else:
        raise Http404("操作不存在")
    return redirect("hotline:ticket", pk=pk)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a ticket in the user's scope (404 otherwise)."""
    item = get_object_or_404(Attachment, pk=pk)
    queries.get_ticket_for_user(_user(request), item.ticket_id)
    response = FileResponse(default_storage.open(item.file), content_type=item.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(item.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- department inbox --------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not actions.handler_departments(user):
        raise Http404("页面不存在")
    rows = queries.inbox_for_user(user)
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(status__in=[Dispatch.Status.PENDING, Dispatch.Status.SIGNED])
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    cal = workdays.calendar()
    for d in page:
        d.light = light(d.dispatched_at, d.due_at, now, cal) if d.is_open else None  # type: ignore[attr-defined]
    return render(request, "hotline/inbox.html", {"page": page, "show": show, "labels": LABELS})


@login_required
@require_POST
def dispatch_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """The department's moves: sign, send back, reply, ask for an extension."""
    user = _user(request)
    dispatch = queries.get_dispatch_for_user(user, pk)
    now = timezone.now()
    key = _key(request)
    post = request.POST
    if move == "sign":
        _run(
            request, lambda: actions.sign_dispatch(dispatch, actor=user, now=now, key=key), "已签收"
        )
    elif move == "send_back":
        _run(
            request,
            lambda: actions.send_back(
                dispatch, actor=user, now=now, reason=post.get("reason", ""), key=key
            ),
            "已退单，等待中心改派",
        )
    elif move == "reply":
        _run(
            request,
            lambda: actions.reply_dispatch(
                dispatch, actor=user, now=now, reply=post.get("reply", ""), key=key
            ),
            "已答复",
        )
    elif move == "extend":
        raw = post.get("days", "")
        _run(
            request,
            lambda: actions.request_extension(
                dispatch,
                actor=user,
                now=now,
                days=int(raw) if raw.isdigit() else 0,
                reason=post.get("reason", ""),
                key=key,
            ),
            "延期申请已提交中心审批",
        )
    else:
        raise Http404("操作不存在")
    return redirect("hotline:ticket", pk=dispatch.ticket_id)


# --- callback queue, leaders' queue ------------------------------------------------------------


@login_required
@require_GET
def callback_queue(request: HttpRequest) -> HttpResponse:
    _operator(request)
    rows = [(t, queries.callback_script(t)) for t in queries.callback_queue()[:100]]
    return render(request, "hotline/callbacks.html", {"rows": rows, "form": CallbackForm()})


@login_required
@require_http_methods(["GET", "POST"])
def leader_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    leader = actions.is_leader(user)
    officer = actions.is_supervision_officer(user)
    if not (leader or officer):
        raise Http404("页面不存在")
    if request.method == "POST":
        esc = get_object_or_404(Escalation, pk=request.POST.get("escalation") or 0)
        now = timezone.now()
        if request.POST.get("move") == "instruct":
            chosen = User.objects.filter(pk=request.POST.get("officer") or 0).first()
            if chosen is None:
                messages.error(request, "请选择督办人")
            else:
                _run(
                    request,
                    lambda: actions.instruct_escalation(
                        esc,
                        actor=user,
                        now=now,
                        instruction=request.POST.get("instruction", ""),
                        officer=chosen,
                    ),
                    "批示已送达督办人和承办部门",
                )
        else:
            _run(
                request,
                lambda: actions.follow_escalation(
                    esc,
                    actor=user,
                    now=now,
                    note=request.POST.get("note", ""),
                    finish=request.POST.get("finish") == "1",
                ),
                "督办情况已记录",
            )
        return redirect("hotline:leaders")
    rows = queries.leader_queue()
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.exclude(status=Escalation.Status.FINISHED)
    officers = User.objects.filter(
        pk__in=StaffRole.objects.filter(role=Role.SUPERVISOR).values("user_id")
    ).order_by("pk")
    now, cal = timezone.now(), workdays.calendar()  # one calendar for every row's light
    items = [
        (e, light(e.ticket.dispatched_at, e.ticket.due_at, now, cal) if e.ticket.is_open else None)
        for e in rows
    ]
    return render(
        request,
        "hotline/leaders.html",
        {
            "items": items,
            "leader": leader,
            "officers": officers,
            "show": show,
            "labels": LABELS,
        },
    )


# --- knowledge base ----------------------------------------------------------------------------


@login_required
@require_GET
def kb_search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (queries.sees_all(user) or actions.handler_departments(user)):
        raise Http404("页面不存在")
    q = request.GET.get("q", "").strip()[:200]
    today = local_date(timezone.now())
    hits = queries.search_knowledge(q, today) if q else []
    template = "hotline/_kb_hits.html" if request.headers.get("HX-Request") else "hotline/kb.html"
    return render(request, template, {"q": q, "hits": hits, "operator": actions.is_operator(user)})


@login_required
@require_GET
def kb_article(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not (queries.sees_all(user) or actions.handler_departments(user)):
        raise Http404("页面不存在")
    article = get_object_or_404(Article.objects.select_related("department"), pk=pk)
    today = local_date(timezone.now())
    return render(
        request,
        "hotline/kb_article.html",
        {
            "article": article,
            "stale": article.review_on < today,
            "expired": article.expires_on is not None and article.expires_on < today,
            "can_edit": article.department_id in actions.handler_departments(user),
        },
    )


def _article_form_context(article: Article | None, departments: list[Any]) -> dict[str, Any]:
    return {"article": article, "departments": departments}


@login_required
@require_http_methods(["GET", "POST"])
def kb_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A department keeps its own articles (new, or edit one of its own)."""
    user = _user(request)
    mine = actions.handler_departments(user)
    if not mine and not user.is_superuser:
        raise Http404("页面不存在")
    article = None
    if pk is not None:
        article = get_object_or_404(Article, pk=pk)
        if article.department_id not in mine and not user.is_superuser:
            raise Http404("页面不存在")
    departments = list(Department.objects.filter(pk__in=mine).order_by("pk"))
    if request.method == "POST":
        dept = (
            article.department
            if article
            else next((d for d in departments if str(d.pk) == request.POST.get("department")), None)
        )
        if dept is None:
            messages.error(request, "请选择维护部门")
        else:
            raw_days = request.POST.get("review_days", "180")
            try:
                expires = parse_date(request.POST.get("expires_on", ""))
            except ValueError:
                expires = None
            try:
                saved = actions.save_article(
                    article,
                    department=dept,
                    data=actions.ArticleData(
                        request.POST.get("title", ""),
                        request.POST.get("body", ""),
                        request.POST.get("keywords", ""),
                        int(raw_days) if raw_days.isdigit() else 180,
                        expires,
                    ),
                    actor=user,
                    now=timezone.now(),
                )
            except DomainError as e:
                messages.error(request, e.message)
            else:
                messages.success(request, "知识库条目已保存")
                return redirect("hotline:kb_article", pk=saved.pk)
    return render(request, "hotline/kb_edit.html", _article_form_context(article, departments))


# --- metrics -----------------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    today = local_date(timezone.now())
    try:
        year, month = (int(x) for x in raw.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


@login_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not queries.sees_all(user):
        raise Http404("页面不存在")
    year, month = _month(request)
    now = timezone.now()
    return render(
        request,
        "hotline/metrics.html",
        {
            "rows": queries.department_metrics(year, month, now),
            "definitions": queries.DEFINITIONS,
            "hot": queries.hot_topics(year, month),
            "month": f"{year:04d}-{month:02d}",
            "operator": actions.is_operator(user),
        },
    )


# --- public pages ------------------------------------------------------------------------------


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# Requests one address may submit on the portal within PUBLIC_WINDOW seconds (a flood guard;
# a hall whose visitors share an address still has room).
PUBLIC_LIMIT = 20
PUBLIC_WINDOW = 3600


def _too_many(request: HttpRequest) -> int:
    """Seconds until this address may submit again, or 0 if it is within PUBLIC_LIMIT."""
    try:
        ratelimit.hit(
            "hotline-submit",
            _address(request),
            limit=PUBLIC_LIMIT,
            window=PUBLIC_WINDOW,
            what="提交",
        )
    except ratelimit.RateLimited as e:
        return e.retry_after
    return 0


@require_http_methods(["GET", "POST"])
def public_submit(request: HttpRequest) -> HttpResponse:
    """A citizen's message from the portal: registered like a call, followed by number + code."""
    form = PublicTicketForm(request.POST or None)
    retry_after = _too_many(request) if request.method == "POST" else 0
    if retry_after:
        form.add_error(None, "提交过于频繁，请稍后再试，或拨打 12345")
    elif request.method == "POST" and form.is_valid():
        data = form.new_ticket(Ticket.Channel.WEB)
        data.attachments = request.FILES.getlist("attachments")
        found = _suggest(data.content, data.address, data.region.name if data.region else "")
        try:
            ticket = actions.register_ticket(
                data,
                actor=None,
                now=timezone.now(),
                key=_key(request),
                suggestion=(found.department, found.confidence) if found else None,
            )
        except DomainError as e:
            if e.field in form.fields:
                form.add_error(e.field, e.message)
            else:
                form.add_error(None, e.message)
        else:
            return render(request, "hotline/public_done.html", {"ticket": ticket})
    response = render(
        request,
        "hotline/public_submit.html",
        {"form": form, "key": secrets.token_hex(8)},
        status=429 if retry_after else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def public_track(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "")[:24]
    code = request.GET.get("code", "")[:8]
    ticket = None
    error = ""
    retry_after = 0
    if number or code:
        try:
            ticket = queries.lookup_ticket(_address(request), number, code)
        except queries.TooManyMisses as e:
            error, retry_after = e.message, e.retry_after
        else:
            if ticket is None:
                error = "工单号或查询码不正确"
    response = render(
        request,
        "hotline/public_track.html",
        {
            "ticket": ticket,
            "number": number,
            "code": code,
            "error": error,
            "events": ticket.events.exclude(kind__startswith="alert").order_by("at")
            if ticket
            else [],
        },
        status=429 if retry_after else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
