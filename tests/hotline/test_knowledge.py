"""The knowledge base: jieba-word search that behaves the same on SQLite and PostgreSQL, with
review and expiry dates, and the catalog's service guide in the same results."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from onestop.core.errors import NotAllowed
from onestop.hotline import actions, queries, router
from onestop.hotline.actions import ArticleData
from onestop.hotline.models import Article
from onestop.org.models import Department
from tests.factories import make_item
from tests.hotline.conftest import NOW

TODAY = date(2026, 3, 10)


@pytest.fixture
def articles(dept_a, dept_b):
    def add(dept, title, body, keywords="", review_days=180, expires_on=None):
        return actions.save_article(
            None,
            department=dept,
            data=ArticleData(title, body, keywords, review_days, expires_on),
            actor=None,
            now=NOW,
        )

    return {
        "dibao": add(
            dept_b,
            "最低生活保障的申请条件和办理流程",
            "家庭人均收入低于当地低保标准的，可向户籍所在地街道（镇）提出申请，"
            "需提供身份证、户口簿、收入证明。",
            "低保 救助",
        ),
        "food": add(
            dept_a,
            "购买到过期食品怎么投诉",
            "保留购物小票和商品，拨打12315或到市场监管所投诉，经营者应退货并依法赔偿。",
            "过期 食品 退货",
        ),
        "old": add(
            dept_b,
            "2025年冬季取暖补贴发放",
            "已于2025年12月发放完毕。",
            "取暖补贴",
            expires_on=TODAY - timedelta(days=1),
        ),
        "stale": add(
            dept_b, "婚姻登记预约", "婚姻登记可在网上预约，周一至周五办理。", "结婚 离婚", -5
        ),
    }


def titles(hits):
    return [h.title for h in hits]


def test_a_spoken_question_finds_the_article(articles):
    hits = queries.search_articles("请问低保怎么申请啊", TODAY)
    assert titles(hits)[0] == "最低生活保障的申请条件和办理流程"
    assert queries.search_articles("超市卖的牛奶过期了，怎么投诉", TODAY)[0].title == (
        "购买到过期食品怎么投诉"
    )


def test_traditional_characters_find_the_same_article(articles):
    assert titles(queries.search_articles("低保怎麼申請", TODAY))[0].startswith("最低生活保障")


def test_words_not_fragments_match_the_body(articles):
    # 保障 is a word of the title; 障申 is no word, only two characters that happen to touch.
    assert queries.search_articles("障申", TODAY) == []


def test_expired_articles_are_not_offered_and_stale_ones_are_flagged(articles):
    assert queries.search_articles("取暖补贴", TODAY) == []
    hit = queries.search_articles("结婚登记预约", TODAY)[0]
    assert hit.title == "婚姻登记预约" and hit.stale


def test_the_service_guide_is_searched_too(articles, dept_a):
    make_item("511A0000-FOOD", "食品经营许可", "scjgj")
    hits = queries.search_knowledge("开饭店要办食品经营许可证吗", TODAY)
    guide = [h for h in hits if h.kind == "guide"]
    assert (
        guide and guide[0].title == "食品经营许可" and guide[0].url == "/guide/item/511A0000-FOOD/"
    )


def test_departments_keep_only_their_own_articles(articles, handler, dept_b):
    with pytest.raises(NotAllowed):
        actions.save_article(
            articles["dibao"],
            department=dept_b,
            data=ArticleData("改", "改"),
            actor=handler,
            now=NOW,
        )


def test_the_search_page_and_api(articles, operator, handler_b):
    c = Client()
    c.force_login(operator)
    body = c.get("/staff/hotline/kb/", {"q": "低保申请"}).content.decode()
    assert "最低生活保障的申请条件和办理流程" in body
    hits = c.get("/api/v1/hotline/kb", {"q": "过期食品"}).json()
    assert hits[0]["title"] == "购买到过期食品怎么投诉"
    c.force_login(handler_b)  # department staff read the knowledge base too
    assert c.get(f"/staff/hotline/kb/{articles['dibao'].pk}/").status_code == 200


def test_a_department_keeps_its_own_articles_on_the_page(articles, handler, handler_b, dept_a):
    c = Client()
    c.force_login(handler)
    r = c.post(
        "/staff/hotline/kb/new/",
        {
            "department": dept_a.pk,
            "title": "电梯困人怎么办",
            "body": "拨打电梯内的救援电话或 96333。",
            "keywords": "电梯 困人",
            "review_days": "90",
            "expires_on": "2026-02-30",
        },
    )
    assert r.status_code == 302
    hit = queries.search_articles("电梯困人了", TODAY)[0]
    assert hit.title == "电梯困人怎么办" and hit.department == dept_a.short_name
    food = articles["food"]
    assert c.get(f"/staff/hotline/kb/{food.pk}/edit/").status_code == 200
    c.force_login(handler_b)  # another department's article
    assert c.get(f"/staff/hotline/kb/{food.pk}/edit/").status_code == 404
    r = c.post("/staff/hotline/kb/new/", {"department": dept_a.pk, "title": "x", "body": "y"})
    assert r.status_code == 200 and "请选择维护部门" in r.content.decode()
    assert not Article.objects.filter(title="x").exists()


@pytest.fixture
def water(district):
    return Department.objects.create(
        key="slj",
        name="攀枝花市西区水利局",
        short_name="区水利局",
        kind=Department.Kind.DISTRICT,
        region=district,
    )


@pytest.fixture
def topic_router(tmp_path, settings, dept_a, dept_b, water):
    """A router that tells food matters (dept_a) from rivers (water) and welfare (dept_b)."""
    settings.HOTLINE_ROUTER_PATH = str(tmp_path / "router.joblib")
    samples = {
        dept_a.name: ["饭店卖过期食品", "吃了餐馆的饭拉肚子", "超市牛奶过期", "饭店后厨卫生差"],
        water.name: ["河道里有人采砂", "往河里倒建筑垃圾", "河堤年久失修", "河道管理范围内建房"],
        dept_b.name: ["申请低保", "高龄津贴怎么领", "养老院服务差", "临时救助怎么申请"],
    }
    texts = [t for ts in samples.values() for t in ts]
    labels = [d for d, ts in samples.items() for _ in ts]
    router.store(router.fit(texts, labels), samples=len(texts), source="test", now=NOW)


def test_ticket_hints_follow_the_topic_not_shared_words(articles, water, topic_router, operator):
    actions.save_article(
        None,
        department=water,
        data=ArticleData(
            "河道管理范围内建设项目和排污口设置审批",
            "在河道管理范围内新建、扩建排污口或建设项目，须报区水利局审批，污水排放另需环评。",
            "河道 排污口 污水 审批",
        ),
        actor=None,
        now=NOW,
    )
    make_item("511A0000-RIVER", "河道管理范围内建设项目工程建设方案审批", "slj")
    content = "河门口一家饭店后厨污水横流，我们在那里吃饭后全家拉肚子，怀疑食品过期"
    # Shared words alone (污水, 河) bring the river approvals up: that is what the hints avoid.
    assert "河道管理范围内建设项目和排污口设置审批" in titles(
        queries.search_knowledge(content, TODAY)
    )
    hints = titles(queries.ticket_hints(content, TODAY))
    assert hints[0] == "购买到过期食品怎么投诉"
    assert not [t for t in hints if "河道" in t]
    c = Client()
    c.force_login(operator)
    body = c.post("/staff/hotline/suggest/", {"content": content}).content.decode()
    assert "购买到过期食品怎么投诉" in body and "河道管理范围内" not in body
