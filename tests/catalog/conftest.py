"""Catalog helpers: a canonical item dict to start from, and a fixed `now`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from onestop.org.models import Department

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)


def item_data(code: str = "511A0001-001", **overrides: Any) -> dict[str, Any]:
    """A complete, publishable item of department A (scjgj), with B (mzj) co-handling."""
    data: dict[str, Any] = {
        "code": code,
        "name": "食品经营许可（新办）",
        "aliases": ["食品经营许可证"],
        "keywords": ["开饭店", "开餐馆"],
        "category": "行政许可",
        "department": "scjgj",
        "co_departments": ["mzj"],
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "statutory_limit": 20,
        "promised_limit": 5,
        "certificate_years": 5,
        "kind": "promised",
        "fees": "不收费",
        "levels": ["district", "street"],
        "online_depth": 3,
        "themes": ["enterprise"],
        "life_events": ["business_start", "operation"],
        "on_site_visits": 1,
        "materials": [
            {
                "name": "食品经营许可申请书",
                "required": True,
                "form": "original",
                "count": 1,
                "tolerance": False,
                "note": "",
            },
            {
                "name": "营业执照",
                "required": True,
                "form": "copy",
                "count": 1,
                "tolerance": True,
                "note": "加盖公章",
            },
        ],
        "form": [
            {"name": "shop_name", "label": "店铺名称", "type": "text", "required": True},
            {
                "name": "scale",
                "label": "经营规模",
                "type": "select",
                "required": False,
                "options": ["小型", "中型", "大型"],
            },
        ],
        "steps": [
            {"name": "受理", "role": "clerk", "days": 0},
            {"name": "审核", "role": "reviewer", "days": 3},
            {"name": "决定", "role": "approver", "days": 2},
        ],
        "status": "published",
    }
    data.update(overrides)
    return data


@pytest.fixture
def depts(dept_a: Department, dept_b: Department) -> tuple[Department, Department]:
    return dept_a, dept_b


@pytest.fixture
def superuser(db: None):
    return get_user_model().objects.create_superuser(
        username="root", password="Xiqu-2026-passwd", email="root@example.com"
    )
