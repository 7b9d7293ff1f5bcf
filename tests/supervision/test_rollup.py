"""Figures roll up the region tree: each level is its own plus the sums of the level below, at
any depth (a city above the district rolls up the same way), and each level sees its own."""

from __future__ import annotations

from collections import Counter

import time_machine
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.org.models import Region, Role
from onestop.supervision.actions import NewCard, create_card
from onestop.supervision.efficiency import RegionFigures, rollup
from onestop.supervision.models import Card
from tests.case_fixtures import NOW
from tests.conftest import make_staff


def build_tree() -> dict[str, Region]:
    """A city above a district with two streets of two communities each (built once)."""
    if Region.objects.filter(code="510400000000").exists():
        tree = Region.objects.filter(Q(code="510400000000") | Q(code__startswith="510411"))
        return {r.name: r for r in tree.order_by("path")}
    city = Region.objects.create(code="510400000000", name="攀枝花市", level="city")
    district = Region.objects.create(
        code="510411000000", name="仁和区", level="district", parent=city
    )
    regions = {"city": city, "district": district}
    for s, street_name in enumerate(["仁和镇", "大河中路街道"], start=1):
        street = Region.objects.create(
            code=f"51041100{s}000", name=street_name, level="street", parent=district
        )
        regions[street_name] = street
        for c, community_name in enumerate(["社区甲", "社区乙"], start=1):
            name = f"{street_name}{community_name}"
            regions[name] = Region.objects.create(
                code=f"51041100{s}00{c}", name=name, level="community", parent=street
            )
    return regions


def check_sums(node: RegionFigures) -> None:
    for name, value in node.total.items():
        assert value == node.own[name] + sum(c.total[name] for c in node.children), (
            node.region.name,
            name,
        )
    for child in node.children:
        check_sums(child)


def find(node: RegionFigures, name: str) -> RegionFigures:
    if node.region.name == name:
        return node
    for child in node.children:
        try:
            return find(child, name)
        except LookupError:
            pass
    raise LookupError(name)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cards=st.lists(st.tuples(st.integers(0, 7), st.sampled_from(["yellow", "red"])), max_size=12)
)
def test_every_level_is_its_own_plus_the_level_below(dept_a, cards):
    Card.objects.all().delete()
    regions = list(build_tree().values())
    for index, colour in cards:
        create_card(
            NewCard(colour=colour, department=dept_a, reason="超期", region=regions[index]),
            actor=None,
            now=NOW,
        )
    root = rollup(regions[0], NOW, 2026, 3)
    check_sums(root)
    made = Counter(colour for _i, colour in cards)
    assert (root.total["yellow"], root.total["red"]) == (made["yellow"], made["red"])
    for region in regions:
        own = Counter(c for i, c in cards if regions[i] == region)
        node = find(root, region.name)
        assert (node.own["yellow"], node.own["red"]) == (own["yellow"], own["red"])
    assert [c.region.name for c in root.children] == ["仁和区"]
    assert len(find(root, "仁和区").children) == 2


def test_a_street_sees_its_communities_and_the_district_its_streets_side_by_side(
    client, district, street, community, supervisor, dept_a
):
    other = Region.objects.create(
        code="510403002000", name="格里坪镇", level="street", parent=district
    )
    for region in (street, community, community, other, district):
        create_card(
            NewCard(colour="yellow", department=dept_a, reason="超期", region=region),
            actor=None,
            now=NOW,
        )
    street_supervisor = make_staff("sup_qxp", Role.SUPERVISOR, street, None)
    with time_machine.travel(NOW, tick=False):
        client.force_login(street_supervisor)
        tree = client.get("/staff/dashboard/").context["rollup"]
        assert tree.region == street and [c.region for c in tree.children] == [community]
        assert (tree.own["yellow"], tree.total["yellow"]) == (1, 3)
        client.force_login(supervisor)
        response = client.get("/staff/dashboard/")
    tree = response.context["rollup"]
    assert [c.region.name for c in tree.children] == ["清香坪街道", "格里坪镇"]
    assert [c.total["yellow"] for c in tree.children] == [3, 1]
    assert tree.total["yellow"] == 5
    page = response.content.decode()
    assert "清香坪街道（含下级）" in page and "西区（本级）" in page
    # The tree's labels carry the figures.
    labels = [c["name"] for c in response.context["data"]["tree"]["children"]]
    assert labels == ["清香坪街道（在办0，超期0）", "格里坪镇（在办0，超期0）"]
