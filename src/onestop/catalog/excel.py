"""Excel import and export of the whole catalog, and import of published short lists.

Two formats, told apart by their headers:
- the full catalog (.xlsx): sheets 事项, 材料, 环节, 申请表 and 说明 (what `export_catalog` writes);
- a short list (.xlsx or UTF-8 .csv) with the columns 部门, 事项名称, 事项编码 (and optionally
  taskType): departments are created as needed and new items start as incomplete.
An import validates every row first and writes nothing unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from onestop.catalog import actions
from onestop.catalog.actions import Actor, ListedItem, Lookups
from onestop.catalog.models import LifeEvent, ServiceItem
from onestop.catalog.queries import with_parts
from onestop.catalog.schema import (
    CATEGORY_BY_LABEL,
    CATEGORY_LABELS,
    FORM_FIELD_TYPES,
    FORM_LABELS,
    ITEM_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    LIST_SEPARATOR,
    MATERIAL_FORM_LABELS,
    MATERIAL_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    THEME_LABELS,
    CatalogError,
    Problem,
    check_item_dict,
    item_to_dict,
    role_labels,
    split_words,
    text_problem,
)
from onestop.lib.uploads import UnsafeUpload, check_archive
from onestop.org.models import Department

SHEET_ITEMS = "事项"
SHEET_MATERIALS = "材料"
SHEET_STEPS = "环节"
SHEET_FORM = "申请表"
SHEET_README = "说明"
CODE_HEADER = ITEM_LABELS["code"]
DEPARTMENT_NAME_HEADER = "实施部门名称（仅供查看，导入时忽略）"
# Separators accepted in a list cell on import; the export writes LIST_SEPARATOR.
_SEPARATORS = str.maketrans(dict.fromkeys(",，;；\n", LIST_SEPARATOR))
_YES = {"是", "true", "1", "y", "yes", "√"}
_NO = {"否", "false", "0", "n", "no", "×"}

# taskType of the Sichuan province portal's lists (a reading of its counts, see shared/data).
TASK_TYPES = {
    "1": "licensing",
    "5": "payment",
    "7": "confirmation",
    "8": "reward",
    "9": "ruling",
    "10": "other_power",
    "20": "public_service",
}
_LIST_HEADERS = {
    "department": ("部门", "实施部门", "实施主体"),
    "name": ("事项名称",),
    "code": ("事项编码", "实施编码"),
    "task_type": ("taskType", "tasktype", "事项类型编码"),
}


@dataclass(frozen=True)
class RowProblem:
    """One bad cell (or row) of an imported file."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet + (f" 第{self.row}行" if self.row else "")
        if self.column:
            where += f"【{self.column}】"
        return f"{where}：{self.message}"


class CatalogImportError(CatalogError):
    """A file that cannot be imported; `rows` lists every bad row and column."""

    def __init__(self, rows: Sequence[RowProblem]) -> None:
        self.rows = list(rows)
        super().__init__(f"导入失败：文件中有 {len(self.rows)} 处错误，未导入任何内容")

    def __str__(self) -> str:
        return "\n".join([self.message, *(str(r) for r in self.rows)])


@dataclass
class ImportSummary:
    format: str  # "full" or "list"
    created: int = 0
    new_versions: int = 0
    updated: int = 0
    unchanged: int = 0
    departments_created: list[str] = field(default_factory=list)

    @property
    def format_label(self) -> str:
        return "完整目录" if self.format == "full" else "事项清单"

    def line(self) -> str:
        d = len(self.departments_created)
        return (
            f"导入完成（{self.format_label}）：新建事项 {self.created} 项，"
            f"新版本 {self.new_versions} 项，更新 {self.updated} 项，"
            f"未变 {self.unchanged} 项；新建部门 {d} 个"
            f" / items: {self.created} created, {self.new_versions} new versions,"
            f" {self.updated} updated, {self.unchanged} unchanged; departments: {d} created"
        )


# -- Cells ----------------------------------------------------------------------------------------

