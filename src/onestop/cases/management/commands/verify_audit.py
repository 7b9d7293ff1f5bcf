from django.core.management.base import BaseCommand, CommandError

from onestop.cases.audit import keyring, verify_cases
from onestop.cases.models import Case


class Command(BaseCommand):
    help = "以密钥校验所有办件的日志链及办件记录的链头，列出被改动、截断或清空的办件"

    def handle(self, *args: object, **options: object) -> None:
        breaks = verify_cases()
        total = Case.objects.count()
        keys = len(keyring().keys)
        if not breaks:
            self.stdout.write(f"已校验 {total} 个办件的日志链和链头（{keys} 把密钥），全部完整。")
            return
        for b in breaks:
            self.stdout.write(f"{b.case_number} 第 {b.seq} 条：{b.reason}")
        broken = len({b.case_number for b in breaks})
        raise CommandError(f"已校验 {total} 个办件，{broken} 个办件的日志链断裂。")
