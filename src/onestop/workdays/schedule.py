"""A year's schedule file (CSV or .xlsx with columns 日期, 类型, 名称): reading and checking.

Every bad row and column is collected before anything is written, so a file is either loaded
whole or rejected with the full list of what to fix.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from onestop.lib.uploads import UnsafeUpload, check_archive
from onestop.workdays.models import CalendarDay

DATE, KIND, NAME = "日期", "类型", "名称"
REQUIRED_COLUMNS = (DATE, KIND)
KINDS = {"休": CalendarDay.Kind.HOLIDAY, "班": CalendarDay.Kind.WORKDAY}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
NAME_MAX = 60
FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_ROWS = 1000


@dataclass(frozen=True)
class ScheduleRow:
    """One row as read, cells not yet checked. `line` is the file line (0: number by position)."""

    date: object
    kind: object
    name: object = ""
    line: int = 0


@dataclass(frozen=True)
class ScheduleDay:
    """One checked row."""

    date: date
    kind: str
    name: str
    line: int


@dataclass(frozen=True)
class RowError:
    line: int  # 0 when the error concerns the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        return f"第 {self.line} 行“{self.column}”：{self.message}"


class ScheduleError(Exception):
    """The schedule was rejected; `errors` lists every bad row and column."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("；".join(str(e) for e in self.errors))


def read_schedule_file(data: IO[bytes], filename: str) -> list[ScheduleRow]:
    """The rows of a CSV (UTF-8 or GB18030, as Excel saves it) or .xlsx file."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        table = _csv_table(data.read())
    elif lower.endswith(".xlsx"):
        table = _xlsx_table(data)
    else:
        raise ScheduleError([RowError(0, "文件", "只支持 CSV 或 .xlsx 文件")])
    return _rows_from_table(table)


def _csv_table(raw: bytes) -> Iterable[tuple[int, list[object]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ScheduleError([RowError(0, "文件", "无法识别文件编码，请保存为 UTF-8 CSV")])
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(reader.line_num, list(cells)) for cells in reader]


def _xlsx_table(data: IO[bytes]) -> Iterable[tuple[int, list[object]]]:
    from openpyxl import load_workbook  # imported here: only uploads need it

    try:
        check_archive(data)  # before openpyxl inflates anything
    except UnsafeUpload as exc:
        raise ScheduleError([RowError(0, "文件", exc.message)]) from exc
    try:
        book = load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged file
        raise ScheduleError(
            [RowError(0, "文件", "无法读取 .xlsx 文件，请检查文件是否损坏")]
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [
            (n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows_from_table(table: Iterable[tuple[int, list[object]]]) -> list[ScheduleRow]:
    header: dict[str, int] | None = None
    rows: list[ScheduleRow] = []
    for line, cells in table:
        if all(_blank(c) for c in cells):
            continue
        if header is None:
            header = {str(c).strip(): i for i, c in enumerate(cells) if not _blank(c)}
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise ScheduleError(
                    RowError(line, c, f"表头缺少“{c}”列（应为：日期、类型、名称）") for c in missing
                )
            continue
        date_, kind, name = (_cell(cells, header.get(c)) for c in (DATE, KIND, NAME))
        rows.append(ScheduleRow(date_, kind, name or "", line))
        if len(rows) > MAX_ROWS:
            raise ScheduleError([RowError(0, "文件", f"数据行超过 {MAX_ROWS} 行")])
    return rows


def _cell(cells: list[object], index: int | None) -> object:
    return cells[index] if index is not None and index < len(cells) else None


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
            except ValueError:
                continue
    raise ValueError


def infer_year(rows: Sequence[ScheduleRow]) -> int | None:
    """The year most of the rows' dates fall in (None on a tie or with no readable date).

    Rows of other years are then reported by check_schedule, so a guess never loads anything.
    """
    years: Counter[int] = Counter()
    for row in rows:
        try:
            years[_parse_date(row.date).year] += 1
        except ValueError:
            continue
    ranked = years.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def check_schedule(year: int, rows: Sequence[ScheduleRow]) -> list[ScheduleDay]:
    """Check every row against `year`; raise ScheduleError listing all problems at once."""
    errors: list[RowError] = []
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(RowError(0, "年份", f"年份须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间"))
    if not rows:
        errors.append(RowError(0, "文件", "文件中没有数据行"))
    days: list[ScheduleDay] = []
    seen: dict[date, int] = {}
    for index, row in enumerate(rows):
        line = row.line or index + 2  # as if read from a file with its header on line 1
        before = len(errors)
        d = _check_date(row.date, year, line, seen, errors)
        kind = _check_kind(row.kind, line, errors)
        name = "" if _blank(row.name) else str(row.name).strip()
        if len(name) > NAME_MAX:
            errors.append(RowError(line, NAME, f"名称不能超过 {NAME_MAX} 个字"))
        if d is not None:
            seen.setdefault(d, line)
        if len(errors) == before and d is not None and kind is not None:
            days.append(ScheduleDay(d, kind, name, line))
    if errors:
        raise ScheduleError(errors)
    return days


def _check_date(
    value: object, year: int, line: int, seen: dict[date, int], errors: list[RowError]
) -> date | None:
    if _blank(value):
        errors.append(RowError(line, DATE, "必填"))
        return None
    try:
        d = _parse_date(value)
    except ValueError:
        errors.append(RowError(line, DATE, f"无法识别的日期“{value}”，应写作 {year}-01-01"))
        return None
    if d.year != year:
        errors.append(RowError(line, DATE, f"{d:%Y-%m-%d} 不在 {year} 年内"))
        return None
    if d in seen:
        errors.append(RowError(line, DATE, f"{d:%Y-%m-%d} 与第 {seen[d]} 行重复"))
        return None
    return d


def _check_kind(value: object, line: int, errors: list[RowError]) -> str | None:
    if _blank(value):
        errors.append(RowError(line, KIND, "必填（休 或 班）"))
        return None
    kind = KINDS.get(str(value).strip())
    if kind is None:
        errors.append(RowError(line, KIND, f"应为“休”或“班”，而不是“{value}”"))
    return kind
