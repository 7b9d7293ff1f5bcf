"""Apply online over HTTP: the item's form, materials with reuse, drafts and submission."""

# ruff: noqa: F811 - pytest fixtures imported from tests.cases are redefined as arguments

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from onestop.cases import actions, materials
from onestop.cases.errors import CaseError
from onestop.cases.models import Case, CaseEvent, CaseMaterial, StoredFile, Task
from tests.cases.conftest import NOW, applicant, item  # noqa: F401 - fixtures
from tests.cases.test_materials import (  # noqa: F401 - fixtures and builders
    EXE,
    media,
    other_applicant,
    pdf_bytes,
    png_bytes,
    stored_paths,
    upload,
)
from tests.factories import make_item

FORM = [
    {"name": "applicant_name", "label": "申请人", "type": "text", "required": True},
    {"name": "id_number", "label": "身份证号码", "type": "id_number", "required": True},
    {"name": "phone", "label": "联系电话", "type": "phone", "required": True},
    {
        "name": "purpose",
        "label": "用途",
        "type": "select",
        "required": True,
        "options": ["入职", "其他"],
    },
    {"name": "since", "label": "起始日期", "type": "date", "required": False},
    {"name": "household", "label": "人数", "type": "number", "required": False},
    {"name": "email", "label": "电子邮箱", "type": "email", "required": False},
    {"name": "agree", "label": "承诺所填属实", "type": "checkbox", "required": True},
    {
        "name": "mode",
        "label": "领取方式",
        "type": "radio",
        "required": False,
        "options": ["窗口", "邮寄"],
    },
    {"name": "remark", "label": "备注", "type": "textarea", "required": False},
    {"name": "company", "label": "统一社会信用代码", "type": "credit_code", "required": False},
]


@pytest.fixture
def form_item(dept_a, centre):
    """An online item whose form uses every field type; materials 申请书 and 身份证明 (容缺)."""
    return make_item("511A0000-FORM", "个体工商户设立登记", "scjgj", form=FORM)


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


def url(item) -> str:
    return f"/apply/{item.code}/"


