"""Staff pages: task lists with lights, the case page's allowed actions, the window screen."""

from datetime import timedelta

import pytest
import time_machine

from onestop.cases import actions
from onestop.cases.models import Case, CaseEvent, Task
from onestop.org.models import Applicant, Window
from tests.cases.conftest import NOW, provide_all


@pytest.fixture
def clerk_at_window(clerk, centre):
    role = clerk.staff_roles.get()
    role.window = Window.objects.get(number="A01")
    role.save(update_fields=["window"])
    return clerk


@pytest.fixture
def travel():
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        yield


def test_the_reviewer_sees_the_unclaimed_review_with_its_light(
    client, new_case, clerk, reviewer, travel
):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    client.force_login(reviewer)
    response = client.get("/staff/cases/tasks/")
    unclaimed = response.context["unclaimed"]
    assert [(t.case_id, t.kind, t.light) for t in unclaimed] == [(case.pk, "review", "green")]
    assert "● 正常" in response.content.decode()


def test_an_overdue_task_shows_red(client, new_case, clerk, reviewer):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        client.force_login(reviewer)
        rows = client.get("/staff/cases/tasks/", {"light": "red"}).context["unclaimed"]
    assert [t.light for t in rows] == ["red"]


def test_the_case_page_offers_only_the_allowed_moves(client, new_case, clerk, reviewer, travel):
    case = new_case()
    client.force_login(clerk)
    page = client.get(f"/staff/cases/{case.pk}/")
    assert "accept" in page.context["allowed"]
    assert "deliver" not in page.context["allowed"]
    client.force_login(reviewer)
    page = client.get(f"/staff/cases/{case.pk}/")
    assert page.context["allowed"] == []


def test_accepting_through_the_page(client, new_case, clerk, travel):
    case = new_case()
    client.force_login(clerk)
    response = client.post(
        f"/staff/cases/{case.pk}/do/mark_provided/",
        {"provided": ["食品经营许可申请书", "营业执照"]},
    )
    assert response.status_code == 302
    response = client.post(
        f"/staff/cases/{case.pk}/do/accept/", {"tolerated": ["食品安全管理制度"]}, follow=True
    )
    assert "已受理" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED


def test_a_refused_move_shows_the_reason_in_chinese(client, new_case, clerk, travel):
    case = new_case()
    client.force_login(clerk)
    body = client.post(f"/staff/cases/{case.pk}/do/accept/", follow=True).content.decode()
    assert "缺少必要材料" in body
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_outsiders_get_404(client, new_case, outsider, applicant, travel):
    case = new_case()
    for user in (outsider, applicant.user):
        client.force_login(user)
        assert client.get(f"/staff/cases/{case.pk}/").status_code == 404
        assert client.post(f"/staff/cases/{case.pk}/do/accept/").status_code == 404


def test_task_moves_through_the_page(
    client, new_case, clerk, reviewer, co_reviewer, approver, travel
):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    review = Task.objects.get(case=case, kind="review")
    opinion = Task.objects.get(case=case, kind="opinion")
    client.force_login(co_reviewer)
    client.post(f"/staff/cases/tasks/{opinion.pk}/do/opinion/", {"agree": "yes", "opinion": "同意"})
    client.force_login(reviewer)
    client.post(f"/staff/cases/tasks/{review.pk}/do/claim/")
    client.post(
        f"/staff/cases/tasks/{review.pk}/do/review/", {"recommend": "grant", "opinion": "符合条件"}
    )
    decide = Task.objects.get(case=case, kind="decide")
    client.force_login(approver)
    page = client.get(f"/staff/cases/{case.pk}/")
    assert decide.pk in page.context["my_tasks"]
    client.post(f"/staff/cases/tasks/{decide.pk}/do/decide/", {"decision": "grant"})
    case.refresh_from_db()
    assert case.status == Case.Status.GRANTED
    # Another department's reviewer cannot touch the lead department's task.
    client.force_login(co_reviewer)
    assert client.post(f"/staff/cases/tasks/{review.pk}/do/claim/").status_code == 404


