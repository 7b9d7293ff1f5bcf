"""Public faces publish only what is meant to be public (issue 14): what an outside tester found
in Open311 and the other pages anyone can open without signing in. Each test failed on the code
before the fix."""

# ruff: noqa: F811 - the hotline fixtures imported below are used as arguments
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from onestop.apitokens.actions import create_token
from onestop.apitokens.queries import BAD_TOKEN_LIMIT
from onestop.draws import actions as draw_actions
from onestop.draws.models import Draw
from onestop.hotline import actions as hotline_actions
from onestop.hotline.models import Ticket
from onestop.hotline.open311 import public_id
from onestop.org.models import Role
from tests.conftest import make_staff
from tests.hotline.conftest import centre_dept, operator  # noqa: F401 - fixtures
from tests.hotline.test_open311 import valid as assert_valid  # the Open311 JSON schemas

V2 = "/open311/v2"

# What the tester saw published: a 举报 naming a neighbour, ID number, landline, spaced mobile,
# a 低保 request (求助) with the person's community.
REPORT = "举报邻居王建国在新宏路12号3栋501室开设赌场，其身份证510403199001011234，电话0812-3334444"
HELP = "本人肢体残疾二级，申请低保，住清香坪社区3栋2单元，手机139 1234 5678"
COMPLAINT = (
    "新宏路12号楼下烧烤店油烟直排，店主电话139 1234 5678，座机0812-3334444转8001，"
    "车牌川DA1234F常年占道，我的身份证510403199001011234"
)


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def complaints_public(settings):
    settings.OPEN311_PUBLIC_SERVICES = ["complaint", "consult"]


@pytest.fixture
def tickets(operator, community):
    def reg(kind: str, content: str, **over: object) -> Ticket:
        values: dict = {
            "kind": kind,
            "content": content,
            "caller_name": "刘玉兰",
            "caller_phone": "13800001234",
            "address": "清香坪街道新宏路12号3栋2单元501室",
        }
        values.update(over)
        return hotline_actions.register_ticket(
            hotline_actions.NewTicket(**values), actor=operator, now=timezone.now()
        )

    return {
        "report": reg("report", REPORT),
        "help": reg("help", HELP, region=community),
        "anonymous": reg("complaint", "小区门口垃圾三天没人清运", anonymous=True),
        "complaint": reg("complaint", COMPLAINT),
    }


def published_text(client: Client) -> str:
    return client.get(f"{V2}/requests.json").content.decode()


# --- Open311: the list ---------------------------------------------------------------------------


def test_open311_publishes_nothing_unless_the_deployment_chose(client, tickets):
    r = client.get(f"{V2}/requests.json")
    assert r.status_code == 200 and r.json() == []


def test_open311_never_lists_reports_help_or_anonymous_tickets(
    client, tickets, complaints_public, settings
):
    settings.OPEN311_PUBLIC_SERVICES = ["complaint", "consult", "suggestion", "praise"]
    rows = client.get(f"{V2}/requests.json").json()
    assert_valid("requests.json", rows)
    assert [r["service_request_id"] for r in rows] == [public_id(tickets["complaint"])]
    text = published_text(client)
    for word in ("赌场", "王建国", "低保", "残疾", "垃圾三天"):
        assert word not in text
    # Asking for them by type gives nothing either.
    for code in ("report", "help"):
        assert client.get(f"{V2}/requests.json", {"service_code": code}).json() == []


def test_open311_texts_are_redacted_and_the_caller_unnamed(client, tickets, complaints_public):
    row = client.get(f"{V2}/requests.json").json()[0]
    text = published_text(client)
    for leak in (
        "510403199001011234",
        "0812-3334444",
        "139 1234 5678",
        "川DA1234F",
        "13800001234",
        "刘玉兰",
        "3栋",
        "501室",
        "12号",
    ):
        assert leak not in text, leak
    assert row["description"].startswith("新宏路***下烧烤店油烟直排，店主电话***")
    assert row["address"] == "清香坪街道新宏路***"


