"""The catalog admin: read-only published versions, new versions, publishing, import and export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from onestop.catalog.actions import item_to_dict, start_new_version, upsert_item
from onestop.catalog.excel import SHEET_ITEMS, export_bytes
from onestop.catalog.models import ItemChange, Material, ServiceItem

from .conftest import NOW, item_data

pytestmark = pytest.mark.usefixtures("depts")


@pytest.fixture
def client_(superuser) -> Client:
    c = Client()
    c.force_login(superuser)
    return c


@pytest.fixture
def published() -> ServiceItem:
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    return item


def change_url(item: ServiceItem) -> str:
    return reverse("admin:catalog_serviceitem_change", args=[item.pk])


def form_data(item: ServiceItem, **changes: Any) -> dict[str, Any]:
    """The POST of the admin change form for `item`, its inlines included."""
    data: dict[str, Any] = {
        "name": item.name,
        "aliases": item.aliases,
        "keywords": item.keywords,
        "category": item.category,
        "department": item.department_id,
        "co_departments": [d.pk for d in item.co_departments.all()],
        "legal_basis": item.legal_basis,
        "kind": item.kind,
        "statutory_limit": item.statutory_limit,
        "promised_limit": item.promised_limit,
        "certificate_years": item.certificate_years,
        "online_depth": item.online_depth,
        "on_site_visits": item.on_site_visits,
        "fees": item.fees,
        "life_events": [e.pk for e in item.life_events.all()],
        "form_schema": __import__("json").dumps(item.form_schema, ensure_ascii=False),
        "_save": "保存",
    }
    for flag in ("at_district", "at_street", "at_community", "for_person", "for_enterprise"):
        if getattr(item, flag):
            data[flag] = "on"
    for prefix, rows, fields in (
        ("materials", list(item.materials.all()), ["order", "name", "form", "count", "note"]),
        ("steps", list(item.steps.all()), ["order", "name", "role", "days"]),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-item"] = item.pk
            for f in fields:
                data[f"{prefix}-{i}-{f}"] = getattr(row, f)
            for flag in ("required", "tolerance"):
                if getattr(row, flag, False):
                    data[f"{prefix}-{i}-{flag}"] = "on"
    data.update(changes)
    return data


def test_the_changelist_filters_and_searches(client_, published):
    upsert_item(item_data("X-2", name="婚姻登记", levels=["community"]), actor=None, now=NOW)
    url = reverse("admin:catalog_serviceitem_changelist")
    page = client_.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "食品经营许可" in text and "导入 Excel/CSV" in text and "导出 Excel" in text
    for query, present, absent in (
        ({"level": "community"}, "婚姻登记", "食品经营许可"),
        ({"q": "婚姻"}, "婚姻登记", "食品经营许可"),
        ({"q": "511A0001"}, "食品经营许可", "婚姻登记"),
        ({"status__exact": "published", "kind__exact": "promised"}, "婚姻登记", "不存在的"),
    ):
        text = client_.get(url, query).content.decode()
        assert present in text and absent not in text, query


def test_a_published_version_is_read_only(client_, published):
    page = client_.get(change_url(published))
    assert page.status_code == 200
    text = page.content.decode()
    assert "新建版本" in text and "内容不可修改" in text
    assert 'name="_save"' not in text and 'name="name"' not in text
    assert 'name="materials-0-name"' not in text
    assert "本事项的全部版本" in text
    before = item_to_dict(published)
    response = client_.post(change_url(published), form_data(published, name="偷偷改名"))
    assert response.status_code == 403
    assert item_to_dict(ServiceItem.objects.get(pk=published.pk)) == before
    delete = reverse("admin:catalog_serviceitem_delete", args=[published.pk])
    assert client_.post(delete, {"post": "yes"}).status_code == 403
    assert ServiceItem.objects.filter(pk=published.pk).exists()


def test_editing_through_the_admin_makes_a_new_version(client_, superuser, published):
    before = item_to_dict(published)
    before_materials = list(Material.objects.filter(item=published).values())
    response = client_.post(reverse("admin:catalog_serviceitem_new_version", args=[published.pk]))
    draft = ServiceItem.objects.get(code=published.code, status="draft")
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    page = client_.get(change_url(draft))
    assert 'name="_save"' in page.content.decode() and ">发布<" in page.content.decode()

    data = form_data(draft, name="食品经营许可（新办）2026版", **{"materials-0-name": "新的申请书"})
    response = client_.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.name == "食品经营许可（新办）2026版"
    assert "新的申请书" in draft.search_text
    response = client_.post(reverse("admin:catalog_serviceitem_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    old = ServiceItem.objects.get(pk=published.pk)
    assert (old.status, draft.status, draft.version) == ("superseded", "published", 2)
    assert item_to_dict(old) == before | {"status": "superseded"}
    assert list(Material.objects.filter(item=old).values()) == before_materials
    assert item_to_dict(draft)["materials"][0]["name"] == "新的申请书"
    assert set(ItemChange.objects.filter(actor=superuser).values_list("action", flat=True)) == {
        "new_version",
        "updated",
        "published",
        "superseded",
    }


def test_the_admin_form_applies_the_catalog_rules(client_, published):
    draft = start_new_version(published, actor=None, now=NOW)
    data = form_data(draft, promised_limit=30, kind="instant")
    response = client_.post(change_url(draft), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "不得超过法定时限" in text
    data = form_data(draft, promised_limit=2)  # steps take 5 days
    text = client_.post(change_url(draft), data).content.decode()
    assert "各环节时限合计（5）超过承诺时限（2）" in text
    draft.refresh_from_db()
    assert draft.promised_limit == 5


def test_aliases_and_keywords_are_edited_in_the_admin(client_, published):
    draft = start_new_version(published, actor=None, now=NOW)
    data = form_data(draft, aliases="食品经营许可证， 餐饮许可", keywords="开饭店 开餐馆、开饭店")
    response = client_.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert (draft.aliases, draft.keywords) == ("食品经营许可证、餐饮许可", "开饭店、开餐馆")
    assert "餐饮许可" in draft.search_text
    response = client_.post(change_url(draft), form_data(draft, keywords="开饭店、" + "长" * 41))
    assert response.status_code == 200
    text = response.content.decode()
    assert "不能超过 40 个字" in text and "开饭店、" + "长" * 41 in text  # kept as typed
    draft.refresh_from_db()
    assert draft.keywords == "开饭店、开餐馆"


def test_publishing_an_incomplete_item_shows_every_reason(client_):
    item, _ = upsert_item(
        item_data(
            status="incomplete",
            legal_basis="",
            materials=[],
            steps=[],
            statutory_limit=0,
            promised_limit=0,
        ),
        actor=None,
        now=NOW,
    )
    response = client_.post(
        reverse("admin:catalog_serviceitem_publish", args=[item.pk]), follow=True
    )
    text = response.content.decode()
    assert "还不能发布" in text and "设定依据" in text and "申请材料" in text
    item.refresh_from_db()
    assert item.status == "incomplete"


def test_the_publish_action_on_the_changelist(client_, published):
    draft = start_new_version(published, actor=None, now=NOW)
    url = reverse("admin:catalog_serviceitem_changelist")
    client_.post(url, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "published"


def test_a_new_item_is_added_as_a_draft(client_, dept_a):
    url = reverse("admin:catalog_serviceitem_add")
    data = {
        "code": "NEW-1",
        "name": "新事项",
        "category": "public_service",
        "department": dept_a.pk,
        "kind": "promised",
        "statutory_limit": 10,
        "promised_limit": 5,
        "certificate_years": 0,
        "online_depth": 3,
        "on_site_visits": 1,
        "fees": "不收费",
        "form_schema": "[]",
        "at_district": "on",
        "for_person": "on",
        "materials-TOTAL_FORMS": 0,
        "materials-INITIAL_FORMS": 0,
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
        "_save": "保存",
    }
    response = client_.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ServiceItem.objects.get(code="NEW-1")
    assert (item.version, item.status) == (1, "draft")
    assert "新事项" in item.search_text
    again = client_.post(url, data)
    assert "该编码已存在" in again.content.decode()


def test_the_import_page_shows_every_error(client_, published):
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    ws.cell(row=2, column=8, value="很多天")  # 法定办结时限
    ws.append(["X-9", "", "行政许可", "nope"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.name = "目录.xlsx"
    url = reverse("admin:catalog_serviceitem_import")
    assert client_.get(url).status_code == 200
    buffer.seek(0)
    response = client_.post(url, {"file": buffer})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="import-errors"' in text
    for cell in (
        "法定办结时限（工作日）",
        "应填整数",
        "事项名称",
        "不能为空",
        "实施部门编码",
        "未知的部门",
    ):
        assert cell in text
    assert "<td>3</td>" in text
    assert ServiceItem.objects.count() == 1


def test_the_import_page_summarises_a_short_list(client_, district):
    data = io.BytesIO("\ufeff部门,事项名称,事项编码,taskType\n区统计局,统计登记,S-1,20\n".encode())
    data.name = "清单.csv"
    response = client_.post(reverse("admin:catalog_serviceitem_import"), {"file": data})
    assert response.status_code == 200
    text = response.content.decode()
    assert "新建事项 1 项" in text and "区统计局" in text
    assert ServiceItem.objects.get(code="S-1").category == "public_service"


def test_the_export_downloads_the_catalog(client_, published):
    response = client_.get(reverse("admin:catalog_serviceitem_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb[SHEET_ITEMS]["A2"].value == published.code


def test_staff_without_catalog_permissions_are_kept_out(client, centre_admin, published):
    centre_admin.is_staff = True
    centre_admin.save()
    client.force_login(centre_admin)
    assert client.get(reverse("admin:catalog_serviceitem_import")).status_code == 403
    response = client.post(reverse("admin:catalog_serviceitem_new_version", args=[published.pk]))
    assert response.status_code == 403
    assert ServiceItem.objects.count() == 1
