"""Import the catalog from an .xlsx export or a published short list (.xlsx or .csv)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onestop.catalog.excel import CatalogImportError, import_catalog
from onestop.catalog.schema import CatalogError


class Command(BaseCommand):
    help = "导入事项目录（完整导出的 .xlsx，或含 部门/事项名称/事项编码 的 .xlsx/.csv 清单）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=".xlsx 或 .csv 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_catalog(options["file"], actor=None, now=timezone.now())
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except CatalogImportError as exc:
            for row in exc.rows:
                self.stderr.write(str(row))
            raise CommandError(exc.message) from exc
        except CatalogError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary.line())
        for name in summary.departments_created:
            self.stdout.write(f"  新建部门 / new department: {name}")
