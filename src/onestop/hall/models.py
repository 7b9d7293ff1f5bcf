"""The hall: appointments (预约), queue numbers (排队叫号), calls at the windows, and
first-inquiry records (首问负责制).

A ticket's wait runs from taking the number to its first call; its service from the start of
service to its end. A case started from a ticket points back to it (Ticket.case), so both
times are known per case.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.catalog.models import ServiceItem
from onestop.core.sequences import Sequence
from onestop.org.models import Applicant, Centre, Department, Window, Zone


class Category(models.TextChoices):
    """Who a ticket is for; the administrator's priority rules give each a head start."""

    NORMAL = "normal", _("普通")
    APPOINTMENT = "appointment", _("预约")
    GREEN = "green", _("绿色通道")
    ENTERPRISE = "enterprise", _("重点企业")
    CARE = "care", _("老年人、残疾人优先")


class HallPolicy(models.Model):
    """The centre's hall settings, kept by the centre administrator (defaults when absent)."""

    centre = models.OneToOneField(
        Centre, verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="hall_policy"
    )
    wait_yellow_minutes = models.PositiveSmallIntegerField(_("等候黄灯（分钟）"), default=15)
    wait_red_minutes = models.PositiveSmallIntegerField(_("等候红灯（分钟）"), default=30)
    no_show_limit = models.PositiveSmallIntegerField(
        _("爽约次数上限"), default=3, help_text=_("统计期内爽约达到该次数，暂停预约")
    )
    no_show_window_days = models.PositiveSmallIntegerField(_("爽约统计期（天）"), default=30)
    no_show_block_days = models.PositiveSmallIntegerField(_("暂停预约（天）"), default=30)
    booking_days = models.PositiveSmallIntegerField(_("可预约工作日数"), default=5)
    reminder_hours = models.PositiveSmallIntegerField(_("提前提醒（小时）"), default=24)
    checkin_early_minutes = models.PositiveSmallIntegerField(_("提前签到（分钟）"), default=30)
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        _("迟到宽限（分钟）"), default=15, help_text=_("预约时段结束后超过该时间未签到，记为爽约")
    )
    minutes_per_ticket = models.PositiveSmallIntegerField(
        _("预计每号办理（分钟）"), default=8, help_text=_("无当日数据时估算等候时间所用")
    )

    class Meta:
        verbose_name = _("大厅规则")
        verbose_name_plural = _("大厅规则")

    def __str__(self) -> str:
        return f"{self.centre.name} 大厅规则"


class PriorityRule(models.Model):
    """How much earlier than its taking time a category's ticket queues (set by the
    administrator). A bounded head start rather than a strict tier, so an ordinary ticket
    is never passed over for longer than the largest head start."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="priority_rules"
    )
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    head_start_minutes = models.PositiveSmallIntegerField(
        _("优先（分钟）"), help_text=_("视同提前该分钟数取号")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("优先规则")
        verbose_name_plural = _("优先规则")
        constraints = [
            models.UniqueConstraint(fields=["centre", "category"], name="priority_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} +{self.head_start_minutes} 分钟"


class WindowHours(models.Model):
    """A window's working hours and its appointment capacity per slot."""

    window = models.OneToOneField(
        Window, verbose_name=_("窗口"), on_delete=models.CASCADE, related_name="hall_hours"
    )
    morning_start = models.TimeField(_("上午开始"), default=time(9, 0))
    morning_end = models.TimeField(_("上午结束"), default=time(12, 0))
    afternoon_start = models.TimeField(_("下午开始"), default=time(14, 30))
    afternoon_end = models.TimeField(_("下午结束"), default=time(18, 0))
    slot_minutes = models.PositiveSmallIntegerField(_("预约时段（分钟）"), default=30)
    capacity = models.PositiveSmallIntegerField(_("每时段可预约人数"), default=2)
    bookable = models.BooleanField(_("开放预约"), default=True)

    class Meta:
        verbose_name = _("窗口工作时间")
        verbose_name_plural = _("窗口工作时间")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="window_hours_in_order",
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="window_slot_min"),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.morning_start:%H:%M}-{self.afternoon_end:%H:%M}"


