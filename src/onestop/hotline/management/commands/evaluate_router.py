"""manage.py evaluate_router FILE: per department precision, accuracy (recall) and top-3
accuracy of the router as the console uses it (model, place and keyword rules), then
accuracy=… and top3=… over all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.errors import DomainError
from onestop.hotline import router
from onestop.lib.terminal import pad


class Command(BaseCommand):
    help = (
        "用标注文件（text,department）评估当前派单（模型、属地和关键词规则）："
        "各部门准确率、召回率、前三命中率和总体准确率"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--model-only", action="store_true", help="只评估模型，不用关键词规则")

    def handle(self, *args: Any, **options: Any) -> None:
        pipeline = router.load()
        if pipeline is None:
            raise CommandError("尚无可用的派单模型：请先运行 manage.py train_router FILE")
        try:
            texts, labels = router.read_labelled(options["file"])
        except DomainError as e:
            raise CommandError(e.message) from e
        found_rules = [] if options["model_only"] else router.rules()
        report = router.evaluate(
            pipeline, texts, labels, found_rules=found_rules, known=router.places()
        )
        width = max((len(d) for d, *_ in report.rows), default=4) * 2 + 2
        self.stdout.write(f"{pad('department', width)} precision accuracy   top3  support")
        for dept, precision, recall, top3, support in report.rows:
            self.stdout.write(
                f"{pad(dept, width)} {precision:9.3f} {recall:8.3f} {top3:6.3f} {support:8d}"
            )
        self.stdout.write(f"samples={report.total} rules={len(found_rules)}")
        self.stdout.write(f"top3={report.top3:.4f}")
        self.stdout.write(f"accuracy={report.accuracy:.4f}")
