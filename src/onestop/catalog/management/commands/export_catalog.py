"""Export the whole catalog (the current version of every item) to an .xlsx file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onestop.catalog.excel import export_catalog


class Command(BaseCommand):
    help = "导出整个事项目录（每个事项的当前版本）到 .xlsx 文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要写入的 .xlsx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        count = export_catalog(options["file"])
        self.stdout.write(f"已导出 {count} 个事项到 {options['file']} / exported {count} items")
