"""Public-resource trading: projects with their legal calendar, sealed bids, the opening,
the expert committee, publicity, objections, complaints, award, contract and credit."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.org.models import Applicant


class Kind(models.TextChoices):
    CONSTRUCTION = "construction", _("工程建设")
    PROCUREMENT = "procurement", _("政府采购")
    LAND = "land", _("土地使用权")
    MINING = "mining", _("矿业权")
    STATE_ASSETS = "state_assets", _("国有产权")
    RURAL = "rural", _("农村产权")
    CONCESSION = "concession", _("特许经营权")


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("招标文件复核中")
        TENDERING = "tendering", _("招标中")
        EVALUATING = "evaluating", _("已开标，评标中")
        PUBLICITY = "publicity", _("中标候选人公示中")
        AWARDED = "awarded", _("已定标")
        CONTRACTED = "contracted", _("已签订合同")
        FAILED = "failed", _("流标")
        CANCELLED = "cancelled", _("已终止")
        SUSPENDED = "suspended", _("已暂停（投诉处理中）")

    class Method(models.TextChoices):
        OPEN = "open", _("公开招标")
        INVITED = "invited", _("邀请招标")
        AUCTION = "auction", _("拍卖")
        LISTING = "listing", _("挂牌")

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    title = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("交易类型"), max_length=16, choices=Kind.choices)
    method = models.CharField(
        _("交易方式"), max_length=10, choices=Method.choices, default=Method.OPEN
    )
    compulsory = models.BooleanField(_("依法必须招标"), default=True)
    owner = models.ForeignKey(
        Applicant, verbose_name=_("招标人"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.CharField(_("招标代理机构"), max_length=200, blank=True)
    budget = models.DecimalField(_("预算（元）"), max_digits=16, decimal_places=2)
    qualification = models.TextField(_("资格要求"), blank=True)
    description = models.TextField(_("项目概况与招标范围"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    resume_status = models.CharField(max_length=12, blank=True)  # where a suspension returns
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    # The legal calendar, each set when its step happens.
    documents_issued_at = models.DateTimeField(_("招标文件发出时间"), null=True, blank=True)
    bid_deadline = models.DateTimeField(_("投标截止（开标）时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开标时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("评标报告时间"), null=True, blank=True)
    publicity_due = models.DateTimeField(_("最迟公示时间"), null=True, blank=True)
    publicity_starts_at = models.DateTimeField(_("公示开始"), null=True, blank=True)
    publicity_ends_at = models.DateTimeField(_("公示结束"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("中标通知时间"), null=True, blank=True)
    contract_due = models.DateTimeField(_("合同签订期限"), null=True, blank=True)
    closed_reason = models.CharField(_("流标/终止原因"), max_length=300, blank=True)
    # Sealing: bids are encrypted to public_key; its private key is kept only wrapped under a
    # key split among the opening officers (see trading.sealing).
    public_key = models.BinaryField(null=True, blank=True)
    wrapped_private_key = models.BinaryField(null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(_("开标所需密钥份数"), default=3)
    opening_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="KeyShare", related_name="opening_projects"
    )
    opening_participants = models.TextField(_("开标参加人"), blank=True)
    # Expert committee (评标委员会)
    committee_size = models.PositiveSmallIntegerField(_("评标委员会人数"), default=5)
    committee_experts = models.PositiveSmallIntegerField(_("其中专家人数"), default=5)
    speciality = models.CharField(_("评标专业"), max_length=40, blank=True)
    committee_draw = models.OneToOneField(
        "draws.Draw", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    winner = models.ForeignKey(
        "Bid", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract_amount = models.DecimalField(
        _("合同金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    contract_signed_on = models.DateField(_("合同签订日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("交易项目")
        verbose_name_plural = _("交易项目")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "bid_deadline"], name="trading_status_deadline")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def public(self) -> bool:
        return self.status not in (self.Status.DRAFT, self.Status.REVIEW)

    @property
    def result_published(self) -> bool:
        return self.awarded_at is not None


class Lot(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("标段号"))
    name = models.CharField(_("标段名称"), max_length=200)
    budget = models.DecimalField(_("标段预算（元）"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("标段")
        verbose_name_plural = _("标段")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="lot_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Clarification(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="clarifications")
    text = models.TextField(_("澄清或修改内容"))
    issued_at = models.DateTimeField()
    new_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at"]

    def __str__(self) -> str:
        return f"{self.project_id} 澄清 {self.issued_at:%Y-%m-%d}"


class OpeningKey(models.Model):
    """An opening officer's X25519 key; the private half is kept only under the officer's
    passphrase (scrypt + AES-GCM), so the server cannot use it without them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opening_key"
    )
    public_key = models.BinaryField()
    salt = models.BinaryField()
    sealed_private_key = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("开标密钥")
        verbose_name_plural = _("开标密钥")

    def __str__(self) -> str:
        return f"开标密钥 {self.user}"


