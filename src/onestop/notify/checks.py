"""Deployment check: messages need the public address to give absolute links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def check_public_base_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if str(getattr(settings, "PUBLIC_BASE_URL", "") or "").startswith(("https://", "http://")):
        return []
    return [
        Warning(
            "PUBLIC_BASE_URL 未设置为完整地址，短信和邮件中的办件链接将无法打开",
            hint="设置环境变量 PUBLIC_BASE_URL，如 https://zwfw.example.gov.cn",
            id="notify.W001",
        )
    ]
