"""Write every public trading project as an OCDS 1.1 release package (JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from onestop.trading import ocds


class Command(BaseCommand):
    help = "导出公共资源交易项目的 OCDS 1.1 发布包（release package）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="输出的 JSON 文件；- 为标准输出")
        parser.add_argument(
            "--uri", default="https://onestop.example/api/v1/trading/ocds.json", help="发布包地址"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        package = ocds.release_package(now=timezone.now(), uri=options["uri"])
        text = json.dumps(package, ensure_ascii=False, indent=1)
        if options["file"] == "-":
            self.stdout.write(text)
            return
        Path(options["file"]).write_text(text, encoding="utf-8")
        count = len(package["releases"])
        self.stdout.write(f"已导出 {count} 个发布（release）到 {options['file']}")
