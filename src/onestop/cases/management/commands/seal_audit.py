from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onestop.cases.audit import LEGACY, seal_legacy_trail
from onestop.cases.models import Case, CaseEvent


class Command(BaseCommand):
    help = "以当前密钥封存升级前的旧式 sha256 日志链（每个办件追加一条“日志封存”事件）"

    def handle(self, *args: object, **options: object) -> None:
        legacy = CaseEvent.objects.filter(alg=LEGACY).values("case_id")
        sealed, refused = 0, []
        for case in Case.objects.filter(pk__in=legacy).order_by("pk").iterator():
            try:
                if seal_legacy_trail(case, now=timezone.now()) is not None:
                    sealed += 1
            except ValueError as exc:
                refused.append(str(exc))
        for line in refused:
            self.stdout.write(line)
        self.stdout.write(f"已封存 {sealed} 个办件的旧式日志链。")
        if refused:
            raise CommandError(f"{len(refused)} 个办件的日志链不完整，未封存（请先查明原因）。")
