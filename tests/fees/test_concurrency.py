"""Two requests at once on the same fees: the case lock lets exactly one take effect."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from onestop.cases.models import Case, CaseEvent
from onestop.core.errors import DomainError
from onestop.fees import actions
from onestop.fees.models import FeeNotice, Payment
from onestop.org.models import Role
from tests.conftest import make_staff
from tests.fees.conftest import NOW

GATEWAYS = {
    "window": {"class": "onestop.fees.gateways.WindowGateway"},
    "nontax": {"class": "onestop.fees.gateways.HmacGateway", "secret_env": "X_TEST_SECRET"},
}


def race(*calls: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            results.append("ok")
        except DomainError as exc:
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_clerks_issuing_at_once_make_one_notice(new_case, clerk, district, dept_a, fixed_rule):
    second = make_staff("clerk_a2", Role.CLERK, district, dept_a)
    case = new_case()
    results = race(
        lambda: actions.issue_fee_notice(Case(pk=case.pk), actor=clerk, now=NOW),
        lambda: actions.issue_fee_notice(Case(pk=case.pk), actor=second, now=NOW),
    )
    assert results == ["ok", "ok"]  # the second returns the first's notice
    assert FeeNotice.objects.filter(case_id=case.pk).count() == 1
    assert CaseEvent.objects.filter(case_id=case.pk, kind="fee_notice_issued").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_window_and_the_gateway_paying_at_once_take_the_money_once(
    settings, new_case, clerk, fixed_rule
):
    settings.FEES_GATEWAYS = GATEWAYS
    case = new_case()
    notice = actions.issue_fee_notice(case, actor=clerk, now=NOW)
    assert notice is not None
    results = race(
        lambda: actions.record_payment(
            FeeNotice.objects.get(pk=notice.pk),
            actor=clerk,
            now=NOW,
            method="window_cash",
            amount="120.00",
        ),
        lambda: actions.record_payment(
            FeeNotice.objects.get(pk=notice.pk),
            actor=None,
            now=NOW,
            method="gateway:nontax",
            amount="120.00",
            reference="NT-RACE-1",
        ),
    )
    assert sorted(results) == ["ok", "该缴款通知已缴费"]
    assert Payment.objects.filter(notice_id=notice.pk).count() == 1
    assert CaseEvent.objects.filter(case_id=case.pk, kind="fee_paid").count() == 1
