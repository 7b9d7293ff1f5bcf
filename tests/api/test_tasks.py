"""Task endpoints and the moves on the side: queues, claiming, reassigning, the clock."""

from __future__ import annotations

import pytest
import time_machine

from onestop.cases import actions
from onestop.cases.models import Case, ClockStop, Task
from onestop.workdays.calendar import local_date
from tests.api.helpers import login, ok, post
from tests.cases.conftest import NOW, provide_all
from tests.conftest import make_staff

S = Case.Status


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def accepted(new_case, clerk) -> Case:
    case = new_case()
    provide_all(case)
    return actions.accept_case(case, actor=clerk, now=NOW)


def review_task(case: Case) -> Task:
    return Task.objects.get(case=case, kind=Task.Kind.REVIEW)


@pytest.fixture
def second_reviewer(district, dept_a):
    from onestop.org.models import Role

    return make_staff("reviewer_a2", Role.REVIEWER, district, dept_a)


def test_the_queue_shows_my_tasks_and_my_departments_unclaimed_ones(
    accepted, reviewer, second_reviewer
):
    mine, other = login(reviewer), login(second_reviewer)
    task = review_task(accepted)
    queue = ok(mine.get("/api/v1/tasks"))
    assert [(t["id"], t["status"], t["light"]) for t in queue["items"]] == [
        (task.pk, "open", "green")
    ]
    assert queue["items"][0]["case_number"] == accepted.number
    ok(post(mine, f"/api/v1/tasks/{task.pk}/claim"))
    assert [t["id"] for t in ok(mine.get("/api/v1/tasks", {"mine": "true"}))["items"]] == [task.pk]
    assert ok(mine.get("/api/v1/tasks", {"unclaimed": "true"}))["count"] == 0
    # A colleague no longer sees it once claimed, and cannot take it.
    assert ok(other.get("/api/v1/tasks"))["count"] == 0
    taken = post(other, f"/api/v1/tasks/{task.pk}/claim")
    assert taken.status_code == 409
    assert taken.json()["message"] == "该任务已被认领或已完成"
    assert ok(other.get(f"/api/v1/tasks/{task.pk}"))["actions"] == []
    # Handed back, it is in the department's queue again.
    released = ok(post(mine, f"/api/v1/tasks/{task.pk}/release"))
    assert (released["status"], released["assignee_id"]) == ("open", None)
    assert [t["id"] for t in ok(other.get("/api/v1/tasks"))["items"]] == [task.pk]
    assert ok(other.get("/api/v1/tasks", {"status": "done"}))["count"] == 0


def test_only_the_holder_releases_a_task(accepted, reviewer, second_reviewer):
    task = review_task(accepted)
    ok(post(login(reviewer), f"/api/v1/tasks/{task.pk}/claim"))
    refused = post(login(second_reviewer), f"/api/v1/tasks/{task.pk}/release")
    assert refused.status_code == 409
    assert refused.json()["message"] == "只能退回本人已认领的任务"


def test_the_department_head_reassigns_a_task(accepted, reviewer, second_reviewer, head):
    task = review_task(accepted)
    ok(post(login(reviewer), f"/api/v1/tasks/{task.pk}/claim"))
    boss = login(head)
    assert "reassign" in ok(boss.get(f"/api/v1/tasks/{task.pk}"))["actions"]
    moved = ok(post(boss, f"/api/v1/tasks/{task.pk}/reassign", {"to": second_reviewer.pk}))
    assert (moved["status"], moved["assignee_id"]) == ("claimed", second_reviewer.pk)
    not_head = post(login(reviewer), f"/api/v1/tasks/{task.pk}/reassign", {"to": reviewer.pk})
    assert (not_head.status_code, not_head.json()["code"]) == (403, "forbidden")
    wrong_role = post(boss, f"/api/v1/tasks/{task.pk}/reassign", {"to": head.pk})
    assert (wrong_role.status_code, wrong_role.json()["field"]) == (422, "to")
    nobody = post(boss, f"/api/v1/tasks/{task.pk}/reassign", {"to": 999999})
    assert (nobody.status_code, nobody.json()["field"]) == (422, "to")


