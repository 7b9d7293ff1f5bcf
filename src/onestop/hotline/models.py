"""The citizen hotline (12345 / 81890): tickets, their dispatch to departments, replies,
callbacks, escalation to the leaders, the knowledge base and the routing model.

Loop: 受理 → 派单 → 签收 / 退单 → 办理 → 答复 → 回访 → 办结, with 督办 on top. The moves live
in actions.py; MOVES below says which state each move starts from.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.core.sequences import Sequence
from onestop.hotline.text import parse_keywords
from onestop.hotline.workflow import (
    DispatchStatus,
    EscalationStatus,
    ExtensionStatus,
    TicketStatus,
    dispatch_is_open,
    ticket_is_open,
)
from onestop.lib.identity import mask_phone
from onestop.org.models import Department, Region


class Kind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    REPORT = "report", _("举报")
    PRAISE = "praise", _("表扬")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class DeadlineRule(models.Model):
    """How long a department has for a ticket of a type and urgency (the configurable table).

    The most specific row wins: (type, urgency), then (any type, urgency) — urgency outranks
    type, so an urgent complaint gets the urgent limit — then (type, any urgency)."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("小时")
        WORKDAYS = "workdays", _("工作日")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, blank=True)
    amount = models.PositiveIntegerField(_("办理时限"))
    unit = models.CharField(_("单位"), max_length=8, choices=Unit.choices)
    sign_hours = models.PositiveIntegerField(_("签收时限（小时）"), default=24)

    class Meta:
        verbose_name = _("热线办理时限")
        verbose_name_plural = _("热线办理时限")
        constraints = [
            models.UniqueConstraint(fields=["kind", "urgency"], name="hotline_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display() or '任意类型'}/{self.get_urgency_display() or '任意'}"


class TicketSequence(Sequence):
    """Per-day counter for readable ticket numbers (RX20261128-0001)."""

    prefix = models.CharField(max_length=24, unique=True)


class Ticket(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        WEB = "web", _("网站")
        APP = "app", _("移动端")
        OPEN311 = "open311", _("Open311 接口")

    Status = TicketStatus

    number = models.CharField(_("工单编号"), max_length=24, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    channel = models.CharField(_("来源"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所在街道/社区"), null=True, blank=True, on_delete=models.PROTECT
    )
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    registered_at = models.DateTimeField(_("受理时间"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The router's proposal when the ticket was registered (shown with its confidence).
    suggested_department = models.CharField(_("建议部门"), max_length=80, blank=True)
    suggested_confidence = models.FloatField(_("建议置信度"), null=True, blank=True)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Due times of the current dispatch: sign by sign_due_at, reply by due_at.
    # sweep_hotline: status IN (dispatched, in_progress) AND due_at <= horizon.
    sign_due_at = models.DateTimeField(_("签收期限"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    # The last light an alert was raised for ("", yellow, red): one alert per crossing.
    alerted_light = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            # sweep_hotline and the lights: open tickets by due time.
            models.Index(
                fields=["due_at"],
                name="hotline_ticket_due_idx",
                condition=Q(status__in=["dispatched", "in_progress"]),
            ),
            # caller history: caller_phone = ? ORDER BY registered_at DESC
            models.Index(fields=["caller_phone", "-registered_at"], name="hotline_caller_idx"),
            # metrics and hot topics: month ranges of registration.
            models.Index(fields=["registered_at"], name="hotline_registered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return ticket_is_open(self.status)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.caller_phone) if self.caller_phone else ""

    @property
    def reporter_for_department(self) -> str:
        """What a department sees of the reporter: nothing of an anonymous one."""
        if self.anonymous:
            return "匿名"
        return f"{self.caller_name or '来电人'}（{self.masked_phone or '未留电话'}）"


class Attachment(models.Model):
    """A photo or document the caller sent; checked by content, stored under a random name."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.CharField(max_length=200)  # storage name
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Dispatch(models.Model):
    """One department's part in a ticket: lead or co-department, from dispatch to reply."""

    Status = DispatchStatus

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="dispatches")
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.BooleanField(_("主办"), default=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    dispatched_at = models.DateTimeField(_("派单时间"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("派单意见"), max_length=500, blank=True)
    sign_due_at = models.DateTimeField(_("签收期限"))
    send_back_due_at = models.DateTimeField(_("退单期限"))
    due_at = models.DateTimeField(_("办理期限"))
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_back_at = models.DateTimeField(_("退单时间"), null=True, blank=True)
    send_back_reason = models.CharField(_("退单理由"), max_length=500, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply = models.TextField(_("办理结果"), blank=True)

    class Meta:
        verbose_name = _("派单")
        verbose_name_plural = _("派单")
        ordering = ["ticket_id", "-lead", "pk"]
        indexes = [
            # the department inbox: department = ? AND status IN (pending, signed)
            models.Index(fields=["department", "status"], name="hotline_dispatch_inbox_idx"),
            # metrics: department's dispatches of a month
            models.Index(fields=["department", "dispatched_at"], name="hotline_dispatch_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.department_id}"

    @property
    def is_open(self) -> bool:
        return dispatch_is_open(self.status)


class Extension(models.Model):
    """A department's request for more time (延期), approved or refused by the centre."""

    Status = ExtensionStatus

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延长工作日"))
    reason = models.CharField(_("延期理由"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch"], condition=Q(status="pending"), name="hotline_one_pending_ext"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id} +{self.days}"


class Callback(models.Model):
    """回访: the centre calls the citizen back after the reply."""

    class Resolution(models.TextChoices):
        SOLVED = "solved", _("已解决")
        PARTLY = "partly", _("基本解决")
        UNSOLVED = "unsolved", _("未解决")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="callbacks")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("被评价部门")
    )
    resolution = models.CharField(_("解决情况"), max_length=10, choices=Resolution.choices)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    note = models.CharField(_("回访记录"), max_length=1000, blank=True)
    at = models.DateTimeField(_("回访时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["-at"]
        indexes = [models.Index(fields=["department", "at"], name="hotline_callback_month_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.resolution}/{self.satisfaction}"

    @property
    def bad(self) -> bool:
        return (
            self.resolution == self.Resolution.UNSOLVED
            or self.satisfaction == self.Satisfaction.UNSATISFIED
        )


EVENT_LABELS = {
    "registered": "受理",
    "answered": "当场解答",
    "merged": "合并至已有工单",
    "merged_in": "合并同类诉求",
    "dispatched": "派单",
    "redispatched": "改派",
    "signed": "签收",
    "sent_back": "退单",
    "replied": "答复",
    "co_replied": "协办意见",
    "extension_requested": "申请延期",
    "extension_approved": "批准延期",
    "extension_refused": "不予延期",
    "callback": "回访",
    "reopened": "重办",
    "escalated": "提请督办",
    "instructed": "领导批示",
    "followed": "督办记录",
    "escalation_finished": "督办办结",
    "alert_yellow": "黄灯预警",
    "alert_red": "红灯超期",
    "alert_unsigned": "超时未签收",
}
# What the public follow-up page shows the text of (others show the step only).
PUBLIC_NOTES = ("answered", "replied", "merged")


class TicketEvent(models.Model):
    """Append-only history of a ticket: every move, with its actor."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    # An idempotency key: a repeated request with it does nothing the second time.
    key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "key"], condition=~Q(key=""), name="hotline_event_key_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.kind, self.kind)

    @property
    def public_note(self) -> str:
        return self.note if self.kind in PUBLIC_NOTES else ""


class Escalation(models.Model):
    """督办: a major ticket read by the district leaders and followed by a supervision officer."""

    Status = EscalationStatus

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="escalation")
    reason = models.CharField(_("督办原因"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    raised_at = models.DateTimeField()
    instruction = models.TextField(_("领导批示"), blank=True)
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    instructed_at = models.DateTimeField(null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follow_up = models.TextField(_("督办记录"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["status", "-raised_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"


class Leader(models.Model):
    """A district leader who reads the leaders' queue and writes instructions (批示)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hotline_leader"
    )
    title = models.CharField(_("职务"), max_length=50)

    class Meta:
        verbose_name = _("热线督办领导")
        verbose_name_plural = _("热线督办领导")

    def __str__(self) -> str:
        return f"{self.title} {self.user.get_full_name() or self.user.get_username()}"


class Article(models.Model):
    """A knowledge-base article kept by a department, with review and expiry dates."""

    department = models.ForeignKey(
        Department, verbose_name=_("维护部门"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("答复口径"))
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    review_on = models.DateField(_("复核日期"))
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))
    # jieba words of title, keywords and body in simplified characters, space-separated and
    # padded (" 低保 申请 … "): the search matches " word " with LIKE on SQLite and PostgreSQL.
    search_words = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库")
        ordering = ["department_id", "title"]

    def __str__(self) -> str:
        return self.title


class RouterModel(models.Model):
    """A trained routing model on disk, with the digest that must match before it is loaded."""

    path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    trained_at = models.DateTimeField()
    samples = models.PositiveIntegerField()
    departments = models.JSONField(default=list)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("派单模型")
        verbose_name_plural = _("派单模型")
        ordering = ["-trained_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.samples})"


class RoutingRule(models.Model):
    """A keyword rule an administrator keeps: a ticket whose text holds the keywords is
    suggested to the department (or, with none, to the street or town of its place) ahead of
    the model. The most specific matching rule wins (more parts, then more characters)."""

    keywords = models.CharField(
        _("关键词"),
        max_length=200,
        help_text=_(
            "多个关键词用“、”或空格分隔，任一出现即适用；用“+”连接的须同时出现，"
            "如：食物中毒、饭店+拉肚子"
        ),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示交诉求地点所在的街道办事处或镇政府"),
    )
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("派单关键词规则")
        verbose_name_plural = _("派单关键词规则")
        ordering = ["department_id", "pk"]

    def __str__(self) -> str:
        return f"{self.keywords} → {self.department or '属地街道/镇'}"

    def clean(self) -> None:
        alternatives = parse_keywords(self.keywords)
        if not alternatives:
            raise ValidationError({"keywords": "请填写至少一个关键词"})
        short = [p for alt in alternatives for p in alt if len(p) < 2]
        if short:
            raise ValidationError({"keywords": f"关键词至少两个字，以免误配：{'、'.join(short)}"})
