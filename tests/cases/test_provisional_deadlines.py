"""A deadline in a year the calendar does not know is provisional (暂定) everywhere it shows,
and is counted again, losing the mark, once the administrator loads that year's schedule."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client

from onestop.cases import actions
from onestop.cases.actions.deadlines import recompute_provisional_deadlines
from onestop.cases.models import Case, CaseEvent, Task
from onestop.workdays.actions import close_day, load_year_schedule
from onestop.workdays.calendar import local_date
from onestop.workdays.schedule import ScheduleRow
from tests.cases.conftest import provide_all

# Mon 2027-02-01, 10:00 in the centre: 2027 is a year the chinesecalendar package lacks.
ACCEPTED = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
LOADED = datetime(2027, 2, 2, 2, 0, tzinfo=UTC)
# An invented 2027 schedule (the real one is whatever the State Council issues).
SCHEDULE_2027 = [
    ScheduleRow("2027-01-01", "休", "元旦"),
    *(ScheduleRow(f"2027-02-{d:02}", "休", "春节") for d in range(5, 13)),
    ScheduleRow("2027-02-13", "班", "春节"),
    ScheduleRow("2027-02-20", "班", "春节"),
]


@pytest.fixture
def travel():
    with time_machine.travel(ACCEPTED, tick=False):
        yield


@pytest.fixture
def case(new_case, clerk, travel) -> Case:
    case = new_case(now=ACCEPTED)
    provide_all(case)
    return actions.accept_case(case, actor=clerk, now=ACCEPTED)


def load_2027(admin, capture) -> None:
    with capture(execute=True):
        load_year_schedule(2027, SCHEDULE_2027, actor=admin, now=LOADED, name="测试用安排")


def test_a_deadline_into_an_unknown_year_is_provisional(case):
    # 2-2..2-5 1-4; 2-8..2-12 5-9; 2-15 Mon 10 (春节 is not known yet: weekends only).
    assert (local_date(case.due_at), case.due_provisional) == (date(2027, 2, 15), True)
    accepted = CaseEvent.objects.get(case=case, kind="accepted")
    assert accepted.data["provisional"] is True


def test_loading_the_year_recounts_the_deadline_and_drops_the_mark(
    case, centre_admin, django_capture_on_commit_callbacks
):
    load_2027(centre_admin, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    # 2-2..2-4 1-3; 2-5..2-12 休; 2-13 Sat 班 4; 2-15..2-19 5-9; 2-20 Sat 班 10
    assert (local_date(case.due_at), case.due_provisional) == (date(2027, 2, 20), False)
    event = CaseEvent.objects.get(case=case, kind="deadline_recomputed")
    assert (event.actor, event.data["provisional"]) == (None, False)
    assert event.data["due"].startswith("2027-02-20")
    # Nothing changes a second time: no second event.
    assert recompute_provisional_deadlines(2027, now=LOADED) == 0
    assert CaseEvent.objects.filter(case=case, kind="deadline_recomputed").count() == 1


def test_the_decision_task_follows_the_recounted_deadline(
    case, reviewer, centre_admin, django_capture_on_commit_callbacks
):
    review = Task.objects.get(case=case, kind=Task.Kind.REVIEW)
    actions.claim_task(review, actor=reviewer, now=ACCEPTED)
    actions.submit_review(
        review, actor=reviewer, now=ACCEPTED, recommend_grant=True, opinion="同意"
    )
    decide = Task.objects.get(case=case, kind=Task.Kind.DECIDE)
    assert local_date(decide.due_at) == date(2027, 2, 15)
    load_2027(centre_admin, django_capture_on_commit_callbacks)
    decide.refresh_from_db()
    assert local_date(decide.due_at) == date(2027, 2, 20)


def test_a_closed_day_recounts_open_deadlines(
    case, centre_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        close_day(date(2027, 2, 3), "停电闭厅", actor=centre_admin, now=ACCEPTED)
    case.refresh_from_db()
    assert (local_date(case.due_at), case.due_provisional) == (date(2027, 2, 16), True)


def test_every_page_and_the_api_say_provisional_until_the_year_is_loaded(
    case, client, clerk, applicant, centre_admin, django_capture_on_commit_callbacks
):
    def shown() -> dict[str, bool]:
        anonymous = Client()
        progress = anonymous.post(
            "/progress/", {"number": case.number, "query_code": case.query_code}
        )
        api = anonymous.get(
            "/api/v1/cases/progress", {"number": case.number, "query_code": case.query_code}
        )
        staff, mine = Client(), Client()
        staff.force_login(clerk)
        mine.force_login(applicant.user)
        pages = {
            "progress": progress.content.decode(),
            "staff list": staff.get("/staff/cases/").content.decode(),
            "staff detail": staff.get(f"/staff/cases/{case.pk}/").content.decode(),
            "my cases": mine.get("/my/cases/").content.decode(),
            "my case": mine.get(f"/my/cases/{case.pk}/").content.decode(),
        }
        listed = staff.get("/api/v1/cases").json()["items"]
        detail = staff.get(f"/api/v1/cases/{case.pk}").json()
        shown = {name: "due-provisional" in html for name, html in pages.items()}
        shown["api progress"] = api.json()["due_provisional"]
        shown["api list"] = listed[0]["due_provisional"]
        shown["api detail"] = detail["due_provisional"]
        shown["api tasks"] = all(t["due_provisional"] for t in detail["tasks"] if t["due_at"])
        return shown

    before = shown()
    assert all(before.values()), before
    load_2027(centre_admin, django_capture_on_commit_callbacks)
    after = shown()
    assert not any(after.values()), after


def test_a_supplement_notice_due_is_recounted_too(
    new_case, applicant, centre_admin, django_capture_on_commit_callbacks
):
    received = datetime(2027, 2, 4, 2, 0, tzinfo=UTC)  # Thu
    with time_machine.travel(received, tick=False):
        case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user, now=received)
        case = actions.submit_case(case, actor=applicant.user, now=received)
        # 2-5 1; 2-8..2-11 2-5 (weekends only while 2027 is unknown)
        assert local_date(case.supplement_due_at) == date(2027, 2, 11)
        load_2027(centre_admin, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    # 2-5..2-12 休; 2-13 Sat 班 1; 2-15..2-18 2-5
    assert local_date(case.supplement_due_at) == date(2027, 2, 18)
    pre_review = Task.objects.get(case=case, kind=Task.Kind.PRE_REVIEW)
    assert pre_review.due_at == case.supplement_due_at
    event = CaseEvent.objects.get(case=case, kind="deadline_recomputed")
    assert event.data["deadline"] == "supplement_due_at"


def test_a_certificate_due_is_flagged_and_recounted(
    case, clerk, reviewer, co_reviewer, approver, centre_admin, django_capture_on_commit_callbacks
):
    for t in Task.objects.filter(case=case, kind="opinion"):
        actions.give_opinion(t, actor=co_reviewer, now=ACCEPTED, agree=True, opinion="同意")
    review = Task.objects.get(case=case, kind="review")
    actions.submit_review(review, actor=reviewer, now=ACCEPTED, recommend_grant=True, opinion="可")
    decide = Task.objects.get(case=case, kind="decide")
    actions.decide_case(decide, actor=approver, now=ACCEPTED, grant=True)
    case.refresh_from_db()
    assert local_date(case.certificate_due_at) == date(2027, 2, 15)
    staff = Client()
    staff.force_login(clerk)

    def flags() -> tuple[bool, bool]:
        detail = staff.get(f"/api/v1/cases/{case.pk}").json()
        page = staff.get(f"/staff/cases/{case.pk}/").content.decode()
        row = page[page.index("发证期限") :][:400]
        return detail["certificate_due_provisional"], "due-provisional" in row

    assert flags() == (True, True)
    load_2027(centre_admin, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert local_date(case.certificate_due_at) == date(2027, 2, 20)
    certificate = Task.objects.get(case=case, kind=Task.Kind.CERTIFICATE)
    assert certificate.due_at == case.certificate_due_at
    assert flags() == (False, False)
