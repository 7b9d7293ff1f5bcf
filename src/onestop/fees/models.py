"""Centralised fees (集中收费): rules per item, payment notices, payments and refunds.

Money is Decimal yuan with two places everywhere (DecimalField, never float). A case's fee is
computed from the rule of its item's implementation code when a notice is issued; the notice
keeps its own lines, so a later change of the rule does not change what was issued.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.fees.compute import rule_problems
from onestop.fees.gateways import gateway_label


class FeeRule(models.Model):
    """How an item charges. Keyed by implementation code so it survives new item versions."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("定额收费")
        PER_UNIT = "per_unit", _("按数量计费")
        EXEMPT = "exempt", _("依法免收")

    item_code = models.CharField(_("事项实施编码"), max_length=80, unique=True)
    name = models.CharField(_("收费项目"), max_length=100, help_text=_("如：普通护照工本费"))
    kind = models.CharField(_("计费方式"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(
        _("金额或单价（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("定额收费为每件金额；按数量计费为单价；依法免收为免收的标准金额（可为 0）"),
    )
    unit_name = models.CharField(
        _("计费单位"), max_length=20, blank=True, help_text=_("如：本、份、平方米")
    )
    quantity_field = models.CharField(
        _("数量取自申请表字段"),
        max_length=60,
        blank=True,
        help_text=_("按数量计费时必填，填写申请表字段名，如 area、copies"),
    )
    option_field = models.CharField(
        _("分档依据（申请表字段）"),
        max_length=60,
        blank=True,
        help_text=_("收费标准随申请表某一选项不同时填写，如 apply_type"),
    )
    option_amounts = models.JSONField(
        _("分档金额"),
        default=dict,
        blank=True,
        help_text=_('选项 → 金额（元），如 {"丢失补领": "40.00"}；未列出的选项按上面的金额'),
    )
    legal_basis = models.TextField(_("收费依据"), blank=True)
    exempt_reason = models.TextField(
        _("免收依据"), blank=True, help_text=_("依法免收时必填：法律法规或政策文件及条款")
    )
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("收费规则")
        verbose_name_plural = _("收费规则")
        ordering = ["item_code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="feerule_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="exempt") | ~Q(exempt_reason=""),
                name="feerule_exempt_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="per_unit") | (~Q(quantity_field="") & ~Q(unit_name="")),
                name="feerule_per_unit_has_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        problems = rule_problems(self)
        if problems:
            raise ValidationError(problems)


class FeeNotice(models.Model):
    """A payment notice (缴款通知书) of a case, with its payment code (缴款码)."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("待缴费")
        PAID = "paid", _("已缴费")
        EXEMPTED = "exempted", _("依法免收")
        REFUNDED = "refunded", _("已退款")
        CANCELLED = "cancelled", _("已作废")

    # A case has at most one notice in these states at a time.
    ACTIVE = (Status.ISSUED, Status.PAID, Status.EXEMPTED)

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="fee_notices"
    )
    code = models.CharField(_("缴款码"), max_length=20, unique=True)
    amount = models.DecimalField(_("应缴金额（元）"), max_digits=12, decimal_places=2)
    lines = models.JSONField(_("收费明细"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    exempt_reason = models.TextField(_("免收依据"), blank=True)
    issued_at = models.DateTimeField(_("开具时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开具人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("退款时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("缴款通知")
        verbose_name_plural = _("缴款通知")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["issued", "paid", "exempted"]),
                name="feenotice_one_active_per_case",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="feenotice_amount_not_negative"
            ),
        ]
        indexes = [
            # The daily report: WHERE issued_at >= day AND issued_at < next day.
            models.Index(fields=["issued_at"], name="feenotice_issued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount} 元"

    @property
    def code_display(self) -> str:
        """The payment code in groups of four, as printed on the notice."""
        return " ".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.ISSUED


class Payment(models.Model):
    """Money received for a notice, at the window or through a payment gateway."""

    WINDOW_CASH = "window_cash"
    WINDOW_CARD = "window_card"
    GATEWAY_PREFIX = "gateway:"
    WINDOW_METHODS = {WINDOW_CASH: _("窗口现金"), WINDOW_CARD: _("窗口刷卡/扫码")}

    notice = models.ForeignKey(
        FeeNotice, verbose_name=_("缴款通知"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    method = models.CharField(_("缴费方式"), max_length=40)
    reference = models.CharField(_("交易流水号/票据号"), max_length=64, blank=True)
    at = models.DateTimeField(_("缴费时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收费人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("缴费记录")
        verbose_name_plural = _("缴费记录")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # A gateway's transaction is credited once, however often it calls back.
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_unique",
            ),
        ]
        indexes = [
            # The daily report: WHERE at >= day AND at < next day.
            models.Index(fields=["at"], name="payment_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notice.code} {self.amount} 元"

    @property
    def method_display(self) -> str:
        return method_label(self.method)


class Refund(models.Model):
    """Money paid back on a payment (in whole or in part), with the reason."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("缴费记录"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(_("退款金额（元）"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("退款原因"), max_length=300)
    at = models.DateTimeField(_("退款时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("退款记录")
        verbose_name_plural = _("退款记录")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]
        indexes = [models.Index(fields=["at"], name="refund_at_idx")]

    def __str__(self) -> str:
        return f"退款 {self.amount} 元"


def method_label(method: str) -> str:
    """Chinese name of a payment method: a window method or a configured gateway."""
    if method in Payment.WINDOW_METHODS:
        return str(Payment.WINDOW_METHODS[method])
    if method.startswith(Payment.GATEWAY_PREFIX):
        return gateway_label(method.removeprefix(Payment.GATEWAY_PREFIX))
    return method