def test_a_decision_waits_for_every_co_department_opinion(accepted, reviewer, approver):
    ok(
        post(
            login(reviewer),
            f"/api/v1/tasks/{review_task(accepted).pk}/review",
            {"recommend_grant": True, "opinion": "同意"},
        )
    )
    decide = Task.objects.get(case=accepted, kind=Task.Kind.DECIDE)
    early = post(login(approver), f"/api/v1/tasks/{decide.pk}/decide", {"grant": True})
    assert early.status_code == 409
    assert early.json()["message"] == "尚有部门未出具会签意见：区民政局"


def test_an_extension_is_asked_for_and_approved_by_the_head(accepted, reviewer, head):
    case = ok(
        post(
            login(reviewer),
            f"/api/v1/cases/{accepted.pk}/request-extension",
            {"reason": "需现场核查经营场所"},
        )
    )
    assert case["extension_days"] == 0
    boss = login(head)
    queue = ok(boss.get("/api/v1/tasks", {"kind": "extension"}))
    assert [(t["kind"], t["opinion"]) for t in queue["items"]] == [
        ("extension", "需现场核查经营场所")
    ]
    ok(post(boss, f"/api/v1/tasks/{queue['items'][0]['id']}/extension", {"approve": True}))
    accepted.refresh_from_db()
    assert accepted.extension_days == 10
    assert str(local_date(accepted.due_at)) == "2026-04-08"  # 10 + 10 working days (清明 skipped)
    again = post(
        login(reviewer), f"/api/v1/cases/{accepted.pk}/request-extension", {"reason": "再延"}
    )
    assert again.status_code == 409
    assert "不能再次延期" in again.json()["message"]


def test_suspension_stops_the_clock_and_resumes_it(accepted, reviewer):
    desk = login(reviewer)
    bad = post(desk, f"/api/v1/cases/{accepted.pk}/suspend", {"reason": "holiday", "note": "x"})
    assert (bad.status_code, bad.json()["field"]) == (422, "reason")
    case = ok(
        post(
            desk,
            f"/api/v1/cases/{accepted.pk}/suspend",
            {"reason": "inspection", "note": "送检食品样品"},
        )
    )
    assert (case["status"], case["light"]) == ("suspended", None)
    assert ClockStop.objects.get(case=accepted, reason="inspection").ended_on is None
    assert [m["move"] for m in case["moves"]] == ["resume"]
    case = ok(post(desk, f"/api/v1/cases/{accepted.pk}/resume"))
    assert case["status"] == "accepted"


def test_the_window_refuses_to_accept_with_reasons(new_case, clerk):
    case = new_case()
    window = login(clerk)
    empty = post(window, f"/api/v1/cases/{case.pk}/not-accept", {"reasons": ""})
    assert (empty.status_code, empty.json()["field"]) == (422, "reasons")
    refused = ok(
        post(window, f"/api/v1/cases/{case.pk}/not-accept", {"reasons": "不属于本部门职权范围"})
    )
    assert (refused["status"], refused["moves"]) == ("not_accepted", [])


def test_the_applicant_withdraws(new_case, applicant):
    case = new_case()
    me = login(applicant.user)
    withdrawn = ok(post(me, f"/api/v1/cases/{case.pk}/withdraw", {"reason": "不再需要"}))
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["events"][-1]["data"] == {"reason": "不再需要"}


def test_an_instant_item_is_done_on_the_spot(new_case, instant_item, clerk):
    case = new_case(item=instant_item)
    provide_all(case)
    window = login(clerk)
    moves = [m["move"] for m in ok(window.get(f"/api/v1/cases/{case.pk}"))["moves"]]
    assert "handle_instant" in moves and "accept" not in moves
    done = ok(post(window, f"/api/v1/cases/{case.pk}/handle-instant"))
    assert done["status"] == "completed"
    assert [m["move"] for m in done["moves"]] == ["deliver"]
    delivered = ok(post(window, f"/api/v1/cases/{case.pk}/deliver", {}))
    assert delivered["events"][-1]["data"] == {"method": "窗口领取"}


def test_a_replayed_claim_answers_200_and_records_nothing(accepted, reviewer):
    task = review_task(accepted)
    desk = login(reviewer)
    ok(post(desk, f"/api/v1/tasks/{task.pk}/claim", key="claim-1"))
    count = accepted.events.count()
    assert ok(post(desk, f"/api/v1/tasks/{task.pk}/claim", key="claim-1"))["status"] == "claimed"
    assert accepted.events.count() == count
