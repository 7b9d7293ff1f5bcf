"""A verifiable draw: a frozen, hashed candidate list, named future public randomness, and
the RFC 3797 selections (first picks and replacements) that anyone can re-run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Draw(models.Model):
    class Kind(models.TextChoices):
        EXPERT = "expert", _("评标专家抽取")
        INTERMEDIARY = "intermediary", _("中介机构抽取")

    class Status(models.TextChoices):
        FROZEN = "frozen", _("名单已冻结，待开奖")
        DRAWN = "drawn", _("已抽取")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("事项"), max_length=200)
    # What the draw is for, e.g. "trading.Project:12"; the owning app keeps its own link.
    subject = models.CharField(_("对象"), max_length=60, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.FROZEN
    )
    entries = models.JSONField(_("冻结名单"), default=list)
    list_sha256 = models.CharField(_("名单 SHA-256"), max_length=64)
    # Masked lists hold commitments sha256(salt|label) instead of names (expert committees:
    # names stay secret until the result is published, when the salt is revealed).
    masked = models.BooleanField(_("名单已遮蔽"), default=False)
    salt = models.CharField(max_length=64, blank=True)
    # The names in entry order; shown only when the list is not masked or has been revealed.
    labels = models.JSONField(default=list)
    revealed = models.BooleanField(_("已公开姓名"), default=False)
    count = models.PositiveSmallIntegerField(_("抽取数量"))
    draw_at = models.DateTimeField(_("抽取时间"))
    randomness = models.CharField(_("公开随机源"), max_length=300)
    sources = models.JSONField(_("随机源取值"), default=list)
    key_string = models.CharField(_("密钥串"), max_length=1000, blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("开奖时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the result with its names became public: at the draw for an open list, at the
    # reveal for a masked one.
    published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    # An owner's own draw (企业自行抽取): the centre checks the entered random values against
    # the lottery's official results and records that it did.
    sources_checked_at = models.DateTimeField(_("随机源核对时间"), null=True, blank=True)
    sources_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")
        ordering = ["-frozen_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.title}"


class DrawPick(models.Model):
    """One selection of the sequence: seq 0, 1, … as RFC 3797 numbers them."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="picks")
    seq = models.PositiveSmallIntegerField(_("序号"))
    position = models.PositiveIntegerField(_("名单位置"))  # 1-based, in the frozen list
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("补抽原因"), max_length=200, blank=True)
    declined = models.BooleanField(_("已回避/不能到场"), default=False)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("抽取结果")
        verbose_name_plural = _("抽取结果")
        ordering = ["draw", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "seq"], name="drawpick_seq_unique"),
            models.UniqueConstraint(fields=["draw", "position"], name="drawpick_position_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.draw_id}-{self.seq}: {self.position}"
