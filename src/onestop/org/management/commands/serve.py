"""Serve the embedded platform: print the address and the demo accounts, then run the server."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from onestop.org.demo import DEMO_PASSWORD, demo_accounts, pad


class Command(BaseCommand):
    help = "启动内嵌模式的 OneStop（SQLite、演示数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: object, **options: str) -> None:
        host, port = options["host"], options["port"]
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"OneStop 已启动：http://{shown}:{port}/"))
        self.stdout.write(
            f"管理后台：http://{shown}:{port}/admin/  接口文档：http://{shown}:{port}/api/v1/docs"
        )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for label, username, name in demo_accounts():
            self.stdout.write(f"  {pad(label, 18)} {username:<14} {name}")
        call_command("runserver", f"{shown}:{port}", use_reloader=False, use_threading=True)
