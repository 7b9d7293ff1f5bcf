"""Fee fixtures: rules for the test item, and cases at each point, built with the real actions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from onestop.cases import actions
from onestop.cases.models import Case, Task
from onestop.fees.models import FeeRule
from tests.cases import conftest as cases_conftest
from tests.cases.conftest import NOW, provide_all

# The case fixtures, shared with tests/cases (re-exported so that pytest finds them here).
applicant = cases_conftest.applicant
approver = cases_conftest.approver
co_reviewer = cases_conftest.co_reviewer
head = cases_conftest.head
instant_item = cases_conftest.instant_item
item = cases_conftest.item
new_case = cases_conftest.new_case

GRANTED_AT = NOW + timedelta(days=3)
FORM = {"applicant_name": "张敏"}


@pytest.fixture(autouse=True)
def signing_key_in_tmp(settings, tmp_path, monkeypatch):
    """Certificates (documents app) sign with a key generated into each test's own VAR_DIR."""
    try:
        from onestop.documents import signing
    except ImportError:  # the documents app has no certificates yet
        yield
        return
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    settings.VAR_DIR = tmp_path
    signing.signing_key.cache_clear()
    yield
    signing.signing_key.cache_clear()


def make_rule(code: str, **fields) -> FeeRule:
    defaults = {
        "name": "食品经营许可证工本费",
        "kind": FeeRule.Kind.FIXED,
        "amount": Decimal("120.00"),
        "unit_name": "证",
        "legal_basis": "《行政事业性收费标准管理办法》（发改价格规〔2018〕988号）",
    }
    defaults.update(fields)
    rule = FeeRule(item_code=code, **defaults)
    rule.full_clean()
    rule.save()
    return rule


@pytest.fixture
def fixed_rule(item) -> FeeRule:
    return make_rule(item.code)


@pytest.fixture
def per_unit_rule(item) -> FeeRule:
    return make_rule(
        item.code,
        name="经营场所核查费",
        kind=FeeRule.Kind.PER_UNIT,
        amount=Decimal("3.35"),
        unit_name="平方米",
        quantity_field="area",
    )


@pytest.fixture
def exempt_rule(item) -> FeeRule:
    return make_rule(
        item.code,
        name="食品经营许可证工本费",
        kind=FeeRule.Kind.EXEMPT,
        amount=Decimal("20.00"),
        exempt_reason="《财政部 国家发展改革委关于清理规范一批行政事业性收费有关政策的通知》"
        "（财税〔2017〕20号）：停征",
    )


@pytest.fixture
def accepted_case(new_case, clerk) -> Case:
    case = new_case()
    provide_all(case)
    return actions.accept_case(case, actor=clerk, now=NOW)


def grant(case: Case, *, reviewer, co_reviewer, approver) -> Case:
    """Co-department opinion, review and decision, a day apart: the case is granted."""
    for task in Task.objects.filter(case=case, kind=Task.Kind.OPINION):
        actions.give_opinion(
            task, actor=co_reviewer, now=NOW + timedelta(days=1), agree=True, opinion="同意"
        )
    actions.submit_review(
        Task.objects.get(case=case, kind=Task.Kind.REVIEW),
        actor=reviewer,
        now=NOW + timedelta(days=2),
        recommend_grant=True,
        opinion="材料齐全，符合条件",
    )
    actions.decide_case(
        Task.objects.get(case=case, kind=Task.Kind.DECIDE),
        actor=approver,
        now=GRANTED_AT,
        grant=True,
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def granted_case(accepted_case, reviewer, co_reviewer, approver) -> Case:
    return grant(accepted_case, reviewer=reviewer, co_reviewer=co_reviewer, approver=approver)
