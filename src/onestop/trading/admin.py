"""The expert pool and its conflicts are kept in the admin; projects, bids and credit records
are read here and changed only through their actions (the workbench)."""

from django.contrib import admin

from onestop.core.admin import ReadOnlyAdmin
from onestop.trading.models import Conflict, CreditRecord, Expert, Project


class ConflictInline(admin.TabularInline):
    model = Conflict
    extra = 1
    fields = ("kind", "credit_code", "project", "ended_on")
    autocomplete_fields = ("project",)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "employer", "status")
    list_filter = ("status",)
    search_fields = ("code", "name", "employer")
    inlines = [ConflictInline]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "kind", "status", "bid_deadline")
    list_filter = ("kind", "status")
    search_fields = ("code", "title")
    # Sealing material and the committee are not shown, and nothing is edited here.
    fields = ("code", "title", "kind", "method", "owner", "agency", "budget", "status")
    readonly_fields = fields


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "kind", "summary", "recorded_on", "valid_until")
    list_filter = ("subject", "kind")
    search_fields = ("name", "credit_code")