_MISSING = object()  # a blank cell whose field takes its default


class _CellError(ValueError):
    pass


def _text_in(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    return str(raw)


def _int_in(raw: Any) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _MISSING
    if isinstance(raw, bool):
        raise _CellError("应填整数")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    raise _CellError(f"应填整数，而不是“{raw}”")


def _bool_in(raw: Any) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return _MISSING
    if isinstance(raw, bool):
        return raw
    text = str(int(raw) if isinstance(raw, float) and raw.is_integer() else raw).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _CellError(f"应填“是”或“否”，而不是“{raw}”")


def _choice_in(raw: Any) -> Any:
    text = _text_in(raw).strip()
    return text if text else _MISSING


def _list_in(raw: Any) -> list[str]:
    text = _text_in(raw).translate(_SEPARATORS)
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _json_list_in(raw: Any) -> Any:
    text = _text_in(raw).strip()
    if not text:
        return _MISSING
    try:
        value = json.loads(text)
    except ValueError:
        raise _CellError('应为 JSON 列表，如 ["是","否"]') from None
    if not isinstance(value, list):
        raise _CellError('应为 JSON 列表，如 ["是","否"]')
    return value


def _bool_out(value: bool) -> str:
    return "是" if value else "否"


@dataclass(frozen=True)
class Column:
    header: str
    key: str | None  # None: shown on export, ignored on import
    out: Callable[[Any], Any]
    into: Callable[[Any], Any]
    # A column added after workbooks were in use: a workbook without it still imports, and the
    # field keeps the current version's value.
    optional: bool = False


def _same(value: Any) -> Any:
    return value


def _labels_out(labels: Mapping[str, str]) -> Callable[[Any], Any]:
    return lambda value: labels[value]


def _joined_out(labels: Mapping[str, str] | None = None) -> Callable[[Any], Any]:
    return lambda values: LIST_SEPARATOR.join(labels[v] if labels else v for v in values)


def _options_out(options: Any) -> Any:
    return json.dumps(options, ensure_ascii=False) if options is not None else None


ITEM_COLUMNS = [
    Column(CODE_HEADER, "code", _same, _text_in),
    Column(ITEM_LABELS["name"], "name", _same, _text_in),
    Column(ITEM_LABELS["category"], "category", _same, _choice_in),
    Column(ITEM_LABELS["department"], "department", _same, _text_in),
    Column(DEPARTMENT_NAME_HEADER, None, _same, _same),
    Column(ITEM_LABELS["co_departments"], "co_departments", _joined_out(), _list_in),
    Column(ITEM_LABELS["legal_basis"], "legal_basis", _same, _text_in),
    Column(ITEM_LABELS["statutory_limit"], "statutory_limit", _same, _int_in),
    Column(ITEM_LABELS["promised_limit"], "promised_limit", _same, _int_in),
    Column(ITEM_LABELS["kind"], "kind", _labels_out(KIND_LABELS), _choice_in),
    Column(ITEM_LABELS["fees"], "fees", _same, _text_in),
    Column(ITEM_LABELS["levels"], "levels", _joined_out(LEVEL_LABELS), _list_in),
    Column(ITEM_LABELS["online_depth"], "online_depth", _same, _int_in),
    Column(ITEM_LABELS["themes"], "themes", _joined_out(THEME_LABELS), _list_in),
    Column(ITEM_LABELS["life_events"], "life_events", _joined_out(), _list_in),
    Column(ITEM_LABELS["on_site_visits"], "on_site_visits", _same, _int_in),
    Column(ITEM_LABELS["status"], "status", _labels_out(STATUS_LABELS), _choice_in),
    # Added later: last, so that the columns of older workbooks keep their places.
    Column(ITEM_LABELS["aliases"], "aliases", _joined_out(), _list_in, optional=True),
    Column(ITEM_LABELS["keywords"], "keywords", _joined_out(), _list_in, optional=True),
    Column(ITEM_LABELS["certificate_years"], "certificate_years", _same, _int_in, optional=True),
]
MATERIAL_COLUMNS = [
    Column(MATERIAL_LABELS["name"], "name", _same, _text_in),
    Column(MATERIAL_LABELS["required"], "required", _bool_out, _bool_in),
    Column(MATERIAL_LABELS["form"], "form", _labels_out(MATERIAL_FORM_LABELS), _choice_in),
    Column(MATERIAL_LABELS["count"], "count", _same, _int_in),
    Column(MATERIAL_LABELS["tolerance"], "tolerance", _bool_out, _bool_in),
    Column(MATERIAL_LABELS["note"], "note", _same, _text_in),
]
STEP_COLUMNS = [
    Column(STEP_LABELS["name"], "name", _same, _text_in),
    Column(STEP_LABELS["role"], "role", lambda v: role_labels()[v], _choice_in),
    Column(STEP_LABELS["days"], "days", _same, _int_in),
]
FORM_COLUMNS = [
    Column(FORM_LABELS["name"], "name", _same, _text_in),
    Column(FORM_LABELS["label"], "label", _same, _text_in),
    Column(FORM_LABELS["type"], "type", _labels_out(FORM_FIELD_TYPES), _choice_in),
    Column(FORM_LABELS["required"], "required", _bool_out, _bool_in),
    Column(FORM_LABELS["options"] + "（JSON）", "options", _options_out, _json_list_in),
]
# Child sheets: (sheet, dict key of the list, columns).
PARTS = [
    (SHEET_MATERIALS, "materials", MATERIAL_COLUMNS),
    (SHEET_STEPS, "steps", STEP_COLUMNS),
    (SHEET_FORM, "form", FORM_COLUMNS),
]


# -- Export ---------------------------------------------------------------------------------------


def current_items() -> list[ServiceItem]:
    """The current version of every code: published, else its draft or incomplete version."""
    qs = with_parts(ServiceItem.objects.exclude(status=ServiceItem.Status.SUPERSEDED)).order_by(
        "code", "version"
    )
    current: dict[str, ServiceItem] = {}
    for item in qs:
        if item.status == ServiceItem.Status.PUBLISHED or item.code not in current:
            current[item.code] = item
    return [current[code] for code in sorted(current)]


def catalog_workbook() -> tuple[Workbook, int]:
    """The whole catalog as a workbook, and the number of items in it."""
    items = current_items()
    dicts = [item_to_dict(i) for i in items]
    names = dict(Department.objects.values_list("key", "name"))
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_ITEMS
    rows = []
    for d in dicts:
        rows.append(
            [
                names.get(d["department"], "") if c.key is None else c.out(d[c.key])
                for c in ITEM_COLUMNS
            ]
        )
    _fill(ws, [c.header for c in ITEM_COLUMNS], rows)
    for sheet, key, columns in PARTS:
        rows = [
            [d["code"], *(c.out(part.get(c.key)) for c in columns)]
            for d in dicts
            for part in d[key]
        ]
        _fill(wb.create_sheet(sheet), [CODE_HEADER, *(c.header for c in columns)], rows)
    _readme(wb.create_sheet(SHEET_README))
    return wb, len(items)


def export_catalog(target: str | Path | IO[bytes]) -> int:
    """Write the whole catalog to an .xlsx file; returns the number of items."""
    wb, count = catalog_workbook()
    wb.save(target)
    return count


def export_bytes() -> bytes:
    buffer = io.BytesIO()
    export_catalog(buffer)
    return buffer.getvalue()


def _fill(ws: Any, headers: list[str], rows: Iterable[list[Any]]) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            # A text beginning with "=" is a value here, not a formula.
            if cell.data_type == "f":
                cell.data_type = "s"
    ws.freeze_panes = "B2"
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(40, max(10, len(header) * 2 + 2))


def _readme(ws: Any) -> None:
    lines: list[list[Any]] = [
        ["OneStop 事项目录导出文件说明"],
        [],
        ["工作表", "内容"],
        [SHEET_ITEMS, "每个事项一行（已发布的版本；没有已发布版本时为草稿或待完善版本）"],
        [SHEET_MATERIALS, "申请材料，每行一项，按事项编码对应，行的先后即材料顺序"],
        [SHEET_STEPS, "办理环节，每行一个，行的先后即环节顺序"],
        [SHEET_FORM, "申请表（一事一表）字段，每行一个；选项列为 JSON 列表，只用于下拉选择和单选"],
        [],
        ["导入规则"],
        ["· 先检查整个文件，有任何错误则列出全部错误（工作表、行号、列名），不导入任何内容。"],
        ["· 已发布事项的内容有变化时生成新版本并发布，旧版本保留不变；内容相同的不做修改。"],
        ["· 文件中没有的事项不受影响；多个值用“、”分隔。"],
        [f"· “{DEPARTMENT_NAME_HEADER}”列仅供查看。"],
        [
            f"· “{ITEM_LABELS['aliases']}”“{ITEM_LABELS['keywords']}”列是居民搜索时会输入的词"
            "（如 低保、开饭店），可以没有这两列：没有时保留事项现有的词。"
        ],
        [],
        ["列", "可选值"],
        [ITEM_LABELS["category"], LIST_SEPARATOR.join(CATEGORY_LABELS.values())],
        [ITEM_LABELS["kind"], LIST_SEPARATOR.join(KIND_LABELS.values())],
        [ITEM_LABELS["levels"], LIST_SEPARATOR.join(LEVEL_LABELS.values())],
        [ITEM_LABELS["themes"], LIST_SEPARATOR.join(THEME_LABELS.values())],
        [ITEM_LABELS["online_depth"], "1 信息发布、2 表格下载、3 网上预审、4 全程网办"],
        [ITEM_LABELS["status"], "已发布、草稿、待完善（空白为已发布）"],
        [MATERIAL_LABELS["form"], LIST_SEPARATOR.join(MATERIAL_FORM_LABELS.values())],
        [STEP_LABELS["role"], LIST_SEPARATOR.join(role_labels().values())],
        [FORM_LABELS["type"], LIST_SEPARATOR.join(FORM_FIELD_TYPES.values())],
        ["是/否列", "是、否"],
        [],
        ["部门编码", "部门名称"],
        *[[k, n] for k, n in Department.objects.order_by("key").values_list("key", "name")],
        [],
        ["人生事件/经营阶段编码", "名称"],
        *[[k, n] for k, n in LifeEvent.objects.order_by("key").values_list("key", "name")],
    ]
    for line in lines:
        ws.append(line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# -- Import ---------------------------------------------------------------------------------------


def import_catalog(
    source: str | Path | bytes | IO[bytes], *, actor: Actor, now: datetime
) -> ImportSummary:
    """Import a full catalog (.xlsx) or a short list (.xlsx or UTF-8 .csv), all or nothing."""
    data = _read_bytes(source)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise CatalogImportError([RowProblem("", None, "", "不支持旧版 .xls 文件，请另存为 .xlsx")])
    if data[:2] == b"PK":
        try:
            check_archive(data)  # before openpyxl inflates anything
        except UnsafeUpload as exc:
            raise CatalogImportError([RowProblem("", None, "", exc.message)]) from exc
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's problem
            raise CatalogImportError(
                [RowProblem("", None, "", f"无法读取 Excel 文件：{exc}")]
            ) from exc
        try:
            full = SHEET_ITEMS in wb.sheetnames
            if full and _looks_full(wb[SHEET_ITEMS]):
                return _import_full(wb, actor=actor, now=now)
            for ws in wb.worksheets:
                rows = _sheet_rows(ws)
                found = _find_list_header(rows)
                if found is not None:
                    return _import_list(ws.title, found, rows, actor=actor, now=now)
            if full:  # a damaged full export: say which columns are missing
                return _import_full(wb, actor=actor, now=now)
        finally:
            wb.close()
        raise CatalogImportError([RowProblem("", None, "", _UNKNOWN_FORMAT)])
    rows = _csv_rows(data)
    found = _find_list_header(rows)
    if found is None:
        raise CatalogImportError([RowProblem("CSV", None, "", _UNKNOWN_FORMAT)])
    return _import_list("CSV", found, rows, actor=actor, now=now)


_UNKNOWN_FORMAT = (
    "无法识别的文件：需要完整目录格式（含“事项”工作表），"
    "或含有“部门”“事项名称”“事项编码”列的事项清单（.xlsx 或 UTF-8 编码的 .csv）"
)


def _looks_full(ws: Any) -> bool:
    first = next(ws.iter_rows(max_row=1, values_only=True), ())
    header = _header_index(first)
    return ITEM_LABELS["department"] in header or ITEM_LABELS["legal_basis"] in header


def _read_bytes(source: str | Path | bytes | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def _sheet_rows(ws: Any) -> list[tuple[int, tuple[Any, ...]]]:
    """Non-blank rows of a sheet with their row numbers."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some writers record a wrong size; read what is there
    out = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if any(v is not None and str(v).strip() for v in values):
            out.append((number, tuple(values)))
    return out


def _csv_rows(data: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # Excel in China saves "CSV" as GBK unless told otherwise
        except UnicodeDecodeError:
            raise CatalogImportError(
                [RowProblem("CSV", None, "", "文件编码无法识别，请另存为 UTF-8 编码的 CSV")]
            ) from None
    out = []
    for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if any(v.strip() for v in values):
            out.append((number, tuple(values)))
    return out


def _header_index(values: Sequence[Any]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, v in enumerate(values):
        if v is not None and str(v).strip():
            index.setdefault(str(v).strip(), i)
    return index


# -- Full catalog ---------------------------------------------------------------------------------


@dataclass
class _Source:
    row: int
    parts: dict[str, list[int]] = field(
        default_factory=lambda: {"materials": [], "steps": [], "form": []}
    )


def _import_full(wb: Any, *, actor: Actor, now: datetime) -> ImportSummary:
    problems: list[RowProblem] = []
    sheets = {}
    for name, columns in [(SHEET_ITEMS, ITEM_COLUMNS), *((s, c) for s, _, c in PARTS)]:
        if name not in wb.sheetnames:
            problems.append(RowProblem(name, None, "", "缺少此工作表"))
            continue
        rows = _sheet_rows(wb[name])
        header = _header_index(rows[0][1]) if rows else {}
        headers = [CODE_HEADER] + [c.header for c in columns if c.key and not c.optional]
        missing = [h for h in dict.fromkeys(headers) if h not in header]
        for h in missing:
            problems.append(RowProblem(name, rows[0][0] if rows else 1, h, "缺少此列"))
        sheets[name] = (header, rows[1:])
    if problems:
        raise CatalogImportError(problems)
    items, sources = _parse_items(sheets, problems)
    _keep_absent_columns(items, sheets[SHEET_ITEMS][0])
    lookups = Lookups.load()
    _department_names_to_keys(items, lookups)
    cleaned = []
    for data, source in zip(items, sources, strict=True):
        clean, found = check_item_dict(
            data, departments=lookups.departments, life_events=lookups.life_events
        )
        problems.extend(_locate(p, source) for p in found)
        cleaned.append(clean)
    if problems:
        raise CatalogImportError(_unique(problems))
    summary = ImportSummary("full")
    with transaction.atomic():
        locked = actions.lock_versions_of([c["code"] for c in cleaned])
        for clean, source in zip(cleaned, sources, strict=True):
            try:
                _, result = actions.upsert_clean(
                    clean, lookups, actor=actor, now=now, versions=locked.get(clean["code"], [])
                )
            except CatalogError as exc:
                problems.append(RowProblem(SHEET_ITEMS, source.row, CODE_HEADER, exc.message))
                continue
            _count(summary, result)
        if problems:
            raise CatalogImportError(problems)  # rolls back everything written above
    return summary


def _keep_absent_columns(items: list[dict[str, Any]], header: dict[str, int]) -> None:
    """An optional column the workbook lacks keeps each item's current value (not a blank)."""
    absent = [c.key for c in ITEM_COLUMNS if c.optional and c.key and c.header not in header]
    if not absent:
        return
    codes = [str(d.get("code", "")).strip() for d in items]
    current: dict[str, dict[str, Any]] = {}
    rows = (
        ServiceItem.objects.exclude(status=ServiceItem.Status.SUPERSEDED)
        .filter(code__in=codes)
        .order_by("code", "version")
        .values("code", "status", *absent)
    )
    for row in rows:  # the published version, else the newest one in preparation
        if row["status"] == ServiceItem.Status.PUBLISHED or row["code"] not in current:
            current[row["code"]] = row
    for code, data in zip(codes, items, strict=True):
        for key in absent:
            data[key] = split_words(current[code][key]) if code in current else []


def _department_names_to_keys(items: list[dict[str, Any]], lookups: Lookups) -> None:
    """Let a department column name a department by its full name as well as by its key."""
    by_name = {d.name: key for key, d in lookups.departments.items()}
    for data in items:
        value = data.get("department")
        if isinstance(value, str) and value not in lookups.departments and value in by_name:
            data["department"] = by_name[value]
        co = data.get("co_departments")
        if isinstance(co, list):
            data["co_departments"] = [
                v if v in lookups.departments else by_name.get(v, v) for v in co
            ]


def _count(summary: ImportSummary, result: str) -> None:
    if result == "created":
        summary.created += 1
    elif result == "new_version":
        summary.new_versions += 1
    elif result == "updated_draft":
        summary.updated += 1
    else:
        summary.unchanged += 1


def _cells(
    sheet: str,
    number: int,
    values: tuple[Any, ...],
    header: dict[str, int],
    columns: list[Column],
    problems: list[RowProblem],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in columns:
        if c.key is None or c.header not in header:
            continue  # a column shown on export only, or an optional one the workbook lacks
        i = header[c.header]
        raw = values[i] if i < len(values) else None
        try:
            value = c.into(raw)
        except _CellError as exc:
            problems.append(RowProblem(sheet, number, c.header, str(exc)))
            value = raw  # validation then knows the field is broken (its message is dropped)
        if value is not _MISSING:
            out[c.key] = value
    return out


def _parse_items(
    sheets: dict[str, tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]],
    problems: list[RowProblem],
) -> tuple[list[dict[str, Any]], list[_Source]]:
    header, rows = sheets[SHEET_ITEMS]
    items: list[dict[str, Any]] = []
    sources: list[_Source] = []
    by_code: dict[str, int] = {}
    for number, values in rows:
        data = _cells(SHEET_ITEMS, number, values, header, ITEM_COLUMNS, problems)
        code = str(data.get("code", "")).strip()
        if code in by_code:
            first = sources[by_code[code]].row
            problems.append(RowProblem(SHEET_ITEMS, number, CODE_HEADER, f"与第{first}行编码重复"))
            continue
        for _, key, _ in PARTS:
            data[key] = []
        if code:
            by_code[code] = len(items)
        items.append(data)
        sources.append(_Source(number))
    for sheet, key, columns in PARTS:
        header, rows = sheets[sheet]
        for number, values in rows:
            i = header[CODE_HEADER]
            code = _text_in(values[i] if i < len(values) else None).strip()
            part = _cells(sheet, number, values, header, columns, problems)
            if code not in by_code:
                message = "不能为空" if not code else f"编码“{code}”不在“{SHEET_ITEMS}”工作表中"
                problems.append(RowProblem(sheet, number, CODE_HEADER, message))
                continue
            items[by_code[code]][key].append(part)
            sources[by_code[code]].parts[key].append(number)
    return items, sources


_PART_SHEETS = {key: (sheet, columns) for sheet, key, columns in PARTS}
_ITEM_HEADERS = {c.key: c.header for c in ITEM_COLUMNS if c.key}


def _locate(problem: Problem, source: _Source) -> RowProblem:
    """The sheet, row and column of a problem found in an item dict."""
    path = problem.path
    if len(path) >= 2 and path[0] in _PART_SHEETS and isinstance(path[1], int):
        sheet, columns = _PART_SHEETS[str(path[0])]
        row = source.parts[str(path[0])][path[1]]
        headers = {c.key: c.header for c in columns}
        column = headers.get(str(path[2]), str(path[2])) if len(path) > 2 else ""
        return RowProblem(sheet, row, column, problem.message)
    column = _ITEM_HEADERS.get(str(path[0]), ITEM_LABELS.get(str(path[0]), "")) if path else ""
    return RowProblem(SHEET_ITEMS, source.row, column, problem.message)


def _unique(problems: list[RowProblem]) -> list[RowProblem]:
    """One problem per cell: a cell that did not parse also fails validation."""
    seen: set[tuple[str, int | None, str]] = set()
    out = []
    for p in problems:
        key = (p.sheet, p.row, p.column)
        if key in seen and p.column:
            continue
        seen.add(key)
        out.append(p)
    return out


# -- Short lists ----------------------------------------------------------------------------------


def _find_list_header(
    rows: list[tuple[int, tuple[Any, ...]]],
) -> tuple[int, dict[str, int]] | None:
    """The position of the header row of a short list and its columns, within the first rows."""
    for position, (_, values) in enumerate(rows[:10]):
        header = _header_index(values)
        columns = {}
        for key, names in _LIST_HEADERS.items():
            for name in names:
                if name in header:
                    columns[key] = header[name]
                    break
        if {"department", "name", "code"} <= columns.keys():
            return position, columns
    return None


def _import_list(
    sheet: str,
    found: tuple[int, dict[str, int]],
    rows: list[tuple[int, tuple[Any, ...]]],
    *,
    actor: Actor,
    now: datetime,
) -> ImportSummary:
    position, columns = found
    problems: list[RowProblem] = []
    listed = list(_parse_list(sheet, rows[position + 1 :], columns, problems))
    if problems:
        raise CatalogImportError(problems)
    try:
        result = actions.import_listed_items(listed, actor=actor, now=now)
    except CatalogImportError:
        raise
    except CatalogError as exc:
        raise CatalogImportError([RowProblem(sheet, None, "部门", exc.message)]) from exc
    return ImportSummary(
        "list",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        departments_created=result.departments_created,
    )


def _parse_list(
    sheet: str,
    rows: list[tuple[int, tuple[Any, ...]]],
    columns: dict[str, int],
    problems: list[RowProblem],
) -> Iterator[ListedItem]:
    first_row: dict[str, int] = {}
    labels = {"department": "部门", "name": "事项名称", "code": "事项编码"}
    limits = {"department": 80, "name": 200, "code": 80}
    for number, values in rows:
        cell = {
            key: _text_in(values[i] if i < len(values) else None).strip()
            for key, i in columns.items()
        }
        bad = False
        for key, label in labels.items():
            message = _list_cell_problem(cell[key], limits[key], key == "code")
            if message:
                problems.append(RowProblem(sheet, number, label, message))
                bad = True
        category = None
        task_type = cell.get("task_type", "")
        if task_type:
            if not task_type.isdigit():
                problems.append(
                    RowProblem(sheet, number, "taskType", f"应为数字，而不是“{task_type}”")
                )
                bad = True
            # Other power types (处罚, 强制, 征收, 检查 …) have no category of their own here.
            category = TASK_TYPES.get(task_type, CATEGORY_BY_LABEL["其他行政权力"])
        code = cell["code"]
        if code and code in first_row:
            problems.append(
                RowProblem(sheet, number, "事项编码", f"与第{first_row[code]}行编码重复")
            )
            bad = True
        first_row.setdefault(code, number)
        if not bad:
            yield ListedItem(
                code=code, name=cell["name"], department=cell["department"], category=category
            )


def _list_cell_problem(value: str, limit: int, is_code: bool) -> str | None:
    if not value:
        return "不能为空"
    return text_problem(value, max_length=limit, code=is_code)
