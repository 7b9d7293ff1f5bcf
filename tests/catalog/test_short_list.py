"""Short lists published by governments: 部门, 事项名称, 事项编码 (and taskType), .xlsx or .csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from onestop.catalog.actions import upsert_item
from onestop.catalog.excel import CatalogImportError, import_catalog
from onestop.catalog.models import ServiceItem
from onestop.org.models import Department, Region

from .conftest import NOW, item_data

SAMPLE = Path(__file__).parent / "data" / "guangan-sample.csv"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "sichuan-guangan-catalog.csv"


def sample_rows() -> list[list[str]]:
    with SAMPLE.open(encoding="utf-8") as f:
        return list(csv.reader(f))


def as_xlsx(rows: list[list[str]], title_row: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    if title_row:
        ws.append([title_row])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def as_csv(rows: list[list[str]], *, bom: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def expected_departments() -> set[str]:
    return {r[0] for r in sample_rows()[1:]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv-bom", "csv"])
def test_it_creates_departments_and_incomplete_items(district: Region, fmt: str):
    rows = sample_rows()
    data = as_xlsx(rows) if fmt == "xlsx" else as_csv(rows, bom=fmt == "csv-bom")
    summary = import_catalog(data, actor=None, now=NOW)
    assert (summary.created, summary.updated, summary.unchanged) == (30, 0, 0)
    assert set(summary.departments_created) == expected_departments()
    items = ServiceItem.objects.all()
    assert {i.status for i in items} == {"incomplete"}
    assert {i.version for i in items} == {1}
    first = ServiceItem.objects.get(code=rows[1][3])
    assert (first.name, first.department.name, first.category) == (
        rows[1][2],
        rows[1][0],
        "other_power",  # taskType 10
    )
    assert (first.statutory_limit, first.promised_limit, first.legal_basis) == (0, 0, "")
    assert first.name in first.search_text and rows[1][0] in first.search_text
    dept = first.department
    assert (dept.kind, dept.region, dept.short_name) == ("district", district, rows[1][0])
    assert dept.key.startswith("dept-")
    licensing = ServiceItem.objects.get(code=rows[2][3])
    assert licensing.category == "licensing"  # taskType 1


def test_a_title_row_above_the_headers_is_skipped(district: Region):
    summary = import_catalog(
        as_xlsx(sample_rows(), title_row="广安区政务服务事项清单"), actor=None, now=NOW
    )
    assert summary.created == 30


def test_a_second_import_changes_only_incomplete_items(district: Region, dept_a: Department):
    rows = sample_rows()
    import_catalog(as_csv(rows, bom=True), actor=None, now=NOW)
    again = import_catalog(as_csv(rows, bom=True), actor=None, now=NOW)
    assert (again.created, again.updated, again.unchanged, again.departments_created) == (
        0,
        0,
        30,
        [],
    )
    # A finished (published) item keeps its name; an incomplete one takes the list's.
    published_code = rows[1][3]
    finished, result = upsert_item(
        item_data(published_code, name="已完善的名称", co_departments=[]), actor=None, now=NOW
    )
    assert (result, finished.status, finished.version) == ("updated_draft", "published", 1)
    rows[1][2] = "清单里的新名称"
    rows[2][2] = "另一个新名称"
    rows[2][0] = dept_a.name  # matched by full name, not created
    summary = import_catalog(as_csv(rows, bom=False), actor=None, now=NOW)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 29)
    assert ServiceItem.objects.get(code=published_code).name == "已完善的名称"
    changed = ServiceItem.objects.get(code=rows[2][3])
    assert (changed.name, changed.department, changed.version) == ("另一个新名称", dept_a, 1)


def test_departments_are_matched_by_short_name(district: Region, dept_a: Department):
    rows = [["部门", "事项名称", "事项编码"], [dept_a.short_name, "某事项", "X-1"]]
    summary = import_catalog(as_csv(rows, bom=False), actor=None, now=NOW)
    assert summary.departments_created == []
    assert ServiceItem.objects.get(code="X-1").department == dept_a


def test_it_needs_a_district_root_to_create_departments(db):
    with pytest.raises(CatalogImportError, match="没有区级行政区划"):
        import_catalog(as_csv(sample_rows(), bom=True), actor=None, now=NOW)
    assert not Department.objects.exists()
    assert not ServiceItem.objects.exists()


def test_bad_rows_are_all_listed_and_nothing_is_imported(district: Region):
    rows = sample_rows()
    rows[3][3] = ""  # no code
    rows[5][2] = ""  # no name
    rows[7][3] = rows[6][3]  # duplicate code
    rows[9][4] = "许可"  # taskType not a number
    rows[11][3] = "有 空格"
    with pytest.raises(CatalogImportError) as exc:
        import_catalog(as_csv(rows, bom=True), actor=None, now=NOW)
    assert [(p.row, p.column) for p in exc.value.rows] == [
        (4, "事项编码"),
        (6, "事项名称"),
        (8, "事项编码"),
        (10, "taskType"),
        (12, "事项编码"),
    ]
    assert "与第7行编码重复" in str(exc.value)
    assert not ServiceItem.objects.exists() and not Department.objects.exists()


def test_the_command_prints_the_counts(district: Region, tmp_path: Path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes(as_csv(sample_rows(), bom=True))
    call_command("import_catalog", str(path))
    out = capsys.readouterr().out
    n = len(expected_departments())
    assert "新建事项 30 项" in out and f"新建部门 {n} 个" in out
    assert "30 created" in out and f"departments: {n} created" in out


def test_the_command_exits_non_zero_on_a_bad_list(district: Region, tmp_path: Path, capsys):
    rows = sample_rows()
    rows[2][0] = ""
    path = tmp_path / "list.xlsx"
    path.write_bytes(as_xlsx(rows))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_catalog", str(path))
    assert "清单 第3行【部门】：不能为空" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not here")
def test_the_whole_guangan_list_imports(district: Region):
    summary = import_catalog(SHARED, actor=None, now=NOW)
    assert (summary.created, len(summary.departments_created)) == (1135, 34)
    assert ServiceItem.objects.filter(status="incomplete").count() == 1135


def test_a_code_with_only_superseded_versions_gets_the_next_version(dept_a: Department):
    item, _ = upsert_item(item_data("S-9", co_departments=[]), actor=None, now=NOW)
    ServiceItem.objects.filter(pk=item.pk).update(status="superseded")  # e.g. withdrawn
    rows = [["部门", "事项名称", "事项编码"], [item.department.name, "重新列入的事项", "S-9"]]
    import_catalog(as_csv(rows, bom=False), actor=None, now=NOW)
    assert ServiceItem.objects.get(code="S-9", status="incomplete").version == 2
