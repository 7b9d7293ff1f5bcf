"""Fee pages: a case's fees, the window's payment form, refunds, the printable notice, the daily
reconciliation report (and its Excel), and the payment-gateway callback.

Thin (STYLE §6): parse, fetch through a scoped helper (404 outside the scope), call one action,
show the domain error in Chinese.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.cases.models import Case
from onestop.core.errors import DomainError
from onestop.core.forms import run_form
from onestop.fees import actions
from onestop.fees.forms import (
    CancelForm,
    KeyForm,
    PaymentForm,
    ReconciliationForm,
    RefundForm,
    new_key,
)
from onestop.fees.gateways import CallbackError, gateways, get_gateway
from onestop.fees.models import FeeNotice, Payment, Refund
from onestop.fees.queries import (
    case_fees,
    get_case_for_fees,
    get_notice_for_user,
    get_payment_for_user,
    report_departments,
    report_scope,
)
from onestop.fees.report import Reconciliation, export_xlsx, reconcile
from onestop.org.models import Role
from onestop.org.queries import staff_roles_of
from onestop.org.web import run_move, staff_required
from onestop.workdays.calendar import local_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff_required()
@require_GET
def case_fees_page(request: HttpRequest, case_pk: int) -> HttpResponse:
    """A case's fees: the rule, the notice and its payments, and the moves the user may make."""
    case = get_case_for_fees(request.user, case_pk)
    actor = cast(User, request.user)
    return render(
        request,
        "fees/case.html",
        {
            "case": case,
            "fees": case_fees(case),
            "is_clerk": actions.holds(actor, case, (Role.CLERK,)),
            "is_head": actions.holds(actor, case, (Role.DEPARTMENT_HEAD,)),
            "key": new_key(),
        },
    )


