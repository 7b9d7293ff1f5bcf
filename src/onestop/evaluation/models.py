"""好差评: one rating per case, and the rectification a bad rating opens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.org.models import Department


class Score(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIR = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# The fixed set of tags an applicant may tick (good ones first).
TAGS = (
    "服务态度好",
    "办事效率高",
    "一次办好",
    "指引清楚",
    "材料要求不清",
    "多次跑腿",
    "态度生硬",
    "超时办理",
)
# The national 好差评 evaluation content (GB/T 39735, 国办发〔2019〕51号): besides the overall
# level, the rater may name the second-level indicators the rating is about — online channels
# and the hall's channels have their own. Codes are ours; labels are the national ones.
ONLINE_INDICATORS = {
    "efficiency": "办事效率",
    "guide_accuracy": "办事指南精确度",
    "convenience": "办事便捷度",
    "platform": "平台操作性",
}
OFFLINE_INDICATORS = {
    "service_efficiency": "服务效率",
    "service_level": "服务水平",
    "service_attitude": "服务态度",
}
INDICATORS = ONLINE_INDICATORS | OFFLINE_INDICATORS
GOOD = 4  # a score at or above this counts as satisfied
BAD = 2  # a score at or below this opens a rectification


class Rating(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("网上评价")
        PAD = "pad", _("窗口评价器")
        SMS_LINK = "sms_link", _("短信链接")

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="rating"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="ratings"
    )
    # The first score stays; a re-rate after rectification is recorded beside it.
    score = models.PositiveSmallIntegerField(_("评价"), choices=Score.choices)
    comment = models.TextField(_("评价意见"), blank=True)
    tags = models.JSONField(_("评价标签"), default=list, blank=True)
    # Codes of INDICATORS the rating names (for a bad rating: what was wrong).
    reasons = models.JSONField(_("评价指标"), default=list, blank=True)
    channel = models.CharField(_("评价渠道"), max_length=12, choices=Channel.choices)
    real_name = models.BooleanField(_("实名评价"), default=True)
    rated_at = models.DateTimeField(_("评价时间"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rerate_score = models.PositiveSmallIntegerField(
        _("整改后再评价"), choices=Score.choices, null=True, blank=True
    )
    rerate_comment = models.TextField(_("再评价意见"), blank=True)
    rerate_reasons = models.JSONField(_("再评价指标"), default=list, blank=True)
    rerated_at = models.DateTimeField(_("再评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        indexes = [models.Index(fields=["department", "rated_at"], name="rating_dept_at_idx")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_score_display()}"

    @property
    def current_score(self) -> int:
        return self.rerate_score or self.score

    @property
    def indicator_labels(self) -> list[str]:
        return [INDICATORS[r] for r in self.reasons or [] if r in INDICATORS]

    @property
    def rerate_indicator_labels(self) -> list[str]:
        return [INDICATORS[r] for r in self.rerate_reasons or [] if r in INDICATORS]


class Rectification(models.Model):
    """差评整改: verify, contact the applicant, record the measure, close."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        CONTACTED = "contacted", _("已回访")
        CLOSED = "closed", _("已办结")

    class Result(models.TextChoices):
        RECTIFIED = "rectified", _("已整改")
        EXPLAINED = "explained", _("已解释说明")  # verified: not a fault of the service

    rating = models.OneToOneField(
        Rating, verbose_name=_("评价"), on_delete=models.PROTECT, related_name="rectification"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("整改部门"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("开始时间"))
    due_at = models.DateTimeField(_("整改期限"))
    contact_note = models.TextField(_("核实回访情况"), blank=True)
    measure = models.TextField(_("整改措施"), blank=True)
    contacted_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.CharField(_("整改结果"), max_length=12, choices=Result.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="rect_dept_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_status_display()}"

    @property
    def closed_late(self) -> bool:
        """Closed after its deadline (an open one past it is shown by its light)."""
        return self.closed_at is not None and self.closed_at > self.due_at
