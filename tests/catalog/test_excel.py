"""Excel export and import of the whole catalog: exact round trip, all-or-nothing errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from onestop.catalog.actions import start_new_version, upsert_item
from onestop.catalog.excel import (
    SHEET_ITEMS,
    SHEET_MATERIALS,
    SHEET_STEPS,
    CatalogImportError,
    export_bytes,
    import_catalog,
)
from onestop.catalog.models import ItemChange, ServiceItem

from .conftest import LATER, NOW, item_data

pytestmark = pytest.mark.usefixtures("depts")


def cells(xlsx: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def build_catalog() -> None:
    upsert_item(item_data(), actor=None, now=NOW)
    upsert_item(
        item_data(
            "511A0002-002",
            name="=SUM(A1) 以等号开头的名称",
            category="公共服务",
            department="mzj",
            co_departments=[],
            legal_basis="第一行\n第二行",
            kind="instant",
            statutory_limit=0,
            promised_limit=0,
            online_depth=4,
            on_site_visits=0,
            levels=["community"],
            themes=["person", "enterprise"],
            life_events=["birth", "tax"],
            steps=[{"name": "受理并办结", "role": "clerk", "days": 0}],
            form=[],
            materials=[
                {
                    "name": "身份证",
                    "required": False,
                    "form": "electronic",
                    "count": 2,
                    "tolerance": False,
                    "note": "多行\n说明",
                }
            ],
        ),
        actor=None,
        now=NOW,
    )
    upsert_item(
        item_data(
            "511A0003-003",
            status="incomplete",
            legal_basis="",
            materials=[],
            steps=[],
            form=[],
            statutory_limit=0,
            promised_limit=0,
        ),
        actor=None,
        now=NOW,
    )
    # A published item with a newer draft: the published version is the one exported.
    published, _ = upsert_item(item_data("511A0004-004", name="已发布版本"), actor=None, now=NOW)
    draft = start_new_version(published, actor=None, now=NOW)
    ServiceItem.objects.filter(pk=draft.pk).update(name="草稿版本")


def test_export_has_one_row_per_current_item_and_chinese_headers():
    build_catalog()
    sheets = cells(export_bytes())
    assert list(sheets) == ["事项", "材料", "环节", "申请表", "说明"]
    items = sheets[SHEET_ITEMS]
    assert items[0][:3] == ("事项编码", "事项名称", "事项类型")
    assert [r[0] for r in items[1:]] == [
        "511A0001-001",
        "511A0002-002",
        "511A0003-003",
        "511A0004-004",
    ]
    assert items[4][1] == "已发布版本"
    first = dict(zip(items[0], items[1], strict=True))
    assert first["协办部门编码"] == "mzj"
    assert first["受理层级"] == "区级、街道/镇"
    assert first["办件类型"] == "承诺件"
    assert first["状态"] == "已发布"
    assert first["实施部门名称（仅供查看，导入时忽略）"] == "攀枝花市西区市场监督管理局"
    second = dict(zip(items[0], items[2], strict=True))
    assert second["事项名称"].startswith("=SUM")
    assert [r[:3] for r in sheets[SHEET_STEPS][1:4]] == [
        ("511A0001-001", "受理", "窗口受理员"),
        ("511A0001-001", "审核", "审核人"),
        ("511A0001-001", "决定", "审批人"),
    ]


def test_round_trip_is_exact(django_db_blocker):
    build_catalog()
    first = export_bytes()
    ServiceItem.objects.all().delete()
    summary = import_catalog(first, actor=None, now=LATER)
    assert (summary.created, summary.unchanged) == (4, 0)
    second = export_bytes()
    assert cells(second) == cells(first)


def test_importing_an_unchanged_export_changes_nothing():
    build_catalog()
    before = list(ServiceItem.objects.order_by("pk").values())
    changes = ItemChange.objects.count()
    summary = import_catalog(export_bytes(), actor=None, now=LATER)
    assert (summary.created, summary.new_versions, summary.updated, summary.unchanged) == (
        0,
        0,
        0,
        4,
    )
    assert list(ServiceItem.objects.order_by("pk").values()) == before
    assert ItemChange.objects.count() == changes


def test_an_edited_cell_makes_a_new_version():
    build_catalog()
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("承诺办结时限（工作日）") + 1, value=6)
    buffer = io.BytesIO()
    wb.save(buffer)
    summary = import_catalog(buffer.getvalue(), actor=None, now=LATER)
    assert (summary.new_versions, summary.unchanged) == (1, 3)
    v1, v2 = ServiceItem.objects.filter(code="511A0001-001").order_by("version")
    assert (v1.status, v1.promised_limit, v2.status, v2.promised_limit) == (
        "superseded",
        5,
        "published",
        6,
    )


def bad_workbook() -> bytes:
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    headers = [c.value for c in ws[1]]

    def put(row: int, header: str, value: object) -> None:
        ws.cell(row=row, column=headers.index(header) + 1, value=value)

    put(2, "承诺办结时限（工作日）", 99)  # more than statutory (20)
    put(3, "办件类型", "马上办")  # not a choice
    put(3, "法定办结时限（工作日）", "二十")  # not an integer
    put(4, "实施部门编码", "nope")  # unknown department
    put(5, "人生事件/经营阶段", "birth、moon")  # unknown life event
    materials = wb[SHEET_MATERIALS]
    materials.cell(row=2, column=3, value="也许")  # 是否必要
    materials.append(["NO-SUCH-CODE", "某材料", "是", "原件", 1, "否", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_bad_file_lists_every_bad_row_and_column_and_imports_nothing():
    build_catalog()
    data = bad_workbook()
    ServiceItem.objects.all().delete()
    with pytest.raises(CatalogImportError) as exc:
        import_catalog(data, actor=None, now=LATER)
    found = {(p.sheet, p.row, p.column) for p in exc.value.rows}
    assert found == {
        ("事项", 2, "承诺办结时限（工作日）"),
        ("事项", 3, "办件类型"),
        ("事项", 3, "法定办结时限（工作日）"),
        ("事项", 4, "实施部门编码"),
        ("事项", 5, "人生事件/经营阶段"),
        ("材料", 2, "是否必要"),
        ("材料", 7, "事项编码"),
    }
    text = str(exc.value)
    assert "未导入任何内容" in text
    assert "事项 第3行【法定办结时限（工作日）】：应填整数，而不是“二十”" in text
    assert "材料 第7行【事项编码】：编码“NO-SUCH-CODE”不在“事项”工作表中" in text
    assert not ServiceItem.objects.exists()


def test_a_conflict_found_while_writing_rolls_back_the_whole_file():
    build_catalog()
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    ws.cell(row=2, column=2, value="改了名称的事项")  # a clean change: would be a new version
    ws.cell(row=5, column=2, value="与草稿冲突的修改")  # 511A0004 has an open draft
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(CatalogImportError) as exc:
        import_catalog(buffer.getvalue(), actor=None, now=LATER)
    assert [(p.sheet, p.row, p.column) for p in exc.value.rows] == [("事项", 5, "事项编码")]
    assert "已有未发布的草稿（第2版）" in exc.value.rows[0].message
    assert ServiceItem.objects.filter(code="511A0001-001").count() == 1


def test_the_commands_export_and_import(tmp_path: Path, capsys):
    build_catalog()
    path = tmp_path / "catalog.xlsx"
    call_command("export_catalog", str(path))
    assert "已导出 4 个事项" in capsys.readouterr().out
    call_command("import_catalog", str(path))
    out = capsys.readouterr().out
    assert "未变 4 项" in out and "4 unchanged" in out


def test_the_import_command_fails_with_the_error_list(tmp_path: Path, capsys):
    build_catalog()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bad_workbook())
    with pytest.raises(CommandError, match="7 处错误"):
        call_command("import_catalog", str(path))
    err = capsys.readouterr().err
    assert "事项 第4行【实施部门编码】：未知的部门“nope”" in err


def test_an_unknown_file_is_refused():
    with pytest.raises(CatalogImportError, match="无法识别的文件"):
        import_catalog("甲,乙\n1,2\n".encode(), actor=None, now=NOW)
    with pytest.raises(CatalogImportError, match=r"旧版 \.xls"):
        import_catalog(b"\xd0\xcf\x11\xe0" + b"\0" * 100, actor=None, now=NOW)


def test_departments_may_be_named_instead_of_keyed(dept_a, dept_b):
    build_catalog()
    wb = load_workbook(io.BytesIO(export_bytes()))
    ws = wb[SHEET_ITEMS]
    ws.cell(row=2, column=4, value=dept_a.name)  # 实施部门编码
    ws.cell(row=2, column=6, value=dept_b.name)  # 协办部门编码
    buffer = io.BytesIO()
    wb.save(buffer)
    summary = import_catalog(buffer.getvalue(), actor=None, now=LATER)
    assert summary.unchanged == 4
