"""The parallel API over HTTP: accept, follow, schedule, record, sign, deliver; and scope."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.api.main import api
from onestop.org.models import Department, Role
from onestop.parallel.models import JointEvent, Submission
from tests.api.helpers import login, ok, post
from tests.conftest import make_staff
from tests.parallel.conftest import DESK, FORM, decide

BASE = "/api/v1/parallel"


def accept_body(track, project, centre) -> dict[str, Any]:
    return {
        "track": track.pk,
        "centre": centre.key,
        "project": project.pk,
        "form": FORM,
        "handed_in": DESK,
    }


def test_accept_and_follow_a_stage(stage_one, project, centre, parallel_clerk, deciders):
    client = login(parallel_clerk)
    first = ok(
        post(client, f"{BASE}/submissions", accept_body(stage_one, project, centre), "k-1"), 201
    )
    again = ok(post(client, f"{BASE}/submissions", accept_body(stage_one, project, centre), "k-1"))
    assert again["id"] == first["id"]
    assert Submission.objects.count() == 1
    assert {m["department"] for m in first["members"]} == {"区市场监管局", "区民政局"}
    assert first["materials_saved"] == 2
    for member in first["members"]:
        from onestop.cases.models import Case

        decide(Case.objects.get(pk=member["case_id"]), deciders)
    detail = ok(client.get(f"{BASE}/projects/{project.pk}"))
    assert detail["stages"][0]["submission"]["status"] == "granted"
    tracks = ok(client.get(f"{BASE}/tracks"))
    assert [t["name"] for t in tracks] == ["立项用地规划许可"]


def test_errors_are_structured_json(stage_one, project, centre, parallel_clerk, clerk):
    body = accept_body(stage_one, project, centre) | {"handed_in": ["申请书"]}
    response = post(login(parallel_clerk), f"{BASE}/submissions", body)
    assert response.status_code == 422
    assert response.json()["code"] and "不能受理" in response.json()["message"]
    response = post(login(clerk), f"{BASE}/submissions", accept_body(stage_one, project, centre))
    assert response.status_code == 404  # the project is not the clerk's to see
    bad = post(login(parallel_clerk), f"{BASE}/projects", {"code": "x"})
    assert bad.status_code == 422 and bad.json()["field"]


def test_joint_events_through_the_api(
    stage_one, accept_stage, parallel_clerk, deciders, dept_a, dept_b
):
    sub = accept_stage(stage_one)
    client = login(parallel_clerk)
    event = ok(
        post(
            client,
            f"{BASE}/submissions/{sub.pk}/joint-events",
            {
                "kind": "countersign",
                "title": "联合审查意见书",
                "scheduled_at": "2026-03-12T09:30:00+08:00",
                "place": "网上会签",
                "departments": [dept_a.key, dept_b.key],
            },
        ),
        201,
    )
    for dept in (dept_a, dept_b):
        signed = ok(
            post(
                login(deciders[dept.pk][1]),
                f"{BASE}/joint-events/{event['id']}/sign",
                {"opinion": "同意"},
            )
        )
    assert signed["status"] == "held"
    assert sorted(signed["signed_by"]) == sorted([dept_a.key, dept_b.key])


@pytest.fixture
def stranger(district):
    other = Department.objects.create(
        key="tyj",
        name="攀枝花市西区体育局",
        short_name="区体育局",
        kind="district",
        region=district,
    )
    return make_staff("sports_clerk", Role.CLERK, district, other)


# (method, path) of every endpoint with an id, with a valid body: outsiders get 404.
ENDPOINTS = [
    ("get", "/projects/{project_id}", None),
    ("get", "/submissions/{submission_id}", None),
    ("post", "/submissions/{submission_id}/deliver", {"method": "窗口领取"}),
    (
        "post",
        "/submissions/{submission_id}/joint-events",
        {
            "kind": "meeting",
            "title": "联审会",
            "scheduled_at": "2026-03-12T09:30:00+08:00",
            "place": "三楼",
            "departments": ["scjgj"],
        },
    ),
    ("post", "/joint-events/{event_id}/record", {"minutes": "同意"}),
    ("post", "/joint-events/{event_id}/sign", {"opinion": "同意"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=lambda v: str(v)[:40])
def test_outsiders_get_404(
    stage_one, accept_stage, parallel_clerk, stranger, applicant, method, path, body
):
    sub = accept_stage(stage_one)
    event = JointEvent.objects.create(
        submission=sub, kind="meeting", title="联审会", scheduled_at=sub.accepted_at, place="三楼"
    )
    url = BASE + path.format(project_id=sub.project_id, submission_id=sub.pk, event_id=event.pk)
    for user in (stranger, applicant.user):
        client = login(user)
        response = client.get(url) if method == "get" else post(client, url, body)
        assert response.status_code == 404, (user, url, response.content)


def test_every_parallel_endpoint_with_an_id_is_in_the_table():
    checked = {(m, p) for m, p, _ in ENDPOINTS}
    spec = api.get_openapi_schema()
    found = {
        (method, path.removeprefix(BASE))
        for path, operations in spec["paths"].items()
        if path.startswith(BASE) and "{" in path
        for method in operations
    }
    assert found == checked
