"""Electronic supervision: alerts raised when a light changes, violations found in the audit
trail, the yellow and red cards raised by the administrator's rules or by a supervisor, and the
rectifications that answer them against a working-day clock."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case, CaseEvent, Task
from onestop.core.models import HistoryRow, optional_user
from onestop.org.models import Centre, Department, Region, Window


class Colour(models.TextChoices):
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


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
    # Set by the sweep when the case is decided (or the task done): the alert no longer stands.
    closed_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

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


class CardRule(models.Model):
    """An administrator's rule by which the sweep raises cards by itself (自动亮牌规则).

    The sweep applies every active rule once per fact: a red light of a task, a violation, or a
    department's yellow cards of one month reaching the threshold.
    """

    class Trigger(models.TextChoices):
        RED_LIGHT = "red_light", _("环节红灯超期")
        YELLOW_LIGHT = "yellow_light", _("环节黄灯预警")
        VIOLATION = "violation", _("发现违规")
        REPEAT = "repeat", _("当月黄牌累计")

    class Target(models.TextChoices):
        HANDLER = "handler", _("经办人（及其部门）")
        DEPARTMENT = "department", _("部门")

    name = models.CharField(_("规则名称"), max_length=80)
    trigger = models.CharField(_("触发条件"), max_length=16, choices=Trigger.choices)
    # For VIOLATION: the kind it answers ("" = any kind).
    violation_kind = models.CharField(
        _("违规类型"), max_length=24, choices=Violation.Kind.choices, blank=True
    )
    # For REPEAT: how many yellow cards of one department in one month raise it.
    threshold = models.PositiveSmallIntegerField(_("累计张数"), default=3)
    colour = models.CharField(_("亮牌类别"), max_length=8, choices=Colour.choices)
    target = models.CharField(
        _("亮牌对象"), max_length=12, choices=Target.choices, default=Target.DEPARTMENT
    )
    rectify_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=5)
    active = models.BooleanField(_("启用"), default=True)
    # Facts (alerts, violations) older than this are history: a new rule does not card them.
    since = models.DateTimeField(_("生效时间"), default=timezone.now)

    class Meta:
        verbose_name = _("自动亮牌规则")
        verbose_name_plural = _("自动亮牌规则")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Card(models.Model):
    """A yellow or red card (黄牌/红牌) shown to a department, a window or a handler: raised by
    a rule in the sweep (rule and fact set, no issuer) or issued by a supervisor."""

    Colour = Colour

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
    # The handler a rule aimed at (经办人), when the card is personal.
    person = optional_user(_("经办人"))
    reason = models.TextField(_("事由"))
    case = models.ForeignKey(
        Case, verbose_name=_("相关办件"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # None when a rule raised the card in the sweep.
    issued_by = optional_user(_("监察员"))
    issued_at = models.DateTimeField(_("亮牌时间"))
    rule = models.ForeignKey(
        CardRule,
        verbose_name=_("亮牌规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cards",
    )
    # The fact a rule answered ("alert:12", "violation:7", "repeat:3:2026-12"): once per rule.
    fact = models.CharField(max_length=60, blank=True)
    alert = models.ForeignKey(
        Alert, verbose_name=_("预警"), null=True, blank=True, on_delete=models.SET_NULL
    )
    violation = models.ForeignKey(
        Violation, verbose_name=_("违规"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # A card escalated from another (by hand, or by the sweep when its rectification is late).
    escalated_from = models.OneToOneField(
        "self",
        verbose_name=_("升级自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_to",
    )
    events = models.ManyToManyField(CaseEvent, verbose_name=_("证据日志"), related_name="+")
    rectify_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=5)
    # End of the rectify_days-th working day after the issue; the sweep escalates past it
    # (query: open rectifications with rectify_due_at < now, card_rect_due_idx).
    rectify_due_at = models.DateTimeField(_("整改期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("亮牌")
        verbose_name_plural = _("亮牌")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Once per fact and rule, even with two sweeps at once.
            models.UniqueConstraint(
                fields=["rule", "fact"], condition=Q(rule__isnull=False), name="card_rule_fact_once"
            )
        ]
        indexes = [models.Index(fields=["rectify_due_at"], name="card_rect_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} · {self.department}"


class Rectification(models.Model):
    """The department's answer to a card (整改措施), closed by a supervisor."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        ANSWERED = "answered", _("已反馈")
        CLOSED = "closed", _("已销号")
        WITHDRAWN = "withdrawn", _("已撤销")

    card = models.OneToOneField(Card, on_delete=models.CASCADE, related_name="rectification")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="open")
    measure = models.TextField(_("整改措施"), blank=True)
    answered_by = optional_user()
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_by = optional_user()
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closing_note = models.CharField(_("销号意见"), max_length=300, blank=True)
    # Set once by the sweep when the deadline passed unanswered (the claim of its escalation).
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    withdrawn_by = optional_user()
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")

    def __str__(self) -> str:
        return f"{self.card} · {self.get_status_display()}"


class CardEvent(HistoryRow):
    """The history of a card, one row per move (append-only): who did what, when, and why."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("亮牌")
        ANSWERED = "answered", _("反馈整改")
        CLOSED = "closed", _("销号")
        WITHDRAWN = "withdrawn", _("撤销")
        ESCALATED = "escalated", _("升级")
        OVERDUE = "overdue", _("整改逾期")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(_("动作"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("亮牌记录")
        verbose_name_plural = _("亮牌记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.card_id} {self.kind}"


class ScoreWeights(models.Model):
    """The administrator's weights of the efficiency score (效能评分); the newest row holds.

    score = 100 × Σ wᵢ·rateᵢ / Σ wᵢ (over the rates the unit has: on-time, early, satisfaction)
            − yellow × standing yellow cards − red × standing red cards
            − overdue × cards whose rectification missed its deadline, never below 0.
    A unit with none of the rates has no score ("—") and stays outside the ranking.
    """

    on_time = models.PositiveSmallIntegerField(_("按时办结率权重"), default=60)
    early = models.PositiveSmallIntegerField(_("提前办结率权重"), default=10)
    satisfaction = models.PositiveSmallIntegerField(_("满意率权重"), default=30)
    yellow = models.DecimalField(_("每张黄牌扣分"), max_digits=5, decimal_places=1, default=2)
    red = models.DecimalField(_("每张红牌扣分"), max_digits=5, decimal_places=1, default=5)
    overdue = models.DecimalField(_("整改逾期每张加扣"), max_digits=5, decimal_places=1, default=3)
    changed_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("效能评分权重")
        verbose_name_plural = _("效能评分权重")

    def __str__(self) -> str:
        return f"按时{self.on_time} 提前{self.early} 满意{self.satisfaction}"

    @classmethod
    def current(cls) -> ScoreWeights:
        return cls.objects.order_by("-pk").first() or cls()


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
