"""The notification outbox: one row per message, written in the transaction of the state change
that causes it and delivered later by the deliver_notifications job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")
        INAPP = "inapp", _("站内消息")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notify_messages",
        verbose_name=_("接收人"),
    )
    address = models.CharField(_("地址（手机号或邮箱）"), max_length=254, blank=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    template = models.CharField(_("模板"), max_length=64, blank=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    context = models.JSONField(_("参数"), default=dict, blank=True)
    # What the message is about, named by the app that sent it ("case:42"): the applicant's case
    # page lists the messages of its case (notify knows no case, only this name).
    topic = models.CharField(_("事由"), max_length=64, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # Due time of the next delivery attempt. While a worker holds the message (status sending)
    # it equals claimed_until, so a message whose worker died is due again when its lease ends.
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    last_error = models.TextField(_("最近错误"), blank=True)
    provider_id = models.CharField(_("渠道回执"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    claimed_by = models.CharField(_("处理进程"), max_length=64, blank=True)
    claimed_until = models.DateTimeField(_("租约到期"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [
            # deliver_due: status IN (pending, sending) AND next_attempt_at <= now
            # ORDER BY next_attempt_at. Partial, so sent and failed rows cost nothing.
            models.Index(
                fields=["next_attempt_at"],
                name="notify_msg_due_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            # inbox_for_user: recipient = user AND channel = inapp AND status = sent, newest first.
            models.Index(
                fields=["recipient", "channel", "status", "-created_at"],
                name="notify_msg_inbox_idx",
            ),
            # about_for_user: topic = "case:42" AND recipient = user, oldest first.
            models.Index(
                fields=["topic", "recipient", "created_at"],
                name="notify_msg_topic_idx",
                condition=~Q(topic=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address or self.recipient_id}: {self.subject}"
