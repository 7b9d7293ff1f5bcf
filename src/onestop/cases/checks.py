"""Production binds the audit chain with a key of its own, set on every node.

A deployment check (`manage.py check --deploy`), and a refusal at start-up of the processes that
write events (gunicorn/uvicorn through onestop.wsgi/asgi, the Celery worker). Other commands
still run without the key, as a shell without the environment is the developer's too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 32


def check_audit_chain_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.EMBEDDED or settings.TESTING:
        return []  # the key kept in var/ serves the embedded run and the tests
    hint = "设置环境变量 AUDIT_CHAIN_KEY（至少 32 个字符的随机串，各节点相同，不要存入数据库）"
    if not settings.AUDIT_CHAIN_KEY_FROM_ENV:
        # A key generated into one node's var/ differs from the next node's, and lies beside
        # the embedded database: neither binds the record against whoever holds the data.
        return [Error("生产环境未设置办件日志密钥 AUDIT_CHAIN_KEY", hint=hint, id="cases.E001")]
    if len(settings.AUDIT_CHAIN_KEY) < MIN_KEY_LENGTH:
        return [Error("办件日志密钥 AUDIT_CHAIN_KEY 太短", hint=hint, id="cases.E002")]
    if settings.AUDIT_CHAIN_KEY == settings.SECRET_KEY:
        return [
            Error("办件日志密钥不能与 SECRET_KEY 相同", hint=hint, id="cases.E003"),
        ]
    return []


def refuse_default_audit_key() -> None:
    """Stop a serving process that would bind events with a key production must not use."""
    for error in check_audit_chain_key():
        raise ImproperlyConfigured(f"{error.id} {error.msg}：{error.hint}")
