"""Scope: every case and task endpoint that takes an id answers 404 to anyone outside it.

The endpoint list below is checked against the OpenAPI description, so a new endpoint with an
id and no outsider test here fails `test_every_endpoint_with_an_id_is_checked`.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from onestop.api.main import api
from onestop.cases import actions
from onestop.cases.models import Case, CaseEvent, Task
from onestop.catalog.models import ServiceItem
from onestop.org.actions import register_applicant
from onestop.org.models import Centre, Department, Role
from tests.api.helpers import login
from tests.cases.conftest import NOW, provide_all
from tests.conftest import make_staff
from tests.factories import make_item

CASE = "/api/v1/cases/{case_id}"
TASK = "/api/v1/tasks/{task_id}"

# (method, path, body) for every endpoint that takes an id; bodies are valid, so that the
# answer is about scope and not about input.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", CASE, None),
    ("get", CASE + "/events", None),
    ("post", CASE + "/identity", {"reason": "verify"}),
    ("post", CASE + "/submit", None),
    ("post", CASE + "/request-supplement", {"missing": ["营业执照"], "note": ""}),
    ("post", CASE + "/supply", None),
    ("post", CASE + "/accept", {"tolerated": []}),
    ("post", CASE + "/not-accept", {"reasons": "不符合"}),
    ("post", CASE + "/handle-instant", None),
    ("post", CASE + "/suspend", {"reason": "inspection", "note": "送检"}),
    ("post", CASE + "/resume", None),
    ("post", CASE + "/request-extension", {"reason": "核查"}),
    ("post", CASE + "/complete", None),
    ("post", CASE + "/deliver", {"method": "邮寄"}),
    ("post", CASE + "/withdraw", {"reason": "不办了"}),
    ("get", TASK, None),
    ("post", TASK + "/claim", None),
    ("post", TASK + "/release", None),
    ("post", TASK + "/reassign", {"to": 1}),
    ("post", TASK + "/opinion", {"agree": True, "opinion": "同意"}),
    ("post", TASK + "/review", {"recommend_grant": True, "opinion": "同意"}),
    ("post", TASK + "/decide", {"grant": True, "reasons": ""}),
    ("post", TASK + "/extension", {"approve": True}),
]

OUTSIDERS = [
    "another_applicant",
    "other_department_clerk",
    "other_department_head",
    "same_department_other_street",
    "agent_who_did_not_file",
    "own_applicant_on_tasks",
]


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def call(client: Client, method: str, path: str, body: dict[str, Any] | None) -> Any:
    if method == "get":
        return client.get(path)
    return client.post(
        path, body or {}, content_type="application/json", headers={"Idempotency-Key": "x-1"}
    )


@pytest.fixture
def dept_c(district) -> Department:
    return Department.objects.create(
        key="zjj",
        name="攀枝花市西区住房和城乡建设局",
        short_name="区住建局",
        kind="district",
        region=district,
    )


@pytest.fixture
def community_point(community) -> Centre:
    return Centre.objects.create(
        key="qxp-point", name="清香坪社区代办点", region=community, level=Centre.Level.COMMUNITY
    )


@pytest.fixture
def agent(community):
    return make_staff("agent_qxp", Role.COMMUNITY_AGENT, community, None)


@pytest.fixture
def people(district, street, community, dept_a, dept_c, applicant):
    """Everyone who must not see the case: name → user."""
    other = register_applicant(
        kind="person",
        name="李强",
        username="liqiang",
        password="Jinsha-river-99",
        phone="13881234568",
        id_number="110105198001010016",
    )
    return {
        "another_applicant": other.user,
        "other_department_clerk": make_staff("clerk_c", Role.CLERK, district, dept_c),
        "other_department_head": make_staff("head_c", Role.DEPARTMENT_HEAD, district, dept_c),
        # The case's own department, but serving another street only.
        "same_department_other_street": make_staff("clerk_a_st", Role.CLERK, street, dept_a),
        "agent_who_did_not_file": make_staff("agent_other", Role.COMMUNITY_AGENT, community, None),
        # The applicant sees the case but not the department's internal tasks.
        "own_applicant_on_tasks": applicant.user,
    }


@pytest.fixture
def target(new_case, clerk) -> tuple[Case, Task]:
    """An accepted case with its open review task (and a co-department opinion task)."""
    case = new_case()
    provide_all(case)
    case = actions.accept_case(case, actor=clerk, now=NOW)
    return case, Task.objects.get(case=case, kind=Task.Kind.REVIEW)


def _outsider_cases() -> list[Any]:
    cases = []
    for method, path, body in ENDPOINTS:
        for who in OUTSIDERS:
            if who == "own_applicant_on_tasks" and not path.startswith(TASK):
                continue  # the applicant's own case is in scope
            cases.append(pytest.param(who, method, path, body, id=f"{who}-{method}-{path}"))
    return cases


@pytest.mark.parametrize(("who", "method", "path", "body"), _outsider_cases())
def test_outsiders_get_404(people, target, who, method, path, body):
    case, task = target
    before = list(CaseEvent.objects.filter(case=case).values_list("seq", "hash"))
    status = case.status
    response = call(login(people[who]), method, path.format(case_id=case.pk, task_id=task.pk), body)
    assert response.status_code == 404, (who, response.content.decode())
    assert response.json()["code"] == "not_found"
    assert list(CaseEvent.objects.filter(case=case).values_list("seq", "hash")) == before
    assert Case.objects.get(pk=case.pk).status == status


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=lambda v: str(v)[:40])
def test_an_id_that_does_not_exist_is_404_too(clerk, method, path, body):
    response = call(login(clerk), method, path.format(case_id=999999, task_id=999999), body)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_every_endpoint_with_an_id_is_checked():
    checked = {(method, path) for method, path, _ in ENDPOINTS}
    spec = api.get_openapi_schema()
    with_ids = {
        (method, path)
        for path, operations in spec["paths"].items()
        if path.startswith(("/api/v1/cases", "/api/v1/tasks")) and "{" in path
        for method in operations
    }
    assert with_ids - checked == set(), "endpoints with an id and no outsider test"
    assert checked - with_ids == set(), "outsider tests for endpoints that do not exist"


def test_insiders_see_the_case(target, applicant, clerk, co_reviewer, supervisor):
    case, _ = target
    for user in (applicant.user, clerk, co_reviewer, supervisor):
        assert login(user).get(f"/api/v1/cases/{case.pk}").status_code == 200, user


def test_an_agent_follows_the_cases_they_filed_and_no_others(
    dept_a, community_point, agent, people
):
    villager = register_applicant(
        kind="person",
        name="王芳",
        username="wangfang",
        password="Jinsha-river-77",
        phone="13881234569",
        id_number="510403199001011230",
    )
    villager.region = community_point.region
    villager.save(update_fields=["region"])
    community_item = make_item(
        "511A0000-COMM", "老年人优待证办理", "scjgj", levels=["district", "community"]
    )
    assert community_item.status == ServiceItem.Status.PUBLISHED
    filer = login(agent)
    created = filer.post(
        "/api/v1/cases",
        {
            "item": community_item.code,
            "applicant": villager.pk,
            "centre": community_point.key,
            "form_data": {"applicant_name": "王芳"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content.decode()
    case = created.json()
    assert (case["channel"], case["applicant_name"]) == ("agent", "王芳")
    assert [m["move"] for m in case["moves"]] == ["submit", "withdraw"]
    assert filer.post(f"/api/v1/cases/{case['id']}/submit").json()["status"] == "submitted"
    assert [c["id"] for c in filer.get("/api/v1/cases").json()["items"]] == [case["id"]]
    # The villager sees their own case; another agent does not.
    assert login(villager.user).get(f"/api/v1/cases/{case['id']}").status_code == 200
    stranger = login(people["agent_who_did_not_file"])
    assert stranger.get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert stranger.get("/api/v1/cases").json()["count"] == 0


def test_staff_cannot_file_for_an_applicant_outside_their_scope(item, applicant, centre, people):
    # Applicants with no region are visible to district-level roles only.
    response = login(people["same_department_other_street"]).post(
        "/api/v1/cases",
        {"item": item.code, "applicant": applicant.pk, "centre": "xiqu"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "申请人不存在", "field": ""}
