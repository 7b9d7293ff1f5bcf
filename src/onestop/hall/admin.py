"""The hall in the admin: the administrator keeps the policy, the priority rules and the
windows' hours; queue and booking records are read-only (they change only through actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onestop.hall.models import (
    Booking,
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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
