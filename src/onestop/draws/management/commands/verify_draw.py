"""Re-run a stored draw and say whether its recorded result is reproduced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onestop.draws.actions import verify_draw
from onestop.draws.models import Draw


def _local(at: datetime) -> str:
    """A time in the centre's zone, with the zone said (2026-12-01 10:00:00 CST +0800)."""
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S %Z %z")


class Command(BaseCommand):
    help = "按 RFC 3797 重新运行一次抽取，核对冻结名单哈希与保存的抽取结果"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        draw = Draw.objects.filter(pk=options["id"]).first()
        if draw is None:
            raise CommandError(f"抽取 #{options['id']} 不存在")
        v = verify_draw(draw)
        self.stdout.write(f"抽取 #{draw.pk} {draw.title}")
        self.stdout.write(f"名单 {len(draw.entries)} 项，SHA-256 {draw.list_sha256}")
        self.stdout.write(
            f"名单冻结于 {_local(draw.frozen_at)}，公布的抽取时间 {_local(draw.draw_at)}"
        )
        if draw.drawn_at is None:
            raise CommandError("尚未抽取：没有可以核验的结果")
        self.stdout.write(f"抽取于 {_local(draw.drawn_at)}")
        self.stdout.write(f"密钥串 {v.key}")
        self.stdout.write(f"保存的结果 {v.stored}")
        self.stdout.write(f"重新运行   {v.expected}")
        for problem in v.problems:
            self.stdout.write(f"  ✗ {problem}")
        if not v.ok:
            raise CommandError("核验未通过：保存的结果不能复现")
        self.stdout.write(self.style.SUCCESS("核验通过：保存的结果可以复现"))
