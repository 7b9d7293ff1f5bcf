"""Reads of fees: the rule of an item, whether a case is settled, and permission-scoped fetches."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Case as DbCase
from django.db.models import Q, QuerySet, When
from django.http import Http404

from onestop.cases.models import Case
from onestop.fees.compute import Fee, FeeError, compute_fee
from onestop.fees.models import FeeNotice, FeeRule, Payment
from onestop.org.models import Department, Role
from onestop.org.permissions import DEPARTMENT_ROLES
from onestop.org.queries import staff_roles_of

N = FeeNotice.Status

# Roles that work a department's fees, and roles that read every department's in their subtree.
OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.CENTRE_ADMIN)


def rule_for_item(code: str) -> FeeRule | None:
    """The active rule of an item implementation code, or None: the item charges nothing."""
    return FeeRule.objects.filter(item_code=code, active=True).first()


def latest_notice(case: Case) -> FeeNotice | None:
    """The case's live notice, else its latest one (refunded or cancelled), else None."""
    live_first = DbCase(When(status__in=FeeNotice.ACTIVE, then=0), default=1)
    return FeeNotice.objects.filter(case=case).order_by(live_first, "-issued_at", "-pk").first()


def expected_fee(case: Case) -> Fee | None:
    """What the case would owe under its item's rule now (None: no rule, or not computable)."""
    rule = rule_for_item(case.item.code)
    if rule is None:
        return None
    try:
        return compute_fee(rule, case.form_data)
    except FeeError:
        return None


def settled(case: Case) -> bool:
    """Whether the case owes nothing, so that its certificate may be released.

    True when the notice is paid or exempted, or when no notice was issued and the item has no
    rule (or its rule comes to nothing for this form); False when the notice is unpaid or was
    refunded in full, or when the item has a rule and no notice has been issued — an exempt
    rule too, whose exemption is recorded by issuing its notice."""
    notice = latest_notice(case)
    if notice is not None and notice.status != N.CANCELLED:
        return notice.status in (N.PAID, N.EXEMPTED)
    rule = rule_for_item(case.item.code)
    if rule is None:
        return True
    try:
        fee = compute_fee(rule, case.form_data)
    except FeeError:
        return False
    return not fee.due


@dataclass(frozen=True)
class CaseFees:
    """What the case page shows about fees."""

    rule: FeeRule | None
    expected: Fee | None
    notice: FeeNotice | None
    notices: list[FeeNotice]
    settled: bool
    error: str = ""

    @property
    def needs_notice(self) -> bool:
        return not self.settled and (self.notice is None or self.notice.status == N.CANCELLED)


def case_fees(case: Case) -> CaseFees:
    rule = rule_for_item(case.item.code)
    expected, error = None, ""
    if rule is not None:
        try:
            expected = compute_fee(rule, case.form_data)
        except FeeError as exc:
            error = exc.message
    notices = list(
        FeeNotice.objects.filter(case=case)
        .prefetch_related("payments__refunds", "payments__by")
        .order_by("-issued_at", "-pk")
    )
    live = next((n for n in notices if n.status in FeeNotice.ACTIVE), None)
    latest = live or (notices[0] if notices else None)
    return CaseFees(rule, expected, latest, notices, settled(case), error)


# --- scoped fetches (STYLE §5): outside the scope is a 404 -----------------------------------
# Fees belong to the case's own department: its staff and the oversight roles see them; a
# co-department that sees the case for its opinion (会签) does not see its fees.


def fee_cases_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    scope = report_scope(user, "")
    return Case.objects.none() if scope is None else Case.objects.filter(scope)


def get_case_for_fees(user: AbstractBaseUser | AnonymousUser, pk: int) -> Case:
    case = (
        fee_cases_for_user(user)
        .select_related("item", "department", "applicant", "region")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("办件不存在")
    return case


def notices_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[FeeNotice]:
    scope = report_scope(user, "case")
    return FeeNotice.objects.none() if scope is None else FeeNotice.objects.filter(scope)


def get_notice_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> FeeNotice:
    notice = (
        notices_for_user(user)
        .select_related("case__item", "case__department", "case__applicant", "case__region")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404("缴款通知不存在")
    return notice


def get_payment_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Payment:
    scope = report_scope(user, "notice__case")
    payment = (
        Payment.objects.filter(scope if scope is not None else Q(pk__in=[]))
        .select_related("notice__case__department", "notice__case__region", "notice__case__item")
        .filter(pk=pk)
        .first()
    )
    if payment is None:
        raise Http404("缴费记录不存在")
    return payment


def report_scope(user: AbstractBaseUser | AnonymousUser, via: str = "case") -> Q | None:
    """The cases whose fees a user may see and reconcile, as a filter through `via` (the path
    to the case: "" on cases, "case" from a notice, "notice__case" from a payment), or None.

    Department staff: their department's cases in their region subtree; supervisors and the
    centre administrator: every case of their subtree."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    prefix = f"{via}__" if via else ""
    q: Q | None = None
    for role in staff_roles_of(user):
        region = role.region.subtree_q(f"{prefix}region")
        if role.role in OVERSIGHT_ROLES:
            part = region
        elif role.role in DEPARTMENT_ROLES and role.department_id:
            part = region & Q(**{f"{prefix}department_id": role.department_id})
        else:
            continue
        q = part if q is None else q | part
    return q


def report_departments(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Department]:
    """The departments a user may pick on the reconciliation report."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.all()
    roles = staff_roles_of(user)
    if any(r.role in OVERSIGHT_ROLES for r in roles):
        # Departments are public; the figures shown for them are limited by report_scope.
        return Department.objects.all()
    ids = [r.department_id for r in roles if r.role in DEPARTMENT_ROLES and r.department_id]
    return Department.objects.filter(pk__in=ids)
