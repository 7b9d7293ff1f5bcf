"""The intermediary marketplace (中介服务超市): verified agencies with public profiles, and the
needs owners post, filled by direct choice, a verifiable draw or the lowest quote."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.org.models import Applicant


class Service(models.TextChoices):
    SURVEY = "survey", _("测绘")
    APPRAISAL = "appraisal", _("评估")
    TESTING = "testing", _("检测")
    DESIGN = "design", _("设计")
    COST = "cost", _("造价咨询")
    EIA = "eia", _("环境影响评价")
    SAFETY = "safety", _("安全评价")
    GEOTECH = "geotech", _("地质勘察")
    AGENCY = "agency", _("招标代理")


class Intermediary(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        VERIFIED = "verified", _("已入驻")
        REJECTED = "rejected", _("未通过审核")
        SUSPENDED = "suspended", _("暂停服务")

    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    services = models.JSONField(_("服务类型"), default=list)
    qualifications = models.TextField(_("资质"))
    service_areas = models.CharField(_("服务区域"), max_length=200)
    prices = models.TextField(_("收费标准"), blank=True)
    contact = models.CharField(_("联系人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20)
    account = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(_("原因"), max_length=300, blank=True)
    registered_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("中介机构")
        verbose_name_plural = _("中介机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.credit_code}）"

    def service_labels(self) -> list[str]:
        return [str(Service(s).label) for s in self.services if s in Service.values]


class Need(models.Model):
    class Method(models.TextChoices):
        DIRECT = "direct", _("直接选取")
        DRAW = "draw", _("随机抽取")
        QUOTE = "quote", _("最低价选取")

    class Status(models.TextChoices):
        OPEN = "open", _("选取中")
        SELECTED = "selected", _("已选定")
        CONTRACTED = "contracted", _("已签订合同")
        DELIVERED = "delivered", _("已交付")
        RATED = "rated", _("已评价")
        CANCELLED = "cancelled", _("已撤销")

    owner = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("服务类型"), max_length=12, choices=Service.choices)
    title = models.CharField(_("服务事项"), max_length=200)
    description = models.TextField(_("服务内容"), blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "trading.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2)
    method = models.CharField(_("选取方式"), max_length=8, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    quote_deadline = models.DateTimeField(_("报价截止"), null=True, blank=True)
    selected = models.ForeignKey(
        Intermediary, null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    draw = models.OneToOneField(
        "draws.Draw", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract_amount = models.DecimalField(
        _("合同金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    contracted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    comment = models.CharField(_("评价意见"), max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("中介服务需求")
        verbose_name_plural = _("中介服务需求")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Quote(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="quotes")
    intermediary = models.ForeignKey(Intermediary, on_delete=models.PROTECT)
    amount = models.DecimalField(_("报价（元）"), max_digits=14, decimal_places=2)
    at = models.DateTimeField()

    class Meta:
        ordering = ["amount", "at"]
        constraints = [models.UniqueConstraint(fields=["need", "intermediary"], name="quote_once")]

    def __str__(self) -> str:
        return f"{self.intermediary} {self.amount}"
