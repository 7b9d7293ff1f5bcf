"""Open311 GeoReport v2: responses validated against the Open311 JSON schemas (kept in
tests/hotline/data, from open311/schema-validation), and read by the `georeport` client in
JSON and XML against a live server."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from onestop.apitokens.actions import create_token
from onestop.hotline import actions
from onestop.hotline.models import Ticket
from onestop.hotline.open311 import public_id
from tests.hotline.conftest import NOW

DATA = Path(__file__).parent / "data"
V2 = "/open311/v2"


def schema(name: str) -> Draft7Validator:
    docs = {
        p.name: json.loads(p.read_text()) for p in DATA.glob("*.json") if p.name != "swagger.json"
    }
    registry = Registry().with_resources(
        (n, Resource.from_contents(d, default_specification=DRAFT7)) for n, d in docs.items()
    )
    return Draft7Validator(docs[name], registry=registry)


def valid(name: str, data: object) -> None:
    errors = sorted(schema(name).iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]


def xml_of(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own server's response


def is_w3c(value: str) -> bool:
    return datetime.fromisoformat(value).tzinfo is not None


@pytest.fixture(autouse=True)
def published(settings):
    """This deployment publishes consultations and complaints (the default publishes none)."""
    settings.OPEN311_PUBLIC_SERVICES = ["consult", "complaint"]


@pytest.fixture
def api_key(operator) -> str:
    _, raw = create_token(operator, name="市民APP", now=NOW)
    return raw


@pytest.fixture
def tickets(dispatched, register, operator, handler):
    open_ = dispatched(now=timezone.now())
    done = register(now=timezone.now(), kind="consult", content="居住证怎么办，电话13812345678")
    actions.answer_on_spot(done, actor=operator, now=timezone.now(), answer="到派出所办理")
    return open_, done


def test_services_validate(client, centre_dept):
    r = client.get(f"{V2}/services.json")
    assert r.status_code == 200
    valid("services.json", r.json())
    assert {s["service_code"] for s in r.json()} == {
        "consult",
        "help",
        "complaint",
        "suggestion",
        "report",
        "praise",
    }
    d = client.get(f"{V2}/services/complaint.json").json()
    valid("service-definition.json", d)
    assert client.get(f"{V2}/services/nope.json").status_code == 404


def test_requests_map_states_and_validate(client, tickets, dept_a):
    open_, done = tickets
    rows = client.get(f"{V2}/requests.json").json()
    valid("requests.json", rows)
    by_id = {r["service_request_id"]: r for r in rows}
    o, c = by_id[public_id(open_)], by_id[public_id(done)]
    assert o["status"] == "open" and o["agency_responsible"] == dept_a.name
    assert o["status_notes"] == "已派单待签收" and is_w3c(o["expected_datetime"])
    assert c["status"] == "closed" and "到派出所办理" in c["status_notes"]
    assert c["expected_datetime"] is None
    assert "13812345678" not in json.dumps(rows, ensure_ascii=False)  # numbers redacted
    assert c["description"] == "居住证怎么办，电话***"
    one = client.get(f"{V2}/requests/{public_id(open_)}.json").json()
    valid("requests.json", one)
    assert one[0]["service_request_id"] == public_id(open_)
    only_open = client.get(f"{V2}/requests.json", {"status": "open"}).json()
    assert [r["service_request_id"] for r in only_open] == [public_id(open_)]


def test_bad_query_is_a_400_list(client):
    r = client.get(f"{V2}/requests.json", {"status": "pending"})
    assert r.status_code == 400 and r.json()[0]["code"] == 400
    r = client.get(
        f"{V2}/requests.json",
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    )
    assert r.status_code == 400 and "90" in r.json()[0]["description"]


def test_post_needs_an_api_key_and_a_location(client, community, api_key):
    r = client.post(f"{V2}/requests.json", {"service_code": "help", "description": "x"})
    assert r.status_code == 403
    r = client.post(
        f"{V2}/requests.json",
        {"api_key": api_key, "service_code": "help", "description": "路灯坏了"},
    )
    assert r.status_code == 400 and "位置" in r.json()[0]["description"]
    assert not Ticket.objects.exists()


def test_post_creates_a_ticket_with_a_token(client, community, api_key):
    r = client.post(
        f"{V2}/requests.json",
        {
            "api_key": api_key,
            "service_code": "complaint",
            "description": "梨树坪社区菜市场门口流动摊贩占道",
            "lat": "26.597",
            "long": "101.606",
            "address_string": "梨树坪社区菜市场",
            "attribute[region_code]": community.code,
            "phone": "13800007777",
            "first_name": "芳",
            "last_name": "李",
        },
    )
    assert r.status_code == 200, r.content
    body = r.json()[0]
    t = Ticket.objects.get()
    assert body["service_request_id"] == public_id(t) and t.channel == "open311"
    assert t.caller_name == "李芳" and t.region == community and not t.anonymous
    token = client.get(f"{V2}/tokens/{body['token']}.json").json()
    assert token[0]["service_request_id"] == public_id(t)
    assert client.get(f"{V2}/tokens/forged.json").status_code == 404
    xml = client.post(
        f"{V2}/requests.xml",
        {
            "api_key": api_key,
            "service_code": "help",
            "description": "求助",
            "address_id": community.code,
        },
    )
    root = xml_of(xml.content)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text


def test_xml_has_the_open311_shape(client, tickets):
    root = xml_of(client.get(f"{V2}/services.xml").content)
    assert root.tag == "services" and len(root.findall("service")) == 6
    root = xml_of(client.get(f"{V2}/requests.xml").content)
    assert root.tag == "service_requests" and {r.findtext("status") for r in root} == {
        "open",
        "closed",
    }
    d = xml_of(client.get(f"{V2}/services/help.xml").content)
    assert (
        d.tag == "service_definition" and d.find("attributes/attribute/code").text == "region_code"
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_it(transactional_db, live_server, fmt, monkeypatch, request):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    open_, done = request.getfixturevalue("tickets")
    from georeport import GeoReport

    client = GeoReport(live_server.url + V2, output_format=fmt)
    services = client.get_service_list()
    assert [s["service_code"] for s in services][:2] == ["consult", "help"]
    definition = client.get_service_definition("complaint")
    assert definition["service_code"] == "complaint"
    rows = client.get_service_requests()
    assert {r["service_request_id"] for r in rows} == {public_id(open_), public_id(done)}
    one = client.get_service_request(public_id(open_))
    one = one[0] if isinstance(one, list) else one  # xmltodict gives a dict for one <request>
    assert one["service_request_id"] == public_id(open_) and one["status"] == "open"
    closed = client.get_service_requests(status="closed")
    closed = [closed] if isinstance(closed, dict) else closed
    assert [r["service_request_id"] for r in closed] == [public_id(done)]


def test_outsiders_see_no_reporter(client, operator, dept_a):
    t = actions.register_ticket(
        actions.NewTicket(
            kind="report", content="举报黑作坊", caller_name="赵六", caller_phone="13900001111"
        ),
        actor=operator,
        now=timezone.now(),
    )
    assert Client().get(f"{V2}/requests/{t.number}.json").status_code == 404
    text = Client().get(f"{V2}/requests/{public_id(t)}.json").content.decode()
    assert "赵六" not in text and "13900001111" not in text and "黑作坊" not in text
