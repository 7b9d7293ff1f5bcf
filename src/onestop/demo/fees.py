"""Fee rules of the demo district, for the items of demo/data/items.json whose fees text states
a charge. Every other demo item says 不收费 and gets no rule (it owes nothing).

Idempotent: rules are matched on the item code and an existing rule is left as it is (an
administrator may have edited it), so a second run changes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from onestop.fees.compute import rule_problems
from onestop.fees.models import FeeRule

DATA_DIR = Path(settings.BASE_DIR) / "demo" / "data"

# By item name in items.json; the code is read from the file.
DEMO_RULES: dict[str, dict[str, Any]] = {
    "普通护照签发": {
        "name": "普通护照工本费",
        "kind": FeeRule.Kind.FIXED,
        "amount": Decimal("120.00"),
        "unit_name": "本",
        "legal_basis": "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》"
        "（发改价格〔2019〕914号）：普通护照每本120元",
    },
    "居民身份证办理": {
        "name": "居民身份证工本费",
        "kind": FeeRule.Kind.FIXED,
        "amount": Decimal("20.00"),
        "unit_name": "证",
        # The form's 申领类型 picks the tier: 首次申领 and 有效期满换领 pay the base 20 yuan.
        "option_field": "apply_type",
        "option_amounts": {"丢失补领": "40.00", "损坏换领": "40.00", "临时居民身份证": "10.00"},
        "legal_basis": "《财政部 国家发展改革委关于居民身份证收费标准及有关问题的通知》"
        "（财综〔2004〕8号）：首次申领、有效期满换领每证20元；丢失补领、损坏换领每证40元；"
        "临时居民身份证每证10元",
    },
    "居住证办理": {
        # The demo form does not ask whether this is a first application or a renewal, so the
        # rule records the exemption that applies to first applications (most cases).
        "name": "居住证工本费",
        "kind": FeeRule.Kind.EXEMPT,
        "amount": Decimal("0.00"),
        "unit_name": "证",
        "legal_basis": "《居住证暂行条例》第二十一条",
        "exempt_reason": "首次申领居住证，免收证件工本费（《居住证暂行条例》第二十一条）",
    },
}


def _charges(fees_text: str) -> bool:
    text = fees_text.strip()
    return bool(text) and text != "不收费"


@transaction.atomic
def load_demo_fee_rules(data_dir: Path = DATA_DIR) -> int:
    """Create the demo's fee rules; returns how many were created."""
    rows = json.loads((data_dir / "items.json").read_text(encoding="utf-8"))
    created = 0
    for row in rows:
        spec = DEMO_RULES.get(row["name"])
        if spec is None or not _charges(row.get("fees", "")):
            continue
        rule = FeeRule(item_code=row["code"], **spec)
        problems = rule_problems(rule)
        if problems:
            raise ValueError(f"demo fee rule for {row['name']}: {problems}")
        _rule, made = FeeRule.objects.get_or_create(item_code=row["code"], defaults=spec)
        created += made
    return created
