"""Item versions: upsert_item, start_new_version, publish_item, update_draft."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from onestop.catalog.actions import (
    CatalogError,
    ensure_life_events,
    item_to_dict,
    publish_item,
    start_new_version,
    update_draft,
    upsert_item,
)
from onestop.catalog.models import ItemChange, LifeEvent, Material, ServiceItem

from .conftest import LATER, NOW, item_data

pytestmark = pytest.mark.usefixtures("depts")


def snapshot(item: ServiceItem) -> tuple[dict, dict]:
    """Everything stored for a version: its dict and its raw row values."""
    row = ServiceItem.objects.filter(pk=item.pk).values().get()
    materials = list(Material.objects.filter(item=item).order_by("pk").values())
    return item_to_dict(ServiceItem.objects.get(pk=item.pk)), {"row": row, "materials": materials}


def test_it_creates_version_one_published():
    item, result = upsert_item(item_data(), actor=None, now=NOW)
    assert result == "created"
    item.refresh_from_db()
    assert (item.version, item.status, item.published_at) == (1, "published", NOW)
    assert item_to_dict(item) == item_data()
    assert list(item.changes.values_list("action", flat=True)) == ["created", "published"]


def test_it_round_trips_the_dict_exactly():
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    again, result = upsert_item(item_to_dict(item), actor=None, now=LATER)
    assert (again.pk, result) == (item.pk, "unchanged")


def test_it_is_idempotent():
    upsert_item(item_data(), actor=None, now=NOW)
    _, result = upsert_item(item_data(), actor=None, now=LATER)
    assert result == "unchanged"
    assert ServiceItem.objects.count() == 1


def test_a_change_makes_a_new_version_and_leaves_the_old_one_untouched():
    old, _ = upsert_item(item_data(), actor=None, now=NOW)
    before_dict, before_rows = snapshot(old)
    changed = item_data(promised_limit=8, materials=item_data()["materials"][:1])
    new, result = upsert_item(changed, actor=None, now=LATER)
    assert result == "new_version"
    assert (new.version, new.status, new.published_at) == (2, "published", LATER)
    after_dict, after_rows = snapshot(old)
    assert after_dict == before_dict | {"status": "superseded"}
    assert after_rows["materials"] == before_rows["materials"]
    assert after_rows["row"] == before_rows["row"] | {"status": "superseded"}
    assert item_to_dict(new) == changed


def test_only_a_draft_is_updated_in_place():
    draft, result = upsert_item(item_data(status="draft"), actor=None, now=NOW)
    assert result == "created"
    same, result = upsert_item(item_data(status="draft", name="新名称"), actor=None, now=LATER)
    assert (same.pk, result, same.name) == (draft.pk, "updated_draft", "新名称")
    published, result = upsert_item(item_data(name="新名称"), actor=None, now=LATER)
    assert (published.pk, result, published.status) == (draft.pk, "updated_draft", "published")


def test_the_returned_version_shows_what_was_written():
    upsert_item(item_data(status="draft"), actor=None, now=NOW)
    fewer = item_data(status="draft", materials=[], steps=[], co_departments=[], life_events=[])
    draft, _ = upsert_item(fewer, actor=None, now=LATER)
    assert item_to_dict(draft) == fewer
    published, _ = upsert_item(item_data(), actor=None, now=LATER)
    assert item_to_dict(published) == item_data()


def test_a_draft_beside_a_changed_published_version_is_refused():
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    start_new_version(item, actor=None, now=NOW)
    with pytest.raises(CatalogError, match="已有未发布的草稿（第2版）"):
        upsert_item(item_data(name="别的名称"), actor=None, now=LATER)
    _, result = upsert_item(item_data(), actor=None, now=LATER)
    assert result == "unchanged"


def test_the_database_allows_one_published_version_per_code():
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.create(
            code=item.code, version=2, status="published", name="x", department=item.department
        )
    draft = start_new_version(item, actor=None, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.create(
            code=item.code, version=3, status="incomplete", name="x", department=item.department
        )
    assert draft.version == 2


def test_start_new_version_copies_everything():
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    draft = start_new_version(item, actor=None, now=LATER)
    assert (draft.version, draft.status, draft.published_at) == (2, "draft", None)
    assert item_to_dict(draft) == item_data(status="draft")
    assert draft.search_text == ServiceItem.objects.get(pk=item.pk).search_text


def test_start_new_version_refuses_a_draft_and_a_second_draft():
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    draft = start_new_version(item, actor=None, now=NOW)
    with pytest.raises(CatalogError, match="只有已发布的版本"):
        start_new_version(draft, actor=None, now=NOW)
    with pytest.raises(CatalogError, match="已有未发布的草稿"):
        start_new_version(item, actor=None, now=NOW)


def test_publish_supersedes_the_previous_version(superuser):
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    draft = start_new_version(item, actor=superuser, now=NOW)
    update_draft(draft, item_data(promised_limit=10, status="draft"), actor=superuser, now=NOW)
    published = publish_item(draft, actor=superuser, now=LATER)
    item.refresh_from_db()
    assert (item.status, published.status, published.published_at) == (
        "superseded",
        "published",
        LATER,
    )
    assert item_to_dict(published)["promised_limit"] == 10
    actions = list(ItemChange.objects.filter(actor=superuser).values_list("action", flat=True))
    assert actions == ["new_version", "updated", "superseded", "published"]


def test_it_refuses_to_publish_an_incomplete_item_with_every_reason():
    item, _ = upsert_item(
        item_data(
            status="incomplete",
            legal_basis="",
            materials=[],
            statutory_limit=0,
            promised_limit=0,
            steps=[],
        ),
        actor=None,
        now=NOW,
    )
    with pytest.raises(CatalogError) as exc:
        publish_item(item, actor=None, now=NOW)
    text = str(exc.value)
    for expected in ("设定依据", "法定办结时限", "承诺办结时限", "至少有一项申请材料"):
        assert expected in text
    item.refresh_from_db()
    assert item.status == "incomplete"


def test_update_draft_refuses_a_published_version():
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    with pytest.raises(CatalogError, match="不能修改"):
        update_draft(item, item_data(name="改"), actor=None, now=NOW)


def test_validation_reports_every_problem_with_chinese_field_names():
    bad = item_data(
        promised_limit=30,
        department="nope",
        life_events=["birth", "moon_landing"],
        steps=[{"name": "审核", "role": "janitor", "days": 1}],
        materials=[{"name": "", "form": "photo"}],
    )
    bad["colour"] = "red"
    with pytest.raises(CatalogError) as exc:
        upsert_item(bad, actor=None, now=NOW)
    text = str(exc.value)
    for expected in (
        "承诺办结时限（工作日）：承诺时限（30）不得超过法定时限（20）",
        "实施部门编码：未知的部门“nope”",
        "人生事件/经营阶段：未知的人生事件/经营阶段“moon_landing”",
        "办理环节第1项·办理岗位：“janitor”不是可选值",
        "申请材料第1项·材料名称：不能为空",
        "申请材料第1项·材料形式：“photo”不是可选值",
        "未知字段“colour”",
        "“birth”不属于所选服务对象",
    ):
        assert expected in text
    assert not ServiceItem.objects.exists()


def test_an_instant_item_has_no_limits():
    with pytest.raises(CatalogError, match="即办件的法定时限和承诺时限必须为 0"):
        upsert_item(item_data(kind="instant"), actor=None, now=NOW)
    item, _ = upsert_item(
        item_data(kind="instant", statutory_limit=0, promised_limit=0, steps=[]),
        actor=None,
        now=NOW,
    )
    assert item.kind == "instant"


def test_search_text_holds_name_departments_materials_basis_and_category():
    item, _ = upsert_item(item_data(name="ABC食品经营许可"), actor=None, now=NOW)
    for part in ("abc食品", "市场监督管理局", "区民政局", "营业执照", "食品安全法", "行政许可"):
        assert part in item.search_text
    assert ServiceItem.objects.filter(search_text__icontains="营业执照").exists()
    assert ServiceItem.objects.filter(search_text__icontains="ABC").exists()


def test_ensure_life_events_is_idempotent():
    LifeEvent.objects.filter(key="tax").delete()
    assert ensure_life_events() == 1
    assert ensure_life_events() == 0
    names = dict(LifeEvent.objects.values_list("key", "name"))
    assert names["death"] == "身后事" and names["business_start"] == "企业开办"
    assert LifeEvent.objects.count() == 18
