"""The staff moves posted from a ticket page, one view each in the shape of `onestop.org.web`:
`@require_POST`, a staff check, a scoped fetch, a form of `hotline.forms`, one action through
`run_move`, a redirect. `ticket_move` and `dispatch_move` route /<pk>/<move>/ to them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from onestop.hotline import actions, queries
from onestop.hotline.forms import (
    AnswerForm,
    CallbackMoveForm,
    DispatchMoveForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MergeForm,
    MoveForm,
    ReasonForm,
    ReplyForm,
)
from onestop.hotline.models import Callback, Extension, Ticket
from onestop.hotline.views.common import (
    OPERATOR,
    View,
    post_move,
    user_of,
)
from onestop.org.web import staff_required

# --- the operator's moves on a ticket ----------------------------------------------------------


def _ticket(request: HttpRequest, pk: int) -> tuple[User, Ticket]:
    user = user_of(request)
    return user, queries.get_ticket_for_user(user, pk)


@require_POST
@staff_required(OPERATOR)
def dispatch_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    user, ticket = _ticket(request, pk)
    post_move(
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
    post_move(
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
    post_move(
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
    post_move(
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
    post_move(
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
    post_move(
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
    post_move(
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


# --- the department's moves on its dispatch ----------------------------------------------------


def _dispatch(request: HttpRequest, pk: int) -> tuple[User, Any]:
    user = user_of(request)
    return user, queries.get_dispatch_for_user(user, pk)


def _to_ticket(dispatch: Any) -> HttpResponse:
    return redirect("hotline:ticket", pk=dispatch.ticket_id)


@require_POST
@staff_required()
def sign_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    user, dispatch = _dispatch(request, pk)
    post_move(
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
    post_move(
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
    post_move(
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
    post_move(
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
