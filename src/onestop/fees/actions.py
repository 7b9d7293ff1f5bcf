"""Every write of fees (STYLE §3): lock the case, check the actor and the state, change, and
append a hash-chained event to the case's audit trail — so every notice, payment and refund is
in the case's chain.

Rules:
- A notice is computed from the item's rule and the case's form when issued, and keeps its lines.
- A case has at most one live notice (issued, paid or exempted); issuing again returns it.
- A payment equals the amount due, to the cent: no over- or under-payment is taken.
- A gateway transaction (method + reference) is credited once, however often it calls back.
- Refunds are approved by the department head and never exceed what was paid.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases.actions import already_done, tell_parties
from onestop.cases.audit import record_event
from onestop.cases.models import Case
from onestop.core.errors import NotAllowed, TransitionError
from onestop.fees.compute import FeeError, compute_fee, new_payment_code, to_money
from onestop.fees.gateways import get_gateway
from onestop.fees.models import FeeNotice, Payment, Refund
from onestop.fees.queries import rule_for_item
from onestop.org.models import Role, StaffRole
from onestop.workdays.calendar import local_date

S = Case.Status
N = FeeNotice.Status

# A notice may be issued and paid while the case is alive and not yet completed: at the
# window before an instant item is handled, at acceptance, or after the grant before the
# certificate is released.
OPEN_STATES = frozenset(S) - {S.NOT_ACCEPTED, S.REFUSED, S.COMPLETED, S.DELIVERED, S.WITHDRAWN}


def lock_case(case: Case) -> Case:
    # of=("self",): lock the case row only, not the item, department and region rows it joins
    # (PostgreSQL would lock those too and serialise a whole department's payments).
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "department", "region")
        .get(pk=case.pk)
    )


def _lock_notice(notice: FeeNotice) -> tuple[FeeNotice, Case]:
    case = lock_case(notice.case)
    notice = FeeNotice.objects.select_for_update().get(pk=notice.pk)
    notice.case = case
    return notice, case


def holds(actor: User | None, case: Case, roles: tuple[str, ...]) -> bool:
    """The actor holds one of `roles` in the case's department, with the case's region in scope."""
    if actor is None:
        return False
    staff = StaffRole.objects.filter(
        user=actor, role__in=roles, department_id=case.department_id
    ).select_related("region")
    return any(case.region.path.startswith(r.region.path) for r in staff)


def _require(actor: User | None, case: Case, roles: tuple[str, ...], what: str) -> None:
    if not holds(actor, case, roles):
        raise NotAllowed(f"您没有权限{what}（须为本办件实施部门的相应岗位人员）")


def _notice_data(notice: FeeNotice) -> dict[str, Any]:
    return {"notice": notice.code, "amount": str(notice.amount), "status": notice.status}


def _new_code(case: Case, now: datetime) -> str:
    year = local_date(now).year
    while True:  # 10^11 codes per region and year: a repeat is rare, but check
        code = new_payment_code(case.region.code, year)
        if not FeeNotice.objects.filter(code=code).exists():
            return code


def _state_error(notice: FeeNotice) -> TransitionError:
    messages = {
        N.PAID: "该缴款通知已缴费",
        N.EXEMPTED: "该费用依法免收，无需缴费",
        N.REFUNDED: "该缴款通知已退款",
        N.CANCELLED: "该缴款通知已作废",
    }
    return TransitionError(messages.get(N(notice.status), "该缴款通知当前状态不允许此操作"))


# --- notices ---------------------------------------------------------------------------------


@transaction.atomic
def issue_fee_notice(case: Case, *, actor: User, now: datetime, key: str = "") -> FeeNotice | None:
    """Compute the case's fee from its item's rule and issue the notice (or record the exemption).

    Returns the live notice if there is one already, and None when the item charges nothing.
    """
    case = lock_case(case)
    live = FeeNotice.objects.filter(case=case, status__in=FeeNotice.ACTIVE).first()
    if already_done(case, key):
        return live
    _require(actor, case, (Role.CLERK,), "开具缴款通知")
    if live is not None:
        return live
    if case.status not in OPEN_STATES:
        raise TransitionError(f"办件当前状态为“{case.get_status_display()}”，不能开具缴款通知")
    rule = rule_for_item(case.item.code)
    if rule is None:
        return None
    fee = compute_fee(rule, case.form_data)
    if not fee.due:
        return None
    notice = FeeNotice.objects.create(
        case=case,
        code=_new_code(case, now),
        amount=fee.total,
        lines=[line.as_json() for line in fee.lines],
        status=N.EXEMPTED if fee.exempt else N.ISSUED,
        exempt_reason=fee.exempt_reason,
        issued_at=now,
        issued_by=actor,
    )
    record_event(
        case,
        "fee_notice_issued",
        actor=actor,
        now=now,
        key=key,
        data={
            **_notice_data(notice),
            "lines": notice.lines,
            "exempt_reason": notice.exempt_reason,
        },
    )
    if notice.status == N.ISSUED:
        _tell_fee_notice(case, notice, rule.legal_basis, now)
    return notice


def _tell_fee_notice(case: Case, notice: FeeNotice, basis: str, now: datetime) -> None:
    """The applicant is told the amount, its legal basis and the payment code, in the move."""
    basis_text = f"（收费依据：{basis.strip()}）" if basis.strip() else ""
    tell_parties(
        case,
        template="fee_notice",
        subject="缴费通知",
        body=(
            f"您的办件{case.number}（{case.item.name}）应缴费用{notice.amount}元{basis_text}，"
            f"缴款码：{notice.code}。可在办件页面在线缴纳，或持缴款码到窗口缴费。"
        ),
        now=now,
        context={"notice": notice.code, "amount": str(notice.amount)},
    )


@transaction.atomic
def cancel_notice(
    notice: FeeNotice, *, actor: User, now: datetime, reason: str, key: str = ""
) -> FeeNotice:
    """Void an unpaid notice (or a recorded exemption) so that a corrected one can be issued."""
    notice, case = _lock_notice(notice)
    if already_done(case, key):
        return notice
    _require(actor, case, (Role.CLERK, Role.DEPARTMENT_HEAD), "作废缴款通知")
    if notice.status not in (N.ISSUED, N.EXEMPTED):
        raise _state_error(notice)
    if not reason.strip():
        raise FeeError("作废缴款通知须说明原因", field="reason")
    notice.status, notice.cancelled_at = N.CANCELLED, now
    notice.cancel_reason = reason.strip()[:200]
    notice.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    record_event(
        case,
        "fee_notice_cancelled",
        actor=actor,
        now=now,
        key=key,
        data={**_notice_data(notice), "reason": notice.cancel_reason},
    )
    return notice


# --- payments and refunds --------------------------------------------------------------------


def _check_method(method: str, actor: User | None, case: Case, reference: str) -> None:
    if method in Payment.WINDOW_METHODS:
        _require(actor, case, (Role.CLERK,), "在窗口收费")
        return
    if method.startswith(Payment.GATEWAY_PREFIX):
        gateway = get_gateway(method.removeprefix(Payment.GATEWAY_PREFIX))
        if gateway is None or not gateway.accepts_callbacks:
            raise FeeError("未配置该支付渠道", field="method")
        if not reference:
            raise FeeError("网上缴费须有支付渠道的交易流水号", field="reference")
        if actor is not None:
            _require(actor, case, (Role.CLERK,), "登记网上缴费")
        return
    raise FeeError("缴费方式无效", field="method")


@transaction.atomic
def record_payment(
    notice: FeeNotice,
    *,
    actor: User | None,
    now: datetime,
    method: str,
    amount: Decimal | str | int,
    reference: str = "",
    key: str = "",
) -> Payment:
    """Take the amount due on a notice: at the window (a clerk) or from a gateway (actor None)."""
    notice, case = _lock_notice(notice)
    reference = reference.strip()
    if key and already_done(case, key):
        earlier = Payment.objects.filter(notice__case=case, key=key).first()
        if earlier is None:
            raise TransitionError("该请求标识已用于本办件的其他操作")
        return earlier
    _check_method(method, actor, case, reference)
    if reference:
        # A gateway calling back again for the same transaction: already credited.
        earlier = Payment.objects.filter(method=method, reference=reference).first()
        if earlier is not None:
            if earlier.notice_id != notice.pk:
                raise FeeError("该交易流水号/票据号已用于其他缴款通知", field="reference")
            return earlier
    if len(reference) > 64:
        raise FeeError("交易流水号/票据号不能超过 64 个字符", field="reference")
    if notice.status != N.ISSUED:
        raise _state_error(notice)
    if case.status not in OPEN_STATES:
        raise TransitionError(f"办件当前状态为“{case.get_status_display()}”，不能缴费")
    paid = to_money(amount)
    if paid != notice.amount:
        side = "多于" if paid > notice.amount else "少于"
        raise FeeError(
            f"缴费金额 {paid} 元{side}应缴金额 {notice.amount} 元：须按应缴金额足额缴纳，"
            "不能多缴或少缴",
            field="amount",
        )
    payment = Payment.objects.create(
        notice=notice, amount=paid, method=method, reference=reference, at=now, by=actor, key=key
    )
    notice.status, notice.paid_at = N.PAID, now
    notice.save(update_fields=["status", "paid_at"])
    record_event(
        case,
        "fee_paid",
        actor=actor,
        now=now,
        key=key,
        data={
            **_notice_data(notice),
            "payment": payment.pk,
            "paid": str(paid),
            "method": method,
            "reference": reference,
        },
    )
    return payment


def refundable(payment: Payment) -> Decimal:
    """What is left to refund on a payment."""
    refunded = sum((r.amount for r in payment.refunds.all()), Decimal("0.00"))
    return payment.amount - refunded


@transaction.atomic
def refund_payment(
    payment: Payment,
    *,
    actor: User,
    now: datetime,
    amount: Decimal | str | int,
    reason: str,
    key: str = "",
) -> Refund:
    """Pay money back (in whole or in part) with the department head's approval and a reason.

    A notice refunded in full no longer settles the case."""
    notice, case = _lock_notice(payment.notice)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if key and already_done(case, key):
        earlier = Refund.objects.filter(payment__notice__case=case, key=key).first()
        if earlier is None:
            raise TransitionError("该请求标识已用于本办件的其他操作")
        return earlier
    _require(actor, case, (Role.DEPARTMENT_HEAD,), "批准退款")
    if notice.status != N.PAID:
        raise _state_error(notice)
    if not reason.strip():
        raise FeeError("退款须说明原因", field="reason")
    value = to_money(amount)
    if value <= 0:
        raise FeeError("退款金额应大于 0", field="amount")
    left = refundable(payment)
    if value > left:
        raise FeeError(f"退款金额不能超过可退金额 {left} 元", field="amount")
    refund = Refund.objects.create(
        payment=payment, amount=value, reason=reason.strip()[:300], at=now, by=actor, key=key
    )
    full = value == left
    if full:
        notice.status, notice.refunded_at = N.REFUNDED, now
        notice.save(update_fields=["status", "refunded_at"])
    record_event(
        case,
        "fee_refunded",
        actor=actor,
        now=now,
        key=key,
        data={
            **_notice_data(notice),
            "payment": payment.pk,
            "refund": refund.pk,
            "refunded": str(value),
            "full": full,
            "reason": refund.reason,
        },
    )
    return refund
