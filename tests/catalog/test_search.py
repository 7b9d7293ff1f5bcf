"""The guide search: aliases and keywords, Chinese words, life events, and their ranking."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from onestop.catalog import rules
from onestop.catalog.actions import STANDARD_EVENT_KEYWORDS, ensure_life_events, upsert_item
from onestop.catalog.excel import SHEET_ITEMS, export_bytes, import_catalog
from onestop.catalog.models import LifeEvent, ServiceItem
from onestop.catalog.queries import live_items, search_items
from onestop.catalog.schema import check_item_dict
from tests.factories import make_item

from .conftest import LATER, NOW, item_data


def found(query: str) -> list[str]:
    return [i.name for i in search_items(live_items(), query)]


@pytest.fixture
def items(dept_a, dept_b):
    return {
        "food": make_item(
            "S-01",
            "食品经营许可",
            "scjgj",
            keywords=["开饭店", "餐馆"],
            themes=["enterprise"],
            life_events=["operation", "business_start"],
        ),
        "dibao": make_item("S-02", "最低生活保障", "mzj", aliases=["低保"]),
        "marriage": make_item(
            "S-03", "内地居民婚姻登记", "mzj", aliases=["结婚登记"], life_events=["marriage"]
        ),
        "disabled": make_item("S-04", "残疾人证新办", "mzj", keywords=["残疾证"]),
        # 低保 only in a material: found, but below the item that is called 低保.
        "relief": make_item(
            "S-05",
            "临时救助",
            "mzj",
            materials=[
                {
                    "name": "低保证明",
                    "required": True,
                    "form": "copy",
                    "count": 1,
                    "tolerance": False,
                    "note": "",
                }
            ],
        ),
    }


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("低保", "最低生活保障"),
        ("开饭店", "食品经营许可"),
        ("结婚", "内地居民婚姻登记"),
        ("残疾证", "残疾人证新办"),
        ("我想开个饭店要办什么", "食品经营许可"),  # no spaces: jieba finds 饭店
        ("我家想申请低保", "最低生活保障"),  # the item's word inside the sentence
        ("結婚登記", "内地居民婚姻登记"),  # traditional characters
        ("餐館", "食品经营许可"),
    ],
)
def test_it_finds_what_residents_type(items, query, first):
    assert found(query)[:1] == [first]


def test_name_matches_rank_above_alias_above_material_matches(items):
    make_item("S-06", "低保边缘家庭认定", "mzj")
    assert found("低保") == ["低保边缘家庭认定", "最低生活保障", "临时救助"]


def test_a_word_no_item_knows_finds_nothing(items):
    assert found("宠物") == []
    assert found("我想养宠物狗") == []


@pytest.mark.parametrize(
    ("word", "event"),
    [
        ("出生", "birth"),
        ("上学", "school"),
        ("就业", "work"),
        ("结婚", "marriage"),
        ("开办企业", "business_start"),
        ("退休", "elderly"),
        ("身后事", "death"),
    ],
)
def test_each_life_event_word_finds_the_events_items(dept_a, word, event):
    ensure_life_events()
    theme = LifeEvent.objects.get(key=event).theme
    item = make_item(f"E-{event}", "某某事项", "scjgj", themes=[theme], life_events=[event])
    make_item("E-other", "另一事项", "scjgj")
    assert found(word) == [item.name]


def test_standard_events_get_their_keywords_back_when_blank(db):
    ensure_life_events()
    LifeEvent.objects.filter(key="death").update(keywords="")
    ensure_life_events()
    assert LifeEvent.objects.get(key="death").keywords == STANDARD_EVENT_KEYWORDS["death"]
    LifeEvent.objects.filter(key="death").update(keywords="丧事")
    ensure_life_events()  # an administrator's words are kept
    assert LifeEvent.objects.get(key="death").keywords == "丧事"


def test_aliases_and_keywords_are_cleaned_and_checked(dept_a, dept_b):
    clean, problems = check_item_dict(
        item_data(aliases=" 低保、最低保障，低保 ", keywords=["吃低保", "a" * 41, "两 个"])
    )
    assert clean["aliases"] == ["低保", "最低保障"]
    messages = [str(p) for p in problems]
    assert any("俗称/关键词" in m and "不能超过 40 个字" in m for m in messages)
    assert any("俗称/关键词" in m and "分隔符" in m for m in messages)
    _, problems = check_item_dict(item_data(aliases=[f"词{i}" for i in range(120)]))
    assert any("合计不能超过 300 个字" in str(p) for p in problems)


def test_aliases_and_keywords_go_into_the_search_text(dept_a, dept_b):
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    assert "食品经营许可证" in item.search_text and "开饭店" in item.search_text
    assert item.aliases == "食品经营许可证" and item.keywords == "开饭店、开餐馆"


def test_a_workbook_without_the_new_columns_keeps_the_items_words(dept_a, dept_b):
    upsert_item(item_data(), actor=None, now=NOW)
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    headers = [c.value for c in ws[1]]
    for header in ("俗称/关键词", "别名"):  # an older workbook: the columns are not there
        ws.delete_cols(headers.index(header) + 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    summary = import_catalog(buffer.getvalue(), actor=None, now=LATER)
    assert summary.unchanged == 1
    item = ServiceItem.objects.get(status="published")
    assert (item.aliases, item.keywords) == ("食品经营许可证", "开饭店、开餐馆")


def test_an_edited_keyword_cell_makes_a_new_version(dept_a, dept_b):
    upsert_item(item_data(), actor=None, now=NOW)
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("俗称/关键词") + 1, value="开饭店、小吃店")
    buffer = io.BytesIO()
    wb.save(buffer)
    assert import_catalog(buffer.getvalue(), actor=None, now=LATER).new_versions == 1
    assert ServiceItem.objects.get(status="published").keywords == "开饭店、小吃店"


# -- The ranking rules, without a database ------------------------------------------------------

_names = st.text(alphabet="食品经营许可低保婚姻登记残疾人证开饭店", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(_names, min_size=1, max_size=8, unique=True), query=_names)
def test_every_result_matches_and_an_exact_name_comes_first(names, query):
    entries = [rules.Entry.of(i, n) for i, n in enumerate(names)]
    ranked = rules.rank(entries, query)
    assert len(ranked) == len(set(ranked))
    for pk in ranked:
        name = names[pk]
        assert query in name or name in query or any(w in name for w in rules.query_words(query))
    if query in names:
        assert ranked[0] == names.index(query)


@settings(max_examples=40, deadline=None)
@given(names=st.lists(_names, min_size=1, max_size=8, unique=True), a=_names, b=_names)
def test_a_second_part_only_narrows(names, a, b):
    entries = [rules.Entry.of(i, n) for i, n in enumerate(names)]
    both = set(rules.rank(entries, f"{a} {b}"))
    assert both <= set(rules.rank(entries, a))
    assert both <= set(rules.rank(entries, b))
