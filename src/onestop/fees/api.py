"""The fee API: parse → scoped fetch → one action from onestop.fees.actions → JSON.

Mounted by the API module at /api/v1/fees (`api.add_router("/fees", fees.api.router)`).
Amounts are strings of yuan with two places ("120.00"), never JSON numbers, so that no client
turns them into floats. Out-of-scope ids are 404, domain errors 403/409/422, all as
`{"code", "message", "field"}`; every POST takes an optional `Idempotency-Key` header.

No `from __future__ import annotations` here: the views are wrapped by the shared
`domain_errors`, and ninja resolves string annotations against the wrapper's module.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from onestop.apitokens.auth import API_AUTH, api_user
from onestop.apitokens.errors import ERRORS, domain_errors, idempotency_header
from onestop.core.errors import NotAllowed
from onestop.fees import actions
from onestop.fees.compute import FeeError
from onestop.fees.models import FeeNotice, Payment, Refund
from onestop.fees.queries import (
    case_fees,
    get_case_for_fees,
    get_notice_for_user,
    get_payment_for_user,
    report_departments,
)
from onestop.fees.report import Figures, reconcile
from onestop.org.queries import staff_roles_of
from onestop.workdays.calendar import local_date

router = Router(tags=["fees"], auth=API_AUTH)

IdempotencyKey = Annotated[
    str | None, idempotency_header("幂等键：同一办件上重复提交相同的键，第二次不做任何改动")
]
Money = Annotated[str, Field(description='金额（元），两位小数的字符串，如 "120.00"')]


class RefundOut(Schema):
    id: int
    amount: Money
    reason: str
    at: dt.datetime


class PaymentOut(Schema):
    id: int
    amount: Money
    method: str = Field(description="window_cash、window_card 或 gateway:<渠道名>")
    method_label: str
    reference: str
    at: dt.datetime
    refunds: list[RefundOut]


class NoticeOut(Schema):
    id: int
    code: str = Field(description="缴款码（20 位数字，末位为校验位）")
    amount: Money
    status: str = Field(description="issued / paid / exempted / refunded / cancelled")
    status_label: str
    exempt_reason: str
    lines: list[dict[str, str]]
    issued_at: dt.datetime
    paid_at: dt.datetime | None
    payments: list[PaymentOut]


class CaseFeesOut(Schema):
    case_number: str
    settled: bool = Field(description="费用已缴清或依法免收（发证办结的前提）")
    rule: str = Field(description="收费项目名称；不收费的事项为空")
    expected: Money | None = Field(description="按收费标准和申请表计算的应缴金额")
    exempt_reason: str
    error: str = Field(description="无法计算时的原因（如申请表缺少计费数量）")
    notices: list[NoticeOut]


class PaymentIn(Schema):
    method: str = Field(description="window_cash（窗口现金）或 window_card（窗口刷卡/扫码）")
    amount: str = Field(max_length=20, description="实收金额（元），须与应缴金额一致")
    reference: str = Field(default="", max_length=64, description="票据号或交易流水号")


class RefundIn(Schema):
    amount: str = Field(max_length=20, description="退款金额（元）")
    reason: str = Field(max_length=300)


class CancelIn(Schema):
    reason: str = Field(max_length=200)


class DepartmentDayOut(Schema):
    department: str
    issued_count: int
    due: Money
    exempted_count: int
    cancelled_count: int
    cancelled: Money
    paid_count: int
    paid: Money
    by_method: dict[str, Money]
    refund_count: int
    refunded: Money
    net: Money
    outstanding_count: int
    outstanding: Money


class ReconciliationOut(Schema):
    date: dt.date
    departments: list[DepartmentDayOut]
    total: DepartmentDayOut


class ReconciliationQuery(Schema):
    date: dt.date | None = Field(default=None, description="对账日期（北京时间），默认今天")
    department: int | None = Field(default=None, description="部门 id，默认全部可见部门")


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(
        id=p.pk,
        amount=str(p.amount),
        method=p.method,
        method_label=p.method_display,
        reference=p.reference,
        at=p.at,
        refunds=[refund_out(r) for r in p.refunds.all()],
    )


def refund_out(r: Refund) -> RefundOut:
    return RefundOut(id=r.pk, amount=str(r.amount), reason=r.reason, at=r.at)


def notice_out(n: FeeNotice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        code=n.code,
        amount=str(n.amount),
        status=n.status,
        status_label=n.get_status_display(),
        exempt_reason=n.exempt_reason,
        lines=n.lines,
        issued_at=n.issued_at,
        paid_at=n.paid_at,
        payments=[payment_out(p) for p in n.payments.all()],
    )


def fees_out(case_id: int, request: HttpRequest) -> CaseFeesOut:
    case = get_case_for_fees(api_user(request), case_id)
    fees = case_fees(case)
    return CaseFeesOut(
        case_number=case.number,
        settled=fees.settled,
        rule=fees.rule.name if fees.rule else "",
        expected=str(fees.expected.total) if fees.expected else None,
        exempt_reason=fees.expected.exempt_reason if fees.expected else "",
        error=fees.error,
        notices=[notice_out(n) for n in fees.notices],
    )


@router.get(
    "/cases/{int:case_id}",
    response={200: CaseFeesOut, **ERRORS},
    url_name="fees_case",
    summary="办件收费情况（收费标准、缴款通知、缴费与退款）",
)
@domain_errors
def case_detail(request: HttpRequest, case_id: int) -> Any:
    return fees_out(case_id, request)


@router.post(
    "/cases/{int:case_id}/notice",
    response={200: CaseFeesOut, **ERRORS},
    url_name="fees_issue",
    summary="开具缴款通知（依法免收的事项记录免收依据）",
    description="已有有效的缴款通知时直接返回；不收费的事项不开具。",
)
@domain_errors
def issue(request: HttpRequest, case_id: int, idempotency_key: IdempotencyKey = None) -> Any:
    user = api_user(request)
    case = get_case_for_fees(user, case_id)
    actions.issue_fee_notice(case, actor=user, now=timezone.now(), key=idempotency_key or "")
    return fees_out(case_id, request)


@router.post(
    "/notices/{int:notice_id}/payments",
    response={201: PaymentOut, **ERRORS},
    url_name="fees_pay",
    summary="窗口收费（金额须与应缴金额一致）",
)
@domain_errors
def pay(
    request: HttpRequest, notice_id: int, body: PaymentIn, idempotency_key: IdempotencyKey = None
) -> Any:
    user = api_user(request)
    notice = get_notice_for_user(user, notice_id)
    if body.method not in Payment.WINDOW_METHODS:
        raise FeeError("接口只登记窗口收费（window_cash 或 window_card）", field="method")
    payment = actions.record_payment(
        notice,
        actor=user,
        now=timezone.now(),
        method=body.method,
        amount=body.amount,
        reference=body.reference,
        key=idempotency_key or "",
    )
    return Status(201, payment_out(payment))


@router.post(
    "/notices/{int:notice_id}/cancel",
    response={200: NoticeOut, **ERRORS},
    url_name="fees_cancel",
    summary="作废未缴费的缴款通知",
)
@domain_errors
def cancel(
    request: HttpRequest, notice_id: int, body: CancelIn, idempotency_key: IdempotencyKey = None
) -> Any:
    user = api_user(request)
    notice = get_notice_for_user(user, notice_id)
    notice = actions.cancel_notice(
        notice, actor=user, now=timezone.now(), reason=body.reason, key=idempotency_key or ""
    )
    return notice_out(notice)


@router.post(
    "/payments/{int:payment_id}/refunds",
    response={201: RefundOut, **ERRORS},
    url_name="fees_refund",
    summary="退款（部门负责人批准，可部分退款）",
)
@domain_errors
def refund(
    request: HttpRequest, payment_id: int, body: RefundIn, idempotency_key: IdempotencyKey = None
) -> Any:
    user = api_user(request)
    payment = get_payment_for_user(user, payment_id)
    done = actions.refund_payment(
        payment,
        actor=user,
        now=timezone.now(),
        amount=body.amount,
        reason=body.reason,
        key=idempotency_key or "",
    )
    return Status(201, refund_out(done))


def figures_out(fig: Figures) -> DepartmentDayOut:
    return DepartmentDayOut(
        department=fig.department.name if fig.department else "合计",
        issued_count=fig.issued_count,
        due=str(fig.due),
        exempted_count=fig.exempted_count,
        cancelled_count=fig.cancelled_count,
        cancelled=str(fig.cancelled),
        paid_count=fig.paid_count,
        paid=str(fig.paid),
        by_method={m: str(v) for m, v in fig.by_method.items()},
        refund_count=fig.refund_count,
        refunded=str(fig.refunded),
        net=str(fig.net),
        outstanding_count=fig.outstanding_count,
        outstanding=str(fig.outstanding),
    )


@router.get(
    "/reconciliation",
    response={200: ReconciliationOut, **ERRORS},
    url_name="fees_reconciliation",
    summary="收费日对账（按部门）",
)
@domain_errors
def reconciliation(request: HttpRequest, query: Query[ReconciliationQuery]) -> Any:
    user = api_user(request)
    department = None
    if query.department is not None:
        department = report_departments(user).filter(pk=query.department).first()
        if department is None:
            raise Http404("部门不存在")
    day = query.date or local_date(timezone.now())
    own = [r.department for r in staff_roles_of(user) if r.department is not None]
    report = reconcile(user, day, department=department, always=own)
    if report is None:
        raise NotAllowed("您没有查看收费对账的权限")
    return ReconciliationOut(
        date=day,
        departments=[figures_out(f) for f in report.departments],
        total=figures_out(report.total),
    )