@staff_required()
@require_POST
def issue(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_fees(request.user, case_pk)
    form = KeyForm(request.POST)
    key = form.cleaned_data["key"] if form.is_valid() else ""
    actor = cast(User, request.user)
    # A 1-tuple: the action answers None for an item that charges nothing.
    issued = run_move(
        request,
        lambda: (actions.issue_fee_notice(case, actor=actor, now=timezone.now(), key=key),),
    )
    if issued is None:
        return redirect("fees:case", case_pk=case.pk)
    (notice,) = issued
    if notice is None:
        messages.info(request, "该事项不收费，无需开具缴款通知。")
    elif notice.status == FeeNotice.Status.EXEMPTED:
        messages.success(request, f"已记录依法免收：{notice.exempt_reason}")
    else:
        messages.success(request, f"已开具缴款通知，缴款码 {notice.code_display}。")
    return redirect("fees:case", case_pk=case.pk)


@login_required
@require_GET
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable payment notice (缴款通知书) with the code and where to pay."""
    notice = get_notice_for_user(request.user, pk)
    orders = [g.create_order(notice) for g in gateways().values()]
    return render(request, "fees/notice.html", {"notice": notice, "orders": orders})


@staff_required()
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The window records a payment on a notice (clerk of the case's department)."""
    notice = get_notice_for_user(request.user, pk)
    actor = cast(User, request.user)
    if not actions.holds(actor, notice.case, (Role.CLERK,)):
        raise PermissionDenied("只有本部门窗口受理员可以收费")
    status = 200
    if request.method == "POST":
        form = PaymentForm(request.POST)
        payment, status = run_form(form, lambda d: _pay(notice, actor, d))
        if payment is not None:
            messages.success(
                request,
                f"已收费 {payment.amount} 元（{payment.method_display}），"
                f"缴款码 {notice.code_display}。",
            )
            return redirect("fees:case", case_pk=notice.case_id)
    else:
        form = PaymentForm(initial={"method": Payment.WINDOW_CASH, "key": new_key()})
    return render(request, "fees/pay.html", {"notice": notice, "form": form}, status=status)


def _pay(notice: FeeNotice, actor: User, d: dict[str, Any]) -> Payment:
    return actions.record_payment(
        notice,
        actor=actor,
        now=timezone.now(),
        method=d["method"],
        amount=d["amount"],
        reference=d["reference"],
        key=d["key"],
    )


@staff_required()
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_user(request.user, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    actor = cast(User, request.user)
    run_move(
        request,
        lambda: actions.cancel_notice(notice, actor=actor, now=timezone.now(), reason=reason),
        f"缴款通知 {notice.code_display} 已作废。",
    )
    return redirect("fees:case", case_pk=notice.case_id)


@staff_required()
@require_http_methods(["GET", "POST"])
def refund(request: HttpRequest, pk: int) -> HttpResponse:
    """The department head refunds a payment, in whole or in part, with a reason."""
    payment = get_payment_for_user(request.user, pk)
    actor = cast(User, request.user)
    case = payment.notice.case
    if not actions.holds(actor, case, (Role.DEPARTMENT_HEAD,)):
        raise PermissionDenied("只有本部门负责人可以批准退款")
    left = actions.refundable(payment)
    status = 200
    if request.method == "POST":
        form = RefundForm(request.POST)
        done, status = run_form(form, lambda d: _refund(payment, actor, d))
        if done is not None:
            messages.success(request, f"已退款 {done.amount} 元。")
            return redirect("fees:case", case_pk=case.pk)
    else:
        form = RefundForm(initial={"amount": str(left), "key": new_key()})
    return render(
        request,
        "fees/refund.html",
        {"payment": payment, "case": case, "left": left, "form": form},
        status=status,
    )


def _refund(payment: Payment, actor: User, d: dict[str, Any]) -> Refund:
    return actions.refund_payment(
        payment,
        actor=actor,
        now=timezone.now(),
        amount=d["amount"],
        reason=d["reason"],
        key=d["key"],
    )


# --- the daily reconciliation report ---------------------------------------------------------


def _report(request: HttpRequest) -> tuple[ReconciliationForm, Reconciliation]:
    if report_scope(request.user) is None:
        raise PermissionDenied("您没有查看收费对账的权限")
    departments = report_departments(request.user)
    form = ReconciliationForm(request.GET or None, departments=departments)
    day = local_date(timezone.now())
    department = None
    if request.GET:
        if not form.is_valid():
            if "department" in form.errors:
                raise Http404("部门不存在")
            messages.error(request, "日期格式应为 YYYY-MM-DD，已显示今天的对账。")
        else:
            day = form.cleaned_data["date"] or day
            department = form.cleaned_data["department"]
    own = [r.department for r in staff_roles_of(request.user) if r.department is not None]
    report = reconcile(request.user, day, department=department, always=own)
    if report is None:  # report_scope said yes above; kept for the type checker
        raise PermissionDenied("您没有查看收费对账的权限")
    return form, report


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    query = request.GET.urlencode()
    return render(
        request, "fees/reconciliation.html", {"form": form, "report": report, "query": query}
    )


@login_required
@require_GET
def reconciliation_xlsx(request: HttpRequest) -> HttpResponse:
    _form, report = _report(request)
    response = HttpResponse(export_xlsx(report), content_type=XLSX)
    name = f"fees-reconciliation-{report.day.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- payment gateways ------------------------------------------------------------------------


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


@csrf_exempt  # a server-to-server call, authenticated by its HMAC signature instead
@require_POST
def gateway_callback(request: HttpRequest, name: str) -> JsonResponse:
    """A payment platform reports a payment: verify its signature, then record the payment."""
    gateway = get_gateway(name)
    if gateway is None or not gateway.accepts_callbacks:
        return _json_error("not_found", "支付渠道不存在", 404)
    try:
        paid = gateway.parse_callback(request)
    except CallbackError as exc:
        return _json_error(exc.code, exc.message, exc.status)
    notice = FeeNotice.objects.select_related("case").filter(code=paid.payment_code).first()
    if notice is None:
        return _json_error("not_found", "缴款码不存在", 404)
    try:
        payment = actions.record_payment(
            notice,
            actor=None,
            now=timezone.now(),
            method=f"{Payment.GATEWAY_PREFIX}{name}",
            amount=paid.amount,
            reference=paid.reference,
        )
    except DomainError as exc:
        return _json_error(exc.code, exc.message, exc.status)
    return JsonResponse(
        {
            "code": "ok",
            "payment_code": notice.code,
            "payment": payment.pk,
            "amount": str(payment.amount),
            "case": Case.objects.values_list("number", flat=True).get(pk=notice.case_id),
        }
    )