def test_open311_address_is_the_community_and_coordinates_are_rounded(
    client,
    operator,
    community,
    complaints_public,
):
    t = hotline_actions.register_ticket(
        hotline_actions.NewTicket(
            kind="complaint",
            content="路灯不亮",
            caller_name="周强",
            caller_phone="13800004321",
            address="清香坪社区新宏路12号",
            region=community,
            lat=26.597312,
            long=101.606458,
        ),
        actor=operator,
        now=timezone.now(),
    )
    row = client.get(f"{V2}/requests/{public_id(t)}.json").json()[0]
    assert row["address"] == "清香坪社区" and row["address_id"] == community.code
    assert (row["lat"], row["long"]) == (26.6, 101.61)


# --- Open311: single requests --------------------------------------------------------------------


def test_sequential_numbers_answer_404(client, tickets, complaints_public):
    for t in tickets.values():
        r = client.get(f"{V2}/requests/{t.number}.json")
        assert r.status_code == 404 and r.json()[0]["code"] == 404
        assert client.get(f"{V2}/requests.json", {"service_request_id": t.number}).json() == []
    forged = tickets["complaint"].number + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert client.get(f"{V2}/requests/{forged}.json").status_code == 404
    ok = client.get(f"{V2}/requests/{public_id(tickets['complaint'])}.json")
    assert ok.status_code == 200
    assert_valid("requests.json", ok.json())


def test_an_unpublished_ticket_read_by_its_id_shows_no_text(client, tickets, complaints_public):
    for key in ("report", "help", "anonymous"):
        r = client.get(f"{V2}/requests/{public_id(tickets[key])}.json")
        row = r.json()[0]
        assert_valid("request.json", row)
        assert row["description"] is None and row["address"] is None
        assert "赌场" not in r.content.decode() and "低保" not in r.content.decode()


def post(client: Client, key: str, **over: str):
    data = {
        "api_key": key,
        "service_code": "report",
        "description": "举报某小区地下室有人违规住人，联系人王某，电话13912345678",
        "address_string": "清香坪街道某小区",
        **over,
    }
    return client.post(f"{V2}/requests.json", data)


@pytest.fixture
def systems(district, centre_dept):
    app = make_staff("app_system", Role.HOTLINE_OPERATOR, district, centre_dept)
    other = make_staff("wechat_system", Role.HOTLINE_OPERATOR, district, centre_dept)
    return create_token(app, name="市民APP", now=timezone.now())[1], create_token(
        other, name="微信公众号", now=timezone.now()
    )[1]


def test_a_system_reads_back_only_its_own_requests(client, systems, community):
    mine, theirs = systems
    r = post(client, mine, phone="13912345678", last_name="王", first_name="伟")
    assert r.status_code == 200, r.content
    body = r.json()[0]
    t = Ticket.objects.get()
    assert t.registered_by.username == "app_system"
    # The creator reads its 举报 back in full (redacted), by id or by its number.
    for ident in (body["service_request_id"], t.number):
        row = client.get(f"{V2}/requests/{ident}.json", {"api_key": mine}).json()[0]
        assert "违规住人" in row["description"] and "13912345678" not in row["description"]
    # Another system, or nobody, gets 404 for the number and no text for the id.
    assert client.get(f"{V2}/requests/{t.number}.json", {"api_key": theirs}).status_code == 404
    assert client.get(f"{V2}/requests/{t.number}.json").status_code == 404
    row = client.get(f"{V2}/requests/{body['service_request_id']}.json", {"api_key": theirs})
    assert row.json()[0]["description"] is None


def test_post_without_service_code_is_a_400_in_the_spec_shape(client, systems, community):
    r = post(client, systems[0], service_code="")
    assert r.status_code == 400
    assert r.json() == [{"code": 400, "description": "service_code 必填：请选择诉求类型"}]
    xml = client.post(f"{V2}/requests.xml", {"api_key": systems[0], "address_id": community.code})
    assert xml.status_code == 400 and b"<errors><error><code>400</code>" in xml.content
    assert not Ticket.objects.exists()


