"""Create an API token for a user and print it once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onestop.apitokens.actions import create_token


class Command(BaseCommand):
    help = "为用户创建接口令牌（令牌只显示这一次，系统只保存其摘要）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="API", help="令牌名称（用途）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['username']}")
        if not user.is_active:
            raise CommandError(f"用户已停用：{options['username']}")
        token, raw = create_token(user, name=options["name"], now=timezone.now())
        self.stderr.write(
            f"已为 {user.username} 创建令牌“{token.name}”。请妥善保存，它不会再次显示："
        )
        self.stdout.write(raw)
