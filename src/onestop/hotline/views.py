"""Hotline pages: the operator's console, ticket pages, the department inbox, the callback and
leaders' queues, the knowledge base, metrics, and the public submit/follow pages.

Views are thin. A staff move has one shape (`onestop.org.web`): `@require_POST`, a staff check,
a scoped fetch, a form of `hotline.forms`, one action through `run_move`, and a redirect."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.lights import LABELS, light
from onestop.core.errors import DomainError
from onestop.hotline import actions, permissions, queries, router
from onestop.hotline.forms import (
    STATUS_FILTER,
    AnswerForm,
    ArticleForm,
    CallbackForm,
    CallbackMoveForm,
    DispatchForm,
    DispatchMoveForm,
    EscalationForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FollowForm,
    InstructForm,
    MergeForm,
    MonthForm,
    MoveForm,
    PublicTicketForm,
    ReasonForm,
    ReplyForm,
    SuggestForm,
    TicketForm,
)
from onestop.hotline.models import Article, Attachment, Callback, Escalation, Extension, Ticket
from onestop.hotline.workflow import (
    AWAITING_CALLBACK,
    AWAITING_DISPATCH,
    DISPATCH_OPEN,
    DispatchStatus,
    TicketStatus,
)
from onestop.lib import ratelimit
from onestop.org.models import Department, Region, Role, StaffRole
from onestop.org.web import form_problems, run_move, staff_required
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

OPERATOR = Role.HOTLINE_OPERATOR
F = TypeVar("F", bound=Form)
View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _only(allowed: bool) -> None:
    """A page the user may not see does not exist for them."""
    if not allowed:
        raise Http404("页面不存在")


def _post(
    request: HttpRequest,
    form: F,
    move: Callable[[F], object],
    done: str | Callable[[F], str],
) -> None:
    """One move from a posted form: its problems, or the action's refusal, become messages."""
    if not form.is_valid():
        form_problems(request, form)
        return
    run_move(request, lambda: move(form), done if isinstance(done, str) else done(form))


def _suggest(
    content: str, address: str, region: str, *, exclude: set[str] | None = None
) -> router.Suggestion | None:
    return router.suggest_for_ticket(content, address, region, exclude=exclude or ())


def _suggestion_for(ticket: Ticket) -> dict[str, Any] | None:
    """The department to offer on the ticket page: the one suggested at registration, or,
    once a department has sent the ticket back, a fresh suggestion without the departments
    that refused it (改派 must not offer them again)."""
    refused = queries.refused_departments(ticket)
    if ticket.status == TicketStatus.SENT_BACK and refused:
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


def _register(request: HttpRequest, form: TicketForm, channel: str, actor: User | None) -> Any:
    """受理 from a valid form (the console or the portal): the ticket, or None with the
    refusal shown at its field (or above the form)."""
    data = form.new_ticket(channel)
    data.attachments = request.FILES.getlist("attachments")
    found = _suggest(data.content, data.address, data.region.name if data.region else "")
    try:
        return actions.register_ticket(
            data,
            actor=actor,
            now=timezone.now(),
            key=request.POST.get("key", "")[:64],
            suggestion=(found.department, found.confidence) if found else None,
        )
    except DomainError as e:
        form.add_error(e.field if e.field in form.fields else None, e.message)
        return None


# --- operator console --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required(OPERATOR)
def console(request: HttpRequest) -> HttpResponse:
    """受理: fast keyboard entry of a call; the ticket page then offers dispatch."""
    form = TicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = _register(request, form, Ticket.Channel.PHONE, _user(request))
        if ticket is not None:
            messages.success(request, f"已受理，工单号 {ticket.number}")
            return redirect("hotline:ticket", pk=ticket.pk)
    today = timezone.now()
    return render(
        request,
        "hotline/console.html",
        {
            "form": form,
            "key": secrets.token_hex(8),
            "waiting": Ticket.objects.filter(status__in=AWAITING_DISPATCH)
            .select_related("lead_department")
            .order_by("registered_at")[:20],
            "callbacks": queries.callback_queue().count(),
            "extensions": Extension.objects.filter(status=Extension.Status.PENDING).count(),
            "today": local_date(today),
        },
    )


