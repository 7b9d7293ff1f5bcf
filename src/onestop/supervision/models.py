"""Electronic supervision: alerts raised when a light changes, violations found in the audit
trail, and the yellow and red cards supervisors issue with the rectifications that answer them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case, CaseEvent, Task
from onestop.org.models import Centre, Department, Region, Window


class Alert(models.Model):
    """One light crossing (yellow or red) of a case or of one of its tasks, raised once."""

    class Kind(models.TextChoices):
        YELLOW = "yellow", _("黄灯预警")
        RED = "red", _("红灯超期")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    raised_at = models.DateTimeField(_("预警时间"))
    due_at = models.DateTimeField(_("期限"), null=True, blank=True)
    # User ids told: the handler(s), the department head(s) and the supervisors of the region.
    recipients = models.JSONField(_("接收人"), default=list, blank=True)
    read_by = models.JSONField(_("已读"), default=list, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            # Once per crossing, even with two sweeps at once (NULLs are distinct: two indexes).
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(task__isnull=True), name="alert_case_once"
            ),
            models.UniqueConstraint(
                fields=["task", "kind"], condition=Q(task__isnull=False), name="alert_task_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case_id}"


class Violation(models.Model):
    """A breach of the rules found in a case's audit trail, linked to the events that prove it."""

    class Kind(models.TextChoices):
        OVERDUE_DECISION = "overdue_decision", _("超期未作决定")
        OVERDUE_CERTIFICATE = "overdue_certificate", _("超期未发证")
        LATE_SUPPLEMENT = "late_supplement", _("超过5个工作日告知补正")
        SECOND_SUPPLEMENT = "second_supplement", _("二次要求补正")
        SUSPENSION_NO_REASON = "suspension_no_reason", _("中止计时未记录理由")
        EXTENSION_UNAPPROVED = "extension_unapproved", _("延期未经批准")
        STEPS_SKIPPED = "steps_skipped", _("未经规定环节作出决定")
        REFUSAL_NO_REASONS = "refusal_no_reasons", _("不予许可（受理）未说明理由")

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    # The first proving event's id ("" when no event proves it, e.g. still open past its due).
    anchor = models.CharField(max_length=24, blank=True)
    detected_at = models.DateTimeField(_("发现时间"))
    detail = models.CharField(_("说明"), max_length=300)
    events = models.ManyToManyField(CaseEvent, verbose_name=_("证据日志"), related_name="+")

    class Meta:
        verbose_name = _("违规")
        verbose_name_plural = _("违规")
        ordering = ["-detected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "anchor"], name="violation_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case_id}"


class SweepCursor(models.Model):
    """How far the violation detectors have read the audit trail (the last event id)."""

    name = models.CharField(max_length=40, unique=True)
    last_event = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}:{self.last_event}"


class Card(models.Model):
    """A yellow or red card (黄牌/红牌) issued by a supervisor to a department or a window."""

    class Colour(models.TextChoices):
        YELLOW = "yellow", _("黄牌")
        RED = "red", _("红牌")

    colour = models.CharField(_("类别"), max_length=8, choices=Colour.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The region of the issuing supervisor's scope: who may see the card.
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("事由"))
    case = models.ForeignKey(
        Case, verbose_name=_("相关办件"), null=True, blank=True, on_delete=models.SET_NULL
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("监察员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("亮牌时间"))

    class Meta:
        verbose_name = _("亮牌")
        verbose_name_plural = _("亮牌")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} · {self.department}"


class Rectification(models.Model):
    """The department's answer to a card (整改措施), closed by a supervisor."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        ANSWERED = "answered", _("已反馈")
        CLOSED = "closed", _("已销号")

    card = models.OneToOneField(Card, on_delete=models.CASCADE, related_name="rectification")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="open")
    measure = models.TextField(_("整改措施"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closing_note = models.CharField(_("销号意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")

    def __str__(self) -> str:
        return f"{self.card} · {self.get_status_display()}"


class StatDay(models.Model):
    """A day whose statistics have been computed; its row is the lock of that computation."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} @ {self.computed_at:%Y-%m-%d %H:%M}"


class DailyStat(models.Model):
    """One day's efficiency counts for a department at a centre, window and person (预聚合).

    Case counts are attributed to the window and person that accepted the case (受理人); task
    counts to the person who did the task (with no window). Rebuilt per day from the cases, tasks
    and ratings, so any figure of a month is a sum over at most 31 days of these rows.
    """

    day = models.DateField(_("日期"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    promised_done = models.PositiveIntegerField(default=0)  # completed promised items
    on_time = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    instant_done = models.PositiveIntegerField(default=0)  # 即办件 done the day accepted
    late_done = models.PositiveIntegerField(default=0)  # completed, decided after the due time
    timed_done = models.PositiveIntegerField(default=0)  # completed with working days measured
    used_days = models.PositiveIntegerField(default=0)  # sum over timed_done
    promised_days = models.PositiveIntegerField(default=0)  # sum over timed_done
    tasks_done = models.PositiveIntegerField(default=0)
    tasks_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "department"], name="dailystat_day_dept_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}/{self.window_id}/{self.person_id}"
