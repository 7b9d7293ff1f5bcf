from django.core.management.base import BaseCommand
from django.utils import timezone

from onestop.demo.hall import DEMO_DEVICES
from onestop.demo.load import load_demo
from onestop.demo.org import DEMO_PASSWORD, demo_accounts
from onestop.lib.terminal import pad


class Command(BaseCommand):
    help = "载入演示数据：攀枝花市西区的区划、部门、窗口、人员和事项目录（可重复执行）"

    def handle(self, *args: object, **options: object) -> None:
        counts = load_demo(now=timezone.now())
        if not counts.changed:
            self.stdout.write("演示数据已是最新，未做任何修改。")
        else:
            for kind, n in counts.created.items():
                self.stdout.write(f"新建{kind} {n} 个")
            for kind, n in counts.updated.items():
                self.stdout.write(f"更新{kind} {n} 个")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for label, username, name in demo_accounts():
            self.stdout.write(f"  {pad(label, 18)} {username:<14} {name}")
        self.stdout.write(
            "演示大厅终端（在 /hall/device/ 输入配对码；两台终端请用两个浏览器或无痕窗口）："
        )
        for device in DEMO_DEVICES:
            self.stdout.write(f"  {pad(device.label, 18)} {device.code:<14} {device.name}")
