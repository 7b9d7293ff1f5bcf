"""Properties over random days of fees: every payment and refund reconciles to the cent.

For random rules, quantities, payments, voids and partial refunds spread over three days:
- each day's paid, refunded and net equal the exact Decimal sums of the rows of that day;
- the days add up to the exact total of all payments minus all refunds;
- outstanding(day) = outstanding(day before) + due(day) − paid(day) − cancelled(day);
- every case's audit chain still verifies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.cases.audit import verify_cases
from onestop.fees import actions
from onestop.fees.models import FeeNotice, Payment, Refund
from onestop.fees.report import day_bounds, reconcile
from tests.fees.conftest import NOW, make_rule

FIRST = date(2026, 3, 10)
# Issued within two days, paid within a day, refunded within 3 × 12 hours: all inside DAYS.
DAYS = [FIRST + timedelta(days=i) for i in range(-1, 6)]
CENT = Decimal("0.01")


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the fixtures' database and leaves it as it found it."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


plans = st.lists(
    st.fixed_dictionaries(
        {
            # quantity in hundredths (0.01 … 500.00 square metres)
            "quantity": st.integers(1, 50_000),
            "issue_minute": st.integers(0, 2 * 24 * 60 - 1),
            "outcome": st.sampled_from(["pay", "pay", "cancel", "open"]),
            "after": st.integers(1, 24 * 60),
            "method": st.sampled_from(["window_cash", "window_card"]),
            # refunds as shares (‰) of what is left, each some minutes after the last
            "refunds": st.lists(
                st.tuples(st.integers(1, 1000), st.integers(1, 12 * 60)), max_size=3
            ),
        }
    ),
    min_size=1,
    max_size=4,
)


def run_plan(plan: dict[str, Any], case, clerk, head) -> None:
    issued_at = day_bounds(FIRST)[0] + timedelta(minutes=plan["issue_minute"])
    notice = actions.issue_fee_notice(case, actor=clerk, now=issued_at)
    if notice is None:  # the price times the quantity rounds to nothing: nothing is due
        assert not FeeNotice.objects.filter(case=case).exists()
        return
    when = issued_at + timedelta(minutes=plan["after"])
    if plan["outcome"] == "cancel":
        actions.cancel_notice(notice, actor=clerk, now=when, reason="作废")
        return
    if plan["outcome"] == "open":
        return
    payment = actions.record_payment(
        notice, actor=clerk, now=when, method=plan["method"], amount=str(notice.amount)
    )
    for share, minutes in plan["refunds"]:
        left = actions.refundable(payment)
        amount = (left * share / 1000).quantize(CENT)
        if amount <= 0:
            continue
        when += timedelta(minutes=minutes)
        actions.refund_payment(payment, actor=head, now=when, amount=amount, reason="退")
        if amount == left:
            break


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(price_cents=st.integers(1, 99_999), case_plans=plans)
def test_payments_and_refunds_reconcile_exactly(
    new_case, item, clerk, head, supervisor, price_cents, case_plans
):
    with rolled_back():
        make_rule(
            item.code,
            name="核查费",
            kind="per_unit",
            amount=Decimal(price_cents) / 100,
            unit_name="平方米",
            quantity_field="area",
        )
        for plan in case_plans:
            area = Decimal(plan["quantity"]) / 100
            case = new_case(form_data={"applicant_name": "张敏", "area": str(area)}, now=NOW)
            run_plan(plan, case, clerk, head)

        reports = [reconcile(supervisor, day) for day in DAYS]
        for day, report in zip(DAYS, reports, strict=True):
            start, end = day_bounds(day)
            paid = sum(
                (p.amount for p in Payment.objects.filter(at__gte=start, at__lt=end)), Decimal(0)
            )
            refunded = sum(
                (r.amount for r in Refund.objects.filter(at__gte=start, at__lt=end)), Decimal(0)
            )
            assert report.total.paid == paid
            assert report.total.refunded == refunded
            assert report.total.net == paid - refunded
            assert sum(report.total.by_method.values(), Decimal(0)) == paid
            assert sum(
                (line.amount for f in report.departments for line in f.lines), Decimal(0)
            ) == (paid - refunded)
        assert not Payment.objects.filter(at__gte=day_bounds(DAYS[-1])[1]).exists()
        assert not Refund.objects.filter(at__gte=day_bounds(DAYS[-1])[1]).exists()
        everything = sum((p.amount for p in Payment.objects.all()), Decimal(0)) - sum(
            (r.amount for r in Refund.objects.all()), Decimal(0)
        )
        assert sum((r.total.net for r in reports), Decimal(0)) == everything
        for before, today in zip(reports, reports[1:], strict=False):
            assert today.total.outstanding == (
                before.total.outstanding
                + today.total.due
                - today.total.paid
                - today.total.cancelled
            )
        unpaid = FeeNotice.objects.filter(status=FeeNotice.Status.ISSUED)
        assert reports[-1].total.outstanding == sum((n.amount for n in unpaid), Decimal(0))
        assert verify_cases() == []
