"""The case API over HTTP: a case from online application to decision, refusals, replays."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onestop.cases import actions
from onestop.cases.models import Case, CaseEvent, Task
from tests.api.helpers import login, ok, post
from tests.cases.conftest import NOW, provide_all

S = Case.Status
BASE = "/api/v1/cases"


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def the_task(case_id: int, kind: str) -> Task:
    return Task.objects.get(case_id=case_id, kind=kind, status__in=Task.OPEN_STATES)


def test_a_case_runs_from_online_application_to_grant(
    item, applicant, centre, clerk, reviewer, co_reviewer, approver
):
    me = login(applicant.user)
    case = ok(
        post(
            me,
            BASE,
            {"item": item.code, "centre": "xiqu", "form_data": {"applicant_name": "张敏"}},
        ),
        201,
    )
    assert (case["status"], case["channel"]) == ("draft", "online")
    assert case["applicant_identity"] == "1101**********002X"
    assert [m["move"] for m in case["moves"]] == ["submit", "withdraw"]
    assert case["tasks"] == []
    case_id = case["id"]

    case = ok(post(me, f"{BASE}/{case_id}/submit"))
    assert case["status"] == "submitted"

    window = login(clerk)
    case = ok(window.get(f"{BASE}/{case_id}"))
    assert "request_supplement" in [m["move"] for m in case["moves"]]
    case = ok(
        post(
            window,
            f"{BASE}/{case_id}/request-supplement",
            {"missing": ["营业执照", "食品安全管理制度"], "note": "营业执照须在有效期内"},
        )
    )
    assert case["status"] == "supplement_requested"

    # The applicant uploads the missing materials (uploads are another module's), then says so.
    provide_all(Case.objects.get(pk=case_id))
    case = ok(post(me, f"{BASE}/{case_id}/supply"))
    assert case["status"] == "submitted"

    case = ok(post(window, f"{BASE}/{case_id}/accept", {"tolerated": []}))
    assert case["status"] == "accepted"
    assert case["due_at"].startswith("2026-03-24")  # 10 working days, the 10th not counted
    assert case["light"] == "green"

    # The co-department (区民政局) sees its opinion task in its queue and gives its opinion.
    co = login(co_reviewer)
    queue = ok(co.get("/api/v1/tasks"))
    assert [(t["kind"], t["department"]) for t in queue["items"]] == [("opinion", "区民政局")]
    opinion = queue["items"][0]
    assert opinion["actions"] == ["claim", "opinion"]
    done = ok(
        post(co, f"/api/v1/tasks/{opinion['id']}/opinion", {"agree": True, "opinion": "同意"})
    )
    assert (done["status"], done["outcome"]) == ("done", "agree")

    desk = login(reviewer)
    review = the_task(case_id, Task.Kind.REVIEW)
    assert ok(post(desk, f"/api/v1/tasks/{review.pk}/claim"))["status"] == "claimed"
    assert ok(desk.get(f"{BASE}/{case_id}"))["status"] == "under_review"
    ok(
        post(
            desk,
            f"/api/v1/tasks/{review.pk}/review",
            {"recommend_grant": True, "opinion": "材料齐全，符合条件"},
        )
    )

    boss = login(approver)
    decide = the_task(case_id, Task.Kind.DECIDE)
    assert ok(boss.get(f"/api/v1/tasks/{decide.pk}"))["actions"] == ["claim", "decide"]
    ok(post(boss, f"/api/v1/tasks/{decide.pk}/decide", {"grant": True}))

    case = ok(me.get(f"{BASE}/{case_id}"))
    assert case["status"] == "granted"
    assert case["tasks"] == []  # the applicant does not see the internal steps
    assert [e["kind"] for e in case["events"]] == [
        "created",
        "submitted",
        "supplement_requested",
        "supplied",
        "accepted",
        "opinion_given",
        "task_claimed",
        "reviewed",
        "granted",
    ]
    timeline = ok(me.get(f"{BASE}/{case_id}/events"))
    assert timeline["intact"] is True
    assert timeline["events"][1]["prev_hash"] == timeline["events"][0]["hash"]


def test_a_refused_case_is_completed_and_delivered(
    new_case, clerk, reviewer, co_reviewer, approver
):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    co, desk, boss, window = login(co_reviewer), login(reviewer), login(approver), login(clerk)
    opinion = the_task(case.pk, Task.Kind.OPINION)
    ok(post(co, f"/api/v1/tasks/{opinion.pk}/opinion", {"agree": False, "opinion": "不符合"}))
    review = the_task(case.pk, Task.Kind.REVIEW)
    ok(post(desk, f"/api/v1/tasks/{review.pk}/review", {"recommend_grant": False, "opinion": "否"}))
    decide = the_task(case.pk, Task.Kind.DECIDE)
    refused = post(boss, f"/api/v1/tasks/{decide.pk}/decide", {"grant": False, "reasons": " "})
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "invalid",
        "message": "不予许可须说明理由",
        "field": "reasons",
    }
    ok(post(boss, f"/api/v1/tasks/{decide.pk}/decide", {"grant": False, "reasons": "场所不符"}))
    assert ok(post(window, f"{BASE}/{case.pk}/complete"))["status"] == "completed"
    delivered = ok(post(window, f"{BASE}/{case.pk}/deliver", {"method": "邮寄送达"}))
    assert delivered["status"] == "delivered"
    assert delivered["events"][-1]["data"] == {"method": "邮寄送达"}


def test_a_move_not_allowed_in_the_state_is_a_409_in_chinese(new_case, clerk):
    case = new_case()
    provide_all(case)
    window = login(clerk)
    ok(post(window, f"{BASE}/{case.pk}/accept"))
    again = post(window, f"{BASE}/{case.pk}/accept", {"tolerated": []})
    assert again.status_code == 409
    assert again.json() == {
        "code": "conflict",
        "message": "办件当前状态为“已受理”，不能执行“受理”",
        "field": "",
    }
    assert CaseEvent.objects.filter(case=case, kind="accepted").count() == 1


def test_a_move_the_user_may_not_make_is_a_403(new_case, applicant):
    case = new_case()
    provide_all(case)
    response = post(login(applicant.user), f"{BASE}/{case.pk}/accept", {"tolerated": []})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Case.objects.get(pk=case.pk).status == S.DRAFT


def test_rules_refused_by_the_action_are_422_with_the_field(new_case, clerk):
    case = new_case()
    response = post(login(clerk), f"{BASE}/{case.pk}/accept", {"tolerated": ["营业执照"]})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "materials"
    assert "“营业执照”不属于可容缺材料" in body["message"]


def test_a_replayed_idempotency_key_does_nothing_the_second_time(new_case, clerk):
    case = new_case()
    provide_all(case)
    window = login(clerk)
    first = ok(post(window, f"{BASE}/{case.pk}/accept", {"tolerated": []}, key="accept-7f3a"))
    events = CaseEvent.objects.filter(case=case).count()
    second = ok(post(window, f"{BASE}/{case.pk}/accept", {"tolerated": []}, key="accept-7f3a"))
    assert second["status"] == first["status"] == "accepted"
    assert CaseEvent.objects.filter(case=case).count() == events
    assert Task.objects.filter(case=case, kind=Task.Kind.REVIEW).count() == 1
    assert CaseEvent.objects.get(case=case, kind="accepted").key == "accept-7f3a"


def test_a_replayed_create_returns_the_first_case(item, applicant, centre):
    me = login(applicant.user)
    body = {"item": item.code, "centre": "xiqu", "form_data": {"applicant_name": "张敏"}}
    first = ok(post(me, BASE, body, key="new-1"), 201)
    second = ok(post(me, BASE, body, key="new-1"), 200)
    assert first["id"] == second["id"]
    assert Case.objects.count() == 1


def test_an_idempotency_key_longer_than_the_column_is_refused(new_case, clerk):
    case = new_case()
    response = post(login(clerk), f"{BASE}/{case.pk}/submit", key="k" * 65)
    assert response.status_code == 422
    assert response.json()["field"].endswith("Idempotency-Key")


def test_a_clerk_files_for_an_applicant_at_the_window(item, applicant, centre, clerk):
    case = ok(
        post(
            login(clerk),
            BASE,
            {
                "item": item.code,
                "applicant": applicant.pk,
                "centre": "xiqu",
                "form_data": {"applicant_name": "张敏"},
            },
        ),
        201,
    )
    assert (case["channel"], case["applicant_name"]) == ("window", "张敏")
    assert "accept" in [m["move"] for m in case["moves"]]


def test_creating_explains_what_is_wrong(item, applicant, centre):
    me = login(applicant.user)
    unknown = post(me, BASE, {"item": "NO-SUCH", "centre": "xiqu"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "item")
    form = post(me, BASE, {"item": item.code, "centre": "xiqu", "form_data": {}})
    assert form.status_code == 422
    assert form.json()["message"] == "申请表填写有误：申请人不能为空"
    missing = post(me, BASE, {"centre": "xiqu"})
    assert missing.json()["field"] == "item"


def test_the_list_is_scoped_filtered_paged_and_masked(new_case, clerk, applicant, outsider):
    first, second = new_case(), new_case()
    provide_all(second)
    actions.accept_case(second, actor=clerk, now=NOW)
    window = login(clerk)
    page = ok(window.get(BASE, {"page_size": 1}))
    assert (page["count"], len(page["items"])) == (2, 1)
    assert page["items"][0]["applicant_identity"] == "1101**********002X"
    accepted = ok(window.get(BASE, {"status": "accepted"}))
    assert [c["id"] for c in accepted["items"]] == [second.pk]
    assert ok(window.get(BASE, {"department": "mzj"}))["count"] == 0
    assert ok(window.get(BASE, {"item": "511A0000-FOOD"}))["count"] == 2
    # 区民政局 sees only the case it gives an opinion on.
    assert [c["id"] for c in ok(login(outsider).get(BASE))["items"]] == [second.pk]
    assert ok(login(applicant.user).get(BASE))["count"] == 2
    bad = window.get(BASE, {"status": "nonsense"})
    assert (bad.status_code, bad.json()["field"]) == (422, "status")
    assert first.pk  # both cases were listed


def test_lists_cost_the_same_queries_for_few_and_many_rows(new_case, clerk, reviewer):
    window, desk = login(clerk), login(reviewer)

    def queries(client: Client, path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for _ in range(n):
            case = new_case()
            provide_all(case)
            actions.accept_case(case, actor=clerk, now=NOW)

    add(2)
    few = queries(window, BASE), queries(desk, "/api/v1/tasks")
    add(8)
    assert (queries(window, BASE), queries(desk, "/api/v1/tasks")) == few


def test_progress_lookup_needs_no_sign_in_and_shows_no_personal_data(new_case, clerk):
    case = new_case()
    anonymous = Client()
    draft = anonymous.get(f"{BASE}/progress", {"number": case.number, "query_code": "X"})
    assert draft.status_code == 404
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    found = ok(
        anonymous.get(
            f"{BASE}/progress", {"number": case.number, "query_code": case.query_code.lower()}
        )
    )
    assert found["status_label"] == "已受理"
    assert found["item_name"] == "食品经营许可"
    assert "张敏" not in str(found) and "applicant" not in str(found)
    wrong = anonymous.get(f"{BASE}/progress", {"number": case.number, "query_code": "ABCDEFGH"})
    assert wrong.status_code == 404
    assert wrong.json()["code"] == "not_found"


def test_progress_lookup_slows_down_guessing(new_case, clerk):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    cache.clear()
    anonymous = Client()
    right = {"number": case.number, "query_code": case.query_code}
    for _ in range(25):  # right pairs are not counted
        assert anonymous.get(f"{BASE}/progress", right).status_code == 200
    for n in range(20):
        wrong = {"number": case.number, "query_code": f"WRONG{n:03d}"}
        assert anonymous.get(f"{BASE}/progress", wrong).status_code == 404
    limited = anonymous.get(f"{BASE}/progress", right)
    assert limited.status_code == 429
    assert limited.json()["code"] == "throttled"
    cache.clear()


def test_supervisors_verify_the_audit_chain_and_see_a_tampered_event(
    new_case, clerk, supervisor, centre_admin, applicant
):
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    watcher = login(supervisor)
    clean = ok(watcher.get(f"{BASE}/audit/verify"))
    assert clean == {"checked": 1, "breaks": []}

    CaseEvent.objects.filter(case=case, kind="accepted").update(data={"limit_days": 99})
    report = ok(watcher.get(f"{BASE}/audit/verify"))
    assert [(b["case_number"], b["seq"]) for b in report["breaks"]] == [(case.number, 2)]
    assert "被改动" in report["breaks"][0]["reason"]
    assert ok(login(centre_admin).get(f"{BASE}/audit/verify"))["breaks"] == report["breaks"]
    assert ok(login(clerk).get(f"{BASE}/{case.pk}/events"))["intact"] is False

    for user in (clerk, applicant.user):
        refused = login(user).get(f"{BASE}/audit/verify")
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"


def test_the_openapi_schema_documents_every_endpoint(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    expected = {
        ("get", "/api/v1/cases"),
        ("post", "/api/v1/cases"),
        ("get", "/api/v1/cases/progress"),
        ("get", "/api/v1/cases/audit/verify"),
        ("get", "/api/v1/cases/{case_id}"),
        ("get", "/api/v1/cases/{case_id}/events"),
        ("post", "/api/v1/cases/{case_id}/identity"),
        ("get", "/api/v1/tasks"),
        ("get", "/api/v1/tasks/{task_id}"),
    }
    for move in (
        "submit request-supplement supply accept not-accept handle-instant suspend resume "
        "request-extension complete deliver withdraw"
    ).split():
        expected.add(("post", f"/api/v1/cases/{{case_id}}/{move}"))
    for move in "claim release reassign opinion review decide extension".split():
        expected.add(("post", f"/api/v1/tasks/{{task_id}}/{move}"))
    found = {
        (method, path)
        for path, ops in paths.items()
        if path.startswith(("/api/v1/cases", "/api/v1/tasks"))
        for method in ops
    }
    assert found == expected
    for method, path in expected:
        op = paths[path][method]
        assert op["summary"] and op["tags"] in (["cases"], ["tasks"]), (method, path)
        assert "200" in op["responses"] or "201" in op["responses"]
        if path != "/api/v1/cases/progress":
            assert {"401", "404"} <= set(op["responses"]), (method, path)
            assert op.get("security"), (method, path)
        if method == "post":
            headers = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
            assert headers == ["Idempotency-Key"], (method, path)
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
