"""What is published of each licence decision (行政许可信息公示, 双公示).

A row is written when the decision is made and holds only what may be public: the field names
follow the 双公示 行政许可 data items (全国信用信息共享平台 行政许可信息数据项); a natural person is
named masked (张*), with no ID number, address or phone; free texts went through
`lib.redact.redact`. The certificate (number, validity) is read from `documents` when shown,
since it is issued after the decision.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.org.models import Department


class LicenceDecision(models.Model):
    class CounterpartKind(models.TextChoices):
        LEGAL = "legal", _("法人及非法人组织")
        PERSON = "person", _("自然人")

    class Decision(models.TextChoices):
        GRANTED = "granted", _("准予许可")
        REFUSED = "refused", _("不予许可")

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="disclosure"
    )
    # XK_XDR_LB, XK_XDR_MC, XK_XDR_SHXYM
    counterpart_kind = models.CharField(
        _("行政相对人类别"), max_length=8, choices=CounterpartKind.choices
    )
    counterpart_name = models.CharField(_("行政相对人名称"), max_length=100)
    counterpart_code = models.CharField(
        _("行政相对人代码（统一社会信用代码）"), max_length=18, blank=True
    )
    # XK_WSH, XK_XKWS
    document_number = models.CharField(_("行政许可决定文书号"), max_length=32)
    document_name = models.CharField(_("行政许可决定文书名称"), max_length=40)
    decision = models.CharField(_("许可决定"), max_length=8, choices=Decision.choices)
    # XK_NR: the item (its implementation code and name at the version decided under)
    item_code = models.CharField(_("事项编码"), max_length=80)
    item_name = models.CharField(_("许可内容"), max_length=200)
    legal_basis = models.TextField(_("许可依据"), blank=True)
    reasons = models.TextField(_("不予许可理由"), blank=True)
    # XK_JDRQ: the centre's calendar date of the decision
    decided_on = models.DateField(_("许可决定日期"))
    decided_at = models.DateTimeField(_("决定时间"))
    # XK_XKJG, XK_XKJGDM
    department = models.ForeignKey(
        Department, verbose_name=_("许可机关"), on_delete=models.PROTECT, related_name="+"
    )
    department_name = models.CharField(_("许可机关名称"), max_length=80)
    department_code = models.CharField(_("许可机关统一社会信用代码"), max_length=18, blank=True)
    published_at = models.DateTimeField(_("公示时间"))
    # Published within 7 working days of the decision (双公示: 作出决定之日起7个工作日内).
    publish_by = models.DateField(_("公示期限"))

    class Meta:
        verbose_name = _("行政许可公示")
        verbose_name_plural = _("行政许可公示")
        ordering = ["-decided_on", "-pk"]
        indexes = [
            # The public list: ORDER BY decided_on DESC, filtered by a date range.
            models.Index(fields=["decided_on"], name="disclosure_decided_idx"),
            # Search by credit code: WHERE counterpart_code = …
            models.Index(fields=["counterpart_code"], name="disclosure_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.counterpart_name} {self.item_name}"
