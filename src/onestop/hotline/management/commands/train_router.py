"""manage.py train_router FILE [--with-tickets]: train the department router."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onestop.core.errors import DomainError
from onestop.hotline import router


class Command(BaseCommand):
    help = (
        "训练热线派单模型：读取 UTF-8 CSV 或 XLSX（表头 text,department），"
        "可加上已答复的历史工单（--with-tickets）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="text,department 两列的 CSV/XLSX")
        parser.add_argument(
            "--with-tickets",
            action="store_true",
            help="加上主办部门已答复的历史工单（以实际办理部门为标签）",
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="已有可用模型时不重新训练（make run 用）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        current = router.load() if options["if_missing"] else None
        # A model from before places and 属地 (no "places" step) is trained again.
        if current is not None and "places" in getattr(current, "named_steps", {}):
            self.stdout.write("已有可用的派单模型，未重新训练。")
            return
        texts: list[str] = []
        labels: list[str] = []
        sources = []
        try:
            if options["file"]:
                texts, labels = router.read_labelled(options["file"])
                sources.append(str(options["file"]))
        except DomainError as e:
            raise CommandError(e.message) from e
        if options["with_tickets"]:
            t, lab = router.past_tickets()
            texts += t
            labels += lab
            sources.append(f"历史工单 {len(t)} 件")
        if not texts:
            raise CommandError("没有训练数据：请给出文件，或使用 --with-tickets")
        if len(set(labels)) < 2:
            raise CommandError("至少需要两个部门的样本才能训练")
        # Street offices' matters are learnt as one class, 属地, and place names are masked:
        # the model learns the matter, the place decides the street (router's docstring).
        pipeline = router.fit(texts, labels, places=router.places())
        record = router.store(
            pipeline, samples=len(texts), source="；".join(sources), now=timezone.now()
        )
        self.stdout.write(
            f"已训练：{len(texts)} 条样本，{len(record.departments)} 个部门，"
            f"模型 {record.path}（sha256 {record.sha256[:12]}…）"
        )
