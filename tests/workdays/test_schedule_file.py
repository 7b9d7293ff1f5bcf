"""Reading a year's schedule from CSV and .xlsx files."""

import io
from datetime import date, datetime

import pytest

from onestop.workdays.schedule import (
    ScheduleError,
    ScheduleRow,
    check_schedule,
    infer_year,
    read_schedule_file,
)
from tests.workdays.helpers import csv_bytes, xlsx_bytes

ROWS = [("2027-01-01", "休", "元旦"), ("2027/02/13", "班", "春节"), ("2027年2月14日", "休", "")]


def checked(rows):
    return [(d.date, d.kind, d.name, d.line) for d in check_schedule(2027, rows)]


def test_it_reads_a_utf8_csv():
    rows = read_schedule_file(io.BytesIO(csv_bytes(ROWS, "utf-8-sig")), "2027.csv")
    assert checked(rows) == [
        (date(2027, 1, 1), "holiday", "元旦", 2),
        (date(2027, 2, 13), "workday", "春节", 3),
        (date(2027, 2, 14), "holiday", "", 4),
    ]
    assert infer_year(rows) == 2027


def test_it_reads_a_csv_saved_by_excel_in_gb18030():
    rows = read_schedule_file(io.BytesIO(csv_bytes(ROWS, "gb18030")), "2027.CSV")
    assert [r.kind for r in rows] == ["休", "班", "休"]


def test_it_reads_an_xlsx_with_real_date_cells():
    data = xlsx_bytes(
        [(datetime(2027, 1, 1), "休", "元旦"), (date(2027, 2, 13), "班", None), (None, None, None)]
        + [("2027-02-14", " 休 ", "春节")]
    )
    rows = read_schedule_file(io.BytesIO(data), "schedule.xlsx")
    # The blank row 4 is skipped; line numbers stay those of the sheet.
    assert checked(rows) == [
        (date(2027, 1, 1), "holiday", "元旦", 2),
        (date(2027, 2, 13), "workday", "", 3),
        (date(2027, 2, 14), "holiday", "春节", 5),
    ]


def test_columns_may_come_in_any_order_and_the_name_may_be_left_out():
    data = xlsx_bytes([("休", "2027-01-01")], header=("类型", "日期"))
    assert checked(read_schedule_file(io.BytesIO(data), "s.xlsx")) == [
        (date(2027, 1, 1), "holiday", "", 2)
    ]


def test_a_missing_column_is_named():
    data = xlsx_bytes([("2027-01-01", "元旦")], header=("日期", "名称"))
    with pytest.raises(ScheduleError) as caught:
        read_schedule_file(io.BytesIO(data), "s.xlsx")
    assert str(caught.value) == "第 1 行“类型”：表头缺少“类型”列（应为：日期、类型、名称）"


def test_every_bad_cell_of_an_xlsx_is_listed():
    data = xlsx_bytes(
        [
            (datetime(2027, 1, 1, 9, 30), "休", "元旦"),  # a time is not a date
            (45000, "休", ""),  # a serial number the sheet did not format as a date
            ("2027-01-03", "上班", ""),
        ]
    )
    rows = read_schedule_file(io.BytesIO(data), "s.xlsx")
    with pytest.raises(ScheduleError) as caught:
        check_schedule(2027, rows)
    assert [(e.line, e.column) for e in caught.value.errors] == [
        (2, "日期"),
        (3, "日期"),
        (4, "类型"),
    ]


def test_other_file_types_and_damaged_files_are_refused():
    with pytest.raises(ScheduleError, match="只支持 CSV 或 .xlsx"):
        read_schedule_file(io.BytesIO(b"x"), "2027.xls")
    with pytest.raises(ScheduleError, match="无法读取 .xlsx"):
        read_schedule_file(io.BytesIO(b"not a zip"), "2027.xlsx")


def test_the_year_is_the_one_most_dates_fall_in_and_strays_are_errors():
    rows = read_schedule_file(io.BytesIO(csv_bytes([*ROWS, ("2028-01-01", "休", "")])), "x.csv")
    assert infer_year(rows) == 2027
    with pytest.raises(ScheduleError, match="第 5 行“日期”：2028-01-01 不在 2027 年内"):
        check_schedule(2027, rows)


def test_the_year_is_not_guessed_on_a_tie_or_without_dates():
    assert infer_year([ScheduleRow("2027-01-01", "休"), ScheduleRow("2028-01-01", "休")]) is None
    assert infer_year([ScheduleRow("someday", "休")]) is None
