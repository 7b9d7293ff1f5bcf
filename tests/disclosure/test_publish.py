"""What a licence decision publishes, when, and what it withholds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onestop.cases import actions
from onestop.cases.models import Case
from onestop.core import jobs
from onestop.disclosure import actions as disclosure
from onestop.disclosure.models import LicenceDecision
from onestop.disclosure.rules import PUBLISH_WITHIN_DAYS
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date
from tests.disclosure.conftest import GRANTED_AT, NOW
from tests.documents.conftest import decide

pytestmark = pytest.mark.django_db


def test_it_publishes_a_grant_at_the_decision_with_the_person_masked(granted_case):
    row = LicenceDecision.objects.get(case=granted_case)
    assert row.decision == "granted"
    assert row.document_name == "准予行政许可决定书"
    assert row.document_number == granted_case.number
    assert row.counterpart_kind == "person"
    assert row.counterpart_name == "张*"
    assert row.counterpart_code == ""
    assert row.item_name == granted_case.item.name
    assert row.legal_basis == granted_case.item.legal_basis
    assert row.department_name == granted_case.department.name
    assert row.decided_on == local_date(GRANTED_AT)
    assert row.published_at == GRANTED_AT


def test_a_refusal_is_published_with_its_reasons_redacted(
    accepted_case, reviewer, co_reviewer, approver
):
    case = decide(
        accepted_case,
        grant=False,
        reviewer=reviewer,
        co_reviewer=co_reviewer,
        approver=approver,
        reasons="张敏（电话13881234567，身份证11010519491231002X）的场所与污染源距离不足25米",
    )
    row = LicenceDecision.objects.get(case=case)
    assert row.decision == "refused"
    assert row.document_name == "不予行政许可决定书"
    assert "25米" in row.reasons
    for private in ("张敏", "13881234567", "11010519491231002X"):
        assert private not in row.reasons


def test_an_enterprise_is_named_with_its_credit_code(decide_on_spot, enterprise):
    case = decide_on_spot(enterprise)
    row = LicenceDecision.objects.get(case=case)
    assert row.counterpart_kind == "legal"
    assert row.counterpart_name == "成都金沙餐饮管理有限公司"
    assert row.counterpart_code == "914403001922038216"


def test_nothing_undecided_withdrawn_or_draft_is_published(new_case, accepted_case, clerk):
    draft = new_case()
    withdrawn = new_case()
    actions.withdraw_case(withdrawn, actor=withdrawn.applicant.user, now=NOW)
    assert Case.objects.filter(pk__in=[draft.pk, withdrawn.pk, accepted_case.pk]).count() == 3
    assert not LicenceDecision.objects.exists()
    assert disclosure.publish_missing(NOW + timedelta(days=30)) == 0
    assert not LicenceDecision.objects.exists()


def test_an_item_that_is_not_a_licence_is_not_published(decide_on_spot, applicant, instant_item):
    instant_item.category = "public_service"
    instant_item.save(update_fields=["category"])
    decide_on_spot(applicant)
    assert not LicenceDecision.objects.exists()


def test_the_publication_is_due_within_seven_working_days(granted_case):
    row = LicenceDecision.objects.get(case=granted_case)
    decided = local_date(GRANTED_AT)
    assert PUBLISH_WITHIN_DAYS == 7
    assert row.publish_by == workdays.due_date(decided, 7).due
    assert workdays.workdays_between(decided, row.publish_by) == 7
    assert local_date(row.published_at) <= row.publish_by


def test_the_job_publishes_a_decision_that_missed_its_row_once(
    granted_case, decide_on_spot, enterprise
):
    """A decision made before the app was installed (or past the hook) is caught up by the
    hourly job, within the 7-working-day window, once."""
    on_spot = decide_on_spot(enterprise, now=GRANTED_AT)
    LicenceDecision.objects.all().delete()
    later = GRANTED_AT + timedelta(hours=2)
    assert jobs.run_job("publish_licence_decisions", later) == 2
    assert jobs.run_job("publish_licence_decisions", later + timedelta(hours=1)) == 0
    rows = {r.case_id: r for r in LicenceDecision.objects.all()}
    assert set(rows) == {granted_case.pk, on_spot.pk}
    assert {r.decision for r in rows.values()} == {"granted"}
    assert rows[on_spot.pk].counterpart_code == "914403001922038216"
    for row in rows.values():
        assert row.published_at == later
        assert local_date(later) <= row.publish_by


def test_the_job_publishes_a_refusal_as_a_refusal_with_its_reasons(refused_case):
    LicenceDecision.objects.all().delete()
    Case.objects.filter(pk=refused_case.pk).update(status=Case.Status.COMPLETED)
    assert disclosure.publish_missing(GRANTED_AT + timedelta(days=1)) == 1
    row = LicenceDecision.objects.get(case=refused_case)
    assert row.decision == "refused"
    assert row.reasons == "经营场所与污染源距离不足25米"


def test_the_seven_working_days_skip_the_national_day_holiday():
    # 2026: 1–7 October are holidays, 10 October a make-up working day.
    assert workdays.due_date(date(2026, 9, 30), PUBLISH_WITHIN_DAYS).due == date(2026, 10, 15)


def test_the_admin_shows_the_rows_and_never_edits_them(client, granted_case):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x-Passw0rd-1")
    client.force_login(root)
    row = LicenceDecision.objects.get(case=granted_case)
    assert client.get(reverse("admin:disclosure_licencedecision_changelist")).status_code == 200
    assert client.get(reverse("admin:disclosure_licencedecision_add")).status_code == 403
    response = client.post(
        reverse("admin:disclosure_licencedecision_change", args=[row.pk]),
        {"counterpart_name": "张敏"},
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.counterpart_name == "张*"
