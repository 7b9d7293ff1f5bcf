"""Cases (办件), their tasks, clock stops and the audit trail chained with a keyed hash (HMAC)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import ServiceItem
from onestop.core.sequences import Sequence
from onestop.org.models import Applicant, Centre, Department, Region, Role


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交（待预审）")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        ACCEPTED = "accepted", _("已受理")
        UNDER_REVIEW = "under_review", _("审核中")
        UNDER_DECISION = "under_decision", _("待决定")
        SUSPENDED = "suspended", _("中止（暂停计时）")
        GRANTED = "granted", _("准予许可")
        REFUSED = "refused", _("不予许可")
        COMPLETED = "completed", _("已办结")
        DELIVERED = "delivered", _("已送达")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Channel(models.TextChoices):
        WINDOW = "window", _("窗口受理")
        ONLINE = "online", _("网上申请")
        AGENT = "agent", _("代办点代办")
        SELF_SERVICE = "self_service", _("自助终端")

    # States in which the legal clock runs (accepted, not yet decided).
    CLOCK_RUNNING = (Status.ACCEPTED, Status.UNDER_REVIEW, Status.UNDER_DECISION)
    # States from which nothing more happens.
    CLOSED = (Status.NOT_ACCEPTED, Status.DELIVERED, Status.WITHDRAWN)

    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=12)
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("事项（受理时版本）"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="cases"
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filed_cases",
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("受理网点"), on_delete=models.PROTECT, related_name="cases"
    )
    # Where the case belongs for scoping: the centre's region (a community point's community).
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    # The status a suspended case returns to when it resumes.
    resume_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    form_data = models.JSONField(_("申请表内容"), default=dict, blank=True)

    created_at = models.DateTimeField(_("创建时间"))
    received_at = models.DateTimeField(_("收件时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("延长时限（工作日）"), default=0)
    # The deadline of the timed state the case is in (STYLE §4); lights are computed from it.
    # Sweep and lists: WHERE status IN (…) AND due_at < now.
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    # Art. 32: a supplement notice is due within 5 working days of receipt.
    supplement_due_at = models.DateTimeField(_("补正告知期限"), null=True, blank=True)
    certificate_due_at = models.DateTimeField(_("发证期限"), null=True, blank=True)
    halved = models.BooleanField(_("时限减半"), default=False)
    # Head of the audit chain (the last event's number and hash), kept on the locked case row
    # so that appending an event needs no read of the events table.
    event_seq = models.PositiveIntegerField(default=0, editable=False)
    event_hash = models.CharField(max_length=64, default="0" * 64, editable=False)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="case_status_due_idx"),
            models.Index(fields=["department", "status"], name="case_dept_status_idx"),
            models.Index(fields=["status", "supplement_due_at"], name="case_supplement_due_idx"),
            # The daily statistics read one day's received and completed cases.
            models.Index(fields=["received_at"], name="case_received_idx"),
            models.Index(fields=["completed_at"], name="case_completed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"


class CaseMaterial(models.Model):
    """A material of a case: the item's material it answers, and the file if one was given."""

    class State(models.TextChoices):
        PROVIDED = "provided", _("已提交")
        MISSING = "missing", _("缺少")
        TOLERATED = "tolerated", _("容缺后补")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必要"), default=True)
    tolerance = models.BooleanField(_("可容缺"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.MISSING)
    file = models.ForeignKey(
        "StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="uses"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case", "order"]

    def __str__(self) -> str:
        return self.name


class StoredFile(models.Model):
    """An uploaded file kept for an applicant, reusable across cases (一次提交、多次使用)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="files")
    material_name = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="materials/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("材料文件")
        verbose_name_plural = _("材料文件")
        indexes = [
            # Reuse offers: WHERE applicant_id = … AND material_name = …
            models.Index(fields=["applicant", "material_name"], name="storedfile_reuse_idx")
        ]

    def __str__(self) -> str:
        return f"{self.material_name}（{self.original_name}）"


class ReuseConsent(models.Model):
    """The owner's recorded consent that an agent (or every agent of a 代办点) may reuse one of
    their materials on record (一次提交、多次使用 through an agent). Revocable; a revoked
    consent stays as the record of what was allowed when."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("申请人网上授权")
        PAPER = "paper", _("纸质授权书（窗口登记）")

    owner = models.ForeignKey(
        Applicant, verbose_name=_("材料所有人"), on_delete=models.PROTECT, related_name="consents"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    point = models.ForeignKey(
        Centre,
        verbose_name=_("代办点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    material_name = models.CharField(_("材料名称"), max_length=200)
    channel = models.CharField(_("授权方式"), max_length=12, choices=Channel.choices)
    given_at = models.DateTimeField(_("授权时间"))
    # The owner on the portal, or the clerk who saw the signed paper consent.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    paper_ref = models.CharField(_("授权书编号"), max_length=60, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("材料复用授权")
        verbose_name_plural = _("材料复用授权")
        ordering = ["-given_at", "-pk"]
        indexes = [
            # Reuse check: WHERE owner_id = … AND material_name = … AND revoked_at IS NULL
            models.Index(fields=["owner", "material_name"], name="consent_owner_material_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(agent__isnull=False, point__isnull=True)
                | Q(agent__isnull=True, point__isnull=False),
                name="consent_agent_or_point",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} → {self.agent or self.point}：{self.material_name}"


class Task(models.Model):
    """A step of a case owned by a department and role, with its own due time."""

    class Kind(models.TextChoices):
        PRE_REVIEW = "pre_review", _("网上预审")
        REVIEW = "review", _("审核")
        OPINION = "opinion", _("会签意见")
        DECIDE = "decide", _("审批决定")
        EXTENSION = "extension", _("延期审批")
        CERTIFICATE = "certificate", _("制证发证")

    class Status(models.TextChoices):
        OPEN = "open", _("待认领")
        CLAIMED = "claimed", _("办理中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    OPEN_STATES = (Status.OPEN, Status.CLAIMED)
    # What `outcome` holds, by the move that finished the task, and how the pages name it.
    OUTCOME_LABELS = {
        "grant": _("准予"),  # review: recommends a grant; decide: grants
        "refuse": _("不予"),
        "agree": _("同意"),  # a co-department's opinion
        "disagree": _("不同意"),
        "approved": _("批准"),  # an extension
        "refused": _("不批准"),
        "issued": _("已制证"),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT)
    role = models.CharField(_("岗位"), max_length=20, choices=Role.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    created_at = models.DateTimeField(_("创建时间"))
    # Task lists and the sweep: WHERE status IN ('open','claimed') AND due_at < now.
    due_at = models.DateTimeField(_("期限"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("结论"), max_length=20, blank=True)
    opinion = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["department", "role", "status"], name="task_queue_idx"),
            models.Index(fields=["assignee", "status"], name="task_mine_idx"),
            models.Index(fields=["status", "due_at"], name="task_status_due_idx"),
            models.Index(fields=["done_at"], name="task_done_idx"),
        ]
        constraints = [
            # One open task of a kind per case and department (opinions: one per co-department).
            models.UniqueConstraint(
                fields=["case", "kind", "department"],
                condition=Q(status__in=["open", "claimed"]),
                name="task_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case.number}"

    @property
    def outcome_label(self) -> str:
        return str(self.OUTCOME_LABELS.get(self.outcome, self.outcome))


class ClockStop(models.Model):
    """An interval that does not count toward the limit (supplement period, Art. 45 reasons)."""

    class Reason(models.TextChoices):
        SUPPLEMENT = "supplement", _("补正材料")
        HEARING = "hearing", _("听证")
        TENDER = "tender", _("招标")
        AUCTION = "auction", _("拍卖")
        INSPECTION = "inspection", _("检验")
        TESTING = "testing", _("检测")
        QUARANTINE = "quarantine", _("检疫")
        APPRAISAL = "appraisal", _("鉴定")
        EXPERT_REVIEW = "expert_review", _("专家评审")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_stops")
    reason = models.CharField(_("事由"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=300)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["case", "started_on"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.started_on}"


# What each event kind is called on the staff pages (the applicant's words are in the portal).
EVENT_LABELS = {
    "created": "登记申请",
    "submitted": "提交申请",
    "supplement_requested": "一次性告知补正",
    "supplied": "补正材料",
    "accepted": "受理",
    "deemed_accepted": "逾期未告知补正，视为受理",
    "not_accepted": "不予受理",
    "task_claimed": "认领任务",
    "task_released": "退回任务",
    "task_reassigned": "改派任务",
    "opinion_given": "出具会签意见",
    "reviewed": "提交审核意见",
    "granted": "准予许可",
    "refused": "不予许可",
    "extension_requested": "申请延期",
    "extension_approved": "批准延期",
    "extension_refused": "不批准延期",
    "deadline_recomputed": "按载入的节假日安排重算办理期限",
    "suspended": "中止计时",
    "resumed": "恢复计时",
    "tolerated_supplied": "补交容缺材料",
    "material_attached": "上传材料",
    "material_removed": "删除材料",
    "materials_checked": "窗口核验材料",
    "certificate_issued": "制发证照",
    "certificate_revoked": "撤销证照",
    "audit_sealed": "旧日志以密钥封存",
    "fee_notice_issued": "开具缴费通知",
    "fee_paid": "缴费",
    "fee_refunded": "退费",
    "completed": "办结",
    "delivered": "送达",
    "withdrawn": "撤回申请",
    "identity_revealed": "查看完整证件号码",
}


class CaseEvent(models.Model):
    """One audit event. Append-only; each mac covers the previous one and this content."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("事件"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    status_after = models.CharField(max_length=24, choices=Case.Status.choices)
    data = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    # What made `hash` (cases.audit): "hmac-sha256" under the key whose fingerprint is key_id,
    # or "sha256" for the plain chain of events written before the key existed.
    alg = models.CharField(max_length=16)
    key_id = models.CharField(max_length=32, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("办件日志")
        verbose_name_plural = _("办件日志")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="event_seq_unique"),
            # A repeated request with the same key does nothing the second time.
            models.UniqueConstraint(
                fields=["case", "key"], condition=~Q(key=""), name="event_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        """The event's Chinese name (the kind itself only for a kind nobody has named)."""
        return EVENT_LABELS.get(self.kind, self.kind)


class CaseSequence(Sequence):
    """Per centre and day counter for readable case numbers (XQ-20261128-0001)."""

    prefix = models.CharField(max_length=24, unique=True)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