def good_data(**overrides):
    data = {
        "key": "test-key-1",
        "action": "submit",
        "f-applicant_name": "张敏",
        "f-id_number": "11010519491231002x",
        "f-phone": "13881234567",
        "f-purpose": "入职",
        "f-since": "2026-01-05",
        "f-household": "3",
        "f-email": "zhangmin@example.cn",
        "f-agree": "on",
        "f-mode": "邮寄",
        "f-remark": "",
        "f-company": "",
        "file_0": upload(pdf_bytes(), "申请书.pdf"),
        "file_1": upload(png_bytes(), "身份证.png", "image/png"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_anonymous_visitors_are_sent_to_sign_in(client, form_item):
    response = client.get(url(form_item))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/apply/")


def test_the_form_shows_every_field_and_fills_in_what_is_on_record(client, form_item, applicant):
    client.force_login(applicant.user)
    page = client.get(url(form_item)).content.decode()
    for spec in FORM:
        assert spec["label"] in page
    assert page.count('<span class="text-danger">*</span>') >= 5  # required marks
    assert 'data-check="id_number"' in page
    assert 'data-check="credit_code"' in page
    assert 'value="11010519491231002X"' in page  # prefilled from the applicant's record
    assert 'type="date"' in page
    assert 'name="file_0"' in page and 'name="file_1"' in page
    assert "可容缺" in page
    assert "保存草稿" in page and "提交" in page


def test_errors_come_back_in_chinese_and_nothing_is_written(client, form_item, applicant, media):
    client.force_login(applicant.user)
    response = client.post(
        url(form_item),
        good_data(
            **{
                "f-id_number": "110105194912310021",
                "f-phone": "2388123456",
                "f-purpose": "",
                "f-agree": None,
                "f-since": "2026/01/05",
                "f-household": "三",
                "f-email": "not-an-email",
                "f-company": "91510403MA62N8K3X1",
            }
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    for message in (
        "身份证号码校验码错误，最后一位应为 X",
        "手机号码应为以1开头的11位数字",
        "用途不能为空",
        "承诺所填属实不能为空",
        "起始日期应为日期（YYYY-MM-DD）",
        "应为数字",
        "请填写有效的电子邮箱地址",
        "统一社会信用代码校验码错误",
        "已选择的文件需重新选择",
    ):
        assert message in page, message
    assert "is-invalid" in page
    assert not Case.objects.exists()
    assert not StoredFile.objects.exists()
    assert stored_paths(media) == []


def test_submitting_creates_a_submitted_case_with_a_pre_review_task(
    client, form_item, applicant, media, travel
):
    client.force_login(applicant.user)
    response = client.post(url(form_item), good_data())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/my/cases/{case.pk}/"
    assert case.status == Case.Status.SUBMITTED
    assert case.channel == Case.Channel.ONLINE
    assert case.applicant == applicant
    assert case.filed_by is None
    assert case.received_at == NOW
    assert case.centre.level == "district"
    assert case.form_data == {
        "applicant_name": "张敏",
        "id_number": "11010519491231002X",
        "phone": "13881234567",
        "purpose": "入职",
        "since": "2026-01-05",
        "household": "3",
        "email": "zhangmin@example.cn",
        "agree": True,
        "mode": "邮寄",
        "remark": "",
        "company": "",
    }
    task = Task.objects.get(case=case)
    assert (task.kind, task.status, task.role) == ("pre_review", "open", "clerk")
    assert task.due_at == case.supplement_due_at
    mats = {m.name: m for m in case.materials.select_related("file")}
    assert mats["申请书"].state == CaseMaterial.State.PROVIDED
    assert mats["申请书"].file.content_type == "application/pdf"
    assert mats["身份证明"].file.content_type == "image/png"
    assert len(stored_paths(media)) == 2
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["created", "material_attached", "material_attached", "submitted"]

    page = client.get(response["Location"]).content.decode()
    assert case.number in page
    assert case.query_code in page
    assert f"申请已提交，办件编号 {case.number}，查询码 {case.query_code}" in page


def test_a_required_material_is_needed_but_a_tolerated_one_may_follow(
    client, form_item, applicant, media
):
    client.force_login(applicant.user)
    response = client.post(url(form_item), good_data(file_0=None))
    assert response.status_code == 422
    assert "请上传必要材料“申请书”" in response.content.decode()
    assert not Case.objects.exists()
    assert stored_paths(media) == []

    response = client.post(url(form_item), good_data(file_1=None))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Case.Status.SUBMITTED
    assert case.materials.get(name="身份证明").state == CaseMaterial.State.MISSING


def test_a_file_of_the_wrong_type_is_reported_on_its_material(client, form_item, applicant, media):
    client.force_login(applicant.user)
    response = client.post(url(form_item), good_data(file_0=upload(EXE, "申请书.pdf")))
    assert response.status_code == 422
    row = response.context["rows"][0]
    assert row.name == "申请书"
    assert "文件格式不支持" in row.error
    assert not Case.objects.exists()


def test_a_refused_submission_leaves_nothing_behind(
    client, form_item, applicant, media, monkeypatch
):
    def refuse(*args, **kwargs):
        raise CaseError("窗口暂停收件")

    monkeypatch.setattr(actions, "submit_case", refuse)
    client.force_login(applicant.user)
    response = client.post(url(form_item), good_data())
    assert response.status_code == 422
    assert "窗口暂停收件" in response.content.decode()
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not StoredFile.objects.exists()
    assert stored_paths(media) == []


def test_a_repeated_post_makes_one_case(client, form_item, applicant, media):
    client.force_login(applicant.user)
    first = client.post(url(form_item), good_data())
    second = client.post(url(form_item), good_data())
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert StoredFile.objects.count() == 2
    assert len(stored_paths(media)) == 2


def test_a_draft_is_kept_and_submitted_later(client, form_item, applicant, media):
    client.force_login(applicant.user)
    response = client.post(url(form_item), good_data(action="draft", file_0=None, file_1=None))
    case = Case.objects.get()
    assert response["Location"] == f"/my/cases/{case.pk}/"
    assert case.status == Case.Status.DRAFT
    assert not Task.objects.exists()

    detail = f"/my/cases/{case.pk}/"
    client.post(f"{detail}submit/", {"key": "s1"})
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    m = case.materials.get(name="申请书")
    response = client.post(
        f"{detail}materials/{m.pk}/", {"action": "upload", "file": upload(pdf_bytes())}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.state == CaseMaterial.State.PROVIDED
    page = client.get(detail).content.decode()
    assert f"/files/material/{m.pk}/" in page
    assert "删除" in page

    client.post(f"{detail}submit/", {"key": "s2"})
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    assert case.received_at is not None


def test_files_on_record_are_offered_and_reused(client, form_item, applicant, media):
    client.force_login(applicant.user)
    client.post(url(form_item), good_data())
    on_record = StoredFile.objects.get(material_name="身份证明")

    page = client.get(url(form_item))
    row = page.context["rows"][1]
    assert row.offers == [on_record]
    assert row.chosen_reuse == str(on_record.pk)  # offered first, instead of asked for again
    assert "使用存档文件" in page.content.decode()

    response = client.post(
        url(form_item), good_data(key="test-key-2", file_1=None, reuse_1=str(on_record.pk))
    )
    assert response.status_code == 302
    case = Case.objects.order_by("-pk").first()
    assert case.materials.get(name="身份证明").file == on_record
    assert StoredFile.objects.count() == 3  # 申请书 uploaded twice, 身份证明 once
    assert len(stored_paths(media)) == 3


def test_someone_elses_file_cannot_be_reused(
    client,
    form_item,
    applicant,
    other_applicant,
    media,
):
    client.force_login(other_applicant.user)
    client.post(
        url(form_item),
        good_data(**{"f-id_number": "510403198001010014", "f-phone": "13981234567"}),
    )
    theirs = StoredFile.objects.get(material_name="身份证明")
    client.force_login(applicant.user)
    assert client.get(url(form_item)).context["rows"][1].offers == []
    response = client.post(url(form_item), good_data(key="k3", file_1=None, reuse_1=str(theirs.pk)))
    assert response.status_code == 422
    assert "所选的存档材料不存在" in response.content.decode()
    assert Case.objects.filter(applicant=applicant).count() == 0


def test_items_without_online_application_send_the_applicant_to_the_window(
    client, dept_a, centre, applicant
):
    offline = make_item("511A0000-OFFL", "仅窗口办理事项", "scjgj", online_depth=2)
    client.force_login(applicant.user)
    response = client.get(url(offline), follow=True)
    assert response.redirect_chain[-1][0] == f"/guide/item/{offline.code}/"
    assert "该事项暂不支持网上申请" in response.content.decode()


def test_staff_without_an_applicant_record_cannot_apply(client, form_item, clerk):
    client.force_login(clerk)
    response = client.get(url(form_item), follow=True)
    assert "只有注册的申请人可以网上申请" in response.content.decode()


def test_the_due_time_of_the_pre_review_counts_working_days(client, form_item, applicant, media):
    # Friday 2026-03-13: five working days end on Friday 2026-03-20.
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        client.force_login(applicant.user)
        client.post(url(form_item), good_data())
    case = Case.objects.get()
    assert case.supplement_due_at is not None
    assert str(materials.local_date(case.supplement_due_at)) == "2026-03-20"
