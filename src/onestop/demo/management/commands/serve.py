"""Serve the embedded platform: print the address and the demo accounts, then run the server."""

import os
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from onestop.core.jobs import JOBS
from onestop.demo.org import DEMO_PASSWORD, demo_accounts
from onestop.lib.terminal import pad


def served_base_url(host: str, port: str) -> str:
    """The address the embedded run serves on, for absolute links in messages; a wildcard host
    (0.0.0.0, ::) is reached through the machine's name."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - compared, not bound
        host = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def set_public_base_url(host: str, port: str) -> str:
    """PUBLIC_BASE_URL for the server about to start (the environment survives the exec and the
    settings read it); a value the deployment set is kept."""
    if not os.environ.get("PUBLIC_BASE_URL"):
        os.environ["PUBLIC_BASE_URL"] = served_base_url(host, port)
    return os.environ["PUBLIC_BASE_URL"]


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
        self.stdout.write(f"消息中的链接地址：{set_public_base_url(host, port)}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for label, username, name in demo_accounts():
            self.stdout.write(f"  {pad(label, 18)} {username:<14} {name}")
        self.stdout.flush()
        if settings.INPROCESS_JOBS:
            self.stdout.write("后台任务：内置调度（" + "、".join(j.name for j in JOBS) + "）")
            self.stdout.flush()
        # gunicorn, the production server, serves the embedded run too (static files through
        # WhiteNoise); one worker process with threads keeps the in-process jobs single.
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        os.execv(  # noqa: S606 - fixed program, arguments from our own options
            gunicorn,
            [
                gunicorn,
                "onestop.wsgi",
                "--chdir",
                str(settings.SRC_DIR.parent),
                "--bind",
                f"{shown}:{port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--access-logfile",
                "-",
            ],
        )
