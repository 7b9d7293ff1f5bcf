"""The permissions table in use: consent to reuse files, full ID numbers, the hotline operator's
summary, departments and drafts, device sessions."""

# ruff: noqa: F811 - pytest fixtures imported from other test modules are redefined as arguments

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.cases import consents, materials
from onestop.cases.models import Case, CaseEvent, ReuseConsent, StoredFile
from onestop.core.errors import NotAllowed
from onestop.org.models import PersonalDataRead, Role
from onestop.org.permissions import TABLE, Act, Obj, Reach, principal_of, reach
from tests.cases.conftest import NOW
from tests.cases.test_materials import media, pdf_bytes, upload  # noqa: F401
from tests.conftest import make_staff
from tests.portal.test_apply_agent import (  # noqa: F401
    VILLAGER_ID,
    agent,
    apply_data,
    community_item,
    other_agent,
    other_community,
    pick,
    point,
    villager,
)

# --- the table itself ------------------------------------------------------------------------


@given(
    st.sampled_from([*Role.values, "applicant", "device:kiosk", "device:pad", "nobody"]),
    st.sampled_from(list(Obj)),
    st.sampled_from(list(Act)),
)
def test_a_cell_not_in_the_table_is_none_and_the_department_roles_share_one_row(role, obj, act):
    row = TABLE.get(principal_of(role), {})
    assert reach(role, obj, act) == row.get((obj, act), Reach.NONE)
    if role in (Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD, Role.ACCOUNT_MANAGER):
        assert reach(role, obj, act) == reach(Role.CLERK, obj, act)


# --- reuse through an agent needs the owner's consent ---------------------------------------


def _agent_filed_once(client, agent, villager, community_item) -> Case:
    client.force_login(agent)
    pick(client, VILLAGER_ID, name="罗秀英")
    client.post(f"/agent/apply/{community_item.code}/", apply_data(villager))
    return Case.objects.get()


def _reuse_data(villager, stored: StoredFile, key: str) -> dict:
    data = apply_data(villager, key=key, reuse_1=str(stored.pk))
    del data["file_1"]
    return data


def test_an_agent_reuses_a_file_on_record_only_with_the_owners_consent(
    client, agent, point, villager, community_item, media
):
    _agent_filed_once(client, agent, villager, community_item)
    id_card = StoredFile.objects.get(material_name="身份证明")
    apply_url = f"/agent/apply/{community_item.code}/"

    # No consent: nothing offered, and naming the file anyway is refused with nothing written.
    rows = client.get(apply_url).context["rows"]
    assert all(row.offers == [] for row in rows)
    response = client.post(apply_url, _reuse_data(villager, id_card, "k2"))
    assert response.status_code == 422
    assert "所选的存档材料不存在" in response.content.decode()
    assert Case.objects.count() == 1
    with pytest.raises(NotAllowed, match="未授权"):
        case = Case.objects.get()
        materials.reuse_file(
            case, case.materials.get(name="身份证明"), id_card, actor=agent, now=NOW
        )

    # The villager allows the point to use her 身份证明 on the portal.
    client.force_login(villager.user)
    response = client.post("/my/consents/", {"material_name": "身份证明", "point": str(point.pk)})
    assert response["Location"] == "/my/consents/"
    consent = ReuseConsent.objects.get()
    assert (consent.owner, consent.point, consent.channel, consent.recorded_by) == (
        villager,
        point,
        "portal",
        villager.user,
    )

    client.force_login(agent)
    pick(client, VILLAGER_ID, name="罗秀英")
    rows = client.get(apply_url).context["rows"]
    offered = {row.name: [f.pk for f in row.offers] for row in rows}
    assert offered == {"申请书": [], "身份证明": [id_card.pk]}  # only the consented material
    response = client.post(apply_url, _reuse_data(villager, id_card, "k3"))
    second = Case.objects.exclude(pk=Case.objects.order_by("pk").first().pk).get()
    assert second.materials.get(name="身份证明").file == id_card
    event = CaseEvent.objects.get(case=second, kind="material_attached", data__reused=True)
    assert event.actor == agent

    # Revoked: offered no more.
    client.force_login(villager.user)
    client.post(f"/my/consents/{consent.pk}/revoke/")
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    client.force_login(agent)
    pick(client, VILLAGER_ID, name="罗秀英")
    assert all(row.offers == [] for row in client.get(apply_url).context["rows"])


