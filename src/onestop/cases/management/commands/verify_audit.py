import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onestop.cases.audit import checkpoint, keyring, verify_against, verify_cases
from onestop.cases.models import Case


class Command(BaseCommand):
    help = "以密钥校验所有办件的日志链及办件记录的链头，列出被改动、截断或清空的办件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--against",
            metavar="FILE",
            help="再与此前保存的检查点比对，找出之后被回退或删除的办件",
        )
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="校验全部通过后，把各办件的链头以密钥签记写入 FILE（存放在数据库之外）",
        )

    def handle(self, *args: object, **options: Any) -> None:
        breaks = verify_cases()
        if options["against"]:
            try:
                saved = json.loads(Path(options["against"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取检查点文件：{exc}") from exc
            if not isinstance(saved, dict) or not isinstance(saved.get("heads"), dict):
                raise CommandError("检查点文件格式不对：不是 verify_audit --checkpoint 写出的文件")
            breaks += verify_against(saved)
        total = Case.objects.count()
        if breaks:
            for b in breaks:
                self.stdout.write(f"{b.case_number} 第 {b.seq} 条：{b.reason}")
            broken = len({b.case_number for b in breaks})
            raise CommandError(f"已校验 {total} 个办件，{broken} 个办件的日志链断裂。")
        keys = len(keyring().keys)
        self.stdout.write(f"已校验 {total} 个办件的日志链和链头（{keys} 把密钥），全部完整。")
        if options["checkpoint"]:
            saved = checkpoint(now=timezone.now())
            Path(options["checkpoint"]).write_text(
                json.dumps(saved, ensure_ascii=False, indent=0), encoding="utf-8"
            )
            self.stdout.write(
                f"已把 {len(saved['heads'])} 个办件的链头写入检查点 {options['checkpoint']}。"
            )
