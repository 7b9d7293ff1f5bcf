"""Each violation detector, positive and negative. Offending events are written straight into the
audit trail with record_event, as a tampered or legacy record would look."""

from datetime import timedelta

from onestop.cases import actions
from onestop.cases.audit import record_event
from onestop.cases.models import Case, CaseEvent, Task
from onestop.supervision.models import Violation
from onestop.supervision.sweep import sweep_supervision
from tests.case_fixtures import NOW, provide_all
from tests.supervision.conftest import HOUR

DAY = timedelta(days=1)


def write(case: Case, kind: str, at, actor=None, **data) -> CaseEvent:
    fresh = Case.objects.get(pk=case.pk)
    return record_event(fresh, kind, actor=actor, now=at, data=data)


def kinds(case: Case) -> list[str]:
    return sorted(Violation.objects.filter(case=case).values_list("kind", flat=True))


def test_a_case_run_by_the_rules_shows_no_violation(accepted_case, reviewer, approver):
    case = accepted_case()
    write(case, "reviewed", NOW + DAY, reviewer, recommend="grant", opinion="符合条件")
    write(case, "granted", NOW + 2 * DAY, approver, reasons="")
    assert sweep_supervision(NOW + 3 * DAY)["violations"] == 0
    assert kinds(case) == []


def test_still_open_past_due_is_an_overdue_decision(accepted_case):
    case = accepted_case()
    sweep_supervision(case.due_at - HOUR)
    assert kinds(case) == []
    sweep_supervision(case.due_at + HOUR)
    sweep_supervision(case.due_at + 2 * HOUR)
    violation = Violation.objects.get(case=case)
    assert violation.kind == "overdue_decision"
    assert [e.kind for e in violation.events.all()] == ["accepted"]


def test_a_late_decision_is_an_overdue_decision_linked_to_it(accepted_case, reviewer, approver):
    case = accepted_case()
    write(case, "reviewed", NOW + DAY, reviewer, recommend="grant", opinion="符合条件")
    late = write(case, "granted", case.due_at + DAY, approver, reasons="")
    sweep_supervision(case.due_at - HOUR)
    violation = Violation.objects.get(case=case)
    assert violation.kind == "overdue_decision"
    assert list(violation.events.all()) == [late]


def test_overdue_certificate(accepted_case, reviewer, approver, clerk):
    case = accepted_case()
    write(case, "reviewed", NOW + DAY, reviewer, recommend="grant", opinion="符合条件")
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.GRANTED, certificate_due_at=NOW + 5 * DAY
    )
    write(case, "granted", NOW + 2 * DAY, approver, reasons="")
    sweep_supervision(NOW + 4 * DAY)
    assert kinds(case) == []
    # None issued by the due time.
    sweep_supervision(NOW + 6 * DAY)
    assert kinds(case) == ["overdue_certificate"]
    # Issued late: the certificate event joins the proof, still one violation.
    issued = write(case, "certificate_issued", NOW + 7 * DAY, clerk, number="X1")
    sweep_supervision(NOW + 8 * DAY)
    violation = Violation.objects.get(case=case)
    assert issued in violation.events.all()


def test_a_certificate_issued_in_time_is_no_violation(accepted_case, clerk):
    case = accepted_case()
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.GRANTED, certificate_due_at=NOW + 5 * DAY
    )
    write(case, "certificate_issued", NOW + 4 * DAY, clerk, number="X1")
    sweep_supervision(NOW + 6 * DAY)
    assert kinds(case) == []


def submitted(new_case, clerk):
    case = new_case()
    actions.submit_case(case, actor=clerk, now=NOW)
    return Case.objects.get(pk=case.pk)


def test_a_supplement_request_after_five_working_days(new_case, clerk):
    case = submitted(new_case, clerk)
    event = write(
        case, "supplement_requested", case.supplement_due_at + DAY, clerk, missing=["营业执照"]
    )
    sweep_supervision(case.supplement_due_at + 2 * DAY)
    violation = Violation.objects.get(case=case)
    assert violation.kind == "late_supplement"
    assert list(violation.events.all()) == [event]


def test_a_supplement_request_in_time_is_no_violation(new_case, clerk):
    case = submitted(new_case, clerk)
    actions.request_supplement(case, actor=clerk, now=NOW + HOUR, missing=["营业执照"])
    sweep_supervision(NOW + 10 * DAY)
    assert kinds(case) == []


