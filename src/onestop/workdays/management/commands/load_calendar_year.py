"""Load a year's schedule of holidays and make-up workdays from a CSV or .xlsx file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onestop.workdays.actions import load_year_schedule
from onestop.workdays.calendar import package_knows
from onestop.workdays.models import CalendarDay
from onestop.workdays.schedule import ScheduleError, infer_year, read_schedule_file


class Command(BaseCommand):
    help = "载入某年的节假日安排（CSV 或 .xlsx，列：日期、类型（休/班）、名称）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV 或 .xlsx 文件")
        parser.add_argument("--year", type=int, help="年份（默认取文件中日期的年份）")
        parser.add_argument("--name", default="", help="依据，如国务院办公厅通知名称")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            with path.open("rb") as f:
                rows = read_schedule_file(f, path.name)
            year = options["year"] or infer_year(rows)
            if year is None:
                raise CommandError("无法从文件判断年份（日期跨年或无法识别），请用 --year 指定")
            result = load_year_schedule(
                year, rows, actor=None, now=timezone.now(), name=options["name"]
            )
        except ScheduleError as exc:
            lines = "\n".join(f"  {e}" for e in exc.errors)
            raise CommandError(
                f"文件有 {len(exc.errors)} 处错误，未载入任何数据：\n{lines}"
            ) from exc

        days = sorted(result.days, key=lambda d: d.date)
        off = sum(1 for d in days if d.kind == CalendarDay.Kind.HOLIDAY)
        self.stdout.write(
            f"已载入 {year} 年节假日安排：休 {off} 天，班 {len(days) - off} 天"
            + (f"（替换先前载入的 {result.replaced} 条）" if result.replaced else "")
        )
        for d in days:
            word = "休" if d.kind == CalendarDay.Kind.HOLIDAY else "班"
            self.stdout.write(f"  {d.date:%Y-%m-%d} {word} {d.name}")
        for k in result.kept:
            self.stdout.write(f"  保留手工设置：{k.date:%Y-%m-%d}（文件第 {k.line} 行未应用）")
        if package_knows(year):
            note = f"注意：chinesecalendar 已包含 {year} 年数据，文件中的日期优先于它。"
            self.stdout.write(note)