def test_the_window_accepts_a_walk_in(client, item, clerk_at_window, travel):
    client.force_login(clerk_at_window)
    data = {
        "item": item.code,
        "key": "k1",
        "name": "李建国",
        "id_number": "11010519491231002X",
        "phone": "13881234567",
        "form_applicant_name": "李建国",
        "provided": ["食品经营许可申请书", "营业执照"],
        "tolerated": ["食品安全管理制度"],
    }
    response = client.post("/staff/cases/window/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.status, case.channel, case.applicant.name) == ("accepted", "window", "李建国")
    assert not case.applicant.user.has_usable_password()
    # The same form sent twice is one case.
    client.post("/staff/cases/window/", data)
    assert Case.objects.count() == 1


def test_the_window_refuses_a_bad_id_and_saves_nothing(client, item, clerk_at_window, travel):
    client.force_login(clerk_at_window)
    response = client.post(
        "/staff/cases/window/",
        {
            "item": item.code,
            "key": "k2",
            "name": "李建国",
            "id_number": "110105194912310021",
            "phone": "13881234567",
            "provided": ["营业执照"],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "校验码" in page
    assert not Case.objects.exists()
    assert not Applicant.objects.filter(name="李建国").exists()
    # The screen shows again with what the clerk typed and ticked.
    assert 'value="李建国"' in page and 'value="13881234567"' in page
    assert 'value="营业执照" checked' in page


def test_a_reassignment_to_nobody_is_refused_with_a_message(client, new_case, clerk, head, travel):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    review = Task.objects.get(case=case, kind="review")
    client.force_login(head)
    response = client.post(f"/staff/cases/tasks/{review.pk}/do/reassign/", {"to": "x"}, follow=True)
    assert "请选择改派对象" in response.content.decode()
    assert Task.objects.get(pk=review.pk).assignee is None


def test_the_window_completes_an_instant_item_on_the_spot(
    client, instant_item, clerk_at_window, travel
):
    client.force_login(clerk_at_window)
    client.post(
        "/staff/cases/window/",
        {
            "item": instant_item.code,
            "key": "k3",
            "name": "李建国",
            "id_number": "11010519491231002X",
            "phone": "13881234567",
            "form_applicant_name": "李建国",
            "provided": ["申请书", "身份证明"],
        },
    )
    case = Case.objects.get()
    assert case.status == Case.Status.COMPLETED
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "created",
        "materials_checked",
        "accepted",
        "granted",
        "completed",
    ]


def test_the_department_head_reassigns_a_claimed_review(
    client, new_case, clerk, reviewer, head, district, dept_a, travel
):
    from onestop.org.models import Role
    from tests.conftest import make_staff

    colleague = make_staff("reviewer_a2", Role.REVIEWER, district, dept_a)
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    review = Task.objects.get(case=case, kind="review")
    actions.claim_task(review, actor=reviewer, now=NOW)
    client.force_login(head)
    page = client.get(f"/staff/cases/{case.pk}/")
    assert [u.username for u in page.context["reassign"][review.pk]] == ["reviewer_a2"]
    client.post(f"/staff/cases/tasks/{review.pk}/do/reassign/", {"to": colleague.pk})
    review.refresh_from_db()
    assert review.assignee == colleague
    # A reviewer cannot reassign, and the clerk cannot even see the task.
    client.force_login(reviewer)
    client.post(f"/staff/cases/tasks/{review.pk}/do/reassign/", {"to": reviewer.pk})
    review.refresh_from_db()
    assert review.assignee == colleague
    client.force_login(clerk)
    assert (
        client.post(f"/staff/cases/tasks/{review.pk}/do/reassign/", {"to": clerk.pk}).status_code
        == 404
    )
