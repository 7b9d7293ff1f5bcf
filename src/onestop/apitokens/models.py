"""API tokens for machine clients: only a SHA-256 hash of each token is kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100, help_text=_("用途，例如“自助终端 3 号”"))
    # sha256 hex of the token; the token itself is shown once and never stored.
    # Lookup on every API request: WHERE token_hash = … (the unique index).
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects: models.Manager[ApiToken] = models.Manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.user}）"


class IdempotencyRecord(models.Model):
    """An `Idempotency-Key` an API client has used, with the digest of the request it came
    with: the same key on the same operation with another body is refused (422) rather than
    silently answered with the first result. Written before the operation runs and removed if
    it fails, so a corrected retry may use the key again."""

    # "user:<pk>" for a signed-in client, "anon:<address>" otherwise.
    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=64)
    # Method and path of the operation (a key is scoped to one case's move, as the actions are).
    operation = models.CharField(max_length=300)
    # sha256 hex of the canonical request: method, path, sorted query, canonical JSON body.
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    objects: models.Manager[IdempotencyRecord] = models.Manager()

    class Meta:
        verbose_name = _("幂等键记录")
        verbose_name_plural = _("幂等键记录")
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "key", "operation"], name="idempotency_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
