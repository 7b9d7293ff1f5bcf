"""A community agent (代办员) applies for a villager: the case is theirs, the agent follows it."""

# ruff: noqa: F811 - pytest fixtures imported from tests.cases are redefined as arguments

from __future__ import annotations

import pytest

from onestop.cases import actions
from onestop.cases.models import Case, StoredFile
from onestop.org.actions import register_applicant
from onestop.org.models import Applicant, Centre, Region, Role
from onestop.portal.cases_views.agents import NAME_DIFFERS
from tests.cases.test_materials import media, pdf_bytes, upload  # noqa: F401
from tests.conftest import make_staff
from tests.factories import make_item

VILLAGER_ID = "510403196208173014"
NEW_ID = "510403197503052017"


@pytest.fixture
def point(community) -> Centre:
    return Centre.objects.create(
        key="daiban_510403001001",
        name="清香坪街道梨树坪社区便民服务代办点",
        region=community,
        level=Centre.Level.COMMUNITY,
    )


@pytest.fixture
def agent(community, point):
    return make_staff("agent_lsp", Role.COMMUNITY_AGENT, community, None)


@pytest.fixture
def other_community(street) -> Region:
    return Region.objects.create(
        code="510403001002", name="康家坪社区", level=Region.Level.COMMUNITY, parent=street
    )


@pytest.fixture
def other_agent(other_community):
    Centre.objects.create(
        key="daiban_510403001002",
        name="康家坪社区便民服务代办点",
        region=other_community,
        level=Centre.Level.COMMUNITY,
    )
    return make_staff("agent_kjp", Role.COMMUNITY_AGENT, other_community, None)


@pytest.fixture
def villager(community):
    person = register_applicant(
        kind="person",
        name="罗秀英",
        username="luoxiuying",
        password="Jinsha-river-77",
        phone="15082345678",
        id_number=VILLAGER_ID,
    )
    Applicant.objects.filter(pk=person.pk).update(region=community)
    person.refresh_from_db()
    return person


