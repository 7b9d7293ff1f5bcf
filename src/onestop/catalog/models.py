"""The service item catalog (事项目录). Each row of ServiceItem is one version of an item."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.core.models import HistoryRow
from onestop.org.models import Department, Role


class LifeEvent(models.Model):
    """A life event or business stage the guide is browsed by (生育收养, 企业开办, …)."""

    class Theme(models.TextChoices):
        PERSON = "person", _("个人")
        ENTERPRISE = "enterprise", _("法人")

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    theme = models.CharField(_("主题"), max_length=12, choices=Theme.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # The words residents use for the event (出生, 上学, 结婚, 退休…), joined with "、":
    # the guide search finds the event's items by them.
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("人生事件/经营阶段")
        verbose_name_plural = _("人生事件/经营阶段")
        ordering = ["theme", "order"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """One version of a service item. Published versions are never edited: edits make a new one."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("待完善")
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本取代")

    class Category(models.TextChoices):
        LICENSING = "licensing", _("行政许可")
        PAYMENT = "payment", _("行政给付")
        CONFIRMATION = "confirmation", _("行政确认")
        REWARD = "reward", _("行政奖励")
        RULING = "ruling", _("行政裁决")
        OTHER_POWER = "other_power", _("其他行政权力")
        PUBLIC_SERVICE = "public_service", _("公共服务")

    class Kind(models.TextChoices):
        INSTANT = "instant", _("即办件")
        PROMISED = "promised", _("承诺件")

    class OnlineDepth(models.IntegerChoices):
        INFO = 1, _("一级：信息发布")
        DOWNLOAD = 2, _("二级：表格下载")
        ONLINE_APPLY = 3, _("三级：网上预审")
        FULLY_ONLINE = 4, _("四级：全程网办")

    # Statuses whose content is frozen (a case may have been accepted under them).
    FROZEN = (Status.PUBLISHED, Status.SUPERSEDED)

    code = models.CharField(_("实施编码"), max_length=80)
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    name = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(
        _("事项类型"), max_length=16, choices=Category.choices, default=Category.LICENSING
    )
    department = models.ForeignKey(
        Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="items"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("协办部门"), blank=True, related_name="co_items"
    )
    legal_basis = models.TextField(_("设定依据"), blank=True)
    statutory_limit = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"), default=20)
    promised_limit = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"), default=20)
    kind = models.CharField(
        _("办件类型"), max_length=10, choices=Kind.choices, default=Kind.PROMISED
    )
    # The validity the law gives the certificate (e.g. 食品经营许可证 five years); 0 is 长期.
    certificate_years = models.PositiveSmallIntegerField(
        _("证照有效期（年）"), default=0, help_text=_("所发证照的法定有效期，0 表示长期有效")
    )
    fees = models.CharField(_("收费标准"), max_length=300, default="不收费")
    at_district = models.BooleanField(_("区级受理"), default=True)
    at_street = models.BooleanField(_("街道/镇受理"), default=False)
    at_community = models.BooleanField(_("社区/村代办"), default=False)
    online_depth = models.PositiveSmallIntegerField(
        _("网办深度"), choices=OnlineDepth.choices, default=OnlineDepth.ONLINE_APPLY
    )
    for_person = models.BooleanField(_("面向个人"), default=True)
    for_enterprise = models.BooleanField(_("面向法人"), default=False)
    life_events = models.ManyToManyField(LifeEvent, verbose_name=_("人生事件/经营阶段"), blank=True)
    on_site_visits = models.PositiveSmallIntegerField(_("到现场次数"), default=1)
    form_schema = models.JSONField(_("申请表（一事一表）"), default=list, blank=True)
    # Other names of the item and the words residents type for it (低保, 开饭店, 残疾证),
    # joined with "、": the guide search ranks them just below the name.
    aliases = models.CharField(_("别名"), max_length=300, blank=True)
    keywords = models.CharField(_("俗称/关键词"), max_length=500, blank=True)
    # Lower-cased name, aliases, keywords, department, materials and legal basis: what the
    # guide search matches.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["department_id", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="item_code_version_unique"),
            # One live version per code: the one cases are accepted under today.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="item_one_published"
            ),
            # At most one version in preparation per code.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status__in=["draft", "incomplete"]),
                name="item_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(promised_limit__lte=models.F("statutory_limit")),
                name="item_promised_within_statutory",
            ),
        ]
        indexes = [
            # The guide lists live items by department: WHERE status='published' AND department_id=…
            models.Index(fields=["status", "department"], name="item_status_dept_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN

    @property
    def levels_display(self) -> list[str]:
        names = []
        if self.at_district:
            names.append("区级")
        if self.at_street:
            names.append("街道/镇")
        if self.at_community:
            names.append("社区/村")
        return names


class Material(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ORIGINAL_AND_COPY = "original_and_copy", _("原件及复印件")
        ELECTRONIC = "electronic", _("电子材料")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必要"), default=True)
    form = models.CharField(_("形式"), max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    count = models.PositiveSmallIntegerField(_("份数"), default=1)
    tolerance = models.BooleanField(_("可容缺"), default=False)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("环节"), max_length=40)
    role = models.CharField(_("办理岗位"), max_length=20, choices=Role.choices)
    days = models.PositiveSmallIntegerField(_("时限（工作日）"), default=0)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return self.name


class ItemChange(HistoryRow):
    """One change to a version of an item, with who made it (append-only history)."""

    class Action(models.TextChoices):
        CREATED = "created", _("新建")
        NEW_VERSION = "new_version", _("新建版本")
        UPDATED = "updated", _("修改")
        PUBLISHED = "published", _("发布")
        SUPERSEDED = "superseded", _("被新版本取代")
        LISTED = "listed", _("按目录清单导入")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项变更记录")
        verbose_name_plural = _("事项变更记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.get_action_display()}"