def test_another_points_agent_is_not_covered_by_the_consent(
    client, agent, other_agent, point, villager, community_item, media
):
    _agent_filed_once(client, agent, villager, community_item)
    id_card = StoredFile.objects.get(material_name="身份证明")
    consents.give_consent(
        villager,
        material_name="身份证明",
        channel="portal",
        actor=villager.user,
        now=NOW,
        point=point,
    )
    assert consents.may_reuse(agent, id_card)
    assert not consents.may_reuse(other_agent, id_card)


def test_consent_is_given_by_the_owner_or_recorded_from_paper_by_a_clerk(
    client, clerk, agent, point, villager, community_item, media
):
    _agent_filed_once(client, agent, villager, community_item)
    with pytest.raises(NotAllowed, match="本人"):
        consents.give_consent(
            villager, material_name="身份证明", channel="portal", actor=agent, now=NOW, point=point
        )
    client.force_login(clerk)
    url = f"/staff/applicants/{villager.pk}/consents/"
    response = client.post(url, {"material_name": "身份证明", "point": str(point.pk)})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请填写纸质授权书编号" in page and 'value="身份证明"' in page  # kept what was typed
    assert not ReuseConsent.objects.exists()
    response = client.post(
        url, {"material_name": "身份证明", "point": str(point.pk), "paper_ref": "LSP-2026-031"}
    )
    assert response["Location"] == url
    consent = ReuseConsent.objects.get()
    assert (consent.channel, consent.recorded_by, consent.paper_ref) == (
        "paper",
        clerk,
        "LSP-2026-031",
    )
    # The agent cannot record consent for the villager from the staff page.
    client.force_login(agent)
    assert client.get(url).status_code == 404


def test_a_clerk_does_not_reuse_an_applicants_files(new_case, applicant, clerk, media):
    first = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    stored = materials.attach_file(
        first,
        first.materials.get(name="营业执照"),
        upload(pdf_bytes()),
        actor=applicant.user,
        now=NOW,
    ).file
    window = new_case()
    assert materials.reuse_offers(window, clerk)[window.materials.get(name="营业执照").pk] == []
    with pytest.raises(NotAllowed, match="未授权"):
        materials.reuse_file(
            window, window.materials.get(name="营业执照"), stored, actor=clerk, now=NOW
        )


# --- full ID numbers ---------------------------------------------------------------------------

