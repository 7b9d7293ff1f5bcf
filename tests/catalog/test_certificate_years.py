"""An item's certificate validity (证照有效期) is kept with the item and in its Excel round trip."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from onestop.catalog.actions import upsert_item
from onestop.catalog.excel import SHEET_ITEMS, CatalogImportError, export_bytes, import_catalog
from onestop.catalog.models import ServiceItem
from onestop.catalog.schema import CatalogError

from .conftest import LATER, NOW, item_data

pytestmark = pytest.mark.usefixtures("depts")

HEADER = "证照有效期（年，0为长期）"


def test_the_item_keeps_its_validity_and_a_change_makes_a_new_version():
    item, _ = upsert_item(item_data(), actor=None, now=NOW)
    assert item.certificate_years == 5
    changed, result = upsert_item({**item_data(), "certificate_years": 3}, actor=None, now=LATER)
    assert (result, changed.version, changed.certificate_years) == ("new_version", 2, 3)


@pytest.mark.parametrize(
    ("value", "message"), [(-1, "0 到 30 之间"), (31, "0 到 30 之间"), ("五", "整数")]
)
def test_a_bad_validity_is_refused_in_chinese(value, message):
    with pytest.raises(CatalogError) as exc:
        upsert_item({**item_data(), "certificate_years": value}, actor=None, now=NOW)
    assert "证照有效期" in str(exc.value)
    assert message in str(exc.value)


def test_the_spreadsheet_carries_the_validity_both_ways():
    upsert_item(item_data(), actor=None, now=NOW)
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    headers = [c.value for c in ws[1]]
    column = headers.index(HEADER) + 1
    assert ws.cell(row=2, column=column).value == 5
    ws.cell(row=2, column=column, value=4)
    buffer = io.BytesIO()
    wb.save(buffer)
    import_catalog(buffer.getvalue(), actor=None, now=LATER)
    live = ServiceItem.objects.get(code=item_data()["code"], status="published")
    assert live.certificate_years == 4
    ws.cell(row=2, column=column, value="长期")
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(CatalogImportError) as exc:
        import_catalog(buffer.getvalue(), actor=None, now=LATER)
    assert HEADER in str(exc.value)
