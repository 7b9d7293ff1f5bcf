"""The demo's fee rules, read from demo/data/items.json."""

from __future__ import annotations

import json
from decimal import Decimal

from onestop.demo.fees import DATA_DIR, load_demo_fee_rules
from onestop.fees.compute import compute_fee, rule_problems
from onestop.fees.models import FeeRule


def demo_items() -> dict[str, dict]:
    rows = json.loads((DATA_DIR / "items.json").read_text(encoding="utf-8"))
    return {row["name"]: row for row in rows}


def test_it_creates_rules_only_for_items_that_charge(db):
    assert load_demo_fee_rules() == 3
    items = demo_items()
    rules = {r.item_code: r for r in FeeRule.objects.all()}
    by_name = {name: rules.get(row["code"]) for name, row in items.items()}
    charged = {name for name, rule in by_name.items() if rule is not None}
    assert charged == {"普通护照签发", "居民身份证办理", "居住证办理"}
    for name in charged:
        assert items[name]["fees"] != "不收费"
        assert rule_problems(by_name[name]) == []
    free = [name for name, row in items.items() if row["fees"] == "不收费"]
    assert len(free) >= 100 and all(by_name[name] is None for name in free)


def test_it_is_idempotent_and_keeps_an_administrators_edit(db):
    load_demo_fee_rules()
    passport = FeeRule.objects.get(name="普通护照工本费")
    passport.legal_basis += "（已核对）"
    passport.save()
    assert load_demo_fee_rules() == 0
    assert FeeRule.objects.count() == 3
    passport.refresh_from_db()
    assert passport.legal_basis.endswith("（已核对）")


def test_the_demo_rules_charge_what_the_guide_says(db):
    load_demo_fee_rules()
    items = demo_items()

    def rule(name: str) -> FeeRule:
        return FeeRule.objects.get(item_code=items[name]["code"])

    assert compute_fee(rule("普通护照签发"), {"apply_type": "首次申领"}).total == Decimal("120.00")
    id_card = rule("居民身份证办理")
    expected = {
        "首次申领": "20.00",
        "有效期满换领": "20.00",
        "损坏换领": "40.00",
        "丢失补领": "40.00",
        "临时居民身份证": "10.00",
    }
    options = next(f for f in items["居民身份证办理"]["form"] if f["name"] == "apply_type")
    assert set(options["options"]) == set(expected)
    for option, amount in expected.items():
        assert compute_fee(id_card, {"apply_type": option}).total == Decimal(amount)
    residence = compute_fee(rule("居住证办理"), {})
    assert residence.exempt and residence.total == 0
    assert "《居住证暂行条例》第二十一条" in residence.exempt_reason
