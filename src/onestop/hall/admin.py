"""The hall in the admin: the administrator keeps the policy, the priority rules and the
windows' hours; queue and booking records are read-only (they change only through actions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from onestop.core.admin import ReadOnlyAdmin
from onestop.hall import devices
from onestop.hall.errors import HallError
from onestop.hall.models import (
    Booking,
    Device,
    HallPolicy,
    Inquiry,
    PriorityRule,
    Ticket,
    TicketEvent,
    WindowHours,
)


@admin.register(HallPolicy)
class HallPolicyAdmin(admin.ModelAdmin):
    list_display = ("centre", "wait_yellow_minutes", "wait_red_minutes", "no_show_limit")


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("centre", "category", "head_start_minutes", "note")
    list_filter = ("centre", "category")


@admin.register(WindowHours)
class WindowHoursAdmin(admin.ModelAdmin):
    list_display = (
        "window",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "slot_minutes",
        "capacity",
        "bookable",
    )
    list_filter = ("bookable", "window__zone__centre")
    autocomplete_fields = ()
    list_select_related = ("window",)


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("kind", "window", "actor", "at", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "day", "centre", "zone", "category", "status", "window", "case")
    list_filter = ("day", "status", "category", "centre")
    search_fields = ("number",)
    inlines = [TicketEventInline]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("code", "item", "centre", "window", "starts_at", "status")
    list_filter = ("status", "centre")
    search_fields = ("code", "phone")


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ("question", "centre", "received_by", "owner", "status", "created_at")
    list_filter = ("status",)


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ("name", "kind", "centre", "window", "active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and data.get("centre"):
            try:
                devices.check_binding(data["kind"], data["centre"], data.get("window"))
            except HallError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    """登记大厅终端: the token and the one-time pairing code are shown once, on saving."""

    form = DeviceForm
    list_display = ("name", "kind", "centre", "window", "active", "paired_at", "last_seen_at")
    list_filter = ("kind", "active", "centre")
    fields = ("name", "kind", "centre", "window", "active")
    readonly_fields = ("paired_at", "last_seen_at")
    actions = ["issue_pairing_code"]

    def save_model(self, request: HttpRequest, obj: Device, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        device, token, code = devices.register_device(
            name=obj.name,
            kind=obj.kind,
            centre=obj.centre,
            window=obj.window,
            actor=request.user if isinstance(request.user, User) else None,
            now=timezone.now(),
        )
        obj.pk = device.pk
        messages.warning(
            request,
            f"终端“{device.name}”已登记。配对码 {code}（{devices.PAIRING_HOURS} 小时内一次有效），"
            f"终端令牌 {token}。两者只显示这一次，请妥善交给终端管理人员。",
        )

    @admin.action(description="重新生成配对码")
    def issue_pairing_code(self, request: HttpRequest, queryset: Any) -> None:
        for device in queryset:
            code = devices.new_pairing_code(device, now=timezone.now())
            messages.warning(request, f"{device.name}：新配对码 {code}（只显示这一次）")