FORM_WITH_ID = [
    {"name": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
    {"name": "id_number", "label": "公民身份号码", "type": "id_number", "required": True},
]


@pytest.fixture
def id_case(new_case, item):
    item.form_schema = FORM_WITH_ID
    item.save(update_fields=["form_schema"])
    return new_case(form_data={"applicant_name": "张敏", "id_number": "11010519491231002X"})


def test_the_staff_case_page_masks_id_numbers_and_records_every_full_read(
    client, id_case, clerk, supervisor
):
    client.force_login(clerk)
    page = client.get(f"/staff/cases/{id_case.pk}/").content.decode()
    assert "11010519491231002X" not in page
    assert "1101**********002X" in page
    assert "显示完整证件号" in page

    # No reason picked: told so, nothing shown, nothing recorded.
    response = client.post(f"/staff/cases/{id_case.pk}/identity/", {"reason": ""}, follow=True)
    assert "请选择查看完整证件号码的原因" in response.content.decode()
    assert "11010519491231002X" not in response.content.decode()
    assert not PersonalDataRead.objects.exists()

    response = client.post(f"/staff/cases/{id_case.pk}/identity/", {"reason": "verify"})
    assert response.status_code == 200
    assert "11010519491231002X" in response.content.decode()
    read = PersonalDataRead.objects.get()
    assert (read.actor, read.applicant, read.field) == (clerk, id_case.applicant, "id_number")
    assert read.purpose == f"核验申请人身份（办件 {id_case.number}）"
    event = CaseEvent.objects.filter(case=id_case).order_by("-seq").first()
    assert (event.kind, event.actor, event.data["reason"]) == (
        "identity_revealed",
        clerk,
        "核验申请人身份",
    )

    # The supervisor lists the reads; the clerk may not.
    assert client.get("/staff/identity-reads/").status_code == 404
    client.force_login(supervisor)
    page = client.get("/staff/identity-reads/").content.decode()
    assert id_case.number in page and "张敏" in page
    assert (
        client.post(f"/staff/cases/{id_case.pk}/identity/", {"reason": "verify"}).status_code == 404
    )


# --- who sees which case ------------------------------------------------------------------------


@pytest.fixture
def operator(district):
    return make_staff("operator_a", Role.HOTLINE_OPERATOR, district, None)


def test_a_hotline_operator_learns_number_item_status_and_due_date_only(
    client, new_case, operator, applicant, media
):
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    m = materials.attach_file(
        case,
        case.materials.get(name="营业执照"),
        upload(pdf_bytes()),
        actor=applicant.user,
        now=NOW,
    )
    from onestop.cases import actions

    actions.submit_case(case, actor=applicant.user, now=NOW)
    client.force_login(operator)
    page = client.get(f"/staff/cases/?q={case.number}")
    text = page.content.decode()
    assert page.context["summary_only"] is True
    assert case.number in text and case.item.name in text and "已提交" in text
    assert "张敏" not in text and f"/staff/cases/{case.pk}/" not in text
    assert client.get(f"/staff/cases/{case.pk}/").status_code == 404
    assert client.get(f"/files/material/{m.pk}/").status_code == 404
    assert client.get(f"/files/{m.file_id}/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_a_department_sees_its_window_drafts_but_not_an_applicants_draft(
    client, new_case, clerk, applicant, media
):
    online = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    m = materials.attach_file(
        online,
        online.materials.get(name="营业执照"),
        upload(pdf_bytes()),
        actor=applicant.user,
        now=NOW,
    )
    window = new_case()
    client.force_login(clerk)
    assert client.get(f"/staff/cases/{online.pk}/").status_code == 404
    assert client.get(f"/files/material/{m.pk}/").status_code == 404
    assert client.get(f"/files/{m.file_id}/").status_code == 404
    assert client.get(f"/staff/cases/{window.pk}/").status_code == 200
    listed = [c.pk for c in client.get("/staff/cases/").context["page"].object_list]
    assert window.pk in listed and online.pk not in listed


def test_the_api_masks_id_numbers_unless_a_read_is_asked_for_with_a_reason(
    client, id_case, clerk, operator
):
    client.force_login(clerk)
    detail = client.get(f"/api/v1/cases/{id_case.pk}").json()
    assert detail["form_data"]["id_number"] == "1101**********002X"
    assert detail["applicant_identity"] == "1101**********002X"
    url = f"/api/v1/cases/{id_case.pk}/identity"
    response = client.post(url, {"reason": "好奇"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "请选择查看完整证件号码的原因",
        "field": "reason",
    }
    assert not PersonalDataRead.objects.exists()
    for _twice in range(2):  # a repeated request with its key is one read
        response = client.post(
            url,
            {"reason": "certificate"},
            content_type="application/json",
            headers={"Idempotency-Key": "read-1"},
        )
        assert response.status_code == 200
        assert {r["value"] for r in response.json()["rows"]} == {"11010519491231002X"}
    assert PersonalDataRead.objects.get().purpose.startswith("制证、送达需要完整号码")
    assert CaseEvent.objects.filter(case=id_case, kind="identity_revealed").count() == 1
    client.force_login(operator)
    response = client.post(url, {"reason": "verify"}, content_type="application/json")
    assert response.status_code == 404
    assert PersonalDataRead.objects.count() == 1


def test_another_persons_key_does_not_replay_a_read(client, id_case, clerk, reviewer):
    url = f"/api/v1/cases/{id_case.pk}/identity"
    headers = {"Idempotency-Key": "read-1"}
    client.force_login(clerk)
    client.post(url, {"reason": "verify"}, content_type="application/json", headers=headers)
    client.force_login(reviewer)
    response = client.post(
        url, {"reason": "verify"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert "11010519491231002X" not in response.content.decode()
    assert PersonalDataRead.objects.count() == 1
