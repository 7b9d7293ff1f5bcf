"""The legal clock: supplements (Art. 32), extension (Art. 42), suspension (Art. 45), Art. 44."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onestop.cases import actions
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent, ClockStop, Task
from onestop.core.errors import NotAllowed, TransitionError
from onestop.tasks import run_periodic_job
from onestop.workdays.calendar import local_date
from tests.cases.conftest import NOW, provide_all

S = Case.Status
DAY = timedelta(days=1)


@pytest.fixture
def online(new_case, applicant):
    def build():
        case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
        return actions.submit_case(case, actor=applicant.user, now=NOW)

    return build


def test_submission_sets_the_supplement_notice_deadline(online):
    case = online()
    # Received Tue 2026-03-10: five working days → Tue 2026-03-17.
    assert local_date(case.supplement_due_at) == date(2026, 3, 17)
    assert Task.objects.get(case=case, kind="pre_review").due_at == case.supplement_due_at


def test_one_supplement_notice_lists_everything_once(online, clerk, applicant):
    case = online()
    actions.request_supplement(case, actor=clerk, now=NOW + DAY, missing=["营业执照"])
    stop = ClockStop.objects.get(case=case)
    assert (stop.reason, stop.started_on) == ("supplement", date(2026, 3, 11))
    provide_all(case)
    actions.supply_materials(case, actor=applicant.user, now=NOW + 3 * DAY)
    assert ClockStop.objects.get(case=case).ended_on == date(2026, 3, 13)
    with pytest.raises(TransitionError, match="一次性"):
        actions.request_supplement(case, actor=clerk, now=NOW + 4 * DAY, missing=["平面图"])


def test_a_supplement_notice_after_five_working_days_is_refused(online, clerk):
    case = online()
    with pytest.raises(TransitionError, match="视为自收件之日起受理"):
        actions.request_supplement(case, actor=clerk, now=NOW + 8 * DAY, missing=["营业执照"])


def test_silence_for_five_working_days_means_accepted_at_receipt(online):
    case = online()
    provide_all(case)
    assert actions.sweep_deemed_acceptance(now=NOW + 7 * DAY) == 0  # Tue 17th: still in time
    assert actions.sweep_deemed_acceptance(now=NOW + 8 * DAY) == 1  # Wed 18th: too late
    case.refresh_from_db()
    assert case.status == S.ACCEPTED
    assert case.accepted_at == case.received_at == NOW
    # The limit (10 working days) counts from the receipt, Tue 10th → Tue 24th.
    assert local_date(case.due_at) == date(2026, 3, 24)
    assert CaseEvent.objects.get(case=case, kind="deemed_accepted").actor is None
    assert actions.sweep_deemed_acceptance(now=NOW + 9 * DAY) == 0  # idempotent


def test_the_periodic_job_runs_through_celery(online):
    online()
    result = run_periodic_job.apply(args=["sweep_deemed_acceptance"]).get()
    assert result in ("0", "1")  # today's date decides; the job ran end to end


@pytest.fixture
def accepted(new_case, clerk):
    case = new_case()
    provide_all(case)
    return actions.accept_case(case, actor=clerk, now=NOW)


def test_extension_needs_the_department_head(accepted, reviewer, head, clerk):
    before = accepted.due_at
    task = actions.request_extension(
        accepted, actor=reviewer, now=NOW + DAY, reason="需现场核查经营场所"
    )
    with pytest.raises(NotAllowed):
        actions.decide_extension(task, actor=reviewer, now=NOW + DAY, approve=True)
    actions.decide_extension(task, actor=head, now=NOW + 2 * DAY, approve=True)
    accepted.refresh_from_db()
    assert accepted.extension_days == 10
    assert local_date(accepted.due_at) == date(2026, 4, 8)  # 24 Mar + 10 working days
    assert local_date(before) == date(2026, 3, 24)
    with pytest.raises(TransitionError, match="已延期一次"):
        actions.request_extension(accepted, actor=reviewer, now=NOW + 3 * DAY, reason="再延")


def test_extension_needs_a_reason(accepted, reviewer):
    with pytest.raises(CaseError, match="理由"):
        actions.request_extension(accepted, actor=reviewer, now=NOW, reason="")


def test_suspension_stops_the_clock_and_records_why(accepted, reviewer):
    with pytest.raises(CaseError):
        actions.suspend_case(accepted, actor=reviewer, now=NOW, reason="holiday", note="x")
    with pytest.raises(CaseError, match="具体情况"):
        actions.suspend_case(accepted, actor=reviewer, now=NOW, reason="testing", note=" ")
    case = actions.suspend_case(
        accepted, actor=reviewer, now=NOW + DAY, reason="testing", note="委托检测机构检测水质"
    )
    assert case.status == S.SUSPENDED
    case = actions.resume_case(case, actor=reviewer, now=NOW + 8 * DAY)  # Wed 11th → Wed 18th
    assert case.status == S.ACCEPTED
    # Stopped 11–18 March: six working days (11,12,13,16,17,18) do not count → due moves
    # from Tue 24th to Wed 1 April.
    assert local_date(case.due_at) == date(2026, 4, 1)
    event = CaseEvent.objects.get(case=case, kind="suspended")
    assert event.data == {"reason": "testing", "note": "委托检测机构检测水质"}


def test_the_certificate_is_due_ten_working_days_after_a_grant(
    accepted, reviewer, co_reviewer, approver
):
    for t in Task.objects.filter(case=accepted, kind="opinion"):
        actions.give_opinion(t, actor=co_reviewer, now=NOW, agree=True, opinion="同意")
    actions.submit_review(
        Task.objects.get(case=accepted, kind="review"),
        actor=reviewer,
        now=NOW,
        recommend_grant=True,
        opinion="同意",
    )
    actions.decide_case(
        Task.objects.get(case=accepted, kind="decide"), actor=approver, now=NOW + DAY, grant=True
    )
    accepted.refresh_from_db()
    assert local_date(accepted.certificate_due_at) == date(2026, 3, 25)  # Wed 11th + 10
    cert = Task.objects.get(case=accepted, kind="certificate")
    assert cert.due_at == accepted.certificate_due_at


def test_verify_audit_reports_a_tampered_case(accepted, capsys):
    call_command("verify_audit")
    assert "全部完整" in capsys.readouterr().out
    CaseEvent.objects.filter(case=accepted, seq=1).update(kind="edited")
    with pytest.raises(CommandError, match="1 个办件"):
        call_command("verify_audit")
    assert accepted.number in capsys.readouterr().out
