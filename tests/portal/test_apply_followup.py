"""After applying: 我的办件, the case page, a supplement, tolerated materials, withdrawal."""

# ruff: noqa: F811 - pytest fixtures imported from tests.cases are redefined as arguments

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from onestop.cases import actions, materials
from onestop.cases.models import Case, CaseMaterial, StoredFile
from tests.cases.conftest import (  # noqa: F401 - fixtures
    NOW,
    applicant,
    approver,
    co_reviewer,
    item,
    new_case,
    provide_all,
)
from tests.cases.test_materials import (  # noqa: F401 - fixtures and builders
    media,
    other_applicant,
    pdf_bytes,
    upload,
)


@pytest.fixture
def submitted(new_case, applicant, media):
    """The applicant's online application for the food licence, with its licence attached."""
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    materials.attach_file(
        case,
        case.materials.get(name="营业执照"),
        upload(pdf_bytes()),
        actor=applicant.user,
        now=NOW,
    )
    return actions.submit_case(case, actor=applicant.user, now=NOW)


def detail(case: Case) -> str:
    return f"/my/cases/{case.pk}/"


def test_my_cases_lists_only_my_own(client, submitted, applicant, other_applicant):
    client.force_login(applicant.user)
    page = client.get("/my/cases/")
    assert [c.pk for c, _light in page.context["rows"]] == [submitted.pk]
    assert submitted.number in page.content.decode()
    assert "已提交（待预审）" in page.content.decode()
    client.force_login(other_applicant.user)
    assert client.get("/my/cases/").context["rows"] == []


def test_the_case_page_is_for_its_applicant_only(
    client, submitted, applicant, other_applicant, clerk
):
    client.force_login(applicant.user)
    page = client.get(detail(submitted)).content.decode()
    assert submitted.query_code in page
    assert "食品经营许可" in page
    # The timeline is in Chinese and names who acted.
    assert "创建申请" in page and "提交材料" in page and "提交申请，等待窗口预审" in page
    for user in (other_applicant.user, clerk):  # staff use the workbench, not the portal
        client.force_login(user)
        assert client.get(detail(submitted)).status_code == 404
        assert client.post(detail(submitted) + "withdraw/").status_code == 404
        m = submitted.materials.first()
        assert client.post(f"{detail(submitted)}materials/{m.pk}/").status_code == 404
    client.logout()
    assert client.get(detail(submitted)).status_code == 302


def test_a_material_of_another_case_is_404(client, submitted, new_case, applicant):
    other = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    client.force_login(applicant.user)
    m = other.materials.first()
    response = client.post(f"{detail(submitted)}materials/{m.pk}/", {"file": upload(pdf_bytes())})
    assert response.status_code == 404


def test_the_applicant_supplies_what_the_window_asked_for(client, submitted, applicant, clerk):
    actions.request_supplement(
        submitted,
        actor=clerk,
        now=NOW,
        missing=["食品经营许可申请书", "食品安全管理制度"],
        note="请加盖公章",
    )
    client.force_login(applicant.user)
    page = client.get(detail(submitted)).content.decode()
    assert "补正材料一次性告知" in page
    assert "食品经营许可申请书、食品安全管理制度" in page
    assert "请加盖公章" in page

    response = client.post(detail(submitted) + "supply/", {"key": "sup-1"}, follow=True)
    assert "仍缺少补正材料：食品经营许可申请书、食品安全管理制度" in response.content.decode()

    for name in ("食品经营许可申请书", "食品安全管理制度"):
        m = submitted.materials.get(name=name)
        client.post(f"{detail(submitted)}materials/{m.pk}/", {"file": upload(pdf_bytes(name))})
    response = client.post(detail(submitted) + "supply/", {"key": "sup-2"}, follow=True)
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED
    page = response.content.decode()
    assert "补正材料已提交" in page
    assert "一次性告知补正材料" in page  # in the timeline


def test_a_file_on_record_is_reused_from_the_case_page(client, submitted, new_case, applicant):
    licence = submitted.materials.get(name="营业执照").file
    second = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    client.force_login(applicant.user)
    page = client.get(detail(second))
    offered = {r["m"].name: r["offers"] for r in page.context["rows"]}
    assert offered["营业执照"] == [licence]
    m = second.materials.get(name="营业执照")
    client.post(f"{detail(second)}materials/{m.pk}/", {"reuse": str(licence.pk)})
    m.refresh_from_db()
    assert m.file == licence
    assert m.state == CaseMaterial.State.PROVIDED


def test_a_bad_upload_on_the_case_page_shows_its_message(client, submitted, applicant):
    client.force_login(applicant.user)
    m = submitted.materials.get(name="食品经营许可申请书")
    response = client.post(
        f"{detail(submitted)}materials/{m.pk}/",
        {"file": upload(b"plain text", "申请书.pdf")},
        follow=True,
    )
    assert "“食品经营许可申请书”：文件格式不支持" in response.content.decode()
    response = client.post(f"{detail(submitted)}materials/{m.pk}/", {}, follow=True)
    assert "请选择要上传的文件" in response.content.decode()


def test_a_tolerated_material_is_uploaded_after_acceptance(client, submitted, applicant, clerk):
    provide_all(submitted, except_=("食品安全管理制度",))
    actions.accept_case(submitted, actor=clerk, now=NOW, tolerated=["食品安全管理制度"])
    client.force_login(applicant.user)
    page = client.get(detail(submitted))
    editable = {r["m"].name for r in page.context["rows"] if r["editable"]}
    assert editable == {"食品安全管理制度"}
    m = submitted.materials.get(name="食品安全管理制度")
    response = client.post(
        f"{detail(submitted)}materials/{m.pk}/", {"file": upload(pdf_bytes())}, follow=True
    )
    m.refresh_from_db()
    assert m.state == CaseMaterial.State.PROVIDED
    assert "容缺材料已补交" in response.content.decode()


def test_notices_are_linked_when_the_documents_app_serves_them(client, submitted, applicant, clerk):
    provide_all(submitted)
    actions.accept_case(submitted, actor=clerk, now=NOW)
    client.force_login(applicant.user)
    notices = client.get(detail(submitted)).context["notices"]
    try:
        expected = reverse("documents:notice", args=[submitted.pk, "acceptance"])
    except NoReverseMatch:
        assert notices == []
    else:
        assert notices == [("受理通知书", expected)]


def test_the_applicant_withdraws(client, submitted, applicant):
    client.force_login(applicant.user)
    response = client.post(detail(submitted) + "withdraw/", {"reason": "不再需要", "key": "w1"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.WITHDRAWN
    response = client.get(detail(submitted))
    last = response.context["timeline"][-1]
    assert (last["label"], last["detail"], last["who"]) == ("撤回申请", "不再需要", "申请人")
    page = response.content.decode()
    assert "撤回申请</button>" not in page
    response = client.post(detail(submitted) + "withdraw/", {"key": "w2"}, follow=True)
    assert "不能执行“撤回申请”" in response.content.decode()


def test_a_double_click_on_upload_stores_one_file(client, new_case, applicant, media):
    case = new_case(channel=Case.Channel.ONLINE, actor=applicant.user)
    m = case.materials.get(name="营业执照")
    client.force_login(applicant.user)
    for _ in range(2):
        client.post(
            f"{detail(case)}materials/{m.pk}/", {"file": upload(pdf_bytes()), "key": "page-1-m"}
        )
    assert StoredFile.objects.filter(material_name="营业执照").count() == 1
