"""Builders of test data that go through the real actions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from onestop.catalog.models import ServiceItem


def item_data(code: str, name: str, department: str, **overrides: Any) -> dict[str, Any]:
    """A canonical item dict (the catalog's exchange format) with plausible defaults."""
    data: dict[str, Any] = {
        "code": code,
        "name": name,
        "category": "行政许可",
        "department": department,
        "co_departments": [],
        "legal_basis": "《优化营商环境条例》第三十五条",
        "statutory_limit": 20,
        "promised_limit": 5,
        "kind": "promised",
        "fees": "不收费",
        "levels": ["district"],
        "online_depth": 3,
        "themes": ["person"],
        "life_events": [],
        "on_site_visits": 1,
        "materials": [
            {
                "name": "申请书",
                "required": True,
                "form": "original",
                "count": 1,
                "tolerance": False,
                "note": "",
            },
            {
                "name": "身份证明",
                "required": True,
                "form": "copy",
                "count": 1,
                "tolerance": True,
                "note": "核验原件",
            },
        ],
        "form": [{"name": "applicant_name", "label": "申请人", "type": "text", "required": True}],
        "steps": [
            {"name": "受理", "role": "clerk", "days": 1},
            {"name": "审核", "role": "reviewer", "days": 3},
            {"name": "决定", "role": "approver", "days": 1},
        ],
    }
    data.update(overrides)
    return data


def make_item(code: str, name: str, department: str, **overrides: Any) -> ServiceItem:
    from onestop.catalog.actions import ensure_life_events, upsert_item

    ensure_life_events()
    item, _ = upsert_item(
        item_data(code, name, department, **overrides), actor=None, now=timezone.now()
    )
    return item
