"""The administrator defines the stages and bundles (lead department, member items, limit,
extra form fields) and keeps the big-enterprise list; submissions change only through the
actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from onestop.catalog.models import ServiceItem
from onestop.parallel.models import (
    Consultation,
    KeyEnterprise,
    Liaison,
    Project,
    Submission,
    Track,
    TrackItem,
)


class TrackItemForm(forms.ModelForm):
    class Meta:
        model = TrackItem
        fields = ["item_code", "may_run_ahead", "order"]

    def clean_item_code(self) -> str:
        code = self.cleaned_data["item_code"].strip()
        if not ServiceItem.objects.filter(code=code, status=ServiceItem.Status.PUBLISHED).exists():
            raise ValidationError("没有已发布的该编码事项")
        return code


class TrackItemInline(admin.TabularInline):
    model = TrackItem
    form = TrackItemForm
    extra = 1


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "order", "lead_department", "limit_days", "active")
    list_filter = ("kind", "active")
    inlines = [TrackItemInline]


class LiaisonInline(admin.TabularInline):
    model = Liaison
    extra = 1
    autocomplete_fields = ["leader"]


@admin.register(KeyEnterprise)
class KeyEnterpriseAdmin(admin.ModelAdmin):
    list_display = ("applicant", "manager", "since")
    inlines = [LiaisonInline]
    autocomplete_fields = ["applicant", "manager"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "owner", "kind", "green", "account_manager")
    list_filter = ("kind", "green")
    search_fields = ("code", "name")
    readonly_fields = ("green", "green_decision_no", "green_decided_at", "created_at", "created_by")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("track", "applicant", "status", "accepted_at", "due_at")
    list_filter = ("status", "track")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("topic", "applicant", "held_at")
