"""manage.py load_calendar_year FILE [--year]."""

import pytest
from django.core.management import CommandError, call_command

from onestop.workdays.models import CalendarDay, CalendarYear
from tests.workdays.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_it_loads_a_file_and_prints_what_it_loaded(tmp_path, capsys):
    path = tmp_path / "2027.xlsx"
    path.write_bytes(xlsx_bytes([("2027-01-01", "休", "元旦"), ("2027-02-13", "班", "春节")]))
    call_command("load_calendar_year", str(path), "--name", "测试通知")
    out = capsys.readouterr().out
    assert "已载入 2027 年节假日安排：休 1 天，班 1 天" in out
    assert "2027-01-01 休 元旦" in out
    assert "2027-02-13 班 春节" in out
    assert CalendarYear.objects.get().name == "测试通知"
    assert CalendarDay.objects.count() == 2


def test_a_bad_file_fails_listing_every_error_and_loads_nothing(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes(csv_bytes([("2027-01-01", "休", "元旦"), ("2027-02-30", "放假", "")]))
    with pytest.raises(CommandError) as caught:
        call_command("load_calendar_year", str(path), "--year", "2027")
    message = str(caught.value)
    assert "文件有 2 处错误，未载入任何数据" in message
    assert "第 3 行“日期”" in message
    assert "第 3 行“类型”" in message
    assert not CalendarYear.objects.exists()


def test_the_year_option_checks_the_dates(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes(csv_bytes([("2027-01-01", "休", "元旦")]))
    with pytest.raises(CommandError, match="不在 2028 年内"):
        call_command("load_calendar_year", str(path), "--year", "2028")


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_calendar_year", str(tmp_path / "none.csv"))
