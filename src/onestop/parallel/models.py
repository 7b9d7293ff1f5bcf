"""Parallel approval (并联审批): investment projects in four stages, enterprise start-up bundles,
joint events, and the fast lanes (green channel, big-enterprise express).

A `Track` is what the administrator defines: a project stage or a bundle, with its lead
department, member items and limit. A `Submission` is one acceptance at the parallel window: one
merged form, one set of materials, and a member case per item in every department at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.org.models import Applicant, Centre, Department, Region

# Administrative Licensing Law Art. 42: joint handling within 45 working days, +15 with the
# approval of the people's government's head.
JOINT_LIMIT_DAYS = 45
JOINT_EXTENSION_DAYS = 15


class Track(models.Model):
    class Kind(models.TextChoices):
        STAGE = "stage", _("投资项目审批阶段")
        BUNDLE = "bundle", _("企业开办套餐")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("阶段序号"), default=0)
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="+"
    )
    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    description = models.TextField(_("说明"), blank=True)
    extra_form = models.JSONField(
        _("合并表单补充字段"),
        default=list,
        blank=True,
        help_text=_("除各成员事项表单外，本阶段一张表单另需填写的字段（与事项表单同格式）"),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("并联审批阶段/套餐")
        verbose_name_plural = _("并联审批阶段/套餐")
        ordering = ["kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="stage"), name="track_one_stage_per_order"
            ),
            models.CheckConstraint(
                condition=Q(limit_days__gte=1, limit_days__lte=JOINT_LIMIT_DAYS),
                name="track_limit_within_joint_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrackItem(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="members")
    item_code = models.CharField(_("事项编码"), max_length=80)
    may_run_ahead = models.BooleanField(
        _("可提前办理"), default=False, help_text=_("上一阶段未办结时，本事项也可先行受理")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("成员事项")
        verbose_name_plural = _("成员事项")
        ordering = ["track", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["track", "item_code"], name="trackitem_once")
        ]

    def __str__(self) -> str:
        return self.item_code


class Project(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("政府投资项目（审批）")
        RATIFIED = "ratified", _("企业投资项目（核准）")
        FILED = "filed", _("企业投资项目（备案）")

    class Green(models.TextChoices):
        NONE = "", _("未申请")
        REQUESTED = "requested", _("已申请，待领导小组审批")
        APPROVED = "approved", _("已列入绿色通道")
        REJECTED = "rejected", _("未获批准")

    code = models.CharField(_("项目代码"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=120)
    owner = models.ForeignKey(
        Applicant, verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="projects"
    )
    kind = models.CharField(_("项目类型"), max_length=12, choices=Kind.choices)
    location = models.CharField(_("建设地点"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    investment = models.DecimalField(_("总投资（万元）"), max_digits=12, decimal_places=2)
    centre = models.ForeignKey(Centre, verbose_name=_("受理中心"), on_delete=models.PROTECT)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("项目专员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    green = models.CharField(
        _("绿色通道"), max_length=10, choices=Green.choices, default=Green.NONE, blank=True
    )
    green_reason = models.CharField(_("申请理由"), max_length=300, blank=True)
    green_decision_no = models.CharField(_("领导小组批复文号"), max_length=60, blank=True)
    green_decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("投资建设项目")
        verbose_name_plural = _("投资建设项目")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def on_green_channel(self) -> bool:
        return self.green == self.Green.APPROVED


class Submission(models.Model):
    """One acceptance at the parallel window: a project stage or a start-up bundle."""

    class Status(models.TextChoices):
        OPEN = "open", _("并联办理中")
        GRANTED = "granted", _("已办结（准予）")
        REFUSED = "refused", _("已办结（不予许可）")
        WITHDRAWN = "withdrawn", _("已撤回")
        DELIVERED = "delivered", _("已统一送达")

    track = models.ForeignKey(Track, verbose_name=_("阶段/套餐"), on_delete=models.PROTECT)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    applicant = models.ForeignKey(Applicant, verbose_name=_("申请人"), on_delete=models.PROTECT)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    form_data = models.JSONField(_("合并表单"), default=dict)
    materials = models.JSONField(_("收取材料"), default=list)
    materials_saved = models.PositiveSmallIntegerField(_("少交材料份数"), default=0)
    halved = models.BooleanField(_("时限减半"), default=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("受理时间"))
    due_at = models.DateTimeField(_("阶段办理期限"))
    joint_due_at = models.DateTimeField(_("联合办理法定期限"))
    joint_extended = models.BooleanField(_("已延长联合办理期限"), default=False)
    joint_extension_note = models.CharField(_("延期批准"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=40, blank=True)
    reasons = models.JSONField(_("不予许可理由"), default=list, blank=True)
    key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("并联受理")
        verbose_name_plural = _("并联受理")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "track"],
                condition=Q(project__isnull=False),
                name="submission_one_per_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.track.name} · {self.applicant.name}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Member(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="members")
    item_code = models.CharField(max_length=80)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="parallel_member")
    ran_ahead = models.BooleanField(_("提前办理"), default=False)

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "item_code"], name="member_once")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.item_code}"


# What each history entry of a submission is called on its page.
SUBMISSION_EVENT_LABELS = {
    "accepted": _("一窗受理"),
    "member_closed": _("成员事项办结"),
    "completed": _("并联审批办结"),
    "joint_extended": _("联合审批延期"),
    "joint_scheduled": _("安排联合审查"),
    "joint_held": _("召开联合审查"),
    "countersigned": _("联合会签"),
    "delivered": _("送达"),
}


class SubmissionEvent(models.Model):
    """The submission's own history (accepted, members closed, completed, extended, delivered)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.kind}"

    @property
    def label(self) -> str:
        return str(SUBMISSION_EVENT_LABELS.get(self.kind, self.kind))

    @property
    def outcome_label(self) -> str:
        """A member case's outcome (a case status: granted, refused, …) by its Chinese name."""
        outcome = str(self.data.get("outcome", ""))
        return str(Case.Status(outcome).label) if outcome in Case.Status.values else outcome


