"""Re-run a stored draw and say whether its recorded result is reproduced."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.draws.actions import verify_draw
from onestop.draws.models import Draw


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
        self.stdout.write(f"  名单哈希{'一致' if v.list_ok else '不一致'}")
        if draw.status == Draw.Status.FROZEN:
            self.stdout.write(f"尚未抽取（抽取时间 {draw.draw_at:%Y-%m-%d %H:%M}）")
        else:
            self.stdout.write(f"密钥串 {v.key}{'' if v.key_ok else '（与保存的不一致）'}")
            self.stdout.write(f"保存的结果 {v.stored}")
            self.stdout.write(f"重新运行 {v.expected}")
        if draw.masked and draw.revealed:
            self.stdout.write(f"  姓名承诺{'一致' if v.labels_ok else '不一致'}")
        if not v.ok:
            raise CommandError("核验未通过：保存的结果不能复现")
        self.stdout.write(self.style.SUCCESS("核验通过：保存的结果可以复现"))