class Slot(models.Model):
    """An appointment slot of a window, written when it is first booked; `booked` is the
    counter that enforces the capacity (the check constraint is the last line of defence)."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="hall_slots")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("容量"))
    booked = models.PositiveSmallIntegerField(_("已预约"), default=0)

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        constraints = [
            models.UniqueConstraint(fields=["window", "starts_at"], name="slot_unique"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_not_over"),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已取号")
        CANCELLED = "cancelled", _("已取消")
        NO_SHOW = "no_show", _("爽约")

    code = models.CharField(_("预约码"), max_length=10, unique=True)
    centre = models.ForeignKey(Centre, verbose_name=_("服务中心"), on_delete=models.PROTECT)
    window = models.ForeignKey(Window, verbose_name=_("窗口"), on_delete=models.PROTECT)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT)
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号码"), max_length=11)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.BOOKED
    )
    starts_at = models.DateTimeField(_("预约时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    created_at = models.DateTimeField(_("预约于"))
    reminded_at = models.DateTimeField(_("提醒于"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("取号于"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消于"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("记为爽约于"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        indexes = [
            # sweep_hall: status = booked AND starts_at <= now + reminder (reminders) and
            # ends_at < now - grace (no-shows); the day's bookings by window.
            models.Index(fields=["status", "starts_at"], name="booking_status_start_idx"),
            # no-show limit: status = no_show AND phone = … AND no_show_at >= …
            models.Index(fields=["phone", "status"], name="booking_phone_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.item.name} {self.starts_at:%Y-%m-%d %H:%M}"


class PhoneCode(models.Model):
    """A one-time SMS code proving the booker holds the phone (only its hash is kept)."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[7:]} {self.created_at:%Y-%m-%d %H:%M}"


class TicketSequence(Sequence):
    """Daily ticket counters, one row per centre, day and letter (see next_in_sequence)."""


