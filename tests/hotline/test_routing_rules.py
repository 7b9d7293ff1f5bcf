"""The router combined with the place and with the administrator's keyword rules: a street's
own matters go to that street wherever the training tickets were, a rule comes before the
model, the most specific rule wins, and 改派 does not offer the department that sent it back."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.hotline import actions, router
from onestop.hotline.models import RoutingRule, Ticket
from onestop.org.models import Department, Region
from tests.hotline.conftest import NOW, new_ticket


@pytest.fixture
def model_path(tmp_path, settings):
    settings.HOTLINE_ROUTER_PATH = str(tmp_path / "router.joblib")
    return tmp_path / "router.joblib"


@pytest.fixture
def streets(district) -> dict[str, Department]:
    """Two streets, a community in each, and their street offices."""
    offices = {}
    for code, street, community, office in (
        ("510403002000", "玉泉街道", "玉泉路社区", "攀枝花市西区玉泉街道办事处"),
        ("510403006000", "大宝鼎街道", "干巴塘社区", "攀枝花市西区大宝鼎街道办事处"),
    ):
        region = Region.objects.create(
            code=code, name=street, level=Region.Level.STREET, parent=district
        )
        Region.objects.create(
            code=code[:9] + "001", name=community, level=Region.Level.COMMUNITY, parent=region
        )
        offices[street] = Department.objects.create(
            key=f"office{code[7:9]}",
            name=office,
            short_name=office[7:],
            kind=Department.Kind.STREET_OFFICE,
            region=region,
        )
    return offices


# Street lights and sewage appear only in 大宝鼎's tickets; food only at the market bureau.
TRAINING = [
    ("大宝鼎街道干巴塘社区的路灯坏了，晚上出门很危险", "攀枝花市西区大宝鼎街道办事处"),
    ("干巴塘社区老宿舍的路灯全不亮了", "攀枝花市西区大宝鼎街道办事处"),
    ("大宝鼎街道的化粪池满了，污水冒到路面", "攀枝花市西区大宝鼎街道办事处"),
    ("干巴塘社区下水道堵了，臭气很大", "攀枝花市西区大宝鼎街道办事处"),
    ("玉泉路社区楼上漏水到我家，邻居不肯修", "攀枝花市西区玉泉街道办事处"),
    ("玉泉街道邻居在楼道堆放杂物，影响通行", "攀枝花市西区玉泉街道办事处"),
    ("饭店卖过期食品，吃了拉肚子", "区市场监管局"),
    ("超市的牛奶过期了还在卖", "区市场监管局"),
    ("餐馆后厨卫生太差，有老鼠", "区市场监管局"),
    ("老人想申请低保，家里很困难", "区民政局"),
    ("高龄津贴怎么申请", "区民政局"),
    ("养老院护工态度很差", "区民政局"),
]


def train(dept_a, dept_b) -> object:
    texts = [t for t, _ in TRAINING]
    labels = [d for _, d in TRAINING]
    labels = [
        dept_a.name if d == "区市场监管局" else dept_b.name if d == "区民政局" else d
        for d in labels
    ]
    return router.fit(texts, labels, places=router.places())


@pytest.mark.django_db
def test_a_local_matter_goes_to_the_office_of_its_place(streets, dept_a, dept_b):
    model = train(dept_a, dept_b)
    assert router.LOCAL in model.classes_  # both offices learnt as one class
    found = router.suggest("玉泉街道玉泉路社区的路灯坏了好几盏", model, known=router.places())
    assert found.department == streets["玉泉街道"].name and "属地" in found.reason
    # The place chosen on the form (the region) decides before names in the text.
    found = router.suggest(
        "路灯不亮了，我从大宝鼎搬过来的", model, place="玉泉路社区", known=router.places()
    )
    assert found.department == streets["玉泉街道"].name


@pytest.mark.django_db
def test_a_local_matter_without_a_place_says_so(streets, dept_a, dept_b):
    model = train(dept_a, dept_b)
    found = router.suggest("路灯坏了，晚上很黑", model, known=router.places())
    assert found.department == router.LOCAL_UNKNOWN
    assert router.department_for_label(found.department) is None


@pytest.mark.django_db
def test_place_names_do_not_decide_a_bureau_matter(streets, dept_a, dept_b):
    model = train(dept_a, dept_b)
    found = router.suggest("大宝鼎街道干巴塘社区的饭店卖过期食品", model, known=router.places())
    assert found.department == dept_a.name


@pytest.mark.django_db
def test_a_keyword_rule_comes_before_the_model(streets, dept_a, dept_b):
    model = train(dept_a, dept_b)
    RoutingRule.objects.create(keywords="低保", department=dept_a)  # deliberately odd
    RoutingRule.objects.create(keywords="护工", department=dept_b, active=False)
    found = router.suggest("老人想申请低保", model, found_rules=router.rules())
    assert found.department == dept_a.name and found.confidence == 1.0
    assert found.reason == "关键词规则“低保”"
    assert dept_b.name in found.ranked  # the model's choice stays among the alternatives
    # An inactive rule does nothing: the model decides.
    assert router.suggest("养老院护工打人", model, found_rules=router.rules()).reason == ""


@pytest.mark.django_db
def test_the_most_specific_rule_wins_and_an_empty_department_means_the_place(
    streets, dept_a, dept_b
):
    RoutingRule.objects.create(keywords="食物中毒", department=dept_a)
    RoutingRule.objects.create(keywords="学校+食物中毒、食堂+食物中毒", department=dept_b)
    RoutingRule.objects.create(keywords="路灯", department=None)
    found_rules, known = router.rules(), router.places()
    assert router.suggest("饭店食物中毒", None, found_rules=found_rules).department == dept_a.name
    assert (
        router.suggest("學校食堂食物中毒", None, found_rules=found_rules).department == dept_b.name
    )
    found = router.suggest(
        "路灯坏了", None, place="干巴塘社区", found_rules=found_rules, known=known
    )
    assert found.department == streets["大宝鼎街道"].name


def rule_strategy():
    part = st.sampled_from(["路灯", "食物中毒", "学校", "拉肚子", "饭店", "欠薪"])
    alternative = st.lists(part, min_size=1, max_size=3, unique=True).map(tuple)
    return st.builds(
        router.Rule,
        st.lists(alternative, min_size=1, max_size=3).map(tuple),
        st.sampled_from(["甲局", "乙局", "丙局"]),
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.lists(rule_strategy(), max_size=6),
    words=st.lists(st.sampled_from(["路灯", "食物中毒", "学校", "拉肚子", "饭店", "的"])),
)
def test_the_chosen_rule_matches_and_none_is_more_specific(rules, words):
    text = "".join(words)
    hit = router.best_rule(rules, text)
    matching = [alt for rule in rules for alt in rule.alternatives if all(p in text for p in alt)]
    if not matching:
        assert hit is None
    else:
        rule, alt = hit
        assert all(p in text for p in alt) and alt in rule.alternatives
        assert router.specificity(alt) == max(router.specificity(a) for a in matching)


@pytest.mark.django_db
def test_bad_keywords_are_refused_with_a_chinese_message(dept_a):
    for keywords, message in (("、 +", "请填写至少一个关键词"), ("灯、路灯", "至少两个字")):
        with pytest.raises(ValidationError, match=message):
            RoutingRule(keywords=keywords, department=dept_a).full_clean()


def test_the_admin_keeps_the_rules(client, db, dept_a):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x-Passw0rd-1")
    client.force_login(user)
    add = reverse("admin:hotline_routingrule_add")
    r = client.post(add, {"keywords": "灯", "department": dept_a.pk, "active": "on"})
    assert r.status_code == 200 and "关键词至少两个字" in r.content.decode()
    assert 'value="灯"' in r.content.decode()  # what was typed is kept
    assert not RoutingRule.objects.exists()
    r = client.post(add, {"keywords": "食物中毒、地沟油", "department": dept_a.pk, "active": "on"})
    assert r.status_code == 302
    assert RoutingRule.objects.get().department == dept_a
    assert (
        "派单关键词规则"
        in client.get(reverse("admin:hotline_routingrule_changelist")).content.decode()
    )


@pytest.mark.django_db
def test_redispatch_does_not_offer_the_department_that_sent_it_back(
    model_path, streets, operator, handler, dept_a, dept_b, client
):
    router.store(train(dept_a, dept_b), samples=len(TRAINING), source="t", now=NOW)
    found = router.suggest_for_ticket("超市卖过期食品，老人吃了拉肚子")
    assert found.department == dept_a.name
    t = actions.register_ticket(
        new_ticket(content="超市卖过期食品，老人吃了拉肚子"),
        actor=operator,
        now=NOW,
        suggestion=(found.department, found.confidence),
    )
    actions.dispatch_ticket(t, actor=operator, now=NOW, lead=dept_a)
    actions.send_back(
        t.dispatches.get(), actor=handler, now=NOW, reason="涉及养老机构，请民政局办理"
    )
    assert Ticket.objects.get(pk=t.pk).status == Ticket.Status.SENT_BACK
    client.force_login(operator)
    body = client.get(reverse("hotline:ticket", args=[t.pk])).content.decode()
    assert f'value="{dept_a.pk}" selected' not in body
    assert "已退单部门（不再建议）" in body and dept_a.short_name in body
    detail = client.get(f"/api/v1/hotline/tickets/{t.pk}").json()
    assert detail["suggestion"]["department"] not in ("", dept_a.name)


class _Broken:
    classes_ = ["甲"]

    def decision_function(self, texts):
        raise ValueError("X has 12 features, but LinearSVC is expecting 40")


def test_a_broken_model_never_stops_a_call(db, operator, dept_a, monkeypatch, client):
    monkeypatch.setattr(router, "load", lambda: _Broken())
    assert router.suggest_for_ticket("超市卖过期食品") is None
    client.force_login(operator)
    r = client.post(reverse("hotline:suggest"), {"content": "超市卖过期食品"})
    assert r.status_code == 200 and "暂无派单建议" in r.content.decode()
    r = client.post(
        "/staff/hotline/",
        {
            "kind": "complaint",
            "urgency": "normal",
            "caller_phone": "13800000000",
            "content": "超市卖过期食品",
        },
    )
    assert r.status_code == 302 and Ticket.objects.get().suggested_department == ""