FORM = [
    {"name": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
    {"name": "id_number", "label": "公民身份号码", "type": "id_number", "required": True},
    {"name": "phone", "label": "联系电话", "type": "phone", "required": True},
]


@pytest.fixture
def community_item(dept_a, centre):
    return make_item(
        "512B0000-COMM",
        "城乡居民基本医疗保险参保登记",
        "scjgj",
        levels=["district", "street", "community"],
        form=FORM,
    )


@pytest.fixture
def district_item(dept_a, centre):
    return make_item("512B0000-DIST", "仅区级办理事项", "scjgj", form=FORM)


def pick(client, id_number: str, **extra):
    return client.post("/agent/", {"action": "pick", "id_number": id_number, **extra})


def apply_data(person: Applicant, **extra):
    return {
        "key": "agent-key-1",
        "action": "submit",
        "f-applicant_name": person.name,
        "f-id_number": person.id_number,
        "f-phone": person.phone,
        "file_0": upload(pdf_bytes(), "申请书.pdf"),
        "file_1": upload(pdf_bytes("id"), "身份证.pdf"),
        **extra,
    }


def test_only_agents_use_the_agent_pages(client, clerk, villager, community_item):
    for path in ("/agent/", "/agent/items/", f"/agent/apply/{community_item.code}/"):
        assert client.get(path).status_code == 302  # sign in first
    for user in (clerk, villager.user):
        client.force_login(user)
        for path in ("/agent/", "/agent/items/", f"/agent/apply/{community_item.code}/"):
            assert client.get(path).status_code == 404


def test_the_agent_applies_for_a_villager_who_then_sees_the_case(
    client, agent, point, villager, community_item, district_item, media
):
    client.force_login(agent)
    assert client.get("/agent/items/")["Location"] == "/agent/"  # no villager chosen yet
    response = pick(client, VILLAGER_ID.lower(), name=" 罗 秀英 ")
    assert response["Location"] == "/agent/items/"
    items = client.get("/agent/items/")
    codes = [i.code for i in items.context["page"]]
    assert codes == [community_item.code]
    assert "罗秀英" in items.content.decode()

    page = client.get(f"/agent/apply/{community_item.code}/").content.decode()
    assert "罗秀英" in page and point.name in page
    assert f'value="{VILLAGER_ID}"' in page  # filled in from the villager's record

    response = client.post(f"/agent/apply/{community_item.code}/", apply_data(villager))
    case = Case.objects.get()
    assert response["Location"] == f"/my/cases/{case.pk}/"
    assert case.applicant == villager
    assert case.filed_by == agent
    assert case.channel == Case.Channel.AGENT
    assert case.centre == point
    assert case.region == point.region
    assert case.status == Case.Status.SUBMITTED
    assert {f.applicant for f in StoredFile.objects.all()} == {villager}
    assert {f.uploaded_by for f in StoredFile.objects.all()} == {agent}

    # The agent follows it: on the agent page, in 我的办件, and on its page.
    home = client.get("/agent/")
    assert [c.pk for c, _light in home.context["filed"]] == [case.pk]
    assert [c.pk for c, _light in client.get("/my/cases/").context["filed"]] == [case.pk]
    assert client.get(f"/my/cases/{case.pk}/").status_code == 200
    m = case.materials.get(name="申请书")
    assert client.get(f"/files/material/{m.pk}/").status_code == 200

    # The case belongs to the villager.
    client.force_login(villager.user)
    mine = client.get("/my/cases/")
    assert [c.pk for c, _light in mine.context["rows"]] == [case.pk]
    assert "代办" in mine.content.decode()
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert case.query_code in page
    assert "代办员" in page  # the timeline says who filed it


def test_another_agent_cannot_see_the_case(
    client, agent, other_agent, villager, community_item, media
):
    client.force_login(agent)
    pick(client, VILLAGER_ID, name="罗秀英")
    client.post(f"/agent/apply/{community_item.code}/", apply_data(villager))
    case = Case.objects.get()
    client.force_login(other_agent)
    assert client.get(f"/my/cases/{case.pk}/").status_code == 404
    assert client.get("/agent/").context["filed"] == []
    # …nor pick a villager of another community.
    response = pick(client, VILLAGER_ID, name="罗秀英")
    assert response.status_code == 422
    assert "该居民登记在其他社区/村" in response.content.decode()


def test_the_agent_registers_a_villager_not_yet_on_record(
    client, agent, community, community_item, media
):
    client.force_login(agent)
    response = pick(client, "510403197503052011")
    assert response.status_code == 200
    assert "身份证号码校验码错误，最后一位应为 7" in response.content.decode()

    response = pick(client, NEW_ID)
    assert response.status_code == 422
    page = response.content.decode()
    assert "该身份证号码尚未登记，请补充姓名和手机号码" in page
    assert "未找到该居民，请填写姓名以登记" in page

    response = pick(client, NEW_ID, name="王德明", phone="1388")
    assert "手机号码应为以1开头的11位数字" in response.content.decode()
    assert not Applicant.objects.filter(id_number=NEW_ID).exists()

    response = pick(client, NEW_ID, name="王德明", phone="13881230001")
    assert response["Location"] == "/agent/items/"
    person = Applicant.objects.get(id_number=NEW_ID)
    assert (person.name, person.phone, person.region) == ("王德明", "13881230001", community)
    assert not person.user.has_usable_password()

    client.post(f"/agent/apply/{community_item.code}/", apply_data(person))
    assert Case.objects.get().applicant == person


@pytest.mark.parametrize("typed", ["", "罗秀芳", "王德明"])
def test_the_agent_must_type_the_name_on_record_with_the_number(client, agent, villager, typed):
    """The number alone links nobody: the name the agent types must be the record's."""
    client.force_login(agent)
    response = pick(client, VILLAGER_ID, name=typed, phone="13881230001")
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["name"] == [NAME_DIFFERS]
    assert NAME_DIFFERS in response.content.decode()
    # What was typed stays in the form.
    assert (form["id_number"].value(), form["name"].value()) == (VILLAGER_ID, typed)
    assert client.get("/agent/").context["villager"] is None
    assert client.get("/agent/items/")["Location"] == "/agent/"
    villager.refresh_from_db()
    assert (villager.name, villager.phone) == ("罗秀英", "15082345678")


def test_knowing_the_id_number_of_someone_registered_online_is_not_enough(
    client, agent, community_item, media
):
    """Registered online, no community recorded: no agent may serve them (or reach their files)."""
    online = register_applicant(
        kind="person",
        name="张敏",
        username="zhangmin",
        password="Jinsha-river-88",
        phone="13881234567",
        id_number="11010519491231002X",
    )
    client.force_login(agent)
    response = pick(client, "11010519491231002X", name="张敏")
    assert response.status_code == 422
    assert "该居民未登记所在社区/村，不能代办" in response.content.decode()
    assert client.get("/agent/items/")["Location"] == "/agent/"
    client.post(f"/agent/apply/{community_item.code}/", apply_data(online))
    assert not Case.objects.exists()


def test_items_not_taken_at_community_points_are_refused(client, agent, villager, district_item):
    client.force_login(agent)
    pick(client, VILLAGER_ID, name="罗秀英")
    response = client.get(f"/agent/apply/{district_item.code}/", follow=True)
    assert "该事项不能在社区/村代办点代办" in response.content.decode()
    assert not Case.objects.exists()


def test_the_agent_may_withdraw_what_they_filed(client, agent, villager, community_item, media):
    client.force_login(agent)
    pick(client, VILLAGER_ID, name="罗秀英")
    client.post(f"/agent/apply/{community_item.code}/", apply_data(villager))
    case = Case.objects.get()
    client.post(f"/my/cases/{case.pk}/withdraw/", {"reason": "居民改为窗口办理"})
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    assert actions.last_seq(case) == 5  # created, 2 files, submitted, withdrawn


def test_changing_villager_clears_the_choice(client, agent, villager):
    client.force_login(agent)
    pick(client, VILLAGER_ID, name="罗秀英")
    assert client.get("/agent/").context["villager"] == villager
    client.post("/agent/", {"action": "clear"})
    assert client.get("/agent/").context["villager"] is None