class Ticket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVING = "serving", _("办理中")
        DONE = "done", _("已办理")
        NO_SHOW = "no_show", _("过号")
        ABANDONED = "abandoned", _("未办理离开")

    class Source(models.TextChoices):
        KIOSK = "kiosk", _("自助取号机")
        DESK = "desk", _("咨询导引台")
        BOOKING = "booking", _("预约签到")

    centre = models.ForeignKey(Centre, verbose_name=_("服务中心"), on_delete=models.PROTECT)
    zone = models.ForeignKey(Zone, verbose_name=_("功能区"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    day = models.DateField(_("日期"))
    number = models.CharField(_("号码"), max_length=8)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    source = models.CharField(_("取号方式"), max_length=8, choices=Source.choices)
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    taken_at = models.DateTimeField(_("取号时间"))
    # Place in the queue: taken_at minus the category's head start (queue_key).
    queue_at = models.DateTimeField(_("排队时间"))
    # The window calling or serving the ticket; for a waiting ticket, the window it was
    # transferred to (only that window calls it).
    window = models.ForeignKey(
        Window, verbose_name=_("窗口"), null=True, blank=True, on_delete=models.PROTECT
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("窗口人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    called_at = models.DateTimeField(_("首次叫号"), null=True, blank=True)
    served_at = models.DateTimeField(_("开始办理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    case = models.OneToOneField(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hall_ticket",
    )

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        constraints = [
            models.UniqueConstraint(fields=["centre", "day", "number"], name="ticket_number_day")
        ]
        indexes = [
            # call_next: zone = … AND status = waiting ORDER BY queue_at, id
            models.Index(fields=["zone", "status", "queue_at"], name="ticket_queue_idx"),
            # figures and the display: centre = … AND day = …
            models.Index(fields=["centre", "day"], name="ticket_centre_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_status_display()}"

    @property
    def wait_seconds(self) -> float | None:
        if self.called_at is None:
            return None
        return (self.called_at - self.taken_at).total_seconds()

    @property
    def wait_minutes(self) -> int | None:
        seconds = self.wait_seconds
        return None if seconds is None else round(seconds / 60)

    @property
    def service_minutes(self) -> int | None:
        seconds = self.service_seconds
        return None if seconds is None else round(seconds / 60)

    @property
    def service_seconds(self) -> float | None:
        if self.served_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.served_at).total_seconds()


class TicketEvent(models.Model):
    """What happened to a ticket, by whom and where; calls and recalls feed the hall display."""

    class Kind(models.TextChoices):
        TAKEN = "taken", _("取号")
        CALLED = "called", _("叫号")
        RECALLED = "recalled", _("重呼")
        SERVING = "serving", _("开始办理")
        CASE_STARTED = "case_started", _("受理办件")
        TRANSFERRED = "transferred", _("转窗口")
        NO_SHOW = "no_show", _("过号")
        DONE = "done", _("办理完毕")
        ABANDONED = "abandoned", _("未办理离开")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("排队记录")
        verbose_name_plural = _("排队记录")
        indexes = [
            # the hall display: centre = … AND kind IN (called, recalled) ORDER BY id DESC
            models.Index(fields=["centre", "kind", "at"], name="ticket_event_display_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%H:%M}"


class Inquiry(models.Model):
    """首问负责制: whoever first receives a question owns it until it is answered or handed
    over with a record (InquiryHandover)."""

    class Status(models.TextChoices):
        OPEN = "open", _("处理中")
        ANSWERED = "answered", _("已答复")

    centre = models.ForeignKey(Centre, verbose_name=_("服务中心"), on_delete=models.PROTECT)
    question = models.TextField(_("咨询事项"))
    asker_name = models.CharField(_("咨询人"), max_length=50, blank=True)
    asker_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当前负责人"),
        on_delete=models.PROTECT,
        related_name="hall_inquiries",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    answer = models.TextField(_("答复"), blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("首问登记")
        verbose_name_plural = _("首问登记")
        indexes = [models.Index(fields=["owner", "status"], name="inquiry_owner_idx")]

    def __str__(self) -> str:
        return self.question[:30]


class InquiryHandover(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="handovers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("移交说明"), max_length=300)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("首问移交记录")
        verbose_name_plural = _("首问移交记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user}"


class Device(models.Model):
    """A hall kiosk (自助取号机) or a window's rating pad (评价器): a device session with one job.

    The centre administrator registers it, bound to a centre (a kiosk) or to one window (a pad).
    It signs in with its own token or a one-time pairing code, never with a staff member's
    password; its session is anonymous to Django's auth and reaches only its own pages
    (`onestop.hall.devices.DeviceSessionMiddleware`). Only SHA-256 digests are stored."""

    class Kind(models.TextChoices):
        KIOSK = "kiosk", _("自助取号机")
        RATING_PAD = "rating_pad", _("窗口评价器")

    name = models.CharField(_("名称"), max_length=60, help_text=_("例如“一楼大厅自助取号机 1 号”"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    centre = models.ForeignKey(
        Centre, verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="hall_devices"
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hall_devices",
        help_text=_("评价器必须绑定一个窗口；自助取号机不绑定窗口"),
    )
    # sha256 hex of the device token (shown once). A new pairing issues a new token, which ends
    # the sessions signed in with the old one. Lookup: WHERE token_hash = … (the unique index).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # sha256 hex of the one-time pairing code, blank once used; valid until pairing_expires_at.
    pairing_hash = models.CharField(max_length=64, blank=True, editable=False)
    pairing_expires_at = models.DateTimeField(_("配对码有效期至"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paired_at = models.DateTimeField(_("最近配对时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("大厅终端")
        verbose_name_plural = _("大厅终端")
        constraints = [
            # A pad rates the cases of its window; a kiosk serves the whole hall.
            models.CheckConstraint(
                condition=(Q(kind="rating_pad") & Q(window__isnull=False))
                | (Q(kind="kiosk") & Q(window__isnull=True)),
                name="hall_device_window_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"
