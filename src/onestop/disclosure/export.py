"""The published licence decisions as a workbook and as CSV (the same columns)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from onestop.disclosure.models import LicenceDecision
from onestop.workdays.calendar import local_date

# (header, value) in the 双公示 行政许可 data items' order; dates stay dates.
COLUMNS: list[tuple[str, Callable[[Any], Any]]] = [
    ("行政相对人名称", lambda r: r.counterpart_name),
    ("行政相对人类别", lambda r: r.get_counterpart_kind_display()),
    ("统一社会信用代码", lambda r: r.counterpart_code),
    ("行政许可决定文书名称", lambda r: r.document_name),
    ("行政许可决定文书号", lambda r: r.document_number),
    ("许可决定", lambda r: r.get_decision_display()),
    ("许可内容", lambda r: r.item_name),
    ("事项编码", lambda r: r.item_code),
    ("许可证书编号", lambda r: r.certificate_number or ""),
    ("许可决定日期", lambda r: r.decided_on),
    ("有效期自", lambda r: local_date(r.valid_from) if r.valid_from else None),
    ("有效期至", lambda r: r.valid_until),
    ("许可机关", lambda r: r.department_name),
    ("许可机关统一社会信用代码", lambda r: r.department_code),
    ("许可依据", lambda r: r.legal_basis),
    ("不予许可理由", lambda r: r.reasons),
    ("公示日期", lambda r: local_date(r.published_at)),
]
HEAD = ["序号", *(h for h, _ in COLUMNS)]
DATE_HEADS = ("日期", "有效期自", "有效期至")


def rows(decisions: Iterable[LicenceDecision]) -> Iterable[list[Any]]:
    for n, row in enumerate(decisions, start=1):
        yield [n, *(value(row) for _, value in COLUMNS)]


def export_xlsx(decisions: Iterable[LicenceDecision]) -> bytes:
    """One sheet: a header row, then a row per decision; 序号 a number, dates real dates."""
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = "行政许可公示"
    sheet.append(HEAD)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_cols = {i for i, head in enumerate(HEAD, start=1) if head.endswith(DATE_HEADS)}
    for values in rows(decisions):
        sheet.append(values)
    for col in date_cols:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "yyyy-mm-dd"
    for i, head in enumerate(HEAD, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(head) * 2 + 4))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_csv(decisions: Iterable[LicenceDecision]) -> str:
    """CSV with a byte-order mark, so that Excel opens the Chinese text as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEAD)
    for values in rows(decisions):
        writer.writerow([v.isoformat() if isinstance(v, date | datetime) else v for v in values])
    return out.getvalue()


def filename(ext: str, today: date) -> str:
    return f"licence-decisions-{today.isoformat()}.{ext}"
