"""The service guide over HTTP: browse, search in Chinese, item pages."""

import pytest

from onestop.org.models import Window, Zone
from tests.factories import make_item


@pytest.fixture
def catalog(centre, dept_a, dept_b):
    return {
        "food": make_item(
            "511A0000-01",
            "食品经营许可",
            "scjgj",
            legal_basis="《中华人民共和国食品安全法》第三十五条",
            themes=["enterprise"],
            life_events=["operation"],
        ),
        "drug": make_item("511A0000-02", "药品零售企业许可", "scjgj", themes=["enterprise"]),
        "dibao": make_item(
            "511A0000-03",
            "最低生活保障审核确认",
            "mzj",
            category="行政给付",
            levels=["district", "street", "community"],
            life_events=["social_security"],
            materials=[
                {
                    "name": "家庭经济状况核对授权书",
                    "required": True,
                    "form": "original",
                    "count": 1,
                    "tolerance": False,
                    "note": "",
                }
            ],
        ),
        "instant": make_item(
            "511A0000-04",
            "高龄津贴申领",
            "mzj",
            category="行政给付",
            kind="instant",
            statutory_limit=0,
            promised_limit=0,
            steps=[{"name": "受理", "role": "clerk", "days": 0}],
            levels=["district", "street"],
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("食品", {"食品经营许可"}),
        ("经营许可", {"食品经营许可"}),
        ("许可", {"食品经营许可", "药品零售企业许可"}),
        ("零售 许可", {"药品零售企业许可"}),
        ("市场监管局", {"食品经营许可", "药品零售企业许可"}),  # by department
        ("核对授权书", {"最低生活保障审核确认"}),  # by material
        ("食品安全法", {"食品经营许可"}),  # by legal basis
        ("户口", set()),
    ],
)
def test_search_finds_chinese_substrings(client, catalog, query, expected):
    response = client.get("/guide/", {"q": query})
    assert response.status_code == 200
    found = {item.name for item in response.context["page"].object_list}
    assert found == expected


def test_name_matches_rank_before_other_matches(client, catalog):
    make_item("511A0000-05", "小餐饮登记", "scjgj", legal_basis="参照食品经营许可相关规定")
    names = [i.name for i in client.get("/guide/", {"q": "食品"}).context["page"].object_list]
    assert names[0] == "食品经营许可"
    assert "小餐饮登记" in names


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"dept": "mzj"}, {"最低生活保障审核确认", "高龄津贴申领"}),
        ({"theme": "enterprise"}, {"食品经营许可", "药品零售企业许可"}),
        ({"event": "social_security"}, {"最低生活保障审核确认"}),
        ({"level": "community"}, {"最低生活保障审核确认"}),
        ({"level": "street"}, {"最低生活保障审核确认", "高龄津贴申领"}),
        ({"kind": "instant"}, {"高龄津贴申领"}),
        ({"dept": "mzj", "q": "津贴"}, {"高龄津贴申领"}),
        (
            {"dept": "no-such-dept"},
            {"食品经营许可", "药品零售企业许可", "最低生活保障审核确认", "高龄津贴申领"},
        ),
    ],
)
def test_browse_filters(client, catalog, params, expected):
    found = {i.name for i in client.get("/guide/", params).context["page"].object_list}
    assert found == expected


def test_the_item_page_shows_the_guide(client, catalog):
    item = catalog["food"]
    body = client.get(f"/guide/item/{item.code}/").content.decode()
    for text in [
        "食品经营许可",
        "食品安全法",
        "申请书",
        "身份证明",
        "可容缺",
        "5 个工作日",
        "20 个工作日",
        "不收费",
        "攀枝花市西区政务服务中心",
        "A01",
    ]:
        assert text in body, text


def test_the_item_page_says_where_else_it_can_be_done(client, catalog):
    body = client.get(f"/guide/item/{catalog['dibao'].code}/").content.decode()
    assert "便民服务中心就近办理" in body
    assert "代办员帮办代办" in body


def test_unknown_and_unpublished_items_are_404(client, catalog):
    assert client.get("/guide/item/NO-SUCH/").status_code == 404


def test_superseded_versions_are_not_listed(client, catalog):
    make_item(
        "511A0000-01",
        "食品经营许可",
        "scjgj",
        promised_limit=3,
        steps=[
            {"name": "受理", "role": "clerk", "days": 1},
            {"name": "决定", "role": "approver", "days": 2},
        ],
        legal_basis="《中华人民共和国食品安全法》第三十五条",
    )
    items = list(client.get("/guide/", {"q": "食品"}).context["page"].object_list)
    assert [(i.name, i.version, i.promised_limit) for i in items] == [("食品经营许可", 2, 3)]


def test_home_departments_and_centres_render(client, catalog, street, community):
    zone = Zone.objects.get(kind="approval")
    Window.objects.create(zone=zone, number="A09", name="综合受理", kind="comprehensive")
    home = client.get("/").content.decode()
    assert "政务服务事项" in home
    deps = client.get("/departments/").content.decode()
    assert "攀枝花市西区民政局" in deps
    centres = client.get("/centres/").content.decode()
    assert "清香坪街道" in centres
    assert "A区 行政审批区" in centres


def test_guide_paginates(client, dept_a, district):
    for n in range(45):
        make_item(f"511B{n:04d}", f"第{n}号许可事项", "scjgj")
    first = client.get("/guide/")
    assert len(first.context["page"].object_list) == 20
    third = client.get("/guide/", {"page": 3})
    assert len(third.context["page"].object_list) == 5
    assert client.get("/guide/", {"page": "x"}).status_code == 200


def test_chinese_is_the_default_whatever_the_browser_asks(client, db):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "办事指南" in body
    assert "Service guide" not in body


def test_the_language_switch_turns_english_on_and_off(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Service guide" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "办事指南" in client.get("/").content.decode()


def test_comprehensive_windows_of_the_department_are_offered_too(client, catalog, dept_b):
    zone = Zone.objects.get(kind="approval")
    taking = Window.objects.create(
        zone=zone, number="A20", name="企业开办综合受理窗口", kind="comprehensive"
    )
    taking.departments.add(catalog["food"].department)
    other = Window.objects.create(
        zone=zone, number="A21", name="社会事务综合受理窗口", kind="comprehensive"
    )
    other.departments.add(dept_b)
    where = client.get(f"/guide/item/{catalog['food'].code}/").context
    assert [w.number for w in where["windows"]] == ["A01"]
    assert [w.number for w in where["comprehensive"]] == ["A20"]
