"""Staff look applicants up with masked numbers; reading a full one is recorded."""

import pytest

from onestop.org.actions import register_applicant
from onestop.org.models import PersonalDataRead, Region, Role
from tests.conftest import make_staff


@pytest.fixture
def villager(community):
    a = register_applicant(
        kind="person",
        name="罗秀英",
        username="luoxiuying",
        password="Panzhihua-2026",
        phone="13981234567",
        id_number="11010519491231002X",
    )
    a.region = community
    a.save(update_fields=["region"])
    return a


@pytest.fixture
def other_street_agent(district):
    street = Region.objects.create(
        code="510403005000", name="河门口街道", level=Region.Level.STREET, parent=district
    )
    return make_staff("agent_hmk", Role.COMMUNITY_AGENT, street, None)


def test_the_list_masks_numbers(client, clerk, villager):
    client.force_login(clerk)
    body = client.get("/staff/applicants/", {"q": "罗秀"}).content.decode()
    assert "1101**********002X" in body
    assert "139****4567" in body
    assert "11010519491231002X" not in body
    assert "13981234567" not in body


def test_reading_the_full_number_is_recorded(client, clerk, villager):
    client.force_login(clerk)
    response = client.post(f"/staff/applicants/{villager.pk}/reveal/", {"purpose": "窗口核验身份"})
    assert "11010519491231002X" in response.content.decode()
    read = PersonalDataRead.objects.get()
    assert (read.actor, read.applicant, read.field, read.purpose) == (
        clerk,
        villager,
        "id_number",
        "窗口核验身份",
    )


def test_a_read_without_purpose_is_refused(client, clerk, villager):
    client.force_login(clerk)
    response = client.post(f"/staff/applicants/{villager.pk}/reveal/", {"purpose": " "})
    assert response.status_code == 302
    assert not PersonalDataRead.objects.exists()


def test_an_agent_of_another_street_gets_404(client, other_street_agent, villager):
    client.force_login(other_street_agent)
    assert "罗秀英" not in client.get("/staff/applicants/").content.decode()
    response = client.post(f"/staff/applicants/{villager.pk}/reveal/", {"purpose": "核验"})
    assert response.status_code == 404
    assert not PersonalDataRead.objects.exists()


def test_applicants_cannot_use_staff_pages(client, villager):
    client.force_login(villager.user)
    assert client.get("/staff/applicants/").status_code == 302
    response = client.post(f"/staff/applicants/{villager.pk}/reveal/", {"purpose": "x"})
    assert response.status_code == 404