def test_open311_and_the_api_share_the_bad_token_throttle(client, systems, community):
    for i in range(BAD_TOKEN_LIMIT):
        r = post(client, f"ost_guess{i}")
        assert r.status_code == 403 and r.json()[0]["code"] == 403
    throttled = post(client, "ost_guess")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert throttled.json()[0]["code"] == 429 and "过于频繁" in throttled.json()[0]["description"]
    # /api/v1 counts the same guesses: even a right token waits from this address.
    api = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {systems[0]}"})
    assert api.status_code == 429
    assert post(client, systems[0]).status_code == 429
    assert not Ticket.objects.exists()


def test_discovery_is_served(client):
    r = client.get("/open311/discovery.json")
    assert r.status_code == 200
    d = r.json()
    endpoint = d["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    services = client.get(endpoint["url"].removeprefix("http://testserver") + "/services.json")
    assert services.status_code == 200
    xml = client.get("/open311/discovery.xml")
    assert xml.status_code == 200 and b"<discovery>" in xml.content


def test_the_citizens_own_track_page_still_works(client, tickets):
    t = tickets["report"]
    r = client.get("/hotline/track/", {"number": t.number, "code": t.query_code})
    assert r.status_code == 200 and t.get_status_display() in r.content.decode()
    wrong = client.get("/hotline/track/", {"number": t.number, "code": "AAAAAAAA"})
    assert "工单号或查询码不正确" in wrong.content.decode()


# --- draws ---------------------------------------------------------------------------------------

EXPERTS = [
    "ZJ0101 王建华",
    "ZJ0102 李淑芬",
    "ZJ0103 张志强",
    "ZJ0104 刘秀英",
    "ZJ0105 陈国栋",
    "ZJ0106 杨丽萍",
    "ZJ0107 赵德明",
    "ZJ0108 黄春梅",
    "ZJ0109 周文斌",
]


@pytest.fixture
def expert_draw(district):
    """A masked committee draw of 3 from 9 experts, drawn, with one pick replaced."""
    officer = make_staff("trading_officer", Role.TRADING_OFFICER, district, None)
    now = timezone.now()
    draw = draw_actions.freeze_draw(
        kind=Draw.Kind.EXPERT,
        title="XQ-GC-2026-007 西区格里坪小学运动场改造 评标专家抽取（建筑工程）",
        subject="",
        labels=EXPERTS,
        count=3,
        draw_at=now + timedelta(hours=1),
        randomness="2026年第138期双色球开奖号码",
        masked=True,
        actor=officer,
        now=now,
    )
    draw = draw_actions.perform_draw(
        draw, sources=["9319", "2 5 12 8 10"], actor=officer, now=now + timedelta(hours=2)
    )
    first = draw.picks.get(seq=0)
    name = draw_actions.label_of(draw, first).split(" ")[1]
    draw_actions.draw_replacement(
        draw,
        replaces=first,
        reason=f"{name}与投标人有利害关系，申请回避（电话139 1234 5678）",
        now=now + timedelta(hours=3),
    )
    return Draw.objects.get(pk=draw.pk)


def draw_pages(client: Client, draw: Draw) -> str:
    return (
        client.get(f"/draws/{draw.pk}/").content.decode()
        + client.get(f"/draws/{draw.pk}.json").content.decode()
        + client.get(f"/draws/{draw.pk}/?verify=1").content.decode()
    )


def test_a_draw_names_no_expert_before_the_result_and_no_phone(client, expert_draw):
    text = draw_pages(client, expert_draw)
    for label in EXPERTS:
        assert label.split(" ")[1] not in text, label
    assert "139 1234 5678" not in text and "申请回避" in text


def test_after_the_result_a_draw_names_the_committee_only(client, expert_draw):
    draw = draw_actions.reveal_draw(expert_draw, now=timezone.now())
    committee = {draw_actions.label_of(draw, p) for p in draw.picks.all() if not p.declined}
    assert len(committee) == 3
    text = draw_pages(client, draw)
    for label in EXPERTS:
        assert (label in text) == (label in committee), label
    # Anyone can still check each named member against the frozen list.
    data = client.get(f"/draws/{draw.pk}.json").json()
    for named in data["names"]:
        digest = draw_actions.commitment(data["salt"], named["name"])
        assert data["entries"][named["position"] - 1] == digest
    assert draw_actions.verify_draw(draw).ok
