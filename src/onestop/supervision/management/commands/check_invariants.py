from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.supervision.invariants import check_all


class Command(BaseCommand):
    help = (
        "检查全平台不变量：办件状态与日志回放一致、哈希链完整、幂等键只生效一次、"
        "预警只记录一次、通知只送达一次；有问题时列出并以非零状态退出"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=20, help="每项检查最多列出多少个问题（默认 20）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for result in check_all():
            mark = "通过" if result.ok else "不通过"
            self.stdout.write(
                f"[{mark}] {result.name}：{result.label}（检查 {result.checked} 项，"
                f"问题 {len(result.problems)} 个）"
            )
            for problem in result.problems[: options["limit"]]:
                self.stdout.write(f"    {problem.subject}：{problem.detail}")
            if len(result.problems) > options["limit"]:
                self.stdout.write(f"    …… 另有 {len(result.problems) - options['limit']} 个")
            failed += not result.ok
        if failed:
            raise CommandError(f"{failed} 项不变量检查不通过")
        self.stdout.write("全部不变量检查通过。")