@require_GET
@staff_required(OPERATOR)
def caller(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's earlier tickets by phone number."""
    phone = request.GET.get("caller_phone", "")[:20]
    return render(
        request,
        "hotline/_caller.html",
        {"phone": phone, "history": queries.caller_history(phone)},
    )


@require_POST
@staff_required(OPERATOR)
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the suggested department and similar open tickets while the operator types."""
    form = SuggestForm(request.POST)
    form.is_valid()  # every field is optional; a region that is not a number is no region
    content = form.cleaned_data.get("content", "")
    address = form.cleaned_data.get("address", "")
    region_pk = form.cleaned_data.get("region")
    region = Region.objects.filter(pk=region_pk).first() if region_pk is not None else None
    place = region.name if region else ""
    typed = bool(content.strip())
    found = _suggest(content, address, place) if typed else None
    return render(
        request,
        "hotline/_suggest.html",
        {
            "found": found,
            "percent": round(found.confidence * 100) if found else 0,
            "alternatives": [(n, round(p * 100)) for n, p in found.alternatives] if found else [],
            "similar": queries.similar_open_tickets(content, address, region) if typed else [],
            "hits": queries.ticket_hints(
                content, local_date(timezone.now()), address=address, region=place, limit=3
            )
            if typed
            else [],
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
    _light_rows(page)
    return render(
        request,
        "hotline/ticket_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": STATUS_FILTER,
            "labels": LABELS,
            "operator": permissions.is_operator(user),
        },
    )


def _light_rows(rows: Any) -> None:
    """Each open ticket or dispatch of a page gets its light (one calendar for all rows)."""
    now, cal = timezone.now(), workdays.calendar()
    for row in rows:
        row.light = light(row.dispatched_at, row.due_at, now, cal) if row.is_open else None


def _operator_context(ticket: Ticket) -> dict[str, Any]:
    suggestion = _suggestion_for(ticket)
    waiting = ticket.status == TicketStatus.REGISTERED
    initial: dict[str, Any] = {}
    if ticket.lead_department_id and waiting:
        initial["lead"] = ticket.lead_department_id  # reopened: same department by default
    elif suggestion and suggestion["department"] is not None:
        initial["lead"] = suggestion["department"].pk
    similar = (
        queries.similar_open_tickets(ticket.content, ticket.address, ticket.region, exclude=ticket)
        if waiting
        else []
    )
    return {
        "suggestion": suggestion,
        "dispatch_form": DispatchForm(initial=initial),
        "similar": similar,
        "history": queries.caller_history(ticket.caller_phone, exclude=ticket),
        "callback_form": CallbackForm(),
        "script": queries.callback_script(ticket) if ticket.status in AWAITING_CALLBACK else "",
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
        if waiting
        else [],
    }


@login_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ticket = queries.get_ticket_for_user(user, pk)
    mine = permissions.handler_departments(user)
    dispatches = list(ticket.dispatches.select_related("department").order_by("-lead", "pk"))
    ctx: dict[str, Any] = {
        "ticket": ticket,
        "centre_side": queries.sees_all(user),
        "operator": permissions.is_operator(user),
        "dispatches": dispatches,
        "my_dispatches": [d for d in dispatches if d.department_id in mine and d.is_open],
        "my_signed_lead": any(
            d.department_id in mine and d.lead and d.status == DispatchStatus.SIGNED
            for d in dispatches
        ),
        "events": ticket.events.select_related("actor", "department"),
        "callbacks": ticket.callbacks.all(),
        "escalation": Escalation.objects.filter(ticket=ticket).first(),
        "light": light(ticket.dispatched_at, ticket.due_at, timezone.now())
        if ticket.is_open
        else None,
        "labels": LABELS,
        "key": secrets.token_hex(8),
        "attachments": ticket.attachments.all(),
    }
    if permissions.is_operator(user):
        ctx.update(_operator_context(ticket))
    return render(request, "hotline/ticket_detail.html", ctx)


# --- the operator's moves on a ticket ----------------------------------------------------------


def _ticket(request: HttpRequest, pk: int) -> tuple[User, Ticket]:
    user = _user(request)
    return user, queries.get_ticket_for_user(user, pk)


@require_POST
@staff_required(OPERATOR)
def dispatch_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    _post(
        request,
        DispatchMoveForm(request.POST),
        lambda f: actions.dispatch_ticket(
            ticket,
            actor=user,
            now=timezone.now(),
            lead=f.cleaned_data["lead"],
            co=list(f.cleaned_data["co"]),
            note=f.cleaned_data["note"],
            key=f.request_key,
        ),
        "已派单",
    )
    return redirect("hotline:ticket", pk=pk)


@require_POST
@staff_required(OPERATOR)
def answer_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    _post(
        request,
        AnswerForm(request.POST),
        lambda f: actions.answer_on_spot(
            ticket,
            actor=user,
            now=timezone.now(),
            answer=f.cleaned_data["answer"],
            key=f.request_key,
        ),
        "已当场解答并办结",
    )
    return redirect("hotline:ticket", pk=pk)


@require_POST
@staff_required(OPERATOR)
def merge_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    _post(
        request,
        MergeForm(request.POST, tickets=queries.tickets_for_user(user)),
        lambda f: actions.merge_ticket(
            ticket, into=f.cleaned_data["into"], actor=user, now=timezone.now(), key=f.request_key
        ),
        lambda f: f"已合并至 {f.cleaned_data['into'].number}，并短信告知来电人办理进度",
    )
    return redirect("hotline:ticket", pk=pk)


@require_POST
@staff_required(OPERATOR)
def record_callback(request: HttpRequest, pk: int) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    _post(
        request,
        CallbackMoveForm(request.POST),
        lambda f: actions.record_callback(
            ticket,
            actor=user,
            now=timezone.now(),
            resolution=f.cleaned_data["resolution"],
            satisfaction=f.cleaned_data["satisfaction"],
            note=f.cleaned_data["note"],
            key=f.request_key,
        ),
        lambda f: (
            "回访已记录，工单转重办，请重新派单"
            if Callback(
                resolution=f.cleaned_data["resolution"], satisfaction=f.cleaned_data["satisfaction"]
            ).bad
            else "回访已记录，工单办结"
        ),
    )
    return redirect("hotline:ticket", pk=pk)


@require_POST
@staff_required(OPERATOR)
def reopen_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    _post(
        request,
        ReasonForm(request.POST),
        lambda f: actions.reopen_ticket(
            ticket,
            actor=user,
            now=timezone.now(),
            reason=f.cleaned_data["reason"],
            key=f.request_key,
        ),
        "工单已重办，请重新派单",
    )
    return redirect("hotline:ticket", pk=pk)


@require_POST
@staff_required(OPERATOR)
def escalate_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    _post(
        request,
        ReasonForm(request.POST),
        lambda f: actions.escalate_ticket(
            ticket, actor=user, now=timezone.now(), reason=f.cleaned_data["reason"]
        ),
        "已提请领导督办",
    )
    return redirect("hotline:ticket", pk=pk)


def _decide_extension(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    form = ExtensionDecisionForm(request.POST)
    chosen = form.cleaned_data["extension"] if form.is_valid() else None
    ext = get_object_or_404(Extension, pk=chosen or 0, dispatch__ticket=ticket)
    _post(
        request,
        form,
        lambda f: actions.decide_extension(
            ext,
            actor=user,
            now=timezone.now(),
            approve=approve,
            note=f.cleaned_data["note"],
            key=f.request_key,
        ),
        "已审批延期申请",
    )
    return redirect("hotline:ticket", pk=pk)


@require_POST
@staff_required(OPERATOR)
def approve_extension(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_extension(request, pk, approve=True)


@require_POST
@staff_required(OPERATOR)
def refuse_extension(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_extension(request, pk, approve=False)


TICKET_MOVES: dict[str, View] = {
    "dispatch": dispatch_ticket,
    "answer": answer_ticket,
    "merge": merge_ticket,
    "callback": record_callback,
    "reopen": reopen_ticket,
    "escalate": escalate_ticket,
    "approve_extension": approve_extension,
    "refuse_extension": refuse_extension,
}


@require_POST
def ticket_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """/tickets/<pk>/<move>/: the operator's move of that name (404 for no such move)."""
    view = TICKET_MOVES.get(move)
    if view is None:
        raise Http404("操作不存在")
    return view(request, pk)


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
    _only(bool(permissions.handler_departments(user)))
    rows = queries.inbox_for_user(user)
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(status__in=DISPATCH_OPEN)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    _light_rows(page)
    return render(request, "hotline/inbox.html", {"page": page, "show": show, "labels": LABELS})


# --- the department's moves on its dispatch ----------------------------------------------------


def _dispatch(request: HttpRequest, pk: int) -> tuple[User, Any]:
    user = _user(request)
    return user, queries.get_dispatch_for_user(user, pk)


def _to_ticket(dispatch: Any) -> HttpResponse:
    return redirect("hotline:ticket", pk=dispatch.ticket_id)


@require_POST
@staff_required()
def sign_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    user, dispatch = _dispatch(request, pk)
    _post(
        request,
        MoveForm(request.POST),
        lambda f: actions.sign_dispatch(
            dispatch, actor=user, now=timezone.now(), key=f.request_key
        ),
        "已签收",
    )
    return _to_ticket(dispatch)


@require_POST
@staff_required()
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    user, dispatch = _dispatch(request, pk)
    _post(
        request,
        ReasonForm(request.POST),
        lambda f: actions.send_back(
            dispatch,
            actor=user,
            now=timezone.now(),
            reason=f.cleaned_data["reason"],
            key=f.request_key,
        ),
        "已退单，等待中心改派",
    )
    return _to_ticket(dispatch)


@require_POST
@staff_required()
def reply_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    user, dispatch = _dispatch(request, pk)
    _post(
        request,
        ReplyForm(request.POST),
        lambda f: actions.reply_dispatch(
            dispatch,
            actor=user,
            now=timezone.now(),
            reply=f.cleaned_data["reply"],
            key=f.request_key,
        ),
        "已答复",
    )
    return _to_ticket(dispatch)


@require_POST
@staff_required()
def request_extension(request: HttpRequest, pk: int) -> HttpResponse:
    user, dispatch = _dispatch(request, pk)
    _post(
        request,
        ExtensionRequestForm(request.POST),
        lambda f: actions.request_extension(
            dispatch,
            actor=user,
            now=timezone.now(),
            days=f.cleaned_data["days"] or 0,
            reason=f.cleaned_data["reason"],
            key=f.request_key,
        ),
        "延期申请已提交中心审批",
    )
    return _to_ticket(dispatch)


DISPATCH_MOVES: dict[str, View] = {
    "sign": sign_dispatch,
    "send_back": send_back,
    "reply": reply_dispatch,
    "extend": request_extension,
}


@require_POST
def dispatch_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """/dispatches/<pk>/<move>/: the department's move of that name (404 for no such move)."""
    view = DISPATCH_MOVES.get(move)
    if view is None:
        raise Http404("操作不存在")
    return view(request, pk)


# --- callback queue, leaders' queue ------------------------------------------------------------


@require_GET
@staff_required(OPERATOR)
def callback_queue(request: HttpRequest) -> HttpResponse:
    rows = [(t, queries.callback_script(t)) for t in queries.callback_queue()[:100]]
    return render(request, "hotline/callbacks.html", {"rows": rows, "form": CallbackForm()})


def _leader_move(request: HttpRequest, user: User) -> HttpResponse:
    """批示 (a leader) or 督办记录 (the named officer) on one escalation of the queue."""
    which = EscalationForm(request.POST)
    chosen = which.cleaned_data["escalation"] if which.is_valid() else None
    esc = get_object_or_404(Escalation, pk=chosen or 0)
    if which.cleaned_data.get("move") == "instruct":
        _post(
            request,
            InstructForm(request.POST),
            lambda f: actions.instruct_escalation(
                esc,
                actor=user,
                now=timezone.now(),
                instruction=f.cleaned_data["instruction"],
                officer=f.cleaned_data["officer"],
            ),
            "批示已送达督办人和承办部门",
        )
    else:
        _post(
            request,
            FollowForm(request.POST),
            lambda f: actions.follow_escalation(
                esc,
                actor=user,
                now=timezone.now(),
                note=f.cleaned_data["note"],
                finish=f.cleaned_data["finish"],
            ),
            "督办情况已记录",
        )
    return redirect("hotline:leaders")


@login_required
@require_http_methods(["GET", "POST"])
def leader_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    leader = permissions.is_leader(user)
    _only(leader or permissions.is_supervision_officer(user))
    if request.method == "POST":
        return _leader_move(request, user)
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
    _only(permissions.reads_knowledge(user))
    q = request.GET.get("q", "").strip()[:200]
    today = local_date(timezone.now())
    hits = queries.search_knowledge(q, today) if q else []
    template = "hotline/_kb_hits.html" if request.headers.get("HX-Request") else "hotline/kb.html"
    return render(
        request, template, {"q": q, "hits": hits, "operator": permissions.is_operator(user)}
    )


@login_required
@require_GET
def kb_article(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _only(permissions.reads_knowledge(user))
    article = get_object_or_404(Article.objects.select_related("department"), pk=pk)
    today = local_date(timezone.now())
    return render(
        request,
        "hotline/kb_article.html",
        {
            "article": article,
            "stale": article.review_on < today,
            "expired": article.expires_on is not None and article.expires_on < today,
            "can_edit": article.department_id in permissions.handler_departments(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def kb_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A department keeps its own articles (new, or edit one of its own). A refused entry is
    shown again as typed, each problem at its field."""
    user = _user(request)
    mine = permissions.handler_departments(user)
    _only(bool(mine) or user.is_superuser)
    article = None
    if pk is not None:
        article = get_object_or_404(Article, pk=pk)
        _only(permissions.may_edit_articles_of(user, article.department_id))
    departments = Department.objects.filter(pk__in=mine).order_by("pk")
    initial = {}
    if article is not None:
        initial = {"title": article.title, "body": article.body, "keywords": article.keywords}
        initial["expires_on"] = article.expires_on.isoformat() if article.expires_on else ""
    form = ArticleForm(
        request.POST or None,
        initial=initial,
        departments=departments,
        fixed=article is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_article(
                article,
                department=article.department if article else form.cleaned_data["department"],
                data=form.article_data(),
                actor=user,
                now=timezone.now(),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "知识库条目已保存")
            return redirect("hotline:kb_article", pk=saved.pk)
    return render(request, "hotline/kb_edit.html", {"article": article, "form": form})


# --- metrics -----------------------------------------------------------------------------------


@login_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _only(queries.sees_all(user))
    year, month = MonthForm(request.GET).year_month(local_date(timezone.now()))
    return render(
        request,
        "hotline/metrics.html",
        {
            "rows": queries.department_metrics(year, month, timezone.now()),
            "definitions": queries.DEFINITIONS,
            "hot": queries.hot_topics(year, month),
            "month": f"{year:04d}-{month:02d}",
            "operator": permissions.is_operator(user),
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
        ticket = _register(request, form, Ticket.Channel.WEB, None)
        if ticket is not None:
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