class KeyShare(models.Model):
    """One officer's Shamir share of the project key, sealed to that officer's key; the
    decrypted share is accepted only from the bid deadline on."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shares")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    index = models.PositiveSmallIntegerField()
    sealed_share = models.BinaryField()
    presented_share = models.BinaryField(null=True, blank=True)
    presented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "officer"], name="keyshare_officer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} 份额 {self.index}"


class Bid(models.Model):
    class Status(models.TextChoices):
        SEALED = "sealed", _("已密封")
        WITHDRAWN = "withdrawn", _("已撤回")
        OPENED = "opened", _("已开标")
        REJECTED = "rejected", _("无效投标")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="bids")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT)
    bidder = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SEALED)
    submitted_at = models.DateTimeField(_("递交时间"))
    ciphertext = models.BinaryField()
    document_sha256 = models.CharField(_("投标文件 SHA-256"), max_length=64)
    receipt = models.CharField(_("回执编号"), max_length=40, unique=True)
    # Filled at the opening, from the decrypted bid.
    price = models.DecimalField(
        _("投标报价（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    document_name = models.CharField(max_length=200, blank=True)
    document = models.BinaryField(null=True, blank=True)
    score = models.DecimalField(
        _("评标得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveSmallIntegerField(_("中标候选人排序"), null=True, blank=True)
    remarks = models.CharField(_("评审意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("投标")
        verbose_name_plural = _("投标")
        ordering = ["project", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "lot", "bidder"],
                condition=Q(status="sealed"),
                name="bid_one_sealed_per_bidder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.bidder}"


class Expert(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在库")
        SUSPENDED = "suspended", _("暂停")

    code = models.CharField(_("专家编号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    specialities = models.JSONField(_("评标专业"), default=list)
    employer = models.CharField(_("工作单位"), max_length=200)
    employer_credit_code = models.CharField(_("单位统一社会信用代码"), max_length=18, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )

    class Meta:
        verbose_name = _("评标专家")
        verbose_name_plural = _("专家库")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class Conflict(models.Model):
    """A reason an expert must not evaluate a bidder's (or a project's) bids."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("曾任职于投标人")
        RELATIVE = "relative", _("近亲属任职于投标人")
        PARTICIPATION = "participation", _("参与过本项目前期工作")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    credit_code = models.CharField(_("相关单位统一社会信用代码"), max_length=18, blank=True)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE)
    ended_on = models.DateField(_("关系结束日期"), null=True, blank=True)  # empty: ongoing

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")

    def __str__(self) -> str:
        return f"{self.expert_id} {self.get_kind_display()}"