class JointEvent(models.Model):
    """联审会议、联合勘察、联合会签、联合验收: a scheduled event of a stage."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("联审会议")
        SURVEY = "survey", _("联合勘察")
        COUNTERSIGN = "countersign", _("联合会签")
        ACCEPTANCE = "acceptance", _("联合验收")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        HELD = "held", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="joint_events"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("议题/文件"), max_length=120)
    scheduled_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=120)
    departments = models.ManyToManyField(Department, verbose_name=_("参加部门"), related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    attendance = models.JSONField(_("出席情况"), default=list, blank=True)
    minutes = models.TextField(_("纪要"), blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("联合办理事件")
        verbose_name_plural = _("联合办理事件")
        ordering = ["scheduled_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class Conclusion(models.Model):
    """A joint event's conclusion for one member case (also written to the case's trail)."""

    event = models.ForeignKey(JointEvent, on_delete=models.CASCADE, related_name="conclusions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("结论"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "case"], name="conclusion_once")]

    def __str__(self) -> str:
        return self.text[:40]


class Signature(models.Model):
    """One department's signature on a joint countersign document."""

    event = models.ForeignKey(JointEvent, on_delete=models.CASCADE, related_name="signatures")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    opinion = models.CharField(_("会签意见"), max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "department"], name="signature_once")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.opinion[:20]}"


class KeyEnterprise(models.Model):
    """大企业直通车: a big enterprise with a named account manager and a leader per department."""

    applicant = models.OneToOneField(
        Applicant, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="key_enterprise"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        on_delete=models.PROTECT,
        related_name="key_enterprises",
    )
    since = models.DateField(_("纳入日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("大企业直通车企业")
        verbose_name_plural = _("大企业直通车企业")

    def __str__(self) -> str:
        return self.applicant.name


class Liaison(models.Model):
    enterprise = models.ForeignKey(KeyEnterprise, on_delete=models.CASCADE, related_name="liaisons")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("联系领导"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("部门联系领导")
        verbose_name_plural = _("部门联系领导")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "department"], name="liaison_once")
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.leader}"


class Consultation(models.Model):
    """提前介入: a pre-consultation before the formal application."""

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL)
    topic = models.CharField(_("咨询事项"), max_length=200)
    departments = models.ManyToManyField(Department, verbose_name=_("参加部门"), related_name="+")
    advice = models.TextField(_("辅导意见"))
    held_at = models.DateTimeField(_("时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("提前介入服务")
        verbose_name_plural = _("提前介入服务")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.topic
