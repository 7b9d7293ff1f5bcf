"""Electronic certificates (电子证照) and the counters that number them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.core.sequences import Sequence
from onestop.org.models import Department


class Certificate(models.Model):
    """The certificate of a granted case, signed with Ed25519 over its canonical content.

    `content` is what is signed (see signing.canonical); the columns beside it repeat what
    lists and pages need, and verification checks that they still agree with it.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("证照编号"), max_length=40, unique=True)
    holder_name = models.CharField(_("持证人"), max_length=100)
    item_name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("发证部门"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("发证时间"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    content = models.JSONField(_("证照内容"))
    # Ed25519 signature over signing.canonical(content), URL-safe base64 without padding.
    signature = models.CharField(_("签名"), max_length=100)
    key_id = models.CharField(_("签名密钥标识"), max_length=16)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.item_name}"


class DocumentSequence(Sequence):
    """A counter per prefix (issuing centre, department and year) for certificate numbers."""

    class Meta:
        verbose_name = _("证照编号序列")
        verbose_name_plural = _("证照编号序列")
