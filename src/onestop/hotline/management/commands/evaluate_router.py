"""manage.py evaluate_router FILE: per-department precision and recall, then accuracy=…"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.cases.errors import CaseError
from onestop.hotline import router
from onestop.org.demo import pad


class Command(BaseCommand):
    help = "用标注文件（text,department）评估当前派单模型：各部门准确率、召回率和总准确率"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        pipeline = router.load()
        if pipeline is None:
            raise CommandError("尚无可用的派单模型：请先运行 manage.py train_router FILE")
        try:
            texts, labels = router.read_labelled(options["file"])
        except CaseError as e:
            raise CommandError(e.message) from e
        report = router.evaluate(pipeline, texts, labels)
        width = max((len(d) for d, *_ in report.rows), default=4) * 2 + 2
        self.stdout.write(f"{pad('department', width)} precision  recall  support")
        for dept, precision, recall, support in report.rows:
            self.stdout.write(f"{pad(dept, width)} {precision:9.3f} {recall:7.3f} {support:8d}")
        self.stdout.write(f"samples={report.total}")
        self.stdout.write(f"accuracy={report.accuracy:.4f}")