def test_a_second_supplement_request(new_case, clerk):
    case = submitted(new_case, clerk)
    first = write(case, "supplement_requested", NOW + HOUR, clerk, missing=["营业执照"])
    sweep_supervision(NOW + 2 * HOUR)
    assert kinds(case) == []
    second = write(case, "supplement_requested", NOW + DAY, clerk, missing=["平面图"])
    sweep_supervision(NOW + DAY + HOUR)
    sweep_supervision(NOW + DAY + 2 * HOUR)
    violation = Violation.objects.get(case=case)
    assert violation.kind == "second_supplement"
    assert set(violation.events.all()) == {first, second}


def test_a_suspension_without_a_reason(accepted_case, reviewer):
    case = accepted_case()
    event = write(case, "suspended", NOW + DAY, reviewer, reason="hearing", note="")
    sweep_supervision(NOW + 2 * DAY)
    violation = Violation.objects.get(case=case)
    assert violation.kind == "suspension_no_reason"
    assert list(violation.events.all()) == [event]


def test_a_suspension_with_its_reason_is_no_violation(accepted_case, reviewer):
    case = accepted_case()
    write(case, "suspended", NOW + DAY, reviewer, reason="hearing", note="申请人申请听证")
    sweep_supervision(NOW + 2 * DAY)
    assert kinds(case) == []


def test_an_extension_without_approval(accepted_case):
    case = accepted_case()
    sweep_supervision(NOW + HOUR)
    assert kinds(case) == []
    Case.objects.filter(pk=case.pk).update(extension_days=10)
    sweep_supervision(NOW + 2 * HOUR)
    sweep_supervision(NOW + 3 * HOUR)
    assert kinds(case) == ["extension_unapproved"]


def test_an_approved_extension_is_no_violation(accepted_case, head):
    case = accepted_case()
    Case.objects.filter(pk=case.pk).update(extension_days=10)
    write(case, "extension_approved", NOW + HOUR, head, reason="情况复杂", days=10)
    sweep_supervision(NOW + 2 * HOUR)
    assert kinds(case) == []


def test_a_decision_without_the_review_step(accepted_case, approver):
    case = accepted_case()
    event = write(case, "granted", NOW + DAY, approver, reasons="")
    sweep_supervision(NOW + 2 * DAY)
    violation = Violation.objects.get(case=case)
    assert violation.kind == "steps_skipped"
    assert list(violation.events.all()) == [event]


def test_an_instant_item_needs_no_review_step(new_case, instant_item, clerk):
    case = new_case(item=instant_item)
    provide_all(case)
    actions.handle_instant(case, actor=clerk, now=NOW)
    sweep_supervision(NOW + HOUR)
    assert kinds(case) == []


def test_a_refusal_without_reasons(accepted_case, reviewer, approver):
    case = accepted_case()
    write(case, "reviewed", NOW + DAY, reviewer, recommend="refuse", opinion="不符合")
    event = write(case, "refused", NOW + 2 * DAY, approver, reasons="  ")
    sweep_supervision(NOW + 3 * DAY)
    violation = Violation.objects.get(case=case)
    assert violation.kind == "refusal_no_reasons"
    assert list(violation.events.all()) == [event]


def test_a_non_acceptance_without_reasons(new_case, clerk):
    case = submitted(new_case, clerk)
    write(case, "not_accepted", NOW + HOUR, clerk, reasons="")
    sweep_supervision(NOW + 2 * HOUR)
    assert kinds(case) == ["refusal_no_reasons"]


def test_a_refusal_with_reasons_is_no_violation(new_case, clerk):
    case = submitted(new_case, clerk)
    actions.not_accept(case, actor=clerk, now=NOW + HOUR, reasons="不属于本部门职权范围")
    sweep_supervision(NOW + 2 * HOUR)
    assert kinds(case) == []


def test_detection_is_idempotent(accepted_case, approver):
    case = accepted_case()
    write(case, "granted", NOW + DAY, approver, reasons="")
    assert sweep_supervision(NOW + 2 * DAY)["violations"] == 1
    assert sweep_supervision(NOW + 2 * DAY)["violations"] == 0
    Task.objects.filter(case=case).update(status=Task.Status.DONE)
    assert Violation.objects.filter(case=case).count() == 1


def test_an_event_committed_behind_the_cursor_is_still_read(accepted_case, approver):
    from onestop.supervision.models import SweepCursor

    early, later = accepted_case(), accepted_case()
    behind = write(early, "granted", NOW + DAY, approver, reasons="")
    ahead = write(later, "suspended", NOW + DAY, approver, reason="hearing", note="听证")
    # As if the sweep had read `ahead` before `behind`'s transaction committed.
    SweepCursor.objects.create(name="violations", last_event=ahead.pk)
    assert behind.pk < ahead.pk
    sweep_supervision(NOW + 2 * DAY)
    assert kinds(early) == ["steps_skipped"]
    assert SweepCursor.objects.get(name="violations").last_event == ahead.pk