class Objection(models.Model):
    """异议 to the owner during the publicity; the process pauses until answered."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="objections")
    bidder = models.ForeignKey(Applicant, on_delete=models.PROTECT)
    text = models.TextField(_("异议内容"))
    filed_at = models.DateTimeField()
    answer_due = models.DateTimeField()
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["filed_at"]

    def __str__(self) -> str:
        return f"异议 {self.project_id} {self.filed_at:%Y-%m-%d}"


class Complaint(models.Model):
    """投诉 to the supervising department (Regulation Arts. 60–62)."""

    class Status(models.TextChoices):
        FILED = "filed", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        REJECTED = "rejected", _("不予受理")
        DECIDED = "decided", _("已处理")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="complaints")
    complainant = models.ForeignKey(Applicant, on_delete=models.PROTECT)
    objection = models.ForeignKey(Objection, null=True, blank=True, on_delete=models.PROTECT)
    text = models.TextField(_("投诉事项"))
    known_on = models.DateField(_("知道或应当知道之日"))
    filed_at = models.DateTimeField()
    accept_due = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FILED)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decide_due = models.DateTimeField(null=True, blank=True)
    suspends = models.BooleanField(_("责令暂停"), default=False)
    decision = models.TextField(_("处理决定"), blank=True)
    upheld = models.BooleanField(_("投诉成立"), default=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        # Open complaints by their due dates: the sweep and the officer's list.
        indexes = [models.Index(fields=["status", "accept_due"], name="complaint_status_due")]

    def __str__(self) -> str:
        return f"投诉 {self.project_id} {self.filed_at:%Y-%m-%d}"


class CreditRecord(models.Model):
    """诚信记录 of a bidder, an agency, an intermediary or an expert."""

    class Subject(models.TextChoices):
        BIDDER = "bidder", _("投标人")
        AGENCY = "agency", _("招标代理机构")
        INTERMEDIARY = "intermediary", _("中介机构")
        EXPERT = "expert", _("评标专家")

    class Kind(models.TextChoices):
        GOOD = "good", _("良好行为")
        VIOLATION = "violation", _("不良行为")
        BLACKLIST = "blacklist", _("黑名单")

    subject = models.CharField(max_length=14, choices=Subject.choices)
    name = models.CharField(_("名称/姓名"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.CharField(_("事由"), max_length=300)
    recorded_on = models.DateField(_("记录日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("诚信记录")
        verbose_name_plural = _("诚信记录")
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["credit_code", "kind"], name="credit_code_kind")]

    def __str__(self) -> str:
        return f"{self.name} {self.get_kind_display()} {self.summary}"

    def in_force(self, today: date) -> bool:
        return self.valid_until is None or self.valid_until >= today


EVENT_LABELS = {
    "created": _("创建项目"),
    "submitted": _("提交复核"),
    "announced": _("发布公告"),
    "clarified": _("澄清修改"),
    "cancelled": _("终止"),
    "bid_received": _("收到投标"),
    "bid_withdrawn": _("撤回投标"),
    "share_presented": _("提交密钥份额"),
    "opened": _("开标"),
    "failed": _("流标"),
    "experts_frozen": _("冻结专家名单"),
    "experts_drawn": _("抽取评标专家"),
    "expert_replaced": _("补抽专家"),
    "reported": _("评标报告"),
    "publicised": _("公示中标候选人"),
    "objection": _("异议"),
    "objection_answered": _("异议答复"),
    "objection_overdue": _("异议逾期未答复"),
    "complaint": _("投诉"),
    "complaint_accepted": _("受理投诉"),
    "complaint_rejected": _("投诉不予受理"),
    "complaint_decided": _("投诉处理决定"),
    "complaint_accept_overdue": _("投诉逾期未受理"),
    "complaint_decide_overdue": _("投诉逾期未决定"),
    "suspended": _("暂停"),
    "resumed": _("恢复"),
    "awarded": _("定标"),
    "contracted": _("签订合同"),
    "contract_overdue": _("合同逾期未签订"),
}


class Event(models.Model):
    """The project's record: every move with its actor, in order."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    # Set on the sweep's once-only events ("late-objection-12"): the unique constraint makes a
    # second sweep's insert fail, so each overdue step is announced once across all nodes.
    key = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "key"], condition=~Q(key=""), name="trading_event_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))
