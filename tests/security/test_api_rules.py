"""The API holds the pages' rules (issue 14, point 7): an applicant's own case is online, at the
centre the item allows and only for an item that may be applied for online; window and agent
cases need a clerk or an agent of that centre; and a reused Idempotency-Key with another
request is refused with 422 wherever the header is accepted."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.apitokens import idempotency
from onestop.apitokens.models import IdempotencyRecord
from onestop.cases.models import Case, CaseEvent
from onestop.catalog.models import ServiceItem
from onestop.org.models import Centre, Role
from tests.api.helpers import login, ok, post
from tests.case_fixtures import provide_all
from tests.conftest import make_staff

BASE = "/api/v1/cases"
FORM = {"applicant_name": "张敏"}


@pytest.fixture
def street_centre(street) -> Centre:
    return Centre.objects.create(
        key="qxp",
        name="清香坪街道便民服务中心",
        region=street,
        level=Centre.Level.STREET,
        address="攀枝花市西区清香坪街道",
        hours="周一至周五",
    )


@pytest.fixture
def agent_point(community) -> Centre:
    return Centre.objects.create(
        key="qxp-sq",
        name="清香坪社区代办点",
        region=community,
        level=Centre.Level.COMMUNITY,
        address="清香坪社区居委会",
        hours="周一至周五",
    )


@pytest.fixture
def villager(applicant, community):
    """The applicant lives in the community (in every test centre's scope)."""
    type(applicant).objects.filter(pk=applicant.pk).update(region=community)
    return applicant


@pytest.fixture
def everywhere(item) -> ServiceItem:
    ServiceItem.objects.filter(pk=item.pk).update(
        at_district=True, at_street=True, at_community=True
    )
    item.refresh_from_db()
    return item


# --- an applicant's own case -----------------------------------------------------------------


@pytest.mark.parametrize("channel", ["window", "agent"])
def test_an_applicant_cannot_choose_the_window_or_agent_channel(
    channel, everywhere, applicant, centre, agent_point
):
    me = login(applicant.user)
    for key in ("xiqu", "qxp-sq"):
        body = {"item": everywhere.code, "centre": key, "channel": channel, "form_data": FORM}
        response = post(me, BASE, body)
        assert response.status_code == 403, response.content.decode()
        assert response.json()["code"] == "forbidden"
    assert not Case.objects.exists()


def test_an_online_case_is_at_the_centre_the_item_allows(
    everywhere, applicant, centre, street_centre
):
    me = login(applicant.user)
    refused = post(me, BASE, {"item": everywhere.code, "centre": "qxp", "form_data": FORM})
    assert refused.status_code == 422
    assert refused.json()["field"] == "centre"
    assert "网上申请由攀枝花市西区政务服务中心受理" in refused.json()["message"]
    # Omitting the centre files it where the item allows, online.
    case = ok(post(me, BASE, {"item": everywhere.code, "form_data": FORM}), 201)
    row = Case.objects.get(pk=case["id"])
    assert (row.channel, row.centre) == ("online", centre)


@pytest.mark.parametrize("depth", [1, 2])
def test_an_item_not_offered_online_cannot_be_applied_for_through_the_api(
    depth, item, applicant, centre
):
    ServiceItem.objects.filter(pk=item.pk).update(online_depth=depth)
    response = post(
        login(applicant.user), BASE, {"item": item.code, "centre": "xiqu", "form_data": FORM}
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "该事项暂不支持网上申请，请到窗口办理",
        "field": "item",
    }
    assert not Case.objects.exists()


# --- window and agent cases ------------------------------------------------------------------


def test_a_window_case_needs_a_clerk_of_that_centre(
    everywhere, villager, centre, street_centre, clerk, street, dept_a, reviewer
):
    body = {"item": everywhere.code, "applicant": villager.pk, "form_data": FORM}
    # The district clerk files at the district centre, not at a street centre.
    ok(post(login(clerk), BASE, {**body, "centre": "xiqu", "channel": "window"}), 201)
    away = post(login(clerk), BASE, {**body, "centre": "qxp", "channel": "window"})
    assert away.status_code == 403
    assert "窗口受理须由清香坪街道便民服务中心的窗口受理员办理" in away.json()["message"]
    # A reviewer is not a window clerk at all.
    not_clerk = post(login(reviewer), BASE, {**body, "centre": "xiqu", "channel": "window"})
    assert not_clerk.status_code in (403, 404)
    street_clerk = make_staff("clerk_qxp", Role.CLERK, street, dept_a)
    ok(post(login(street_clerk), BASE, {**body, "centre": "qxp", "channel": "window"}), 201)
    assert Case.objects.count() == 2


def test_an_agent_case_needs_the_agent_of_that_point(
    everywhere, villager, agent_point, community, street, clerk
):
    agent = make_staff("agent_qxp", Role.COMMUNITY_AGENT, community, None)
    other_point = make_staff("agent_street", Role.COMMUNITY_AGENT, street, None)
    body = {"item": everywhere.code, "applicant": villager.pk, "form_data": FORM}
    for who in (clerk, other_point):
        response = post(login(who), BASE, {**body, "centre": "qxp-sq", "channel": "agent"})
        assert response.status_code in (403, 404), who.username
    assert not Case.objects.exists()
    case = ok(post(login(agent), BASE, {**body, "centre": "qxp-sq", "channel": "agent"}), 201)
    assert Case.objects.get(pk=case["id"]).channel == "agent"
    # An item a community point may not take.
    ServiceItem.objects.filter(pk=everywhere.pk).update(at_community=False)
    refused = post(login(agent), BASE, {**body, "centre": "qxp-sq", "channel": "agent"})
    assert refused.status_code == 422 and refused.json()["field"] == "item"


# --- Idempotency-Key with another body -------------------------------------------------------


def test_a_reused_key_with_another_body_is_a_422_on_create(everywhere, applicant, centre):
    me = login(applicant.user)
    body = {"item": everywhere.code, "form_data": FORM}
    first = ok(post(me, BASE, body, key="apply-1"), 201)
    # Same body, keys reordered and spaced differently: the same request, replayed.
    same = me.post(
        BASE,
        json.dumps({"form_data": FORM, "item": everywhere.code}, indent=2),
        content_type="application/json",
        headers={"Idempotency-Key": "apply-1"},
    )
    assert ok(same)["id"] == first["id"]
    other = post(me, BASE, {**body, "form_data": {"applicant_name": "张敏之"}}, key="apply-1")
    assert other.status_code == 422
    assert other.json() == {
        "code": "idempotency_key_reused",
        "message": idempotency.KeyReused.message,
        "field": "Idempotency-Key",
    }
    assert Case.objects.count() == 1


def test_a_reused_key_with_another_body_is_a_422_on_a_move(new_case, clerk):
    case = new_case()
    provide_all(case)
    window = login(clerk)
    path = f"{BASE}/{case.pk}/not-accept"
    ok(post(window, path, {"reasons": "不属于本部门职权范围"}, key="na-1"))
    again = post(window, path, {"reasons": "材料不齐"}, key="na-1")
    assert again.status_code == 422 and again.json()["code"] == "idempotency_key_reused"
    assert CaseEvent.objects.get(case=case, kind="not_accepted").data["reasons"] == (
        "不属于本部门职权范围"
    )


def test_a_failed_request_frees_its_key_for_the_corrected_retry(everywhere, applicant, centre):
    me = login(applicant.user)
    bad = post(me, BASE, {"item": everywhere.code, "centre": "nowhere"}, key="apply-2")
    assert bad.status_code == 422 and bad.json()["field"] == "centre"
    assert not IdempotencyRecord.objects.exists()
    ok(post(me, BASE, {"item": everywhere.code, "form_data": FORM}, key="apply-2"), 201)


def test_keys_are_per_user(everywhere, applicant, centre, clerk):
    own = {"item": everywhere.code, "form_data": FORM}
    ok(post(login(applicant.user), BASE, own, key="k"), 201)
    body = {**own, "applicant": applicant.pk, "centre": "xiqu"}
    ok(post(login(clerk), BASE, body, key="k"), 201)


def test_hotline_and_parallel_keys_are_held_too(operator_and_item):
    """The check lives in the shared `domain_errors`: another router's keyed POST answers
    the same 422."""
    operator, register_body = operator_and_item
    c = login(operator)
    ok(post(c, "/api/v1/hotline/tickets", register_body, key="call-1"), 201)
    changed = {**register_body, "content": register_body["content"] + "（补充：夜间施工）"}
    again = post(c, "/api/v1/hotline/tickets", changed, key="call-1")
    assert again.status_code == 422 and again.json()["code"] == "idempotency_key_reused"


@pytest.fixture
def operator_and_item(district):
    operator = make_staff("operator", Role.HOTLINE_OPERATOR, district, None)
    body = {
        "kind": "complaint",
        "caller_name": "王先生",
        "caller_phone": "13881230001",
        "content": "清香坪街道某工地深夜施工噪声扰民，影响休息。",
    }
    return operator, body


# --- the digest itself -----------------------------------------------------------------------

SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
JSON_VALUES = SCALARS | st.lists(SCALARS, max_size=3)
BODIES = st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=4)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(a=BODIES, b=st.data())
def test_the_digest_ignores_layout_and_sees_content(rf, a, b):
    def req(body: str):
        return rf.post(BASE, body, content_type="application/json")

    reordered = dict(reversed(list(a.items())))
    assert idempotency.request_digest(req(json.dumps(a))) == idempotency.request_digest(
        req(json.dumps(reordered, indent=1, ensure_ascii=False))
    )
    other = b.draw(BODIES)
    same = json.dumps(a, sort_keys=True) == json.dumps(other, sort_keys=True)
    assert (
        idempotency.request_digest(req(json.dumps(a)))
        == idempotency.request_digest(req(json.dumps(other)))
    ) == same
