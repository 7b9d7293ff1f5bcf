"""The three-level organisation: regions, centres, departments, windows, staff, applicants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A district, a street/town or a community/village (三级: 区 → 街道/镇 → 社区/村)."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("区县")
        STREET = "street", _("街道/镇")
        COMMUNITY = "community", _("社区/村")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("510403000000/510403001000/"): a subtree is one prefix query.
    path = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def subtree_q(self, field: str = "") -> Q:
        """A filter for objects whose region (reached through `field`) lies in this subtree."""
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path__startswith": self.path})

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)


class Centre(models.Model):
    """A service centre: 政务服务中心, 便民服务中心 or 代办点."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("区政务服务中心")
        STREET = "street", _("便民服务中心")
        COMMUNITY = "community", _("代办点")

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    hours = models.CharField(_("办公时间"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("服务中心")
        verbose_name_plural = _("服务中心")
        ordering = ["level", "region__code"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A functional zone of a centre (the district centre has seven)."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("行政审批")
        PUBLIC = "public", _("公共服务")
        PARALLEL = "parallel", _("并联审批")
        TRADING = "trading", _("公共资源交易")
        HR_MARKET = "hr_market", _("人力资源市场")
        INFO = "info", _("信息查询和中介服务")
        MULTI = "multi", _("多功能服务")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="zones")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    floor = models.CharField(_("楼层"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("功能区")
        verbose_name_plural = _("功能区")
        constraints = [
            models.UniqueConstraint(fields=["centre", "kind"], name="zone_one_kind_per_centre")
        ]

    def __str__(self) -> str:
        return f"{self.centre.name} {self.name}"


class Department(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("区级部门")
        VERTICAL = "vertical", _("垂管部门")
        STREET_OFFICE = "street_office", _("街道/镇")

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("全称"), max_length=80, unique=True)
    short_name = models.CharField(_("简称"), max_length=40)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Window(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("部门窗口")
        COMPREHENSIVE = "comprehensive", _("综合受理窗口")

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="windows")
    number = models.CharField(_("窗口号"), max_length=10)
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    departments = models.ManyToManyField(Department, verbose_name=_("进驻部门"), blank=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["zone__centre_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "number"], name="window_number_per_zone")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Role(models.TextChoices):
    CLERK = "clerk", _("窗口受理员")
    REVIEWER = "reviewer", _("审核人")
    APPROVER = "approver", _("审批人")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    COMMUNITY_AGENT = "community_agent", _("代办员")
    ACCOUNT_MANAGER = "account_manager", _("项目专员")
    SUPERVISOR = "supervisor", _("效能监察员")
    HOTLINE_OPERATOR = "hotline_operator", _("话务员")
    TRADING_OFFICER = "trading_officer", _("交易中心工作人员")
    CENTRE_ADMIN = "centre_admin", _("中心管理员")


class StaffRole(models.Model):
    """A staff member's role in a department, scoped to a region subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(Region, verbose_name=_("管辖范围"), on_delete=models.PROTECT)
    window = models.ForeignKey(
        Window, verbose_name=_("窗口"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("岗位角色")
        verbose_name_plural = _("岗位角色")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "department", "region"], name="staffrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.department or self.region}"


class Applicant(models.Model):
    """A person or an enterprise that applies on the portal."""

    class Kind(models.TextChoices):
        PERSON = "person", _("个人")
        ENTERPRISE = "enterprise", _("法人")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11)
    region = models.ForeignKey(
        Region, verbose_name=_("所在社区/村"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="applicant_id_number_unique"
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="applicant_credit_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonalDataRead(models.Model):
    """An audited read of a full ID number or credit code (reading one is an audited act)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE)
    field = models.CharField(max_length=20)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息查阅记录")
        verbose_name_plural = _("个人信息查阅记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.actor} 查阅 {self.applicant} 的 {self.field}"


class IdentityClaim(models.Model):
    """An account's claim to an ID number or credit code (实名核验).

    The account holds the number (becomes the `user` of the Applicant with that number) only
    when the claim is proven: by an SMS code sent to the phone on record, or by a clerk who saw
    the card. Until then the claim lives here and the account sees nothing filed under the
    number. Registration always writes a claim, whether or not the number is on record, so that
    it tells nobody which numbers are (the proof step decides)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待核验")
        PROVEN = "proven", _("已核验")
        VOID = "void", _("已失效")

    class Method(models.TextChoices):
        SMS = "sms", _("短信验证码（登记手机号码）")
        CLERK = "clerk", _("窗口核验证件原件")
        RECORD = "record", _("既有登记资料")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_claims"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Applicant.Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    method = models.CharField(_("核验方式"), max_length=8, choices=Method.choices, blank=True)
    created_at = models.DateTimeField(_("申请时间"))
    proven_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    proven_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("核验网点"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The SMS code in force: only its keyed hash is stored; it dies at code_expires_at or after
    # CODE_TRIES wrong guesses. code_phone is where it went (the phone on record at sending).
    code_hash = models.CharField(max_length=64, blank=True)
    code_phone = models.CharField(max_length=11, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("实名核验申请")
        verbose_name_plural = _("实名核验申请")
        ordering = ["-created_at"]
        constraints = [
            # An account waits on one claim at a time (a new claim replaces the old one).
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="identityclaim_one_pending"
            ),
        ]
        indexes = [
            # find_pending_claim (the clerk's lookup) and voiding the claims on a number.
            models.Index(fields=["id_number", "status"], name="identityclaim_id_number_idx"),
            models.Index(fields=["credit_code", "status"], name="identityclaim_credit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} · {self.get_status_display()}"

    @property
    def number(self) -> str:
        return self.id_number if self.kind == Applicant.Kind.PERSON else self.credit_code

    @property
    def number_field(self) -> str:
        return "id_number" if self.kind == Applicant.Kind.PERSON else "credit_code"


class IdentityEvent(models.Model):
    """One row per change of who holds a number, and per code sent or guessed (append-only)."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("提交实名核验")
        CODE_SENT = "code_sent", _("发送验证码")
        CODE_WRONG = "code_wrong", _("验证码错误")
        PROVEN = "proven", _("核验通过")
        VOIDED = "voided", _("申请失效")
        DETACHED = "detached", _("解除账号关联")

    kind = models.CharField(_("事件"), max_length=12, choices=Kind.choices)
    claim = models.ForeignKey(
        IdentityClaim, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    applicant = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(Centre, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("实名核验记录")
        verbose_name_plural = _("实名核验记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
