"""Properties over random item dicts: the dict and the Excel file both round-trip exactly."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from onestop.catalog.actions import clean_item_dict, item_to_dict, upsert_item
from onestop.catalog.excel import export_bytes, import_catalog
from onestop.catalog.models import ServiceItem
from onestop.catalog.schema import (
    CATEGORY_LABELS,
    FORM_FIELD_TYPES,
    MATERIAL_FORM_LABELS,
    role_labels,
)

from .conftest import LATER, NOW

pytestmark = pytest.mark.usefixtures("depts")
DEPARTMENTS = ["scjgj", "mzj"]
LIFE_EVENTS = {
    "person": ["birth", "school", "death", "transport"],
    "enterprise": ["business_start", "tax"],
}
# Any character a cell can hold, the odd ones included (=, quotes, emoji, ideographic space).
CHARS = st.characters(exclude_categories=("Cc", "Cs", "Cn"))
# Texts a spreadsheet likes to reinterpret: formulas, numbers, booleans, quotes.
TRICKY = st.sampled_from(
    ["=", "=SUM(A1)", "+", "-", "@", "'", "0012", "1.50", "TRUE", "、", "\u3000"]
)
line = st.one_of(
    st.text(CHARS, min_size=1, max_size=30),
    st.tuples(TRICKY, st.text(CHARS, max_size=10)).map("".join),
).filter(lambda s: s.strip() != "")
maybe_line = st.one_of(st.just(""), line)
lines = st.lists(line, min_size=1, max_size=3).map("\n".join)


@st.composite
def item_dicts(draw: Any, code: str | None = None) -> dict[str, Any]:
    status = draw(st.sampled_from(["published", "draft", "incomplete"]))
    kind = draw(st.sampled_from(["instant", "promised"]))
    if kind == "instant":
        statutory = promised = 0
    else:
        low = 1 if status == "published" else 0
        statutory = draw(st.integers(low, 60))
        promised = draw(st.integers(low, statutory))
    steps = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "name": line.map(lambda s: s[:40]),
                    "role": st.sampled_from(sorted(role_labels())),
                    "days": st.integers(0, promised),
                }
            ),
            max_size=4,
        ).filter(lambda ss: sum(s["days"] for s in ss) <= promised)
    )
    themes = draw(st.lists(st.sampled_from(["person", "enterprise"]), min_size=1, unique=True))
    events = [e for t in themes for e in LIFE_EVENTS[t]]
    department = draw(st.sampled_from(DEPARTMENTS))
    depth = draw(st.integers(1, 4))
    return {
        "code": code or draw(st.from_regex(r"[A-Z0-9]{3,12}-[0-9]{1,4}", fullmatch=True)),
        "name": draw(line),
        "category": draw(st.sampled_from(sorted(CATEGORY_LABELS.values()))),
        "department": department,
        "co_departments": draw(
            st.lists(st.sampled_from([d for d in DEPARTMENTS if d != department]), unique=True)
        ),
        "legal_basis": draw(lines if status == "published" else st.one_of(st.just(""), lines)),
        "statutory_limit": statutory,
        "promised_limit": promised,
        "kind": kind,
        "fees": draw(maybe_line),
        "levels": draw(
            st.lists(st.sampled_from(["district", "street", "community"]), min_size=1, unique=True)
        ),
        "online_depth": depth,
        "themes": themes,
        "life_events": draw(st.lists(st.sampled_from(events), unique=True)),
        "on_site_visits": 0 if depth == 4 else draw(st.integers(0, 5)),
        "materials": draw(materials(min_size=1 if status == "published" else 0)),
        "form": draw(form_fields()),
        "steps": steps,
        "status": status,
    }


def materials(min_size: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(
        st.fixed_dictionaries(
            {
                "name": line,
                "required": st.booleans(),
                "form": st.sampled_from(sorted(MATERIAL_FORM_LABELS)),
                "count": st.integers(1, 5),
                "tolerance": st.booleans(),
                "note": st.one_of(st.just(""), lines),
            }
        ),
        min_size=min_size,
        max_size=4,
        unique_by=lambda m: m["name"].strip(),
    )


@st.composite
def form_fields(draw: Any) -> list[dict[str, Any]]:
    names = draw(
        st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), max_size=3, unique=True)
    )
    out = []
    for name in names:
        field = {
            "name": name,
            "label": draw(line),
            "type": draw(st.sampled_from(sorted(FORM_FIELD_TYPES))),
            "required": draw(st.booleans()),
        }
        if field["type"] in ("select", "radio"):
            field["options"] = draw(
                st.lists(line, min_size=1, max_size=4, unique_by=lambda s: s.strip())
            )
        out.append(field)
    return out


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the fixtures' database and leaves it as it found it."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=item_dicts())
def test_a_dict_round_trips_through_the_database(data):
    clean = clean_item_dict(data)
    assert clean_item_dict(clean) == clean
    with rolled_back():
        item, result = upsert_item(data, actor=None, now=NOW)
        assert result == "created"
        assert item_to_dict(ServiceItem.objects.get(pk=item.pk)) == clean
        again, result = upsert_item(item_to_dict(item), actor=None, now=LATER)
        assert (again.pk, result) == (item.pk, "unchanged")


@SETTINGS
@given(first=item_dicts(code="P-1"), second=item_dicts(code="P-1"))
def test_a_second_dict_never_changes_a_published_version(first, second):
    first["status"] = "published" if first["materials"] and first["legal_basis"] else "draft"
    if first["status"] == "published" and first["kind"] == "promised":
        first["statutory_limit"] = max(first["statutory_limit"], 1)
        first["promised_limit"] = max(first["promised_limit"], 1)
        first["steps"] = [s | {"days": 0} for s in first["steps"]]
    with rolled_back():
        item, _ = upsert_item(first, actor=None, now=NOW)
        before = item_to_dict(item)
        upsert_item(second, actor=None, now=LATER)
        after = item_to_dict(ServiceItem.objects.get(pk=item.pk))
        if before["status"] == "published":
            assert {k: v for k, v in after.items() if k != "status"} == {
                k: v for k, v in before.items() if k != "status"
            }
        assert ServiceItem.objects.filter(code="P-1", status="published").count() <= 1
        assert (
            ServiceItem.objects.filter(code="P-1", status__in=["draft", "incomplete"]).count() <= 1
        )


def cells(xlsx: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@settings(SETTINGS, max_examples=25)
@given(catalog=st.lists(item_dicts(), min_size=1, max_size=4, unique_by=lambda d: d["code"]))
def test_a_catalog_round_trips_through_excel(catalog):
    with rolled_back():
        for data in catalog:
            upsert_item(data, actor=None, now=NOW)
        expected = {d["code"]: clean_item_dict(d) for d in catalog}
        first = export_bytes()
        ServiceItem.objects.all().delete()
        summary = import_catalog(first, actor=None, now=LATER)
        assert summary.created == len(catalog)
        assert {i.code: item_to_dict(i) for i in ServiceItem.objects.all()} == expected
        assert cells(export_bytes()) == cells(first)
        assert import_catalog(first, actor=None, now=LATER).unchanged == len(catalog)
