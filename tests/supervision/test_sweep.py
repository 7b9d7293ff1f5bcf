"""The sweep raises each light crossing once, also with two sweeps at once."""

import pytest

from onestop.cases.models import Case, Task
from onestop.jobs import JOBS
from onestop.supervision.models import Alert, Violation
from onestop.supervision.sweep import sweep_supervision
from onestop.tasks import run_periodic_job
from tests.case_fixtures import NOW
from tests.supervision.conftest import HOUR
from tests.threads import at_once


def test_a_green_case_raises_nothing(accepted_case):
    case = accepted_case()
    assert sweep_supervision(NOW + HOUR)["alerts"] == 0
    assert not Alert.objects.filter(case=case).exists()


def test_yellow_then_red_raise_one_alert_each(accepted_case, head, supervisor, reviewer):
    case = accepted_case()
    review = Task.objects.get(case=case, kind="review")
    assert review.due_at < case.due_at
    task_alerts = Alert.objects.filter(task=review)
    case_alerts = Alert.objects.filter(case=case, task__isnull=True)

    first = sweep_supervision(review.due_at - HOUR)
    again = sweep_supervision(review.due_at - HOUR)
    assert list(task_alerts.values_list("kind", flat=True)) == ["yellow"]
    assert first["alerts"] >= 1 and again["alerts"] == 0
    sweep_supervision(review.due_at + HOUR)
    sweep_supervision(review.due_at + 2 * HOUR)
    assert sorted(task_alerts.values_list("kind", flat=True)) == ["red", "yellow"]

    sweep_supervision(case.due_at - HOUR)
    assert list(case_alerts.values_list("kind", flat=True)) == ["yellow"]
    sweep_supervision(case.due_at + HOUR)
    sweep_supervision(case.due_at + 2 * HOUR)
    assert sorted(case_alerts.values_list("kind", flat=True)) == ["red", "yellow"]

    red = case_alerts.get(kind="red")
    # The department head and the district supervisor hear of it; the open review task has
    # no handler yet, so its alert goes to the department's reviewers.
    assert head.pk in red.recipients and supervisor.pk in red.recipients
    assert reviewer.pk in task_alerts.get(kind="red").recipients


def test_a_case_found_overdue_at_once_gets_only_the_red_alert(accepted_case):
    case = accepted_case()
    sweep_supervision(case.due_at + HOUR)
    assert list(
        Alert.objects.filter(case=case, task__isnull=True).values_list("kind", flat=True)
    ) == ["red"]


def test_closed_cases_and_done_tasks_raise_nothing(accepted_case):
    case = accepted_case()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.WITHDRAWN)
    Task.objects.filter(case=case).update(status=Task.Status.CANCELLED)
    assert sweep_supervision(case.due_at + HOUR)["alerts"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_alert_once(accepted_case):
    cases = [accepted_case() for _ in range(3)]
    when = cases[0].due_at + HOUR
    results = at_once(lambda: sweep_supervision(when))
    expected = Alert.objects.count()
    # Three cases, each with its case alert and its review and opinion task alerts: all red.
    assert expected == 9
    assert sum(r["alerts"] for r in results) == expected
    assert Alert.objects.filter(kind="red", task__isnull=True).count() == 3
    # Each case is still undecided past its due: one violation each, recorded once.
    assert Violation.objects.filter(kind="overdue_decision").count() == 3
    assert sum(r["violations"] for r in results) == 3


def test_the_job_is_registered_and_runs_through_celery(accepted_case, time_machine):
    case = accepted_case()
    assert "sweep_supervision" in [j.name for j in JOBS]
    assert [j.every_seconds for j in JOBS if j.name == "sweep_supervision"] == [300]
    time_machine.move_to(case.due_at + HOUR)
    result = run_periodic_job.apply(args=["sweep_supervision"]).get()
    assert "'alerts': 3" in result
    assert Alert.objects.filter(case=case, kind="red", task__isnull=True).count() == 1


def test_a_suspended_case_and_its_tasks_raise_nothing(accepted_case, reviewer):
    from onestop.cases import actions

    case = accepted_case()
    actions.suspend_case(case, actor=reviewer, now=NOW + HOUR, reason="hearing", note="申请听证")
    assert sweep_supervision(case.due_at + HOUR)["alerts"] == 0
    assert not Alert.objects.filter(case=case).exists()


def test_a_claimed_task_alerts_its_handler(accepted_case, reviewer, district, dept_a):
    from onestop.cases import actions
    from onestop.org.models import Role
    from tests.conftest import make_staff

    other = make_staff("reviewer_a2", Role.REVIEWER, district, dept_a)
    case = accepted_case()
    review = Task.objects.get(case=case, kind="review")
    actions.claim_task(review, actor=reviewer, now=NOW + HOUR)
    sweep_supervision(review.due_at + HOUR)
    alert = Alert.objects.get(task=review, kind="red")
    assert reviewer.pk in alert.recipients and other.pk not in alert.recipients
    # The case's own alert goes to the handler of its open task too.
    sweep_supervision(case.due_at + HOUR)
    assert reviewer.pk in Alert.objects.get(case=case, task=None, kind="red").recipients
